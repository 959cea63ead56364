# Shared helpers of the real-cluster suite (sourced by run.sh, never run directly).
#
# Layout (README.md has the picture): three network namespaces joined by veth pairs,
#   $CL_NS  the cluster node: corosync + pacemakerd, started by hand
#   $RM_NS  the Pacemaker Remote node: the daemon under test ($REMOTED_CMD)
#   $BAD_NS a second remote node whose daemon reads the wrong key (scenario wrong_key)
# Each namespace is held open by a "holder" process (sleep) that also owns a private mount
# and UTS namespace. Pacemaker's directories (/run, /var/lib/pacemaker, /var/log/pacemaker,
# /etc/pacemaker, /etc/corosync, ...) are bind mounts of per-node directories under the results
# directory, so every run starts from an empty CIB, the host's files are never touched, and
# the logs stay readable after teardown. Everything else is entered with nsenter.

# ------------------------------------------------------------------ settings
CL_NS=${CL_NS:-jrcl-node}
RM_NS=${RM_NS:-jrcl-rem}
BAD_NS=${BAD_NS:-jrcl-bad}
# Two point-to-point links; addresses are private to the namespaces.
CL_IP=10.231.71.1
RM_IP=10.231.71.2
CL_IP2=10.231.72.1
BAD_IP=10.231.72.2
CL_NODE=jrcl-node1     # corosync/pacemaker name of the cluster node
RM_NODE=rnode1         # remote node (= id of its ocf:pacemaker:remote resource)
BAD_NODE=rbad          # remote node whose daemon has the wrong key
REMOTE_PORT=${REMOTE_PORT:-3121}
# Where the remote daemons keep Dummy state files; the same path on every node, but /run is
# private per node, so a resource's state file says on which node it really runs.
STATE_DIR=/run/resource-agents

# ------------------------------------------------------------------ output
SUITE_START=$(date +%s)
# SUITE_TAG names the suite in log lines (suites other than the cluster suite set it first).
log() { printf '[%s +%ss] %s\n' "${SUITE_TAG:-cluster}" "$(( $(date +%s) - SUITE_START ))" "$*" >&2; }
die() { log "fatal: $*"; exit 2; }
now_ms() { date +%s%3N; }

# snapshot_state: what is worth keeping of the moment a check fails (the cluster's view here;
# a suite without a cluster node defines its own after sourcing this file).
snapshot_state() { date '+%F %T'; cl timeout 20 crm_mon -1 -rfA; cl cibadmin -Q -o status; }

# Reason of the last failed check; scenarios set it and return 1.
FAIL_REASON=
fail() {
    FAIL_REASON=$*
    log "check failed: $*"
    # The state at the moment of failure (cleanups change it right after).
    if [ -n "${SNAPSHOT_FILE:-}" ] && [ ! -s "$SNAPSHOT_FILE" ]; then
        snapshot_state > "$SNAPSHOT_FILE" 2>&1
    fi
    return 1
}

# ------------------------------------------------------------------ command line
# parse_suite_options ARGS...: the options every suite takes (--only, --keep, --teardown,
# --results, --list, -h). A suite with options of its own defines suite_option OPTION VALUE,
# which returns 0 when it used OPTION alone, 10 when it also used VALUE, anything else when the
# option is unknown. The suite sets SCENARIOS (what --list prints), RESULTS (the default) and
# usage() first. Afterwards ONLY, KEEP, TEARDOWN_ONLY are set and RESULTS is an absolute path.
parse_suite_options() {
    ONLY= KEEP=0 TEARDOWN_ONLY=0
    local rc
    while [ $# -gt 0 ]; do
        case $1 in
            --only) ONLY=${2:-}; shift ;;
            --only=*) ONLY=${1#--only=} ;;
            --keep) KEEP=1 ;;
            --teardown) TEARDOWN_ONLY=1 ;;
            --results) RESULTS=${2:-}; shift ;;
            --results=*) RESULTS=${1#--results=} ;;
            --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
            -h|--help) usage; exit 0 ;;
            *)
                rc=1
                declare -F suite_option >/dev/null && { suite_option "$1" "${2:-}"; rc=$?; }
                case $rc in
                    0) ;;
                    10) shift ;;
                    *) echo "unknown option: $1" >&2; usage >&2; exit 64 ;;
                esac ;;
        esac
        shift
    done
    RESULTS=$(mkdir -p "$RESULTS" && cd "$RESULTS" && pwd -P) || { echo "cannot create $RESULTS" >&2; exit 2; }
}

