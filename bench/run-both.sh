#!/bin/bash
# Runs the shared benchmark driver against the C pacemaker-remoted (stock and with the daemon-side
# TCP options) and against jremoted, one after the other, and prints the tables side by side.
# Benchmarks never run inside the test suite; see docs/benchmarks.md for how to read the figures.
#
# usage: bench/run-both.sh [--quick] [--jar PATH] [--skip-c] [--skip-tuned] [-- extra bench.sh options]
#   BENCH_DIR  the driver (default: ../shared/bench next to the project, else /work/shared/bench);
#              copied to a temporary directory when it is not writable (bench.sh builds in place)
#   PMREMOTE   where the C daemon's package was unpacked (default /opt/pmremote)
#   BENCH_OUT  where raw results go (default /tmp/jremoted-bench/<date>)
# Needs root, /etc/pacemaker/authkey and what the driver's README lists.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd -P)
bench=${BENCH_DIR:-}
if [ -z "$bench" ]; then
    for d in "$here/../shared/bench" /work/shared/bench; do
        if [ -f "$d/bench.sh" ]; then bench=$(cd "$d" && pwd -P); break; fi
    done
fi
[ -n "$bench" ] && [ -f "$bench/bench.sh" ] || { echo "benchmark driver not found; set BENCH_DIR" >&2; exit 2; }
pmremote=${PMREMOTE:-/opt/pmremote}
c_daemon=$pmremote/usr/sbin/pacemaker-remoted
jar=${JREMOTED_JAR:-$here/target/jremoted.jar}
quick=() skip_c=0 skip_tuned=0 extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=(--quick); shift ;;
        --jar) jar=$2; shift 2 ;;
        --skip-c) skip_c=1; shift ;;
        --skip-tuned) skip_tuned=1; shift ;;
        --) shift; extra=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f "$jar" ] || { echo "no jar at $jar (mvn -B package -DskipTests)" >&2; exit 2; }
if [ ! -w "$bench" ]; then
    copy=$(mktemp -d /tmp/jremoted-bench.XXXXXX)
    cp -r "$bench/." "$copy/"
    bench=$copy
fi
make -s -C "$bench" >/dev/null
out=${BENCH_OUT:-/tmp/jremoted-bench}/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
echo "results in $out; load: $(cut -d' ' -f1-3 /proc/loadavg)"
run() { # name, bench.sh arguments...
    local name=$1; shift
    echo "== $name"
    "$bench/bench.sh" "${quick[@]}" --out "$out/$name" "${extra[@]}" "$@" > "$out/$name.log" 2>&1 \
        || echo "   $name: bench.sh failed, see $out/$name.log"
}
if [ $skip_c = 0 ] && [ -x "$c_daemon" ]; then
    run c-stock "$c_daemon"
else
    echo "   (no C daemon at $c_daemon: apt-get download pacemaker-remote && dpkg-deb -x ... $pmremote)"
fi
run jremoted --daemon-env JREMOTED_JAR="$jar" -- "$here/bin/jremoted"
if [ $skip_c = 0 ] && [ $skip_tuned = 0 ] && [ -x "$c_daemon" ]; then
    run c-tuned --daemon-env LD_PRELOAD="$bench/tcp-tune.so" --daemon-env TCP_TUNE_NODELAY=1 \
        --daemon-env TCP_TUNE_QUICKACK=1 -- "$c_daemon"
fi
# Side by side: figure name, then the median of each daemon.
python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
names = [n for n in ("c-stock", "c-tuned", "jremoted") if os.path.exists(os.path.join(out, n, "table.txt"))]
rows, order = {}, []
for n in names:
    for line in open(os.path.join(out, n, "table.txt")):
        if line.startswith("startup:"):
            # "startup: exec to first full connect  median min max  ms (K starts)"
            line = line.split(" ms (")[0] + " ms"
        parts = line.rstrip("\n").rsplit(None, 4)
        if len(parts) == 5 and parts[0].strip() and parts[1].replace(".", "").replace("-", "").isdigit():
            key = parts[0].strip() + " [" + parts[4] + "]"
            if key not in rows:
                rows[key] = {}
                order.append(key)
            rows[key][n] = parts[1]
print("%-58s" % "figure (median)" + "".join("%14s" % n for n in names))
for key in order:
    print("%-58s" % key[:58] + "".join("%14s" % rows[key].get(n, "-") for n in names))
PY
