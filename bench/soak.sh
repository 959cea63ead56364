#!/bin/bash
# Soak benchmark (not a test): one daemon, one cluster-side client built on Pacemaker's own client
# library (bench/soak-client.c, liblrmd over TLS-PSK) that registers R resources with a recurring
# monitor every I ms and stays connected for D seconds. Every period (60 s) one CSV row records
# what the client saw (monitor-period drift per resource: median, p99, max) and what the daemon
# looks like: RSS, heap after a full GC, threads, file descriptors, its CPU and its agents' CPU,
# and the machine's load. docs/benchmarks.md ("Soak") has the figures of a one-hour run.
#
# usage: bench/soak.sh [options] [-- DAEMON_CMD [ARGS...]]
#   --duration S      seconds to stay connected (3600)
#   --resources R     resources, one monitor each (1000)
#   --interval-ms I   monitor interval (10000)
#   --period S        seconds per row (60)
#   --agent C:P:T     agent (ocf:bench:Noop, installed from bench/agents; ocf:pacemaker:Dummy works
#                     too but costs ~4x the CPU per run)
#   --jar PATH        jremoted jar for bin/jremoted (default: target/jremoted.jar)
#   --out DIR         results (default /tmp/jremoted-soak/<UTC date>)
#   --nice N          niceness of the daemon and the client (10)
#   --warmup S        rows of the first S seconds are left out of the summary (600)
#   --no-gc           do not force a full GC before reading the heap (the heap column is then
#                     whatever is in use at that moment)
# Without DAEMON_CMD the daemon is bin/jremoted of the tree the jar was built in (JAR/../../bin),
# else this project's. The heap column needs jcmd and jstat
# (a JVM daemon); for any other daemon it stays empty.
#
# Everything runs in network namespace jrsoak (created here, removed at the end); the daemon
# listens on port 3121 there and only loopback exists. Needs root, pacemaker-dev, libglib2.0-dev,
# a C compiler, iproute2.
#
# Output in DIR: soak.csv (one row per period), summary.txt (first/last/min/max/slope per
# figure and whether it is flat), client.out/client.err, daemon.log, daemon.out, soak-client.
# Flat means: over the rows after the first 10 minutes (--warmup: the JIT, the heap settling),
# the least-squares slope extrapolated to one hour is under 5 % of the figure's mean (RSS,
# heap), or under 2 or 5 % of the mean, whichever is more (threads, fds: agents running at the
# moment of a sample hold a few pipes and threads); drift is flat when its
# per-row median stays within 50 ms of its overall median.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
duration=3600 resources=1000 interval_ms=10000 period=60 agent=ocf:bench:Noop
jar=${JREMOTED_JAR:-$root/target/jremoted.jar} out= niceness=10 force_gc=1 warmup=600
daemon_cmd=()
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --resources) resources=$2; shift 2 ;;
        --interval-ms) interval_ms=$2; shift 2 ;;
        --period) period=$2; shift 2 ;;
        --agent) agent=$2; shift 2 ;;
        --jar) jar=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --nice) niceness=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --no-gc) force_gc=0; shift ;;
        --) shift; daemon_cmd=("$@"); break ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ ${#daemon_cmd[@]} -eq 0 ]; then
    [ -f "$jar" ] || { echo "soak: no jar at $jar (mvn -B package -DskipTests)" >&2; exit 2; }
    jar=$(readlink -f "$jar")
    # The launcher of the tree the jar was built in (its JVM flags belong to that jar), else ours
    launcher=$(dirname "$jar")/../bin/jremoted
    [ -x "$launcher" ] || launcher=$root/bin/jremoted
    daemon_cmd=("$(readlink -f "$launcher")")
fi
ns=jrsoak
port=3121
out=${out:-/tmp/jremoted-soak/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out" || exit 2
log() { printf '[soak %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "fatal: $*"; exit 2; }

# ---------------------------------------------------------------- setup
cc -O2 -g -Wall -o "$out/soak-client" "$here/soak-client.c" \
    $(pkg-config --cflags --libs pacemaker-lrmd glib-2.0) -lm || die "cannot build soak-client (pacemaker-dev, libglib2.0-dev)"
if [ "$agent" = ocf:bench:Noop ]; then
    # The same agent as the shared benchmark driver's ocf:bench:Noop
    install -D -m 755 "$here/agents/Noop" /usr/lib/ocf/resource.d/bench/Noop || die "cannot install the Noop agent"
fi
if ip netns list | grep -qw "$ns"; then
    ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q LISTEN && die "something listens on $port in $ns already"
else
    ip netns add "$ns" || die "cannot create network namespace $ns"
fi
ip -n "$ns" link set lo up
key=$out/authkey
head -c 256 /dev/urandom > "$key" && chmod 600 "$key"

daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid"
        for _ in $(seq 1 150); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$daemon_pid" 2>/dev/null
    fi
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "results in $out; daemon: ${daemon_cmd[*]}; load $(cut -d' ' -f1-3 /proc/loadavg)"
JREMOTED_JAR=$jar nice -n "$niceness" ip netns exec "$ns" env PCMK_remote_port=$port \
    PCMK_authkey_location="$key" PCMK_logfile="$out/daemon.log" "${daemon_cmd[@]}" \
    </dev/null >"$out/daemon.out" 2>&1 &
launcher=$!
for _ in $(seq 1 600); do
    daemon_pid=$(ip netns exec "$ns" ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    [ -n "$daemon_pid" ] && break
    kill -0 "$launcher" 2>/dev/null || die "the daemon exited before listening (see $out/daemon.out)"
    sleep 0.1
done
[ -n "$daemon_pid" ] || die "the daemon did not listen on $port within 60 s"
log "daemon pid $daemon_pid listening"
java_daemon=0
jcmd "$daemon_pid" VM.version >/dev/null 2>&1 && java_daemon=1

# ---------------------------------------------------------------- sampling
ticks=$(getconf CLK_TCK)
# utime stime cutime cstime of a process (fields 14-17 of /proc/PID/stat; the name may hold blanks)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12, $13, $14, $15}'; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }
heap_kb() {
    [ "$java_daemon" = 1 ] || return 0
    [ "$force_gc" = 1 ] && jcmd "$daemon_pid" GC.run >/dev/null 2>&1
    # Used survivor, eden and old space, whatever the collector (KiB, may be fractional)
    jstat -gc "$daemon_pid" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
        NR == 2 { printf "%.0f\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"] }'
}
csv=$out/soak.csv
echo "utc,elapsed_s,results,failures,drift_median_ms,drift_p99_ms,drift_max_ms,drift_min_ms,exec_median_ms,resources_silent,rss_kib,heap_after_gc_kib,threads,fds,daemon_cpu_pct,agents_cpu_pct,load1" > "$csv"
read -r u0 s0 cu0 cs0 <<<"$(cpu_ticks "$daemon_pid")"
t0=$(date +%s.%N)

log "client: $resources resources, monitor every $interval_ms ms, for $duration s (a row every $period s)"
nice -n "$niceness" ip netns exec "$ns" env PCMK_authkey_location="$key" "$out/soak-client" \
    --port "$port" --resources "$resources" --interval-ms "$interval_ms" --duration "$duration" \
    --period "$period" --agent "$agent" 2>"$out/client.err" | tee "$out/client.out" |
while IFS= read -r line; do
    case "$line" in
        sample,*) ;;
        *) continue ;;
    esac
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
        log "the daemon is gone"
        continue
    fi
    heap=$(heap_kb)
    rss=$(status_kb "$daemon_pid" VmRSS)
    threads=$(status_kb "$daemon_pid" Threads)
    fds=$(ls "/proc/$daemon_pid/fd" 2>/dev/null | wc -l)
    read -r u s cu cs <<<"$(cpu_ticks "$daemon_pid")"
    t=$(date +%s.%N)
    read -r dpct apct <<<"$(awk -v u=$((u + s - u0 - s0)) -v c=$((cu + cs - cu0 - cs0)) -v hz="$ticks" \
        -v dt="$(awk -v a="$t" -v b="$t0" 'BEGIN{print a - b}')" 'BEGIN{printf "%.1f %.1f\n", 100*u/hz/dt, 100*c/hz/dt}')"
    u0=$u s0=$s cu0=$cu cs0=$cs t0=$t
    echo "$(date -u +%H:%M:%S),${line#sample,},$rss,$heap,$threads,$fds,$dpct,$apct,$(cut -d' ' -f1 /proc/loadavg)" >> "$csv"
    tail -1 "$csv" >&2
done
client_rc=${PIPESTATUS[0]}

# ---------------------------------------------------------------- summary
daemon_alive=0
kill -0 "$daemon_pid" 2>/dev/null && daemon_alive=1
{
    echo "soak: $(date -u '+%F %T') UTC, daemon ${daemon_cmd[*]} (jar $jar), $resources x $agent every $interval_ms ms for $duration s"
    echo "client exit status $client_rc; daemon alive at the end: $daemon_alive; daemon log error lines: $(grep -cE '\) (error|crit):' "$out/daemon.log" 2>/dev/null), warning lines: $(grep -c ') warning:' "$out/daemon.log" 2>/dev/null)"
    grep '^summary,' "$out/client.out"
    awk -F, -v warm="$warmup" '
        NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next }
        { rows++; for (i = 2; i <= NF; i++) v[rows, i] = $i }
        END {
            split("rss_kib heap_after_gc_kib threads fds drift_median_ms drift_max_ms exec_median_ms daemon_cpu_pct agents_cpu_pct load1 results", want, " ")
            for (w = 1; w in want; w++) for (i = 2; i in name; i++) if (name[i] == want[w]) {
                n = 0; sx = sy = sxx = sxy = 0; mn = 1e18; mx = -1e18; first = last = ""
                for (r = 1; r <= rows; r++) {
                    x = v[r, 2]; y = v[r, i]
                    if (y == "" || x < warm) continue
                    n++; sx += x; sy += y; sxx += x * x; sxy += x * y
                    if (first == "") first = y
                    last = y; if (y + 0 < mn) mn = y + 0; if (y + 0 > mx) mx = y + 0
                    all[n] = y + 0
                }
                if (n < 2) { printf "%-18s (fewer than 2 rows after warm-up)\n", name[i]; continue }
                mean = sy / n; d = n * sxx - sx * sx
                slope_h = d != 0 ? (n * sxy - sx * sy) / d * 3600 : 0
                verdict = ""
                if (name[i] ~ /^(rss_kib|heap_after_gc_kib)$/)
                    verdict = (slope_h < 0 ? -slope_h : slope_h) < 0.05 * mean ? "flat" : "NOT FLAT"
                else if (name[i] ~ /^(threads|fds)$/)
                    # agents in flight at the moment of a sample hold pipes (and briefly a thread)
                    verdict = (slope_h < 0 ? -slope_h : slope_h) < (0.05 * mean > 2 ? 0.05 * mean : 2) ? "flat" : "NOT FLAT"
                else if (name[i] == "drift_median_ms") {
                    # median of the per-row medians
                    for (a = 1; a <= n; a++) s2[a] = all[a]
                    for (a = 2; a <= n; a++) { t = s2[a]; for (b = a - 1; b >= 1 && s2[b] > t; b--) s2[b + 1] = s2[b]; s2[b + 1] = t }
                    med = s2[int((n + 1) / 2)]
                    verdict = (mx - med <= 50 && med - mn <= 50) ? "flat" : "NOT FLAT"
                }
                printf "%-18s rows %3d  first %10s  last %10s  min %10s  max %10s  mean %12.1f  slope/h %10.1f  %s\n",
                    name[i], n, first, last, mn, mx, mean, slope_h, verdict
            }
        }' "$csv"
} | tee "$out/summary.txt"
[ "$client_rc" -eq 0 ] && [ "$daemon_alive" -eq 1 ]