# ------------------------------------------------------------------ the suite's frame
# suite_begin NAME [--leftovers FN] [--no-lock] [--no-root]: what every suite does once its
# options are parsed (and after it defined its hooks): root check, the suite lock (one run at a
# time per set of namespace names), --teardown (runs FN, default destroy_namespaces, and exits),
# the scenario selection (SELECTED from SCENARIOS and --only), the counters, and the traps that
# tear down and print the closing line "NAME: N passed, N failed".
# Hooks the suite defines: suite_teardown (stop everything; not called with --keep), and
# optionally suite_keep (what to say instead when --keep leaves things up) and suite_summary
# (printed just before the closing line).
suite_begin() {
    SUITE_NAME=$1; shift
    local leftovers=destroy_namespaces lock=1 root=1
    while [ $# -gt 0 ]; do
        case $1 in
            --leftovers) leftovers=$2; shift ;;
            --no-lock) lock=0 ;;
            --no-root) root=0 ;;
        esac
        shift
    done
    PASSED=0 FAILED=0 TORN_DOWN=0 SELECTED=()
    if [ $root = 1 ] && [ "$(id -u)" -ne 0 ]; then
        log "must run as root (namespaces, mounts)"; echo "FAIL setup: not root"; FAILED=1; summary_and_exit
    fi
    if [ $lock = 1 ] && ! lock_suite; then
        log "another run of this suite is still going; giving up"; echo "FAIL setup: suite lock"; FAILED=1; summary_and_exit
    fi
    if [ "$TEARDOWN_ONLY" = 1 ]; then "$leftovers"; log "torn down"; exit 0; fi
    select_scenarios "$ONLY" "${SCENARIOS[@]}"
    trap teardown EXIT
    trap on_signal INT TERM HUP
}

# summary_and_exit: the closing line; exit status 0 only if nothing failed.
summary_and_exit() {
    declare -F suite_summary >/dev/null && suite_summary
    echo "$SUITE_NAME: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ] && exit 0 || exit 1
}

# teardown: once per run (EXIT trap, signals, setup failures); --keep leaves everything up.
teardown() {
    [ "$TORN_DOWN" = 1 ] && return
    TORN_DOWN=1
    if [ "$KEEP" = 1 ]; then
        if declare -F suite_keep >/dev/null; then
            suite_keep
        else
            log "--keep: left running; cluster tools: nsenter -t $(cat "$(node_dir cluster)/holder.pid" 2>/dev/null) -m -n -u crm_mon -1"
        fi
        log "--keep: tear down with: $0 --teardown"
        return
    fi
    declare -F suite_teardown >/dev/null && suite_teardown
}
on_signal() { log "interrupted"; FAILED=$((FAILED + 1)); teardown; summary_and_exit; }

