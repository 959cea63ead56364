#!/usr/bin/env bash
# Scale benchmark: one Pacemaker cluster node (the Debian packages' corosync + pacemakerd, started
# by hand like the cluster suite does) and N Pacemaker Remote nodes, each remote daemon in its own
# network namespace (so each has its own port 3121 and its own libqb IPC), joined to the cluster
# node's namespace by a bridge. It measures, one phase after the other:
#   daemons  start all N daemons (--start-parallel at a time), until every one listens
#   online   N ocf:pacemaker:remote resources in one CIB update, until all N are RemoteOnline
#   clone    an anonymous clone of Dummy (clone-max=N, kept off the cluster node), until all N
#            instances are started
#   idle     --idle seconds with nothing to do but the recurring monitors
# and for each phase the wall time, the CPU of the cluster node's daemons (corosync + pacemaker*,
# utime+stime) and of the remote daemons (own and their reaped agents'), then the memory of all
# remote daemons (sum of RSS, PSS from smaps_rollup, peak RSS, threads). A benchmark, not a test:
# it is not part of scripts/test.sh. See docs/benchmarks.md, "Scale".
#
#   bench/scale.sh [--daemon jremoted|c] [--nodes N] [--jar PATH] [--cmd CMD] [--smoke] ...
#
# Needs root, the packages lib.sh lists (pacemaker, corosync, resource-agents, ...) and, for
# --daemon c, the unpacked 2.1.5 pacemaker-remoted (lib.sh: c_daemon_path).
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/.." && pwd -P)

# Namespace names of this benchmark, all starting with "scale-" so that a run never touches the
# cluster suites' (jrcl-*) and a teardown can find every leftover by the prefix.
NS_PREFIX=scale-
export CL_NS=${NS_PREFIX}cl RM_NS=${NS_PREFIX}unused-rm BAD_NS=${NS_PREFIX}unused-bad
SUITE_TAG=scale
# shellcheck source=../src/test/cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
# lib.sh's addresses are the cluster suite's point-to-point links; here one bridge in the cluster
# node's namespace carries a /16 (remote node i at 10.232.<1+i/200>.<1+i%200>).
CL_IP=10.232.0.1
CL_NODE=scale-cl1

usage() {
    cat <<EOF
usage: $0 [options]
  --daemon jremoted|c   the remote daemon: jremoted (<project>/bin/jremoted, default) or the C
                        pacemaker-remoted 2.1.5 (unpacked; see lib.sh c_daemon_path)
  --cmd CMD             any other daemon command (overrides --daemon for the command; --daemon
                        still names the run)
  --jar PATH            the jremoted jar (JREMOTED_JAR for bin/jremoted; default target/jremoted.jar)
  --nodes N             remote nodes (default 100)
  --smoke               a quick check that everything works: --nodes 10 --idle 10
  --idle SECONDS        length of the idle phase (default 60)
  --monitor INTERVAL    recurring monitor of each Dummy instance (default 10s)
  --remote-monitor I    monitor of each remote connection resource (default 30s)
  --start-parallel K    daemons started at the same time (default 10)
  --node-action-limit L the cluster option node-action-limit (default: Pacemaker's, 2 x cores)
  --load-threshold P    the cluster option load-threshold (default: Pacemaker's, 80%)
  --tuned               what an admin of a cluster this size sets: --node-action-limit 20
                        --load-threshold 1000% (docs/benchmarks.md, "Scale")
  --results DIR         logs and per-node directories (default target/scale-results/<daemon>)
  --keep                leave everything running (then: $0 --teardown)
  --teardown            only remove what a --keep or killed run left behind
Prints one line per phase and a summary; appends the summary to target/scale-results/summary.log.
EOF
}

DAEMON=jremoted CMD= JAR=${JREMOTED_JAR:-$ROOT/target/jremoted.jar} NODES=100 IDLE=60
MONITOR=10s REMOTE_MONITOR=30s START_PARALLEL=10 NODE_ACTION_LIMIT= LOAD_THRESHOLD= RESULTS= KEEP=0 TEARDOWN_ONLY=0
while [ $# -gt 0 ]; do
    case $1 in
        --daemon) DAEMON=${2:-}; shift ;;
        --cmd) CMD=${2:-}; shift ;;
        --jar) JAR=${2:-}; shift ;;
        --nodes) NODES=${2:-}; shift ;;
        --smoke) NODES=10 IDLE=10 ;;
        --idle) IDLE=${2:-}; shift ;;
        --monitor) MONITOR=${2:-}; shift ;;
        --remote-monitor) REMOTE_MONITOR=${2:-}; shift ;;
        --start-parallel) START_PARALLEL=${2:-}; shift ;;
        --node-action-limit) NODE_ACTION_LIMIT=${2:-}; shift ;;
        --load-threshold) LOAD_THRESHOLD=${2:-}; shift ;;
        --tuned) NODE_ACTION_LIMIT=20 LOAD_THRESHOLD=1000% ;;
        --results) RESULTS=${2:-}; shift ;;
        --keep) KEEP=1 ;;
        --teardown) TEARDOWN_ONLY=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done
