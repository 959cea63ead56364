#!/usr/bin/env bash
# Real-cluster suite against Pacemaker 3.0: the cluster node runs Debian 13's corosync and
# pacemakerd (3.0.0) from a debootstrapped root, the daemon under test ($REMOTED_CMD, default
# <project>/bin/jremoted) is the remote node. Same namespace layout, helpers and scenarios as the
# 2.1.5 suite in ../cluster (sourced, not copied); only the cluster node differs: every command
# for it runs chrooted into the trixie root, inside the node's namespaces.
#
#   run.sh [--only NAME,...] [--keep] [--teardown] [--results DIR] [--list]
#
# The root is built once with debootstrap (a few minutes, needs the Debian mirror) and cached in
# $TRIXIE_ROOT (default /var/cache/jremoted-test/trixie-root); later runs only bind-mount it.
# Prints "PASS name (time)" / "FAIL name (time): reason" and one line "cluster3: N passed, N failed".
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
# Our own namespace names, so this suite can run while the 2.1.5 one does.
CL_NS=jrc3-node RM_NS=jrc3-rem BAD_NS=jrc3-bad
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
# shellcheck source=../cluster/scenarios.sh
source "$ROOT/src/test/cluster/scenarios.sh"

TRIXIE_ROOT=${TRIXIE_ROOT:-/var/cache/jremoted-test/trixie-root}
TRIXIE_MIRROR=${TRIXIE_MIRROR:-http://deb.debian.org/debian}
TRIXIE_PKGS=pacemaker,pacemaker-cli-utils,corosync,resource-agents,iproute2,procps

SCENARIOS3=(cluster_is_3_0 remote_online dummy_on_remote move_and_back monitor_failure kill9_recovery
            graceful_shutdown)

# ------------------------------------------------------------------ the cluster node in a chroot
# Everything the library runs "in the cluster node" goes through in_node, so chrooting there is
# enough: corosync, pacemakerd, cibadmin, crm_mon ... are then the trixie ones.
eval "lib_$(declare -f in_node)"
in_node() {
    local tag=$1; shift
    if [ "$tag" = cluster ]; then lib_in_node cluster chroot "$TRIXIE_ROOT" "$@"; else lib_in_node "$tag" "$@"; fi
}
# The cluster node's bind mounts land inside the root (in the node's private mount namespace, so
# the cached root itself is never changed by a run).
add_mount() {
    local dst=$3
    [ "$1" = cluster ] && dst=$TRIXIE_ROOT$3
    printf '%s %s\n' "$2" "$dst" >> "$(node_dir "$1")/mounts"
}
# The library gives files to the host's hacluster; inside the root that user has other ids.
fix_cluster_owners() {
    local d hu hg cu cg; d=$(node_dir cluster)
    hu=$(id -u hacluster) hg=$(getent group haclient | cut -d: -f3)
    cu=$(awk -F: '$1=="hacluster"{print $3}' "$TRIXIE_ROOT/etc/passwd")
    cg=$(awk -F: '$1=="haclient"{print $3}' "$TRIXIE_ROOT/etc/group")
    [ -n "$cu" ] && [ -n "$cg" ] || return 1
    find "$d" -uid "$hu" -exec chown -h "$cu" {} +
    find "$d" -gid "$hg" -exec chgrp -h "$cg" {} +
}

# Pacemaker 3.0 records membership in node_state/@in_ccm as the time the node joined instead of
# "true"; the library's checks look for "true" only.
in_ccm_member() { grep -Eq 'in_ccm="(true|[1-9][0-9]*)"'; }
node_online() {
    [ "$(mon_xml | xq "string(//nodes/node[@name='$1']/@online)")" = true ] &&
    cl cibadmin -Q --xpath "//node_state[@uname='$1']" 2>/dev/null | in_ccm_member
}
node_lost() {
    ! cl cibadmin -Q --xpath "//node_state[@uname='$1']" 2>/dev/null | in_ccm_member &&
    [ "$(failcount "$1" "$CL_NODE")" -ge 1 ] 2>/dev/null
}

ensure_trixie_root() {
    if [ -e "$TRIXIE_ROOT/.jremoted-ready" ] && [ -x "$TRIXIE_ROOT/usr/sbin/pacemakerd" ]; then return 0; fi
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >&2 || return 1
    log "building $TRIXIE_ROOT with debootstrap (once; several minutes)"
    rm -rf "$TRIXIE_ROOT.tmp"
    mkdir -p "$(dirname "$TRIXIE_ROOT")"
    debootstrap --variant=minbase --include="$TRIXIE_PKGS" trixie "$TRIXIE_ROOT.tmp" "$TRIXIE_MIRROR" \
        > "$(dirname "$TRIXIE_ROOT")/debootstrap.log" 2>&1 || {
        log "debootstrap failed: $(dirname "$TRIXIE_ROOT")/debootstrap.log"; return 1; }
    touch "$TRIXIE_ROOT.tmp/.jremoted-ready"
    mv "$TRIXIE_ROOT.tmp" "$TRIXIE_ROOT"
}

# ------------------------------------------------------------------ 3.0-only checks
# The cluster node really is 3.0, and the controller's connection to the daemon under test works.
scenario_cluster_is_3_0() {
    local v; v=$(cl pacemakerd --version 2>/dev/null | head -1)
    case $v in "Pacemaker 3."*) log "cluster node runs $v" ;; *) fail "cluster node is not Pacemaker 3: '$v'"; return 1 ;; esac
    ensure_remote_node || return 1
    # 3.0 controllers register as IPC providers with protocol 1.2 and read uptime from our reply.
    grep -qs 'Pacemaker Remote node .* uptime\|remote.*uptime\|lrmd_protocol_version="1.2"' \
        "$(node_dir cluster)/log-pacemaker/pacemaker.log" "$(node_dir remote)/remoted.log" &&
        log "sign-on details visible in the logs"
    return 0
}

# ------------------------------------------------------------------ options
ONLY= KEEP=0 TEARDOWN_ONLY=0
RESULTS=${CLUSTER3_RESULTS:-$ROOT/target/cluster3-results}
while [ $# -gt 0 ]; do
    case $1 in
        --only) ONLY=${2:-}; shift ;;
        --only=*) ONLY=${1#--only=} ;;
        --keep) KEEP=1 ;;
        --teardown) TEARDOWN_ONLY=1 ;;
        --results) RESULTS=${2:-}; shift ;;
        --results=*) RESULTS=${1#--results=} ;;
        --list) printf '%s\n' "${SCENARIOS3[@]}"; exit 0 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 64 ;;
    esac
    shift