# setup_failed REASON: every selected scenario fails with REASON; tear down and close.
setup_failed() {
    local s
    log "setup failed: $*"
    for s in "${SELECTED[@]}"; do echo "FAIL $s: setup failed: $*"; FAILED=$((FAILED + 1)); done
    [ ${#SELECTED[@]} -gt 0 ] || { echo "FAIL setup: $*"; FAILED=$((FAILED + 1)); }
    log_pointers | sed 's/^/  /'
    teardown
    summary_and_exit
}

# daemon_under_test: REMOTED_CMD (the daemon command every suite runs; --c-daemon: the unpacked C
# daemon, default <project>/bin/jremoted), checked to be runnable. ROOT is the project directory.
daemon_under_test() {
    if [ "${USE_C:-0}" = 1 ]; then
        REMOTED_CMD=$(c_daemon_path) || setup_failed "cannot unpack the C daemon"
    fi
    REMOTED_CMD=${REMOTED_CMD:-$ROOT/bin/jremoted}
    log "daemon under test: $REMOTED_CMD"
    # REMOTED_CMD may carry arguments; its first word must be runnable.
    local words
    read -r -a words <<<"$REMOTED_CMD"
    command -v "${words[0]}" >/dev/null 2>&1 || setup_failed "REMOTED_CMD not executable: $REMOTED_CMD"
}

# ------------------------------------------------------------------ polling
# wait_for SECONDS DESCRIPTION CMD...: run CMD every 0.5 s until it succeeds; 1 on timeout.
wait_for() {
    local secs=$1 desc=$2; shift 2
    local deadline=$(( $(now_ms) + secs * 1000 ))
    while :; do
        if "$@"; then return 0; fi
        if [ "$(now_ms)" -ge "$deadline" ]; then
            log "timed out after ${secs}s waiting for: $desc"
            return 1
        fi
        sleep 0.5
    done
}

# ------------------------------------------------------------------ processes
# A process is alive if it exists and is not a zombie (our own children stay zombies until reaped).
pid_alive() {
    local st
    [ -n "${1:-}" ] || return 1
    st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}
pid_dead() { ! pid_alive "$1"; }

# stop_pid PID SECONDS: SIGTERM, then SIGKILL if still alive after SECONDS.
stop_pid() {
    local pid=$1 secs=${2:-10}
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    wait_for "$secs" "pid $pid to exit" pid_dead "$pid" && return 0
    kill -KILL "$pid" 2>/dev/null
    wait_for 5 "pid $pid to die" pid_dead "$pid"
}

# ------------------------------------------------------------------ packages
REQUIRED_PKGS=(pacemaker pacemaker-cli-utils corosync resource-agents libxml2-utils iproute2 util-linux procps)

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

ensure_packages() {
    local missing=() p
    for p in "${REQUIRED_PKGS[@]}"; do pkg_installed "$p" || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing: ${missing[*]}"
    # Installing corosync/pacemaker must not start services on the host (no systemd here anyway):
    # Debian's policy-rc.d hook forbids service starts for the duration of the install.
    local own_policy=0 rc
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
               --no-install-recommends "${missing[@]}")
    if ! "${apt[@]}" </dev/null; then
        apt-get update -q </dev/null
        "${apt[@]}" </dev/null
    fi
    rc=$?
    [ $own_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    return $rc
}

# The upstream C daemon, unpacked (never installed: it conflicts with the pacemaker package).
c_daemon_path() {
    local cache=${JREMOTED_CACHE:-/var/cache/jremoted-test} c
    for c in "${JREMOTED_C_DAEMON:-}" "$cache/pmremote/usr/sbin/pacemaker-remoted" /opt/pmremote/usr/sbin/pacemaker-remoted; do
        if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
    done
    local dl; dl=$(mktemp -d); chmod 777 "$dl"
    if (cd "$dl" && apt-get download -q pacemaker-remote </dev/null >&2) && mkdir -p "$cache/pmremote" \
        && dpkg-deb -x "$dl"/pacemaker-remote_*.deb "$cache/pmremote"; then
        rm -rf "$dl"; echo "$cache/pmremote/usr/sbin/pacemaker-remoted"; return 0
    fi
    rm -rf "$dl"; return 1
}

# ------------------------------------------------------------------ cached Debian roots
# debian_mirror: the host's own Debian mirror (uncommented apt sources only: Debian images name a
# snapshot in comments); nothing if there is none (debootstrap then uses its default).
# DEBIAN_MIRROR overrides it.
debian_mirror() {
    [ -n "${DEBIAN_MIRROR:-}" ] && { echo "$DEBIAN_MIRROR"; return; }
    grep -hvE '^[[:space:]]*#' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
        | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -1
}

# debian_root DIR SUITE INCLUDE [SETUP]: a root made by debootstrap (minbase plus the
# comma-separated INCLUDE), then SETUP DIR.tmp if given (a function: packages apt installs, files),
# built once and cached: ready when DIR/.jremoted-ready exists. A lock (DIR.lock) lets parallel
# suites wait for one build instead of racing; the root appears under DIR only when complete.
# The log is DIR.log. Returns 1 if the build failed.
debian_root() {
    local dir=$1 suite=$2 include=$3 setup=${4:-} fd rc=0
    [ -e "$dir/.jremoted-ready" ] && return 0
    mkdir -p "$(dirname "$dir")" || return 1
    exec {fd}>"$dir.lock" || return 1
    flock -w "${ROOT_LOCK_WAIT:-1800}" "$fd" || { exec {fd}>&-; return 1; }
    if [ ! -e "$dir/.jremoted-ready" ]; then
        command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >&2 </dev/null || rc=1
        log "building $dir ($suite) with debootstrap (once; a few minutes; log $dir.log)"
        # A build killed half-way may have left mounts (proc) in the unfinished root.
        awk -v t="$dir.tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
        rm -rf "$dir.tmp"
        if [ $rc = 0 ] && debootstrap --variant=minbase --include="$include" "$suite" "$dir.tmp" $(debian_mirror) \
                > "$dir.log" 2>&1 </dev/null; then
            if [ -n "$setup" ] && ! "$setup" "$dir.tmp" >> "$dir.log" 2>&1 </dev/null; then
                rc=1
            fi
        else
            rc=1
        fi
        if [ $rc = 0 ]; then
            touch "$dir.tmp/.jremoted-ready"
            rm -rf "$dir"
            mv "$dir.tmp" "$dir"
        else
            log "building $dir failed: $dir.log"; tail -5 "$dir.log" >&2
        fi
    fi
    exec {fd}>&-
    return $rc
}

# ------------------------------------------------------------------ namespaces
# Per-node directory under the results dir: $RESULTS/<tag>.
node_dir() { echo "$RESULTS/$1"; }

# prepare_node_dir TAG: the directories bind-mounted over the node's system paths.
prepare_node_dir() {
    local d; d=$(node_dir "$1")
    mkdir -p "$d"/run/resource-agents "$d"/run/lock "$d"/lib-pacemaker/{cib,pengine,blackbox,cores} \
             "$d"/log-pacemaker "$d"/etc-pacemaker
    chown -R hacluster:haclient "$d"/lib-pacemaker "$d"/log-pacemaker
    chmod 750 "$d"/lib-pacemaker/{cib,pengine,blackbox,cores}
    chmod 770 "$d"/log-pacemaker
    chmod 755 "$d"/run "$d"/run/resource-agents
    : > "$d/mounts"
    add_mount "$1" "$d/run" /run
    add_mount "$1" "$d/lib-pacemaker" /var/lib/pacemaker
    add_mount "$1" "$d/log-pacemaker" /var/log/pacemaker
    # An empty /etc/pacemaker on remote nodes: 2.1.5 falls back to /etc/pacemaker/authkey when
    # PCMK_authkey_location is unreadable, and must not find the host's key there.
    add_mount "$1" "$d/etc-pacemaker" /etc/pacemaker
}
# add_mount TAG SOURCE TARGET: bind SOURCE over TARGET in the node (inside CLUSTER_ROOT for the
# cluster node when set: in the node's private mount namespace, so the root itself never changes).
add_mount() {
    local dst=$3
    [ "$1" = cluster ] && dst=${CLUSTER_ROOT:-}$3
    printf '%s %s\n' "$2" "$dst" >> "$(node_dir "$1")/mounts"
}

# start_holder TAG NETNS HOSTNAME: private mount+UTS namespace inside NETNS, kept by a sleep.
start_holder() {
    local tag=$1 ns=$2 host=$3 d; d=$(node_dir "$tag")
    rm -f "$d/holder.ready"
    # ip netns exec, unshare and sh all exec in place, so $! ends up being the sleep.
    ip netns exec "$ns" unshare -m -u --propagation private -- sh -c '
        set -e
        mount -t tmpfs -o mode=1777,size=256m jrcl-shm /dev/shm
        while read -r src dst; do mount --bind "$src" "$dst"; done < "$1/mounts"
        hostname "$2"
        echo ready > "$1/holder.ready"
        exec sleep infinity' holder "$d" "$host" </dev/null >"$d/holder.out" 2>&1 9>&- &
    echo $! > "$d/holder.pid"
    wait_for 10 "namespace holder $tag" test -s "$d/holder.ready" || {
        cat "$d/holder.out" >&2; return 1; }
}

# in_node TAG CMD...: run CMD inside the node's network, mount and UTS namespaces; in the cluster
# node chrooted into CLUSTER_ROOT when a suite sets it (cluster3: a Debian 13 root).
in_node() {
    local tag=$1 pre=(); shift
    [ "$tag" = cluster ] && [ -n "${CLUSTER_ROOT:-}" ] && pre=(chroot "$CLUSTER_ROOT")
    nsenter -t "$(cat "$(node_dir "$tag")/holder.pid")" -m -n -u -- "${pre[@]}" "$@"
}
cl() { in_node cluster "$@"; }

# spawn_in_node TAG PIDFILE OUTFILE CMD...: start CMD in the background inside the node; PIDFILE
# gets the PID of CMD itself (a background shell function would only give us a subshell's).
spawn_in_node() {
    local tag=$1 pidfile=$2 out=$3; shift 3
    rm -f "$pidfile" "$pidfile.rc"
    # nsenter and sh exec in place, so CMD is a direct child of this subshell: its exit status
    # (128+N when killed by signal N) lands in PIDFILE.rc.
    ( in_node "$tag" sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" 9>&-; echo $? > "$pidfile.rc" ) \
        >>"$out" 2>&1 </dev/null 9>&- &
    wait_for 10 "$1 to start" test -s "$pidfile"
}

# create_links: namespaces and veth pairs (cluster <-> remote, cluster <-> bad-key remote).
create_links() {
    local ns
    for ns in "$CL_NS" "$RM_NS" "$BAD_NS"; do
        ip netns add "$ns" || return 1
        ip -n "$ns" link set lo up
    done
    ip link add jrcl-c0 netns "$CL_NS" type veth peer name jrcl-r0 netns "$RM_NS" || return 1
    ip link add jrcl-c1 netns "$CL_NS" type veth peer name jrcl-b0 netns "$BAD_NS" || return 1
    ip -n "$CL_NS" addr add "$CL_IP/24" dev jrcl-c0 && ip -n "$CL_NS" link set jrcl-c0 up
    ip -n "$RM_NS" addr add "$RM_IP/24" dev jrcl-r0 && ip -n "$RM_NS" link set jrcl-r0 up
    ip -n "$CL_NS" addr add "$CL_IP2/24" dev jrcl-c1 && ip -n "$CL_NS" link set jrcl-c1 up
    ip -n "$BAD_NS" addr add "$BAD_IP/24" dev jrcl-b0 && ip -n "$BAD_NS" link set jrcl-b0 up
}

# start_nodes TAG...: the namespaces and veth pairs, then the holder of each node named (cluster,
# remote, bad); a failure is a setup failure.
start_nodes() {
    local tag ns host
    create_links || setup_failed "could not create namespaces/veth pairs (ip netns)"
    for tag in "$@"; do
        case $tag in
            cluster) ns=$CL_NS host=$CL_NODE ;;
            remote) ns=$RM_NS host=$RM_NODE ;;
            bad) ns=$BAD_NS host=$BAD_NODE ;;
        esac
        start_holder "$tag" "$ns" "$host" || setup_failed "could not set up the $tag node's namespaces"
    done
}