case $DAEMON in jremoted|c) ;; *) [ -n "$CMD" ] || { echo "--daemon must be jremoted or c (or give --cmd)" >&2; exit 64; } ;; esac
case $NODES in ''|*[!0-9]*|0) echo "--nodes must be a positive number" >&2; exit 64 ;; esac
[ "$NODES" -le 10000 ] || { echo "--nodes: at most 10000" >&2; exit 64; }
[ "$(id -u)" -eq 0 ] || { echo "$0: must run as root (namespaces, mounts)" >&2; exit 2; }

# ------------------------------------------------------------------ names
node_tag() { printf 'r%03d' "$1"; }           # per-node directory under RESULTS
node_ns() { printf '%sr%03d' "$NS_PREFIX" "$1"; }
node_name() { printf 'sc-r%03d' "$1"; }       # remote node name = id of its connection resource
node_ip() { echo "10.232.$(( 1 + $1 / 200 )).$(( 1 + $1 % 200 ))"; }
scale_namespaces() { ip netns list 2>/dev/null | awk -v p="$NS_PREFIX" 'index($1, p) == 1 { print $1 }'; }

# ------------------------------------------------------------------ lock and teardown
# One run at a time (two would share the namespace names).
mkdir -p /run/lock
exec 9>/run/lock/jremoted-scale.lock || exit 2
flock -n 9 || { echo "$0: another scale run is going (lock /run/lock/jremoted-scale.lock)" >&2; exit 2; }

TORN_DOWN=0
teardown() {
    [ $TORN_DOWN = 1 ] && return
    TORN_DOWN=1
    if [ $KEEP = 1 ]; then
        log "--keep: left running. Cluster tools: nsenter -t $(cat "$(node_dir cluster)/holder.pid" 2>/dev/null) -m -n -u crm_mon -1"
        log "--keep: tear down with: $0 --teardown"
        return
    fi
    log "tearing down"
    # The cluster node is killed, not shut down: a clean shutdown would first stop the 2N
    # resources one by one, and the benchmark throws its state away anyway.
    local p
    for p in $(cluster_pids); do kill -KILL "$p" 2>/dev/null; done
    # Then every daemon and holder (SIGTERM to all at once, SIGKILL after 5 s), and the
    # namespaces. The mounts lived in the holders' private mount namespaces and go with them.
    destroy_netns $(scale_namespaces)
    log "torn down"
}
on_signal() { log "interrupted"; teardown; exit 130; }
trap teardown EXIT
trap on_signal INT TERM HUP

if [ $TEARDOWN_ONLY = 1 ]; then teardown; exit 0; fi

# ------------------------------------------------------------------ the daemon
case $DAEMON in
    c) REMOTED_CMD=$(c_daemon_path) || die "cannot find or unpack the C daemon" ;;
    *) REMOTED_CMD=$ROOT/bin/jremoted ;;
esac
[ -n "$CMD" ] && REMOTED_CMD=$CMD
if [ "$DAEMON" = jremoted ] && [ -z "$CMD" ]; then
    [ -f "$JAR" ] || die "no jar at $JAR (mvn -B -o package -DskipTests, or --jar PATH)"
    JAR=$(cd "$(dirname "$JAR")" && pwd -P)/$(basename "$JAR")
    export JREMOTED_JAR=$JAR