done
RESULTS=$(mkdir -p "$RESULTS" && cd "$RESULTS" && pwd -P) || { echo "cannot create $RESULTS" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run.sh: must run as root"; echo "cluster3: 0 passed, 1 failed"; exit 1; }
if [ $TEARDOWN_ONLY = 1 ]; then destroy_namespaces; log "torn down"; exit 0; fi

SELECTED=()
if [ -n "$ONLY" ]; then
    IFS=',' read -r -a wanted <<<"$ONLY"
    for w in "${wanted[@]}"; do
        printf '%s\n' "${SCENARIOS3[@]}" | grep -qx "$w" || { echo "unknown scenario: $w" >&2; exit 64; }
    done
    for s in "${SCENARIOS3[@]}"; do printf '%s\n' "${wanted[@]}" | grep -qx "$s" && SELECTED+=("$s"); done
else
    SELECTED=("${SCENARIOS3[@]}")
fi

PASSED=0 FAILED=0
summary_and_exit() { echo "cluster3: $PASSED passed, $FAILED failed"; [ $FAILED -eq 0 ]; exit $?; }
TORN_DOWN=0
teardown() {
    [ $TORN_DOWN = 1 ] && return
    TORN_DOWN=1
    if [ $KEEP = 1 ]; then
        log "--keep: left running; cluster tools: nsenter -t $(cat "$(node_dir cluster)/holder.pid" 2>/dev/null) -m -n -u chroot $TRIXIE_ROOT crm_mon -1"
        return
    fi
    stop_remoted remote 1 >/dev/null 2>&1
    stop_cluster >/dev/null 2>&1
    destroy_namespaces
}
on_signal() { log "interrupted"; FAILED=$((FAILED + 1)); teardown; summary_and_exit; }
trap teardown EXIT
trap on_signal INT TERM HUP
setup_failed() {
    local s
    log "setup failed: $*"
    for s in "${SELECTED[@]}"; do echo "FAIL $s: setup failed: $*"; FAILED=$((FAILED + 1)); done
    log_pointers | sed 's/^/  /'
    teardown
    summary_and_exit
}

# ------------------------------------------------------------------ setup
log "results: $RESULTS"
REMOTED_CMD=${REMOTED_CMD:-$ROOT/bin/jremoted}
log "daemon under test: $REMOTED_CMD"
read -r -a remoted_words <<<"$REMOTED_CMD"
command -v "${remoted_words[0]}" >/dev/null 2>&1 || setup_failed "REMOTED_CMD not executable: $REMOTED_CMD"
# The host still needs xmllint, ip, nsenter, and the agents the remote node runs.
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]} on the host"
ensure_trixie_root || setup_failed "no Debian 13 root at $TRIXIE_ROOT"