# lock_suite: one run at a time per set of namespace names (a second run would tear down the
# first one's namespaces). The lock is file descriptor 9; everything started in the namespaces
# closes it, so a --keep run does not hold it after run.sh exits.
lock_suite() {
    local lock=/run/lock/jremoted-cluster-$CL_NS.lock waited=${CLUSTER_LOCK_WAIT:-900}
    mkdir -p /run/lock
    exec 9>"$lock" || return 1
    flock -n 9 && return 0
    log "another run uses the namespaces $CL_NS/$RM_NS/$BAD_NS; waiting up to ${waited}s for it"
    flock -w "$waited" 9
}

# destroy_namespaces: end every process left in our namespaces (all started by this suite),
# then delete them. Safe to call repeatedly and after a crashed or --keep run.
destroy_namespaces() {
    destroy_guest
    destroy_netns "$CL_NS" "$RM_NS" "$BAD_NS"
}

# destroy_netns NS...: end every process in these network namespaces (SIGTERM to all of them at
# once, SIGKILL to whatever is left after 5 s), then delete the namespaces. Namespaces that do not
# exist are skipped. (bench/scale.sh passes its 100 and more namespaces here: one wait per
# namespace would add up to minutes.)
destroy_netns() {
    local ns pids=() pid existing=()
    for ns in "$@"; do
        ip netns list 2>/dev/null | grep -qw "^$ns" || continue
        existing+=("$ns")
        pids+=($(ip netns pids "$ns" 2>/dev/null))
    done
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait_for 5 "pid $pid" pid_dead "$pid" >/dev/null 2>&1 || kill -KILL "$pid" 2>/dev/null; done
    for ns in "${existing[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    return 0
}