fi
read -r -a remoted_words <<<"$REMOTED_CMD"
command -v "${remoted_words[0]}" >/dev/null 2>&1 || die "daemon command not executable: $REMOTED_CMD"
ensure_packages || die "could not install ${REQUIRED_PKGS[*]}"

RESULTS=${RESULTS:-$ROOT/target/scale-results/$DAEMON}
RESULTS=$(mkdir -p "$RESULTS" && cd "$RESULTS" && pwd -P) || die "cannot create $RESULTS"
SUMMARY_LOG=$(dirname "$RESULTS")/summary.log
setup_failed() { die "$*"; }     # prepare_results reports through it

# ------------------------------------------------------------------ measuring
HZ=$(getconf CLK_TCK)
# cluster_pids: the cluster node's daemons (corosync, pacemakerd and its pacemaker-* children).
cluster_pids() {
    local p
    for p in $(ip netns pids "$CL_NS" 2>/dev/null); do
        case $(cat "/proc/$p/comm" 2>/dev/null) in corosync|pacemaker*) echo "$p" ;; esac
    done
}
daemon_pids() { local i; for i in $(seq 1 "$NODES"); do remoted_pid "$(node_tag "$i")"; echo; done | grep .; }
# cpu_ticks PID...: "own children" = utime+stime and cutime+cstime summed, in clock ticks.
cpu_ticks() {
    local p
    for p in "$@"; do sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null; done |
        awk '{ own += $12 + $13; kids += $14 + $15 } END { printf "%d %d\n", own, kids }'
}
secs() { awk -v t="$1" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }'; }
ms_to_s() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# Phase bookkeeping: phase_begin; ...; phase_end NAME prints and records wall time and CPU.
declare -A R=()
phase_begin() {
    P_T0=$(now_ms)
    read -r P_CL0 _ < <(cpu_ticks $(cluster_pids))
    read -r P_D0 P_A0 < <(cpu_ticks $(daemon_pids))
}
phase_end() {
    local name=$1 cl1 d1 a1 wall
    wall=$(( $(now_ms) - P_T0 ))
    read -r cl1 _ < <(cpu_ticks $(cluster_pids))
    read -r d1 a1 < <(cpu_ticks $(daemon_pids))
    R[$name.wall_s]=$(ms_to_s "$wall")
    R[$name.cluster_cpu_s]=$(secs $(( cl1 - P_CL0 )))
    R[$name.daemons_cpu_s]=$(secs $(( d1 - P_D0 )))
    R[$name.agents_cpu_s]=$(secs $(( a1 - P_A0 )))
    log "phase $name: ${R[$name.wall_s]} s wall; cluster node CPU ${R[$name.cluster_cpu_s]} s;" \
        "remote daemons CPU ${R[$name.daemons_cpu_s]} s (+ agents ${R[$name.agents_cpu_s]} s)"
}

# memory PREFIX PID...: sums of RSS, PSS, peak RSS (KiB) and threads.
memory() {
    local prefix=$1 p rss pss hwm thr; shift
    local s_rss=0 s_pss=0 s_hwm=0 s_thr=0 n=0
    for p in "$@"; do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
        [ -n "$rss" ] || continue
        hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status")
        thr=$(awk '/^Threads:/ { print $2 }' "/proc/$p/status")
        pss=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
        s_rss=$(( s_rss + rss )) s_hwm=$(( s_hwm + hwm )) s_thr=$(( s_thr + thr )) s_pss=$(( s_pss + ${pss:-0} ))
        n=$(( n + 1 ))
    done
    R[$prefix.count]=$n
    R[$prefix.rss_mib]=$(awk -v k=$s_rss 'BEGIN { printf "%.1f", k / 1024 }')
    R[$prefix.pss_mib]=$(awk -v k=$s_pss 'BEGIN { printf "%.1f", k / 1024 }')
    R[$prefix.peak_rss_mib]=$(awk -v k=$s_hwm 'BEGIN { printf "%.1f", k / 1024 }')
    R[$prefix.rss_per_daemon_mib]=$(awk -v k=$s_rss -v n=$n 'BEGIN { printf "%.1f", n ? k / 1024 / n : 0 }')
    R[$prefix.pss_per_daemon_mib]=$(awk -v k=$s_pss -v n=$n 'BEGIN { printf "%.1f", n ? k / 1024 / n : 0 }')
    R[$prefix.threads]=$s_thr
}

