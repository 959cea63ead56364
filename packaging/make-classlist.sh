#!/bin/sh
# Regenerates packaging/jremoted.classlist, the classes a daemon loads from start-up through one
# cluster node's sign-on (TLS-PSK, register) to a SIGTERM. bin/jremoted dumps a class-data archive
# from it on first start (docs/benchmarks.md, "Class-data archive"). A class missing from the list
# is read from the jar as before, a list naming a class that is gone is skipped by the JVM: rerun
# this after changes that load other classes at start-up.
#   packaging/make-classlist.sh [JAR]       (default target/jremoted.jar; needs a free port 3121x)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
jar=${1:-$here/target/jremoted.jar}
[ -f "$jar" ] || { echo "no $jar: mvn -B -o package -DskipTests first" >&2; exit 2; }
work=$(mktemp -d /tmp/jremoted-classlist.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
head -c 256 /dev/urandom > "$work/authkey"
chmod 600 "$work/authkey"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PCMK_remote_port=$port PCMK_remote_address=127.0.0.1 PCMK_authkey_location=$work/authkey \
    PCMK_logfile=$work/log JREMOTED_JAR=$jar JREMOTED_CDS=off \
    JREMOTED_JAVA_OPTS="-XX:DumpLoadedClassList=$work/classlist" \
    "$here/bin/jremoted" >"$work/out" 2>&1 &
pid=$!
i=0
until JREMOTED_CDS=off JREMOTED_JAR=$jar "$here/bin/jremoted" probe --tcp-only -p "$port" 127.0.0.1 >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 120 ] || { echo "daemon did not listen on $port" >&2; cat "$work/out" >&2; exit 1; }
    sleep 0.25
done
JREMOTED_CDS=off JREMOTED_JAR=$jar "$here/bin/jremoted" probe -k "$work/authkey" -p "$port" 127.0.0.1 >/dev/null
sleep 1
kill -TERM "$pid"
wait "$pid" || true
# The JVM writes a comment header; the rest (classes, lambda proxies) is what the dump reads.
grep -v '^#' "$work/classlist" > "$here/packaging/jremoted.classlist"
echo "packaging/jremoted.classlist: $(grep -vc '^@' "$here/packaging/jremoted.classlist") classes"