# destroy_guest: what the guest agent (agents/guest) left running when the cluster could not
# stop it: every process in the guest's network namespace, which has no name to find it by.
destroy_guest() {
    local holder ns p
    holder=$(cat "${RESULTS:-/nonexistent}/guest/holder.pid" 2>/dev/null) || return 0
    ns=$(readlink "/proc/$holder/ns/net" 2>/dev/null) || return 0
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$ns" ] && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    return 0
}

# install_test_agents: the suite's own OCF agents (agents/, provider jremoted-test) appear in the
# cluster node's /usr/lib/ocf/resource.d through a bind mount; the host only gets the empty
# mount point.
install_test_agents() {
    local dst=/usr/lib/ocf/resource.d/jremoted-test
    mkdir -p "$dst" && add_mount cluster "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/agents" "$dst"
}

# ------------------------------------------------------------------ cluster node
write_corosync_conf() {
    local d; d=$(node_dir cluster)
    mkdir -p "$d/etc-corosync" "$d/lib-corosync" "$d/log-corosync"
    cat > "$d/etc-corosync/corosync.conf" <<EOF
# Single-node cluster for the jremoted cluster suite (generated per run).
totem {
    version: 2
    cluster_name: jrcl
    transport: knet
    crypto_cipher: none
    crypto_hash: none
}
nodelist {
    node {
        ring0_addr: $CL_IP
        name: $CL_NODE
        nodeid: 1
    }
}
quorum {
    provider: corosync_votequorum
    expected_votes: 1
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_stderr: no
    to_syslog: no
    timestamp: on
}
EOF
    add_mount cluster "$d/etc-corosync" /etc/corosync
    add_mount cluster "$d/lib-corosync" /var/lib/corosync
    add_mount cluster "$d/log-corosync" /var/log/corosync
}

# prepare_cluster_node [KEYFILE]: the per-run directories of the three nodes, and the cluster
# node's key (KEYFILE, default KEY), corosync.conf and empty CIB.
prepare_cluster_node() {
    local tag
    for tag in cluster remote bad; do prepare_node_dir "$tag"; done
    install -o hacluster -g haclient -m 0640 "${1:-$KEY}" "$(node_dir cluster)/etc-pacemaker/authkey"
    write_corosync_conf
    seed_cib
}

# seed_cib: a CIB with nothing but the cluster options a one-node, fencing-less test cluster
# needs. dc-deadtime is shortened because a lone node otherwise waits 20 s before electing itself.
seed_cib() {
    local d schema; d=$(node_dir cluster)
    schema=$(ls /usr/share/pacemaker/ | sed -n 's/^\(pacemaker-[0-9][0-9.]*\)\.rng$/\1/p' | sort -V | tail -1)
    cat > "$d/lib-pacemaker/cib/cib.xml" <<EOF
<cib validate-with="${schema:-pacemaker-3.0}" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="opt-no-quorum-policy" name="no-quorum-policy" value="ignore"/>
        <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="opt-recheck" name="cluster-recheck-interval" value="1min"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
    chown hacluster:haclient "$d/lib-pacemaker/cib/cib.xml"
    chmod 600 "$d/lib-pacemaker/cib/cib.xml"
}

mon_xml() { cl timeout 20 crm_mon -1 --output-as=xml 2>/dev/null; }
# xq XPATH: evaluate an XPath string expression over stdin (empty output when nothing matches).
xq() { xmllint --xpath "$1" - 2>/dev/null; }

