#!/bin/bash
# PID-1 mode of packaging/container/jremoted-init (docs/daemon.md §7), with a stand-in daemon so the
# init's own behaviour is what is tested: run as PID 1 of a fresh PID namespace (unshare), it
# must load pcmk-init.env by upstream's rules without overriding the container's variables,
# put tini in front of the daemon, reap orphans, forward SIGTERM, and exit with the daemon's
# status; then the real daemon (REMOTED_CMD, default <project>/bin/jremoted) behind the init.
#
#   run.sh [--only NAME,...] [--keep] [--results DIR] [--list]
#
# Needs root (unshare --pid) and tini. Prints "PASS check" or "FAIL check: reason" and one line
# "container: N passed, N failed"; exit status 0 only if every check passed. Files stay in the
# results directory (default <project>/target/container-results); --keep has nothing else to keep.
set -u
exec </dev/null
here=$(cd "$(dirname "$0")" && pwd -P)
project=$(cd "$here/../../.." && pwd -P)
ROOT=$project
init=$project/packaging/container/jremoted-init
SUITE_TAG=pid1
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
SCENARIOS=(env_file_and_exit_status sigterm_reaches_the_daemon not_pid1_modes real_daemon_as_pid1)
usage() { sed -n '2,13p' "$0"; }
RESULTS=${CONTAINER_RESULTS:-$ROOT/target/container-results}
parse_suite_options "$@"
REMOTED_CMD=${REMOTED_CMD:-$project/bin/jremoted}
work=$RESULTS
suite_teardown() { log "files in $work"; }
# Private PID namespaces only: nothing to lock.
suite_begin container --no-lock --leftovers true
command -v tini >/dev/null || setup_failed "tini is not installed"
find "$work" -mindepth 1 -delete

cat > "$work/pcmk-init.env" <<'ENV'
PLAIN=simple
  INDENTED=yes
SQ='single quoted value'
DQ="double \" quoted"
ESCAPED=with\ space
COMMENTED=value   # trailing comment
GARBAGE=value trailing-text
export EXPORTED=no
ALREADY=from-file
1BAD=no
EMPTYQ=""
ENV
printf 'LONG=%s\n' "$(head -c 2100 /dev/zero | tr '\0' x)" >> "$work/pcmk-init.env"

# The stand-in daemon: reports what it sees, leaves an orphan behind, then waits for SIGTERM
# (exit 0) or exits with $FAKE_EXIT right away.
cat > "$work/fake-daemon" <<'FAKE'
#!/bin/bash
out=$FAKE_OUT
{ echo "pid=$$"; echo "pid1=$(cat /proc/1/comm)"; env | grep -E '^(PLAIN|INDENTED|SQ|DQ|ESCAPED|COMMENTED|GARBAGE|EXPORTED|ALREADY|1BAD|EMPTYQ|LONG|PCMK_logfile)=' | sort; } > "$out.env"
# An orphan: its parent (a subshell) exits at once, so it is re-parented to PID 1 and must be
# reaped there when it exits.
( sleep 0.3 & ) ; sleep 1
echo "zombies=$(ps -eo stat= | grep -c '^Z')" >> "$out.env"
[ -n "${FAKE_EXIT:-}" ] && exit "$FAKE_EXIT"
trap 'echo term >> "$FAKE_OUT.env"; exit 0' TERM
echo ready >> "$out.env"
while :; do sleep 0.1; done
FAKE
chmod +x "$work/fake-daemon"

run_pid1() {   # run_pid1 NAME [env assignments...]: the init as PID 1 of a new PID namespace
    local name=$1; shift
    env -i PATH="$PATH" FAKE_OUT="$work/$name" JREMOTED="$work/fake-daemon" \
        PCMK_INIT_ENV_FILE="$work/pcmk-init.env" ALREADY=from-container "$@" \
        unshare --pid --fork --mount-proc "$init" &
}
has() { grep -qxF "$2" "$work/$1.env"; }
lacks() { ! grep -q "^$2=" "$work/$1.env"; }

