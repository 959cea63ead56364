VM_SCENARIOS=()
VM_PKGS=()
vm_teardown() { :; }
vm_prepare() { :; }
vm_log_files() { :; }
vm_hosts_entries() { :; }
vm_disk() { :; }
vm_start_libvirtd() { :; }