cluster_ready() {
    local x; x=$(mon_xml) || return 1
    [ "$(xq 'string(//current_dc/@present)' <<<"$x")" = true ] &&
    [ "$(xq "string(//nodes/node[@name='$CL_NODE']/@online)" <<<"$x")" = true ]
}

start_cluster() {
    local d; d=$(node_dir cluster)
    spawn_in_node cluster "$d/corosync.pid" "$d/corosync.out" corosync -f || return 1
    wait_for 30 "corosync to answer" cl corosync-quorumtool -s >/dev/null 2>&1 || return 1
    local dbg=no
    [ -n "${CLUSTER_DEBUG:-}" ] && dbg=yes
    spawn_in_node cluster "$d/pacemakerd.pid" "$d/pacemakerd.out" \
        env PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_debug=$dbg pacemakerd || return 1
    wait_for 90 "the cluster node to be online with a DC" cluster_ready || return 1
    # The seeded options, checked: one node without a fencing device runs nothing otherwise.
    [ "$(cl crm_attribute -t crm_config -n stonith-enabled -G -q 2>/dev/null)" = false ] ||
        cl crm_attribute -t crm_config -n stonith-enabled -v false
}

stop_cluster() {
    local d; d=$(node_dir cluster)
    [ -f "$d/pacemakerd.pid" ] && stop_pid "$(cat "$d/pacemakerd.pid")" 30
    [ -f "$d/corosync.pid" ] && stop_pid "$(cat "$d/corosync.pid")" 15
}

cluster_processes_alive() {
    local d; d=$(node_dir cluster)
    pid_alive "$(cat "$d/pacemakerd.pid" 2>/dev/null)" && pid_alive "$(cat "$d/corosync.pid" 2>/dev/null)"
}

# ------------------------------------------------------------------ remote daemons
# start_remoted TAG KEYFILE [PORT]: the daemon under test inside node TAG, in the background.
start_remoted() {
    local tag=$1 key=$2 port=${3:-$REMOTE_PORT} d; d=$(node_dir "$tag")
    echo "=== start $(date '+%F %T') cmd=$REMOTED_CMD port=$port key=$key" >> "$d/remoted.out"
    spawn_in_node "$tag" "$d/remoted.pid" "$d/remoted.out" env PCMK_remote_port="$port" \
        PCMK_logfile="$d/remoted.log" PCMK_authkey_location="$key" PCMK_debug="${REMOTE_DEBUG:-no}" \
        $REMOTED_CMD || return 1
    # The daemon is usable once it listens (a JVM needs a moment).
    # (Stop waiting as soon as it has exited: a daemon that cannot start should cost no time.)
    wait_for 40 "$tag daemon to listen on port $port" remoted_listening_or_gone "$tag" "$port"
    if ! remoted_listening "$tag" "$port"; then
        remoted_alive "$tag" || log "$tag daemon exited (status $(remoted_exit_status "$tag")): see $d/remoted.out"
        return 1
    fi
}
remoted_pid() { cat "$(node_dir "$1")/remoted.pid" 2>/dev/null; }
remoted_exit_status() { cat "$(node_dir "$1")/remoted.pid.rc" 2>/dev/null; }
remoted_alive() { pid_alive "$(remoted_pid "$1")"; }
remoted_dead() { ! remoted_alive "$1"; }
remoted_listening() {
    remoted_alive "$1" || return 2
    local x; x=$(in_node "$1" ss -Hltn "sport = :$2" 2>/dev/null)
    [[ $x == *LISTEN* ]]
}
remoted_listening_or_gone() { remoted_listening "$@"; [ $? -ne 1 ]; }
stop_remoted() {
    local pid; pid=$(remoted_pid "$1")
    [ -n "$pid" ] && stop_pid "$pid" "${2:-10}"
    return 0
}

# ------------------------------------------------------------------ CIB helpers
cib_create() { cl cibadmin --create -o "$1" --xml-text "$2"; }

# nvpairs ELEMENT ID NAME=VALUE...: a CIB attribute set, its nvpairs' ids derived from ID.
nvpairs() {
    local element=$1 id=$2 pair; shift 2
    printf '  <%s id="%s">\n' "$element" "$id"
    for pair in "$@"; do
        printf '    <nvpair id="%s-%s" name="%s" value="%s"/>\n' "$id" "${pair%%=*}" "${pair%%=*}" "${pair#*=}"
    done
    printf '  </%s>\n' "$element"
}

# remote_node_xml ID ADDRESS PORT [MONITOR-INTERVAL [RECONNECT-INTERVAL]] (5 s and 5 s by default)
remote_node_xml() {
    cat <<EOF
<primitive id="$1" class="ocf" provider="pacemaker" type="remote">
$(nvpairs instance_attributes "$1-ia" server="$2" port="$3" reconnect_interval="${5:-5s}")
  <operations>
    <op id="$1-monitor" name="monitor" interval="${4:-5s}" timeout="20s"/>
  </operations>
</primitive>
EOF
}

# dummy_xml ID [INTERVAL]: Dummy with its state file at a path we control and a recurring
# monitor (every 5 s unless INTERVAL says otherwise).
dummy_xml() {
    cat <<EOF
<primitive id="$1" class="ocf" provider="pacemaker" type="Dummy">
  <instance_attributes id="$1-ia">
    <nvpair id="$1-state" name="state" value="$STATE_DIR/$1.state"/>
  </instance_attributes>
  <operations>
    <op id="$1-monitor" name="monitor" interval="${2:-5s}" timeout="20s"/>
  </operations>
</primitive>
EOF
}
prefer_xml() { echo "<rsc_location id=\"prefer-$1\" rsc=\"$1\" node=\"$2\" score=\"${3:-100}\"/>"; }

# add_dummies_on_remote ID...: Dummy resources preferring the remote node, in one CIB update each
# section (cibadmin creates every child of a <resources>/<constraints> element at once).
add_dummies_on_remote() {
    local r="<resources>" c="<constraints>" id
    for id in "$@"; do r+=$(dummy_xml "$id"); c+=$(prefer_xml "$id" "$RM_NODE"); done
    cib_create resources "$r</resources>" && cib_create constraints "$c</constraints>"
}

# remove_resources ID...: delete resources and their constraints, let the cluster stop the
# orphans and forget their history. Best effort with bounded waits (used in cleanups).
remove_resources() {
    local id
    for id in "$@"; do
        # --force: cibadmin calls an XPath delete of several objects "dangerous" otherwise.
        cl cibadmin --delete-all --force --xpath "//constraints/*[@rsc='$id']" >/dev/null 2>&1
        cl cibadmin --delete --xml-text "<primitive id=\"$id\"/>" >/dev/null 2>&1
    done
    wait_for 60 "removed resources to stop" resources_inactive "$@"
    for id in "$@"; do cl crm_resource --cleanup -r "$id" >/dev/null 2>&1; done
    return 0
}
resources_inactive() {
    local x id; x=$(mon_xml) || return 1
    for id in "$@"; do
        [ "$(xq "count(//resources//resource[@id='$id' and @active='true'])" <<<"$x")" = 0 ] || return 1
    done
}

# ------------------------------------------------------------------ status queries
# node_online NAME: a remote node is online only if the scheduler says so (crm_mon) *and* the
# controller holds a live connection (node_state in_ccm). crm_mon alone is not enough: while a
# connection start is pending (e.g. the reconnect loop against a dead daemon) it reports the
# node online and the node's old resources as still running there.
# (Outputs are captured, never piped into grep -q: with pipefail, grep quitting early makes
# the writer die of SIGPIPE and the whole test false.)
node_online() {
    [ "$(mon_xml | xq "string(//nodes/node[@name='$1']/@online)")" = true ] && [ "$(node_in_ccm "$1")" = true ]
}
# node_in_ccm NAME: the controller's in_ccm for the node ("true"/"false"; empty if unknown).
node_in_ccm() {
    local x; x=$(cl cibadmin -Q --xpath "//node_state[@uname='$1']" 2>/dev/null) || return 0
    xq "string(//node_state/@in_ccm)" <<<"$x"
}
node_not_online() { ! node_online "$1"; }

# where ID: node(s) a resource runs on according to crm_resource --locate (space-separated).
where() {
    cl crm_resource --locate -r "$1" 2>/dev/null | sed -n 's/^resource .* is running on: \([^ ]*\).*/\1/p' | sort | xargs
}
# running_on ID NODE: started there and nowhere else.
running_on() { [ "$(where "$1")" = "$2" ]; }

# started_on_count NODE ID-PREFIX: how many resources whose id starts with the prefix are Started on NODE.
started_on_count() {
    mon_xml | xq "count(//resources/resource[starts-with(@id,'$2') and @role='Started' and @active='true' and @failed='false' and node/@name='$1'])"
}

failcount() {
    local v
    v=$(cl crm_failcount --query -r "$1" -N "$2" 2>/dev/null | sed -n 's/.*value=\([^ ]*\).*/\1/p')
    case "$v" in ''|0|*[!0-9]*) [ "$v" = INFINITY ] && echo 1000000 || echo "${v:-0}" ;; *) echo "$v" ;; esac
}

state_file() { echo "$(node_dir "$1")/run/resource-agents/$2.state"; }

# kick_scheduler: make the DC compute a new transition now. After a remote node's clean shutdown
# 2.1.5 leaves its connection stopped until the next cluster-recheck-interval even once nothing
# keeps it down any more; any configuration change ends that wait.
kick_scheduler() { cl crm_attribute -t crm_config -n jrcl-kick -v "$(date +%s%N)" >/dev/null 2>&1; }

# settle [SECONDS]: wait until the cluster has no pending actions.
settle() { cl crm_resource --wait --timeout="${1:-60}s" >/dev/null 2>&1; }

# ------------------------------------------------------------------ log pointers
# Where each log is, and how long it was when a scenario started, so failures can point at the
# part that belongs to them.
log_files() {
    echo "$(node_dir cluster)/log-pacemaker/pacemaker.log"
    echo "$(node_dir cluster)/log-corosync/corosync.log"
    echo "$(node_dir remote)/remoted.log"
    echo "$(node_dir remote)/remoted.out"
    [ -n "${1:-}" ] && { echo "$(node_dir bad)/remoted.log"; echo "$(node_dir bad)/remoted.out"; }
    # A suite's own logs (guests: the container's and the VM's).
    declare -F suite_log_files >/dev/null && suite_log_files
    return 0
}
declare -A LOG_MARK=()
mark_logs() {
    local f
    for f in $(log_files with-bad); do
        if [ -f "$f" ]; then LOG_MARK[$f]=$(( $(wc -l < "$f") + 1 )); else LOG_MARK[$f]=1; fi
    done
}
log_pointers() {
    local f
    for f in $(log_files "${1:-}"); do
        [ -f "$f" ] && printf '    %s (from line %s)\n' "$f" "${LOG_MARK[$f]:-1}"
    done
}

# prepare_results MARKER: empty $RESULTS (only if it is this suite's, recognised by MARKER) and
# make the run's keys: KEY for the cluster and the remote node, WRONG_KEY for the daemon that
# must be refused. The host's /etc/pacemaker is never touched (bind mounts).
prepare_results() {
    local marker=$1
    if [ -n "$(ls -A "$RESULTS" 2>/dev/null)" ] && [ ! -e "$RESULTS/$marker" ]; then
        setup_failed "$RESULTS is not empty and not a results directory of this suite; refusing to clear it"
    fi
    find "$RESULTS" -mindepth 1 -delete 2>/dev/null
    touch "$RESULTS/$marker"
    mkdir -p "$RESULTS/keys"
    KEY=$RESULTS/keys/authkey
    WRONG_KEY=$RESULTS/keys/wrongkey
    dd if=/dev/urandom of="$KEY" bs=4096 count=1 status=none
    dd if=/dev/urandom of="$WRONG_KEY" bs=4096 count=1 status=none
    chmod 600 "$KEY" "$WRONG_KEY"
}

# ------------------------------------------------------------------ running scenarios
in_list() { local x=$1 y; shift; for y in "$@"; do [ "$x" = "$y" ] && return 0; done; return 1; }

# select_scenarios ONLY NAME...: SELECTED becomes the names listed in ONLY (comma-separated),
# in the suite's order, or all of them when ONLY is empty. An unknown name is a usage error.
select_scenarios() {
    local only=$1 w s wanted=(); shift
    SELECTED=()
    if [ -z "$only" ]; then SELECTED=("$@"); return 0; fi
    IFS=',' read -r -a wanted <<<"$only"
    for w in "${wanted[@]}"; do
        in_list "$w" "$@" || { echo "unknown scenario: $w (have: $*)" >&2; exit 64; }
    done
    for s in "$@"; do in_list "$s" "${wanted[@]}" && SELECTED+=("$s"); done
    return 0
}

# run_scenarios: each of SELECTED in turn, one "PASS name (time)" or "FAIL name (time): reason"
# line each, followed on failure by the cluster's state and the logs to read; counts PASSED and
# FAILED.
run_scenarios() {
    local s rc t0 secs
    for s in "${SELECTED[@]}"; do
        log "---- $s"
        mark_logs
        FAIL_REASON=
        SNAPSHOT_FILE="$RESULTS/$s.state-at-failure.txt"
        t0=$(now_ms)
        "scenario_$s"
        rc=$?
        secs=$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN { printf "%.1f", ms / 1000 }')
        if [ $rc -eq 0 ]; then
            echo "PASS $s (${secs}s)"
            PASSED=$((PASSED + 1))
        else
            echo "FAIL $s (${secs}s): ${FAIL_REASON:-scenario returned $rc}"
            [ -s "$SNAPSHOT_FILE" ] || snapshot_state > "$SNAPSHOT_FILE" 2>&1
            echo "  state at failure: $SNAPSHOT_FILE"
            echo "  logs:"
            case $s in wrong_key|x509_untrusted_cluster) log_pointers with-bad ;; *) log_pointers ;; esac
            FAILED=$((FAILED + 1))
        fi
    done
}

# Suites whose scenarios are made of many small checks (ops, systemd, x509, container) count each
# check. check NAME CMD...: "PASS name" or "FAIL name: reason" on stdout, counted.
check() {
    local name=$1; shift
    FAIL_REASON=
    if "$@"; then check_passed "$name"; return 0; fi
    check_failed "$name" "${FAIL_REASON:-'$*' failed}"
    return 1
}
# check_passed NAME / check_failed NAME REASON: the result of a check a suite decided itself.
check_passed() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
check_failed() { echo "FAIL $1: $2"; FAILED=$((FAILED + 1)); CHECK_FAILED=1; }
# run_checked_scenarios: each of SELECTED in turn; one that returns non-zero although none of its
# checks failed (its own set-up did) counts as one failure.
run_checked_scenarios() {
    local s rc
    for s in "${SELECTED[@]}"; do
        log "---- $s"
        CHECK_FAILED=0 FAIL_REASON=
        "scenario_$s"
        rc=$?
        if [ $rc -ne 0 ] && [ $CHECK_FAILED = 0 ]; then
            echo "FAIL $s: ${FAIL_REASON:-scenario returned $rc}"; FAILED=$((FAILED + 1))
        fi
    done
}

# stop_everything: the daemons under test first (nothing to wait for), then the cluster node,
# then whatever is left in the namespaces.
stop_everything() {
    stop_remoted remote 1 >/dev/null 2>&1
    stop_remoted bad 1 >/dev/null 2>&1
    stop_cluster >/dev/null 2>&1
    destroy_namespaces
}