scenario_env_file_and_exit_status() {
    local rc
    run_pid1 exit7 FAKE_EXIT=7
    wait $!; rc=$?
    check "daemon's exit status comes back through the init (7, got $rc)" test "$rc" = 7
    check "tini is PID 1" has exit7 "pid1=tini"
    check "orphans are reaped" has exit7 "zombies=0"
    check "unquoted value" has exit7 "PLAIN=simple"
    check "leading whitespace" has exit7 "INDENTED=yes"
    check "single quotes" has exit7 "SQ=single quoted value"
    check "double quotes keep the backslash" has exit7 'DQ=double \" quoted'
    check "escaped blank keeps the backslash" has exit7 'ESCAPED=with\ space'
    check "trailing comment" has exit7 "COMMENTED=value"
    check "text after the value voids the line" lacks exit7 GARBAGE
    check "no export keyword" lacks exit7 EXPORTED
    check "names must not start with a digit" lacks exit7 1BAD
    check "empty quoted value" has exit7 "EMPTYQ="
    check "lines over 2048 bytes skipped" lacks exit7 LONG
    check "container variables win" has exit7 "ALREADY=from-container"
    check "log file defaults to /var/log/pcmk-init.log" has exit7 "PCMK_logfile=/var/log/pcmk-init.log"
}

scenario_sigterm_reaches_the_daemon() {
    local unshare_pid tini_pid rc
    run_pid1 term
    unshare_pid=$!
    for _ in $(seq 1 50); do grep -q ready "$work/term.env" 2>/dev/null && break; sleep 0.1; done
    # The namespace's PID 1 (tini) is unshare's child; signal it as a container runtime would.
    tini_pid=$(pgrep -P "$unshare_pid" | head -1)
    kill -TERM "$tini_pid"
    wait "$unshare_pid"; rc=$?
    check "SIGTERM to PID 1 reaches the daemon" grep -q term "$work/term.env"
    check "clean exit after SIGTERM (got $rc)" test "$rc" = 0
}

# Not PID 1: PCMK_remote_pid1=vars loads the file only; "default" does nothing (3.0 semantics).
scenario_not_pid1_modes() {
    env -i PATH="$PATH" FAKE_OUT="$work/vars" FAKE_EXIT=0 JREMOTED="$work/fake-daemon" \
        PCMK_INIT_ENV_FILE="$work/pcmk-init.env" PCMK_remote_pid1=vars "$init"
    check "vars: file loaded" has vars "PLAIN=simple"
    check "vars: no init in front" test "$(grep '^pid1=' "$work/vars.env")" != "pid1=tini"
    env -i PATH="$PATH" FAKE_OUT="$work/default" FAKE_EXIT=0 JREMOTED="$work/fake-daemon" \
        PCMK_INIT_ENV_FILE="$work/pcmk-init.env" PCMK_remote_pid1=default "$init"
    check "default: file not loaded" lacks default PLAIN
}

# ---------------------------------------------------------------- the real daemon as PID 1
# jremoted itself behind the init, as PID 1 of new PID, mount and network namespaces: it must
# take its port and log file from pcmk-init.env, run an agent whose child double-forks (the
# grandchild is orphaned to PID 1 and must be reaped there), and exit 0 on SIGTERM. Driven by
# the test client built on Pacemaker's own client library (src/test/c).
real_daemon() {
    local rd=$work/real port=31219 client tini_pid rc zombies i
    mkdir -p "$rd/agents"
    if ! make -s -C "$project/src/test/c" OUT="$rd" >"$rd/make.out" 2>&1; then
        check "the test client (src/test/c) builds: $(tail -1 "$rd/make.out")" false; return
    fi
    client=$rd/lrmd-client
    dd if=/dev/urandom of="$rd/authkey" bs=4096 count=1 status=none
    printf 'PCMK_remote_port=%s\nPCMK_logfile=%s\nPCMK_authkey_location=%s\n' \
        "$port" "$rd/remoted.log" "$rd/authkey" > "$rd/pcmk-init.env"
    # start leaves a grandchild behind (its parent exits at once), as daemons started by
    # agents do; monitor says whether start ran.
    cat > "$rd/agents/doublefork" <<'AGENT'
#!/bin/bash
case $1 in
    start) ( exec -a jr-orphan sleep 2 & ) ; touch "$OCF_RESKEY_state"; exit 0 ;;
    stop) rm -f "$OCF_RESKEY_state"; exit 0 ;;
    monitor) [ -e "$OCF_RESKEY_state" ] && exit 0; exit 7 ;;
    meta-data) echo '<resource-agent name="doublefork"><actions><action name="start"/></actions></resource-agent>'; exit 0 ;;
    *) exit 3 ;;