destroy_namespaces
if [ -n "$(ls -A "$RESULTS" 2>/dev/null)" ] && [ ! -e "$RESULTS/.jrc3-results" ]; then
    setup_failed "$RESULTS is not empty and not a results directory of this suite; refusing to clear it"
fi
find "$RESULTS" -mindepth 1 -delete 2>/dev/null
touch "$RESULTS/.jrc3-results"
mkdir -p "$RESULTS/keys"
KEY=$RESULTS/keys/authkey
WRONG_KEY=$RESULTS/keys/wrongkey
dd if=/dev/urandom of="$KEY" bs=4096 count=1 status=none
cp "$KEY" "$WRONG_KEY"
chmod 600 "$KEY" "$WRONG_KEY"

for tag in cluster remote; do prepare_node_dir "$tag"; done
mkdir -p "$(node_dir bad)"   # the library's log bookkeeping expects it
install -o hacluster -g haclient -m 0640 "$KEY" "$(node_dir cluster)/etc-pacemaker/authkey"
write_corosync_conf
seed_cib
fix_cluster_owners || setup_failed "no hacluster/haclient in $TRIXIE_ROOT"
# What a chroot needs besides the node's own directories; /dev/shm is the node's private tmpfs
# (mounted by the holder before these binds), and the results directory is visible at the same
# path inside so the library's pid and output files work unchanged.
mkdir -p "$TRIXIE_ROOT$RESULTS"
for m in /proc /sys /dev /dev/shm "$RESULTS"; do add_mount cluster "$m" "$m"; done
create_links || setup_failed "could not create namespaces/veth pairs (ip netns)"
start_holder cluster "$CL_NS" "$CL_NODE" || setup_failed "could not set up the cluster node's namespaces"
start_holder remote "$RM_NS" "$RM_NODE" || setup_failed "could not set up the remote node's namespaces"
t_setup=$(now_ms)
start_cluster || setup_failed "Pacemaker 3.0 cluster node did not come up (corosync/pacemakerd)"
log "cluster node $CL_NODE up in $(( $(now_ms) - t_setup )) ms"
start_remoted remote "$KEY" || log "remote daemon did not start; the scenarios will report it"

# ------------------------------------------------------------------ scenarios
for s in "${SELECTED[@]}"; do
    log "---- $s"
    mark_logs
    FAIL_REASON=
    t0=$(now_ms)
    "scenario_$s"
    rc=$?
    secs=$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN { printf "%.1f", ms / 1000 }')
    if [ $rc -eq 0 ]; then
        echo "PASS $s (${secs}s)"
        PASSED=$((PASSED + 1))
    else
        echo "FAIL $s (${secs}s): ${FAIL_REASON:-scenario returned $rc}"
        cl timeout 20 crm_mon -1 -rfA > "$RESULTS/$s.crm_mon.txt" 2>&1
        echo "  logs: (cluster state at failure: $RESULTS/$s.crm_mon.txt)"
        log_pointers
        FAILED=$((FAILED + 1))
    fi
done
teardown
summary_and_exit