# What the cluster says, read cheaply from the CIB's status section (crm_mon runs the whole
# scheduler on every call, which at 100 nodes would compete with the cluster node for the CPU).
# count_xpath ELEMENT XPATH: how many ELEMENTs the XPath query selects (a node_state comes with
# its lrm_rsc_op children, so only the selected kind is counted).
count_xpath() {
    local x; x=$(cl cibadmin -Q --no-children --xpath "$2" 2>/dev/null) || { echo 0; return; }
    grep -o "<$1 " <<<"$x" | wc -l
}
remote_connected_count() { count_xpath node_state "//node_state[@remote_node='true' and @in_ccm='true']"; }
clone_started_count() {
    count_xpath lrm_rsc_op "//lrm_resource[@id='sdummy']/lrm_rsc_op[@id='sdummy_last_0' and @operation='start' and @rc-code='0' and @op-status='0']"
}
# ... and confirmed once by crm_mon (the scheduler's own view: RemoteOnline, Started).
mon_remote_online() { mon_xml | xq "count(//nodes/node[@type='remote' and @online='true'])"; }
mon_clone_started() {
    mon_xml | xq "count(//clone[@id='sdummy-clone']/resource[@role='Started' and @active='true' and @failed='false'])"
}
all_connected() { [ "$(remote_connected_count)" -ge "$NODES" ]; }
all_online() { [ "$(mon_remote_online)" = "$NODES" ]; }
all_clone_started() { [ "$(clone_started_count)" -ge "$NODES" ]; }
all_clone_started_mon() { [ "$(mon_clone_started)" = "$NODES" ]; }

