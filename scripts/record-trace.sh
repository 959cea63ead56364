#!/usr/bin/env bash
# Records a new trace for test-fixtures/traces (docs/traces.md): the real-cluster suite
# (src/test/cluster/run.sh) runs one of its scenarios against the C pacemaker-remoted 2.1.5
# (unpacked from Debian's package, as --c-daemon does) with src/test/c/tlstap.c preloaded, which
# records the plaintext of the daemon's TLS sessions; scripts/trace-from-tap.py writes it out in
# the *.xml-log format.
#
#   scripts/record-trace.sh SCENARIO OUT.xml-log      (as root; SCENARIO: run.sh --list)
#
# Uses the cluster suite's namespaces and lock, so it waits for a running cluster suite. The raw
# recording and the suite's results stay in the directory it names at the end.
set -euo pipefail
exec </dev/null
[ $# -eq 2 ] || { sed -n '2,11p' "$0" >&2; exit 64; }
scenario=$1 out=$2
cd "$(dirname "$0")/.."
ROOT=$PWD
work=$(mktemp -d /tmp/jremoted-trace.XXXXXX)
make -s -C "$ROOT/src/test/c" OUT="$work" tlstap
# shellcheck source=../src/test/cluster/lib.sh
c_daemon=$(source "$ROOT/src/test/cluster/lib.sh" && c_daemon_path) || { echo "no C pacemaker-remoted" >&2; exit 1; }
REMOTED_CMD="env LD_PRELOAD=$work/tlstap.so TLSTAP_FILE=$work/capture.tap $c_daemon" \
    bash "$ROOT/src/test/cluster/run.sh" --only "$scenario" --results "$work/results" ||
    echo "record-trace: the scenario failed; the trace shows what happened" >&2
[ -s "$work/capture.tap" ] || { echo "record-trace: nothing recorded (see $work/results)" >&2; exit 1; }
python3 "$ROOT/scripts/trace-from-tap.py" "$work/capture.tap" "$scenario" > "$out"
echo "record-trace: $(grep -c '^=== #' "$out") messages in $out (raw recording and logs: $work)"