esac
AGENT
    chmod 755 "$rd/agents/doublefork"
    mkdir -p /usr/lib/ocf/resource.d/jremoted-test-pid1
    env -i PATH="$PATH" ${JREMOTED_JAR:+JREMOTED_JAR="$JREMOTED_JAR"} ${JAVA_HOME:+JAVA_HOME="$JAVA_HOME"} \
        PCMK_INIT_ENV_FILE="$rd/pcmk-init.env" JREMOTED="$REMOTED_CMD" \
        unshare --pid --fork --mount-proc --net --propagation private sh -c '
            ip link set lo up && mount --bind "$1/agents" /usr/lib/ocf/resource.d/jremoted-test-pid1 && exec "$2"' \
        pid1 "$rd" "$init" >"$rd/init.out" 2>&1 &
    local unshare_pid=$!
    for i in $(seq 1 100); do tini_pid=$(pgrep -P "$unshare_pid" | head -1); [ -n "$tini_pid" ] && break; sleep 0.1; done
    inside() { nsenter -t "$tini_pid" -p -m -n -- "$@"; }
    for i in $(seq 1 400); do inside ss -Hltn "sport = :$port" 2>/dev/null | grep -q LISTEN && break; sleep 0.1; done
    check "jremoted listens on the port from pcmk-init.env ($port)" sh -c "nsenter -t $tini_pid -n ss -Hltn 'sport = :$port' | grep -q LISTEN"
    check "tini is PID 1 of the container" test "$(inside cat /proc/1/comm 2>/dev/null)" = tini
    check "jremoted (java) is tini's child" test "$(inside sh -c 'cat /proc/$(pgrep -P 1 | head -1)/comm' 2>/dev/null)" = java
    inside env PCMK_authkey_location="$rd/authkey" "$client" -p "$port" exec pid1rsc ocf jremoted-test-pid1 doublefork \
        start 0 20000 state="$rd/pid1rsc.state" >"$rd/client.out" 2>&1
    rc=$?
    check "start of the double-forking agent through jremoted succeeded (client exit $rc)" test "$rc" = 0
    check "the agent's orphan was re-parented to PID 1" sh -c "nsenter -t $tini_pid -p -m ps -eo ppid=,args= | grep -q '^ *1 jr-orphan'"
    sleep 3
    zombies=$(inside ps -eo stat= 2>/dev/null | grep -c '^Z')
    check "no zombies in the container after the orphan exited (got $zombies)" test "$zombies" = 0
    check "jremoted logs to PCMK_logfile from pcmk-init.env" grep -q 'pid1rsc' "$rd/remoted.log"
    kill -TERM "$tini_pid"
    wait "$unshare_pid"; rc=$?
    check "SIGTERM to PID 1: jremoted exits 0 (got $rc)" test "$rc" = 0
}
scenario_real_daemon_as_pid1() {
    if [ -x "$(command -v make)" ] && pkg-config --exists pacemaker-lrmd 2>/dev/null; then
        real_daemon
    else
        check "pacemaker-dev (the client library) installed for the real-daemon checks" false
    fi
}

run_checked_scenarios
teardown
summary_and_exit