# op_durations OP RSC-PREFIX: from the cluster node's log, how long the controller waited for
# each OP ("start", "probe") of the resources whose id starts with RSC-PREFIX, from "Requesting
# local execution" to "Result" (for a remote connection's start: connect, TLS, sign-on).
op_durations() {
    awk -v op="$1" -v rsc="$2" '
        function ms(t,  a) { split(t, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
        function key(  i, k) { for (i = 1; i < NF; i++) if ($i == "for") { k = $(i+1) " " $(i+3); sub(/:$/, "", k); return k } }
        index($0, "Requesting local execution of " op " operation for " rsc) { s[key()] = ms($3); next }
        index($0, "Result of " op " operation for " rsc) {
            k = key(); if (!(k in s)) next
            d[++n] = ms($3) - s[k]; if (!first || s[k] < first) first = s[k]; last = ms($3)
        }
        END {
            if (!n) { print "none"; exit }
            asort(d)
            printf "median %d ms, p90 %d ms, max %d ms (%d over %.1f s)\n", d[int((n + 1) / 2)], d[int(n * 0.9)], d[n], n, (last - first) / 1000
        }' "$(node_dir cluster)/log-pacemaker/pacemaker.log"
}

# wait_progress SECONDS WHAT COUNTER: like wait_for, polling COUNTER once a second until it
# reaches NODES, and logging the count every 10 s.
wait_progress() {
    local secs=$1 what=$2 counter=$3 deadline n next_log
    deadline=$(( $(now_ms) + secs * 1000 )) next_log=$(( $(now_ms) + 10000 ))
    while :; do
        n=$($counter)
        [ "$n" -ge "$NODES" ] && return 0
        if [ "$(now_ms)" -ge "$next_log" ]; then log "  $what: $n of $NODES"; next_log=$(( next_log + 10000 )); fi
        [ "$(now_ms)" -ge "$deadline" ] && { log "timed out after ${secs}s: $what $n of $NODES"; return 1; }
        sleep 1
    done
}

# ------------------------------------------------------------------ setup
log "daemon: $DAEMON ($REMOTED_CMD${JREMOTED_JAR:+, jar $JREMOTED_JAR}); $NODES remote nodes; results $RESULTS"
log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
destroy_netns $(scale_namespaces)        # leftovers of a killed run
prepare_results .scale-results           # KEY: the run's authkey

prepare_node_dir cluster
install -o hacluster -g haclient -m 0640 "$KEY" "$(node_dir cluster)/etc-pacemaker/authkey"
write_corosync_conf
seed_cib
for i in $(seq 1 "$NODES"); do prepare_node_dir "$(node_tag "$i")"; done

log "creating $(( NODES + 1 )) network namespaces"
ip netns add "$CL_NS" || die "ip netns add $CL_NS"
ip -n "$CL_NS" link set lo up
ip -n "$CL_NS" link add scbr type bridge || die "cannot create a bridge in $CL_NS"
ip -n "$CL_NS" addr add "$CL_IP/16" dev scbr
ip -n "$CL_NS" link set scbr up
for i in $(seq 1 "$NODES"); do
    ns=$(node_ns "$i")
    ip netns add "$ns" || die "ip netns add $ns"
    ip -n "$ns" link set lo up
    ip link add "scv$i" netns "$CL_NS" type veth peer name eth0 netns "$ns" || die "veth for $ns"
    ip -n "$CL_NS" link set "scv$i" master scbr up
    ip -n "$ns" addr add "$(node_ip "$i")/16" dev eth0
    ip -n "$ns" link set eth0 up
done
start_holder cluster "$CL_NS" "$CL_NODE" || die "cluster node's namespaces"
for i in $(seq 1 "$NODES"); do
    start_holder "$(node_tag "$i")" "$(node_ns "$i")" "$(node_name "$i")" || die "namespaces of node $i"
done

t=$(now_ms)
start_cluster || die "cluster node did not come up (corosync/pacemakerd): $(node_dir cluster)/log-pacemaker"
log "cluster node up in $(( $(now_ms) - t )) ms"
# What a real admin of a cluster of this size would set (docs/benchmarks.md, "Scale"): the
# controller runs one action at a time once the machine's load average counts as high, and here
# the load comes from the remote daemons and other tenants sharing the 2 cores, not from the
# cluster node. Fencing stays off (seed_cib): the test cluster has no fencing device.
[ -n "$NODE_ACTION_LIMIT" ] && cl crm_attribute -t crm_config -n node-action-limit -v "$NODE_ACTION_LIMIT"
[ -n "$LOAD_THRESHOLD" ] && cl crm_attribute -t crm_config -n load-threshold -v "$LOAD_THRESHOLD"

# ------------------------------------------------------------------ phase: daemons
log "phase daemons: starting $NODES daemons, $START_PARALLEL at a time"
phase_begin
for (( i = 1; i <= NODES; i += START_PARALLEL )); do
    kids=()
    for (( j = i; j < i + START_PARALLEL && j <= NODES; j++ )); do
        start_remoted "$(node_tag "$j")" "$KEY" 3121 & kids+=($!)
    done
    for k in "${kids[@]}"; do wait "$k" || die "a daemon did not start: see $RESULTS/r*/remoted.out"; done
done
phase_end daemons
memory start $(daemon_pids)
log "after start: RSS ${R[start.rss_mib]} MiB, PSS ${R[start.pss_mib]} MiB (${R[start.count]} daemons)"

# ------------------------------------------------------------------ phase: online
log "phase online: $NODES remote connection resources (monitor $REMOTE_MONITOR)"
xml="<resources>"
for i in $(seq 1 "$NODES"); do xml+=$(remote_node_xml "$(node_name "$i")" "$(node_ip "$i")" 3121 "$REMOTE_MONITOR" 15s); done
phase_begin
cib_create resources "$xml</resources>" || die "cannot add the remote nodes"
wait_progress 1200 "remote nodes connected" remote_connected_count || die "not all remote nodes connected"
wait_for 120 "crm_mon to show all remote nodes online" all_online || die "crm_mon: not all remote nodes online"
phase_end online

# ------------------------------------------------------------------ phase: clone
log "phase clone: anonymous clone of Dummy, clone-max=$NODES (monitor $MONITOR)"
clone="<resources><clone id=\"sdummy-clone\">
$(nvpairs meta_attributes sdummy-clone-meta clone-max="$NODES" clone-node-max=1)
$(dummy_xml sdummy "$MONITOR")
</clone></resources>"
phase_begin
cib_create resources "$clone" || die "cannot add the clone"
cib_create constraints "<rsc_location id=\"sdummy-off-cluster\" rsc=\"sdummy-clone\" node=\"$CL_NODE\" score=\"-INFINITY\"/>" ||
    die "cannot add the location constraint"
wait_progress 1200 "clone instances started" clone_started_count || die "not all clone instances started"
wait_for 120 "crm_mon to show all clone instances started" all_clone_started_mon || die "crm_mon: not all instances started"
phase_end clone
memory running $(daemon_pids)

# ------------------------------------------------------------------ phase: idle
log "phase idle: ${IDLE}s of recurring monitors only"
settle 120
phase_begin
sleep "$IDLE"
phase_end idle
memory idle $(daemon_pids)
memory cluster $(cluster_pids)
R[idle.monitors_per_s]=$(awk -v n="$NODES" -v m="${MONITOR%s}" 'BEGIN { printf "%.1f", n / m }')
failed_ops=$(count_xpath lrm_rsc_op "//lrm_rsc_op[(@rc-code!='0' and @rc-code!='7') or @op-status!='0']")
still_online=$(mon_remote_online)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# How often the controller lowered its job limit because of the load average.
throttled=$(grep -c 'New throttle mode' "$(node_dir cluster)/log-pacemaker/pacemaker.log" 2>/dev/null)
throttle_modes=$(sed -n 's/.*New throttle mode: \(.*\) (was.*/\1/p' "$(node_dir cluster)/log-pacemaker/pacemaker.log" 2>/dev/null | sort | uniq -c | xargs)

# ------------------------------------------------------------------ summary
{
    echo "=== scale $(date -u '+%F %T') UTC daemon=$DAEMON nodes=$NODES cmd=$REMOTED_CMD${JREMOTED_JAR:+ jar=$JREMOTED_JAR}"
    echo "load before: $LOAD_BEFORE; after: $LOAD_AFTER; uptime: $(uptime)"
    echo "options: monitor=$MONITOR remote-monitor=$REMOTE_MONITOR start-parallel=$START_PARALLEL node-action-limit=${NODE_ACTION_LIMIT:-default} load-threshold=${LOAD_THRESHOLD:-default} idle=${IDLE}s"
    for ph in daemons online clone idle; do
        printf '%-8s wall %7s s  cluster CPU %7s s  daemons CPU %7s s  agents CPU %7s s\n' "$ph" \
            "${R[$ph.wall_s]}" "${R[$ph.cluster_cpu_s]}" "${R[$ph.daemons_cpu_s]}" "${R[$ph.agents_cpu_s]}"
    done
    for m in start running idle; do
        printf 'memory %-8s %3s daemons: RSS %8s MiB (%s each)  PSS %8s MiB (%s each)  peak RSS %8s MiB  threads %s\n' "$m" \
            "${R[$m.count]}" "${R[$m.rss_mib]}" "${R[$m.rss_per_daemon_mib]}" "${R[$m.pss_mib]}" \
            "${R[$m.pss_per_daemon_mib]}" "${R[$m.peak_rss_mib]}" "${R[$m.threads]}"
    done
    printf 'cluster node daemons: %s processes, RSS %s MiB, PSS %s MiB\n' "${R[cluster.count]}" "${R[cluster.rss_mib]}" "${R[cluster.pss_mib]}"
    echo "at the end: $still_online of $NODES remote nodes online, failed operations recorded: $failed_ops"
    echo "remote connection starts (controller's view): $(op_durations start sc-r)"
    echo "clone probes: $(op_durations probe sdummy); clone starts: $(op_durations start sdummy)"
    echo "controller throttle mode changes: ${throttled:-0} (${throttle_modes:-none})"
} | tee -a "$SUMMARY_LOG"
