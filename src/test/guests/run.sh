#!/usr/bin/env bash
# Guest-node suite: jremoted inside real guests of an unmodified Debian Pacemaker 2.1.5 cluster
# node, the node set up exactly as the cluster suite does it (../cluster/lib.sh, sourced):
#
#   * a Pacemaker bundle run by Debian's podman: an image imported from a Debian 12 root with the
#     .deb installed, jremoted the container's first process in PID-1 mode (jremoted-init + tini),
#     a Dummy inside; recovery after kill -9 of the daemon, clean stop;
#   * a QEMU virtual machine under ocf:heartbeat:VirtualDomain and libvirtd: Debian 12 booting
#     from a disk image with the .deb installed and pacemaker_remote enabled under systemd, as the
#     SUSE Quick Start's guest node "doro" (vm.sh).
#
#   run.sh [--only NAME,...] [--keep] [--teardown] [--results DIR] [--list]
#
# The Debian root is built once with debootstrap and cached in /var/cache/jremoted-test/guests/
# (GUEST_CACHE), with podman's image store; per run only the .deb (target/jremoted_*_amd64.deb,
# or JREMOTED_DEB) is installed into an overlay of it. Prints "PASS name (time)" or
# "FAIL name (time): reason" per scenario and one line "guests: N passed, N failed".
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
# Our own namespace names (the cluster suites may run at the same time).
CL_NS=${GUESTS_NS:-jrgu}-node RM_NS=${GUESTS_NS:-jrgu}-rem BAD_NS=${GUESTS_NS:-jrgu}-bad
SUITE_TAG=guests
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
# shellcheck source=images.sh
source "$HERE/images.sh"
# shellcheck source=bundle.sh
source "$HERE/bundle.sh"
# shellcheck source=vm.sh
source "$HERE/vm.sh"

SCENARIOS=("${BUNDLE_SCENARIOS[@]}" "${VM_SCENARIOS[@]}")
SUITE_NAME=${GUESTS_SUITE_NAME:-guests}

RESULTS=${GUESTS_RESULTS:-$ROOT/target/guests-results}
usage() { sed -n '2,18p' "$0"; }
parse_suite_options "$@"

teardown_guests() {
    vm_teardown
    bundle_teardown
    destroy_namespaces
}
suite_teardown() {
    stop_cluster >/dev/null 2>&1
    teardown_guests
}
# The logs a failing scenario points at: the cluster node's, then the guests'.
suite_log_files() {
    bundle_log_files
    vm_log_files
}
suite_begin "$SUITE_NAME" --leftovers teardown_guests

want_bundle=0 want_vm=0
for s in "${SELECTED[@]}"; do
    in_list "$s" "${BUNDLE_SCENARIOS[@]}" && want_bundle=1
    in_list "$s" "${VM_SCENARIOS[@]}" && want_vm=1
done

# ------------------------------------------------------------------ setup
log "results: $RESULTS"
JREMOTED_DEB=${JREMOTED_DEB:-$(ls -t "${BUILD_DIR:-$ROOT/target}"/jremoted_*_amd64.deb 2>/dev/null | head -1)}
[ -f "$JREMOTED_DEB" ] || setup_failed "no .deb (run mvn package, or set JREMOTED_DEB)"
log "package under test: $JREMOTED_DEB"
[ $want_bundle = 1 ] && REQUIRED_PKGS+=("${BUNDLE_PKGS[@]}")
[ $want_vm = 1 ] && REQUIRED_PKGS+=("${VM_PKGS[@]}")
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]}"
ensure_guest_root || setup_failed "no Debian 12 guest root at $GUEST_ROOT"

teardown_guests
prepare_results .jrgu-results
prepare_cluster_node
# Host names the cluster node resolves: its own (a bundle's connection goes to the node running
# the container) and the virtual machine's.
{ echo "127.0.0.1 localhost"; echo "$CL_IP $CL_NODE"; vm_hosts_entries; } > "$(node_dir cluster)/hosts"
add_mount cluster "$(node_dir cluster)/hosts" /etc/hosts
[ $want_bundle = 1 ] && { bundle_prepare || setup_failed "could not prepare podman's configuration"; }
[ $want_vm = 1 ] && { vm_prepare || setup_failed "could not prepare libvirt's configuration"; }
start_nodes cluster
[ $want_bundle = 1 ] && { bundle_node_cgroups || setup_failed "could not mount the cgroup hierarchies in the cluster node"; }
t_setup=$(now_ms)
# Install the .deb into an overlay of the cached root: the container image and the VM disk.
guest_tree_build "$JREMOTED_DEB" $want_bundle $want_vm || setup_failed "could not build the guest images (see $RESULTS/images.log)"
log "guest images ready in $(( $(now_ms) - t_setup )) ms"
t_setup=$(now_ms)
start_cluster || setup_failed "cluster node did not come up (corosync/pacemakerd)"
log "cluster node $CL_NODE up in $(( $(now_ms) - t_setup )) ms"
[ $want_vm = 1 ] && { vm_start_libvirtd || setup_failed "libvirtd did not start in the cluster node"; }

# ------------------------------------------------------------------ scenarios
run_scenarios
teardown
summary_and_exit
