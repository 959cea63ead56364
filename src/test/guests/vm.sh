# The virtual machine of the guests suite (sourced by run.sh, never run directly): the guest node
# "doro" of the SUSE Pacemaker Remote Quick Start (§4), for real.
#
# The guest is this run's tree (the cached Debian 12 root with the .deb installed by apt-get)
# made into an ext4 disk image (mkfs.ext4 -d, no loop device), booted by libvirt from the root's
# own kernel and initramfs, with pacemaker_remote enabled under the guest's systemd (§4.3) and the
# run's authkey. libvirtd runs in the cluster node's namespaces, started by hand (there is no
# systemd on the host), with a configuration of the suite's own bound over /etc/libvirt; the
# guest's network is a bridge inside the cluster node's network namespace. The cluster manages it
# exactly as §4.4 writes it (crmsh):
#   crm configure primitive vm-doro ocf:heartbeat:VirtualDomain params hypervisor="qemu:///system"
#       config="/etc/pacemaker/doro.xml" meta remote-node=doro
# KVM is used when it boots a kernel on this machine, else TCG (domain type "qemu"); the probe's
# verdict is cached per kernel and QEMU version. A JVM under TCG is slow: op_defaults timeout
# gives the guest's boot (the connection's start) and shutdown time.
# The suite reaches inside the guest through the QEMU guest agent (virsh qemu-agent-command), and
# a drop-in of the suite's makes the guest print each exit of pacemaker_remote on its console.

VM_SCENARIOS=(vm_guest_online vm_dummy_on_doro vm_kill9_recovered vm_stop_moves_dummy)
VM_PKGS=(qemu-system-x86 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients crmsh e2fsprogs python3)
VM_NAME=doro
VM_RSC=vm-doro
VM_DUMMY=fake1
VM_BR=jrgu-br0
VM_BR_IP=10.231.73.1
VM_IP=10.231.73.2
VM_MAC=52:54:00:e7:49:02
VM_MEM_MIB=${VM_MEM_MIB:-1024}
VM_CPUS=${VM_CPUS:-2}
# Time for a guest to boot to a listening daemon, or to shut down (TCG: a JVM is slow there).
VM_OP_TIMEOUT=${VM_OP_TIMEOUT:-240}
VM_ACCEL=
VIRSH=(virsh -q -c qemu:///system)

vm_dir() { echo "$RESULTS/vm"; }
vm_hosts_entries() { echo "$VM_IP $VM_NAME"; }
vm_console() { echo "$(vm_dir)/console.log"; }
vm_log_files() {
    local f
    for f in "$(vm_console)" "$(vm_dir)/log-libvirt/libvirtd.log" "$(vm_dir)/log-libvirt/qemu/$VM_NAME.log"; do
        [ -f "$f" ] && echo "$f"
    done
    return 0
}
vsh() { cl "${VIRSH[@]}" "$@"; }

guest_kernel() { ls "$GUEST_ROOT"/boot/vmlinuz-* | sort -V | tail -1; }
guest_initrd() { ls "$GUEST_ROOT"/boot/initrd.img-* | sort -V | tail -1; }

# vm_accel: "kvm" if QEMU with KVM boots the guest's kernel here (it prints its banner on the
# serial console within 15 s), else "qemu" (TCG). Cached in $GUEST_CACHE.
vm_accel() {
    local key verdict out
    key=$( { uname -r; qemu-system-x86_64 --version | head -1; basename "$(guest_kernel)"; } | sha256sum | cut -c1-12)
    verdict=$(cat "$GUEST_CACHE/accel-$key" 2>/dev/null)
    if [ -z "$verdict" ]; then
        verdict=qemu
        if [ -w /dev/kvm ]; then
            out=$(timeout 15 qemu-system-x86_64 -accel kvm -m 256 -display none -serial stdio -no-reboot \
                -kernel "$(guest_kernel)" -append 'console=ttyS0 panic=-1 root=/dev/nonexistent' 2>&1)
            [[ $out == *"Linux version"* ]] && verdict=kvm
        fi
        echo "$verdict" > "$GUEST_CACHE/accel-$key"
    fi
    echo "$verdict"
}

# free_id FILE: a system id (third field) no entry of FILE uses.
free_id() { local i=999; while cut -d: -f3 "$1" | grep -qx "$i"; do i=$((i - 1)); done; echo "$i"; }

vm_prepare() {
    local d; d=$(vm_dir)
    mkdir -p "$d"/etc-libvirt/qemu "$d"/lib-libvirt "$d"/log-libvirt "$d"/cache-libvirt || return 1
    # Root only, no polkit (there is no D-Bus system bus next to the cluster node).
    cat > "$d/etc-libvirt/libvirtd.conf" <<'EOF'
unix_sock_group = "root"
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
    # QEMU as root, without cgroups, private namespaces, security labels or virtlogd: none of
    # them exists or matters next to a cluster node in a network namespace.
    cat > "$d/etc-libvirt/qemu.conf" <<'EOF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
swtpm_user = "root"
swtpm_group = "root"
EOF
    # (The host gets the mount points only, if its libvirt packages did not create them.)
    mkdir -p /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt || return 1
    add_mount cluster "$d/etc-libvirt" /etc/libvirt
    # libvirt's QEMU driver resolves its built-in user and group (libvirt-qemu, kvm) before it
    # reads qemu.conf; without libvirt-daemon-system nobody created them: the cluster node sees
    # the host's passwd and group files with them added.
    cp /etc/passwd "$d/passwd" && cp /etc/group "$d/group" || return 1
    local u g
    for g in libvirt-qemu kvm; do
        getent group "$g" >/dev/null || echo "$g:x:$(free_id /etc/group):" >> "$d/group"
    done
    getent passwd libvirt-qemu >/dev/null ||
        echo "libvirt-qemu:x:$(free_id /etc/passwd):$(awk -F: '$1 == "kvm" { print $3 }' "$d/group"):libvirt:/var/lib/libvirt:/usr/sbin/nologin" >> "$d/passwd"
    add_mount cluster "$d/passwd" /etc/passwd
    add_mount cluster "$d/group" /etc/group
    add_mount cluster "$d/lib-libvirt" /var/lib/libvirt
    add_mount cluster "$d/log-libvirt" /var/log/libvirt
    add_mount cluster "$d/cache-libvirt" /var/cache/libvirt
    VM_ACCEL=$(vm_accel)
    log "virtual machine: domain type '$VM_ACCEL' ($([ "$VM_ACCEL" = kvm ] && echo KVM || echo 'TCG: KVM does not boot a kernel here'))"
    cat > "$(node_dir cluster)/etc-pacemaker/$VM_NAME.xml" <<EOF
<domain type='$VM_ACCEL'>
  <name>$VM_NAME</name>
  <memory unit='MiB'>$VM_MEM_MIB</memory>
  <vcpu>$VM_CPUS</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$(guest_kernel)</kernel>
    <initrd>$(guest_initrd)</initrd>
    <cmdline>root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$d/$VM_NAME.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <source bridge='$VM_BR'/>
      <mac address='$VM_MAC'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='$(vm_console)' append='on'/>
      <target port='0'/>
    </serial>
    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

# vm_disk: the guest's disk from the run's tree (mounted in the cluster node): the guest's own
# settings, §4.3's "systemctl enable pacemaker_remote", then mkfs.ext4 -d.
vm_disk() {
    local d t0; d=$(vm_dir) t0=$(now_ms)
    cl sh -c '
        set -e
        t=$1
        echo "$2" > "$t/etc/hostname"
        printf "127.0.0.1 localhost\n%s %s\n" "$3" "$2" > "$t/etc/hosts"
        echo "/dev/vda / ext4 rw,relatime 0 1" > "$t/etc/fstab"
        mkdir -p "$t/etc/systemd/network"
        printf "[Match]\nName=eth0\n[Network]\nAddress=%s/24\n" "$3" > "$t/etc/systemd/network/10-jrgu.network"
        # Each stop of the daemon, on the console (the suite reads it from outside).
        mkdir -p "$t/etc/systemd/system/pacemaker_remote.service.d"
        printf "%s\n" "# jremoted guests suite: report every exit of the daemon on the console" "[Service]" \
            "ExecStopPost=/bin/sh -c '\''echo \"jremoted-test: pacemaker_remote stopped: result=\$SERVICE_RESULT code=\$EXIT_CODE status=\$EXIT_STATUS\" > /dev/console'\''" \
            > "$t/etc/systemd/system/pacemaker_remote.service.d/jremoted-test.conf"
        # A guest under TCG needs the daemon warmed up before it listens (etc/sysconfig/pacemaker).
        echo "JREMOTED_WARMUP=yes" >> "$t/etc/default/pacemaker"
        cp "$4" "$t/tmp/authkey"
        chroot "$t" install -o hacluster -g haclient -m 0640 /tmp/authkey /etc/pacemaker/authkey
        rm -f "$t/tmp/authkey"
        chroot "$t" systemctl enable pacemaker_remote systemd-networkd
        # What would only compete with the daemon for the slow guest CPU: timers, gettys, the
        # logging daemon of cluster-glue (a dependency of resource-agents).
        chroot "$t" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
            dpkg-db-backup.timer systemd-tmpfiles-clean.timer e2scrub_reap.service logd.service getty@tty1.service
    ' vm-disk "$TREE" "$VM_NAME" "$VM_IP" "$KEY" || return 1
    rm -f "$d/$VM_NAME.img"
    cl mkfs.ext4 -q -F -L "$VM_NAME" -d "$TREE" "$d/$VM_NAME.img" 4G || return 1
    log "guest disk $d/$VM_NAME.img made in $(( $(now_ms) - t0 )) ms"
}

vm_start_libvirtd() {
    local d; d=$(node_dir cluster)
    cl ip link add "$VM_BR" type bridge && cl ip addr add "$VM_BR_IP/24" dev "$VM_BR" && cl ip link set "$VM_BR" up || return 1
    spawn_in_node cluster "$d/libvirtd.pid" "$d/libvirtd.out" libvirtd || return 1
    wait_for 60 "libvirtd to answer" vsh uri >/dev/null 2>&1
}

# ------------------------------------------------------------------ inside the guest
# vm_exec CMD: run a shell command in the guest through the guest agent; its output on stdout,
# its exit status as ours (2 when the agent does not answer).
vm_exec() {
    local req pid st i
    req=$(python3 -c 'import json,sys; print(json.dumps({"execute": "guest-exec", "arguments": {"path": "/bin/sh", "arg": ["-c", sys.argv[1]], "capture-output": True}}))' "$1")
    pid=$(vsh qemu-agent-command "$VM_NAME" "$req" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])' 2>/dev/null) || return 2
    for i in $(seq 1 60); do
        st=$(vsh qemu-agent-command "$VM_NAME" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}" 2>/dev/null) || return 2
        python3 -c '
import base64, json, sys
r = json.loads(sys.argv[1])["return"]
if not r.get("exited"): sys.exit(99)
sys.stdout.write(base64.b64decode(r.get("out-data", "")).decode(errors="replace"))
sys.exit(r.get("exitcode", 2))' "$st"
        local rc=$?
        [ $rc != 99 ] && return $rc
        sleep 0.5
    done
    return 2
}

# ------------------------------------------------------------------ observations
vm_domid() { vsh domid "$VM_NAME" 2>/dev/null | grep -E '^[0-9]+$'; }
vm_off() { [ -z "$(vm_domid)" ]; }
guest_node_online() {
    # (2.1.5 prints "GuestOnline: [ doro ]", later versions "[ doro@<host> ]".)
    node_online "$VM_NAME" && [[ $(cl crm_mon -1 2>/dev/null) =~ GuestOnline:\ \[\ $VM_NAME[@\ ] ]]
}
# The daemon in the guest: pacemaker_remote.service's main process, the package's jar.
vm_daemon_pid() { vm_exec 'systemctl show -p MainPID --value pacemaker_remote' | grep -E '^[1-9][0-9]*$'; }
dummy_on_guest() {
    running_on "$VM_DUMMY" "$VM_NAME" && vm_exec "test -e /run/Dummy-$VM_DUMMY.state" >/dev/null &&
        [ ! -e "$(node_dir cluster)/run/Dummy-$VM_DUMMY.state" ]
}
dummy_on_node() { running_on "$VM_DUMMY" "$CL_NODE" && [ -e "$(node_dir cluster)/run/Dummy-$VM_DUMMY.state" ]; }
console_stops() { grep -a 'jremoted-test: pacemaker_remote stopped' "$(vm_console)" 2>/dev/null; }

ensure_vm() {
    local t0; t0=$(now_ms)
    guest_node_online && return 0
    bundle_remove   # (crmsh cannot read a CIB with a podman bundle in it)
    if ! cl cibadmin -Q --xpath "//primitive[@id='$VM_RSC']" >/dev/null 2>&1; then
        # Time for the slow guest: the connection's start waits for the daemon to listen.
        cl crm configure op_defaults timeout="${VM_OP_TIMEOUT}s" >/dev/null 2>&1 ||
            { fail "crm configure op_defaults failed"; return 1; }
        cl crm configure primitive "$VM_RSC" ocf:heartbeat:VirtualDomain params hypervisor="qemu:///system" \
            config="/etc/pacemaker/$VM_NAME.xml" meta remote-node="$VM_NAME" >"$RESULTS/crm.out" 2>&1 ||
            { fail "crm configure primitive $VM_RSC failed: $(tail -1 "$RESULTS/crm.out")"; return 1; }
        # The connection's start gives up after remote-connect-timeout (60 s unless set), too short
        # for a guest under TCG. Set while the VM resource starts (libvirt takes seconds for that),
        # so the connection's start, scheduled after it, already uses it.
        cl crm resource meta "$VM_RSC" set remote-connect-timeout "${VM_OP_TIMEOUT}s" >>"$RESULTS/crm.out" 2>&1 ||
            { fail "crm resource meta $VM_RSC set remote-connect-timeout failed"; return 1; }
    else
        cl crm resource start "$VM_RSC" >/dev/null 2>&1
        cl crm resource cleanup "$VM_RSC" >/dev/null 2>&1
    fi
    wait_for "$VM_OP_TIMEOUT" "guest node $VM_NAME online" guest_node_online ||
        { fail "guest node $VM_NAME not online (domain id '$(vm_domid)', $VM_RSC on '$(where "$VM_RSC")')"; return 1; }
    log "guest node $VM_NAME online $(( $(now_ms) - t0 )) ms after $VM_RSC was started"
}
ensure_dummy_on_guest() {
    dummy_on_guest && return 0
    if ! cl cibadmin -Q --xpath "//primitive[@id='$VM_DUMMY']" >/dev/null 2>&1; then
        cl crm configure primitive "$VM_DUMMY" ocf:pacemaker:Dummy >/dev/null 2>&1 || { fail "crm configure primitive $VM_DUMMY failed"; return 1; }
    fi
    cl crm resource move "$VM_DUMMY" "$VM_NAME" >"$RESULTS/crm.out" 2>&1 ||
        { fail "crm resource move $VM_DUMMY $VM_NAME failed: $(tail -1 "$RESULTS/crm.out")"; return 1; }
    wait_for 60 "$VM_DUMMY Started on $VM_NAME" dummy_on_guest ||
        { fail "$VM_DUMMY is on '$(where "$VM_DUMMY")', not on $VM_NAME (or its state file is not in the guest)"; return 1; }
}

# ------------------------------------------------------------------ scenarios
# §4.4: the VM resource starts the guest, the cluster connects to the daemon the guest's systemd
# started (the .deb's, enabled as §4.3 says), doro shows as GuestOnline.
scenario_vm_guest_online() {
    ensure_vm || return 1
    local out pid
    out=$(vm_exec 'systemctl is-enabled pacemaker_remote; systemctl is-active pacemaker_remote') ||
        { fail "the guest agent did not answer"; return 1; }
    [ "$(echo $out)" = "enabled active" ] || { fail "pacemaker_remote in the guest: '$(echo $out)', not 'enabled active'"; return 1; }
    pid=$(vm_daemon_pid) || { fail "no main process of pacemaker_remote in the guest"; return 1; }
    out=$(vm_exec "tr '\\0' ' ' < /proc/$pid/cmdline; dpkg-query -W -f='\${Version}' jremoted")
    [[ $out == *"-jar /usr/share/jremoted/"*"jremoted.jar"* ]] ||
        { fail "the guest's daemon is not the package's jremoted: $out"; return 1; }
    log "in the guest: $VM_ACCEL, daemon pid $pid, jremoted ${out##* }"
}

# §4.5: a Dummy, moved onto doro with crmsh, Started there (its state file in the guest's /run).
scenario_vm_dummy_on_doro() {
    ensure_vm || return 1
    ensure_dummy_on_guest || return 1
    local st; st=$(cl crm status 2>/dev/null)
    grep -Eq "$VM_DUMMY[[:space:]]+\(ocf:+pacemaker:Dummy\):[[:space:]]+Started $VM_NAME" <<<"$st" ||
        { fail "crm status does not show $VM_DUMMY Started on $VM_NAME"; return 1; }
}

# kill -9 of the daemon inside the VM: the cluster loses the guest node and recovers it by
# restarting the VM (a new domain); the daemon comes up again with the guest, the Dummy back on doro.
scenario_vm_kill9_recovered() {
    ensure_vm && ensure_dummy_on_guest || return 1
    local id pid t0; id=$(vm_domid) pid=$(vm_daemon_pid)
    [ -n "$pid" ] || { fail "no daemon in the guest"; return 1; }
    t0=$(now_ms)
    vm_exec "kill -9 $pid" >/dev/null
    wait_for 60 "the loss of $VM_NAME to be noticed" node_not_online "$VM_NAME" ||
        { fail "the cluster did not notice the daemon's death"; return 1; }
    wait_for $((VM_OP_TIMEOUT * 2)) "$VM_NAME restarted with $VM_DUMMY on it" vm_recovered "$id" ||
        { fail "not recovered: domain id '$(vm_domid)' (was $id), online=$(node_online "$VM_NAME" && echo yes || echo no), $VM_DUMMY on '$(where "$VM_DUMMY")'"; return 1; }
    grep -aq 'pacemaker_remote stopped: result=signal code=killed status=KILL' "$(vm_console)" ||
        { fail "the guest's console does not show the daemon killed by SIGKILL"; return 1; }
    log "recovered in $(( $(now_ms) - t0 )) ms: domain $id -> $(vm_domid)"
}
vm_recovered() { local n; n=$(vm_domid) && [ "$n" != "$1" ] && guest_node_online && dummy_on_guest; }

# Stopping vm-doro: the Dummy moves to the cluster node first (its stop on doro ends before the
# VM's stop begins), the guest shuts down, and the daemon in it exits with status 0.
scenario_vm_stop_moves_dummy() {
    ensure_vm && ensure_dummy_on_guest || return 1
    local plog lstop lvm n0; plog=$(node_dir cluster)/log-pacemaker/pacemaker.log
    n0=$(console_stops | wc -l)
    cl crm resource stop "$VM_RSC" >/dev/null 2>&1 || { fail "crm resource stop $VM_RSC failed"; return 1; }
    wait_for "$VM_OP_TIMEOUT" "$VM_RSC stopped and $VM_DUMMY on $CL_NODE" vm_stopped_dummy_moved ||
        { fail "after stopping $VM_RSC: domain id '$(vm_domid)', $VM_DUMMY on '$(where "$VM_DUMMY")'"; return 1; }
    lstop=$(grep -n "Result of stop operation for $VM_DUMMY on $VM_NAME: ok" "$plog" | tail -1 | cut -d: -f1)
    lvm=$(grep -n "Requesting local execution of stop operation for $VM_RSC" "$plog" | tail -1 | cut -d: -f1)
    [ -n "$lstop" ] && [ -n "$lvm" ] && [ "$lstop" -lt "$lvm" ] ||
        { fail "no stop of $VM_DUMMY on $VM_NAME before the stop of $VM_RSC in $plog (lines '$lstop' '$lvm')"; return 1; }
    local last; last=$(console_stops | tail -n +$((n0 + 1)) | tail -1)
    [[ $last == *"result=success code=exited status=0"* ]] ||
        { fail "the daemon in the guest did not exit 0 (console: '${last:-no stop reported}')"; return 1; }
    grep -q 'Pacemaker remote executor exiting (status 0)' <(cl debugfs -R 'cat /var/log/pacemaker/pacemaker.log' "$(vm_dir)/$VM_NAME.img" 2>/dev/null) ||
        { fail "the daemon's log in the guest's disk has no clean exit"; return 1; }
}
vm_stopped_dummy_moved() { vm_off && dummy_on_node; }

vm_teardown() {
    local h d; d=$(node_dir cluster 2>/dev/null)
    h=$(cat "$d/holder.pid" 2>/dev/null)
    if [ -n "$h" ] && pid_alive "$h"; then
        vsh destroy "$VM_NAME" >/dev/null 2>&1
        [ -f "$d/libvirtd.pid" ] && stop_pid "$(cat "$d/libvirtd.pid")" 10
    fi
    return 0
}
