#!/usr/bin/env bash
# The systemd-class suite: jremoted inside a real, booted Debian 12 systemd (systemd-nspawn),
# driven from outside with Pacemaker's own client library (src/test/c/lrmd-client).
#
#   run.sh [--only NAME,...] [--keep] [--results DIR] [--list]      (as root)
#
# Prints "PASS check" or "FAIL check: reason" and ends with "systemd: N passed, N failed"; exit 0
# only if all passed. Installs debootstrap and systemd-container if missing; the Debian root is
# built once (debootstrap, ~30 s) and cached in $SYSTEMD_CACHE; every run boots it with
# --volatile=overlay, so the cached root is never modified. The container shares the host's
# network namespace and jremoted listens on a loopback port only the test uses. Files (logs)
# stay in the results directory (default <project>/target/systemd-results); --keep has nothing
# else to keep.
#
# Environment (optional):
#   JREMOTED_JAR    the shaded jar run inside the container (default: $BUILD_DIR/jremoted.jar)
#   BUILD_DIR       Maven build directory (default: <project>/target)
#   SYSTEMD_CACHE   where the root is cached (default: /var/cache/jremoted-test/systemd-suite)
#   SYSTEMD_PORT    port jremoted listens on (default: 31297)
set -uo pipefail
exec </dev/null
cd "$(dirname "$0")/../../.." || exit 2
ROOT=$PWD
SUITE_TAG=systemd
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
BUILD_DIR=${BUILD_DIR:-$ROOT/target}
JAR=${JREMOTED_JAR:-$BUILD_DIR/jremoted.jar}
CACHE=${SYSTEMD_CACHE:-/var/cache/jremoted-test/systemd-suite}
DEBROOT=$CACHE/bookworm-root
PORT=${SYSTEMD_PORT:-31297}
JVM_DIR=/usr/lib/jvm
export DEBIAN_FRONTEND=noninteractive
SCENARIOS=(systemd_unit failing_unit start_timeout template_units unknown_unit service_class lsb_daemon
           dbus_restart)
usage() { sed -n '2,20p' "$0"; }
RESULTS=${SYSTEMD_RESULTS:-$BUILD_DIR/systemd-results}
parse_suite_options "$@"
WORK=$RESULTS
NSPAWN_PID=
JR_PID=
LEADER=
suite_teardown() {
    local jr
    if [ -n "$JR_PID" ]; then
        # nsenter forked the daemon into the container's PID namespace: stop it by its own PID.
        jr=$(ps -o pid= --ppid "$JR_PID" 2>/dev/null | head -1 | tr -d ' ')
        [ -n "$jr" ] && kill -TERM "$jr" 2>/dev/null
        for _ in $(seq 1 20); do kill -0 "$JR_PID" 2>/dev/null || break; sleep 0.5; done
    fi
    if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
        kill -TERM "$NSPAWN_PID" 2>/dev/null
        for _ in $(seq 1 40); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$NSPAWN_PID" 2>/dev/null
    fi
    log "files in $WORK"
}
suite_keep() { suite_teardown; }
# The container is named after this run and the port is the suite's own: nothing to lock.
suite_begin systemd --no-lock --leftovers true
find "$WORK" -mindepth 1 -delete

# ------------------------------------------------------------------ packages
REQUIRED_PKGS=(debootstrap systemd-container pacemaker-dev libglib2.0-dev pkg-config build-essential)
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]}"

[ -f "$JAR" ] || [ ! -f "$ROOT/target/jremoted.jar" ] || JAR=$ROOT/target/jremoted.jar
[ -f "$JAR" ] || setup_failed "no jremoted jar at $JAR (build with mvn package, or set JREMOTED_JAR)"
JAVA_HOME_HOST=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
case "$JAVA_HOME_HOST" in
    $JVM_DIR/*) ;;
    *) setup_failed "java ($JAVA_HOME_HOST) is not under $JVM_DIR, cannot share it with the container" ;;
esac

# ------------------------------------------------------------------ the cached root
# Built once by debian_root (lib.sh); a root from before it (marked .jremoted-root-ok) is used as it is.
if [ ! -x "$DEBROOT/lib/systemd/systemd" ] || [ ! -f "$DEBROOT/.jremoted-root-ok" ]; then
    debian_root "$DEBROOT" bookworm systemd,dbus,systemd-sysv || setup_failed "debootstrap failed (log: $DEBROOT.log)"
fi

# ------------------------------------------------------------------ work directory
mkdir -p "$WORK/opt" "$WORK/units"
cp "$JAR" "$WORK/opt/jremoted.jar"
head -c 256 /dev/urandom > "$WORK/opt/authkey"
chmod 600 "$WORK/opt/authkey"
export PCMK_authkey_location=$WORK/opt/authkey
log "building the test client"
make -s -C "$ROOT/src/test/c" OUT="$WORK" >"$WORK/make.log" 2>&1 || { cat "$WORK/make.log" >&2; setup_failed "cannot build lrmd-client"; }
CLIENT=$WORK/lrmd-client

# Test units, visible to the container's systemd through a read-only bind of its
# /usr/local/lib/systemd/system (part of the unit search path).
cat > "$WORK/units/jrtest.service" <<'EOF'
[Unit]
Description=jremoted test unit
[Service]
Type=simple
ExecStart=/bin/sleep infinity
ExecReload=/bin/sh -c 'date +%%s%%N >> /run/jrtest.reloads'
EOF
cat > "$WORK/units/jrfail.service" <<'EOF'
[Unit]
Description=jremoted unit that fails to start
[Service]
Type=oneshot
ExecStart=/bin/false
EOF
cat > "$WORK/units/jrslow.service" <<'EOF'
[Unit]
Description=jremoted unit whose start takes a minute
[Service]
Type=oneshot
RemainAfterExit=yes
TimeoutStartSec=infinity
ExecStart=/bin/sleep 60
EOF
cat > "$WORK/units/jrtpl@.service" <<'EOF'
[Unit]
Description=jremoted template unit %i
[Service]
Type=simple
ExecStart=/bin/sleep infinity
EOF
cat > "$WORK/units/jrboth.service" <<'EOF'
[Unit]
Description=jremoted unit shadowed by an init script
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo systemd >> /run/jrboth.started'
EOF
# An LSB script with the same name: service:jrboth must pick it (docs/agents.md §4).
cat > "$WORK/jrboth.init" <<'EOF'
#!/bin/sh
case "$1" in
    start) echo lsb >> /run/jrboth.started; touch /run/jrboth.lsb-running; exit 0 ;;
    stop) rm -f /run/jrboth.lsb-running; exit 0 ;;
    status) [ -e /run/jrboth.lsb-running ] && exit 0; exit 3 ;;
    *) exit 3 ;;
esac
EOF
# A pidfile-managing LSB daemon.
cat > "$WORK/jrlsb.init" <<'EOF'
#!/bin/sh
PIDFILE=/run/jrlsb.pid
running() { [ -f $PIDFILE ] && kill -0 "$(cat $PIDFILE)" 2>/dev/null; }
case "$1" in
    start) running && exit 0
           setsid sleep 1000 >/dev/null 2>&1 </dev/null & echo $! > $PIDFILE; exit 0 ;;
    stop) running && kill "$(cat $PIDFILE)"; rm -f $PIDFILE; exit 0 ;;
    status) running && exit 0; [ -f $PIDFILE ] && exit 1; exit 3 ;;
    *) exit 3 ;;
esac
EOF

# ------------------------------------------------------------------ boot
[ -z "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ] || setup_failed "port $PORT is already in use (set SYSTEMD_PORT)"

log "booting the container"
setsid systemd-nspawn --register=no --keep-unit --console=passive --volatile=overlay -b \
    -D "$DEBROOT" --machine="jrsd$$" \
    --bind-ro="$JVM_DIR" --bind-ro=/etc/java-17-openjdk \
    --bind-ro="$WORK/opt:/opt/jremoted" --bind-ro="$WORK/units:/usr/local/lib/systemd/system" \
    </dev/null >"$WORK/nspawn.log" 2>&1 &
NSPAWN_PID=$!
in_ct() { timeout 20 nsenter -t "$LEADER" -a "$@"; }
deadline=$(( $(now_ms) + 30000 ))
state=
while [ "$(now_ms)" -lt "$deadline" ]; do
    LEADER=$(ps -o pid= --ppid "$NSPAWN_PID" 2>/dev/null | head -1 | tr -d ' ')
    if [ -n "$LEADER" ]; then
        state=$(in_ct systemctl is-system-running 2>/dev/null)
        case "$state" in running|degraded) break ;; esac
    fi
    kill -0 "$NSPAWN_PID" 2>/dev/null || break
    sleep 0.3
done
case "$state" in
    running|degraded) check_passed "boot (systemd $state in $(( $(date +%s) - SUITE_START ))s)" ;;
    *) cat "$WORK/nspawn.log" >&2; setup_failed "container did not boot (state '$state')" ;;
esac

in_ct sh -c 'cat > /etc/init.d/jrboth && chmod 755 /etc/init.d/jrboth' < "$WORK/jrboth.init"
in_ct sh -c 'cat > /etc/init.d/jrlsb && chmod 755 /etc/init.d/jrlsb' < "$WORK/jrlsb.init"
in_ct systemctl daemon-reload

# ------------------------------------------------------------------ jremoted inside
log "starting jremoted inside the container on port $PORT"
setsid nsenter -t "$LEADER" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    PCMK_remote_port="$PORT" PCMK_remote_address=127.0.0.1 \
    PCMK_authkey_location=/opt/jremoted/authkey PCMK_logfile=/var/log/jremoted.log PCMK_debug=yes \
    "$JAVA_HOME_HOST/bin/java" -XX:TieredStopAtLevel=1 -jar /opt/jremoted/jremoted.jar \
    >"$WORK/jremoted.out" 2>&1 &
JR_PID=$!
deadline=$(( $(now_ms) + 30000 ))
up=0
while [ "$(now_ms)" -lt "$deadline" ]; do
    if timeout 10 "$CLIENT" -p "$PORT" -w 3000 connect >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$JR_PID" 2>/dev/null || break
    sleep 0.5
done
[ $up = 1 ] || { tail -30 "$WORK/jremoted.out" >&2; setup_failed "jremoted did not come up inside the container"; }
check_passed "jremoted up inside the container"

# ------------------------------------------------------------------ helpers
# run RSC CLASS TYPE ACTION INTERVAL TIMEOUT: one exec through the client library; sets
# R_RC R_STATUS R_REASON R_OUTPUT R_MS (wall time of the call).
run() {
    local t0 out
    t0=$(now_ms)
    out=$(timeout 60 "$CLIENT" -p "$PORT" -w 40000 exec "$1" "$2" - "$3" "$4" "$5" "$6" 2>>"$WORK/client.err")
    R_MS=$(( $(now_ms) - t0 ))
    R_RC=$(sed -n 's/^exec_rc=//p' <<<"$out")
    R_STATUS=$(sed -n 's/^exec_op_status=//p' <<<"$out")
    R_REASON=$(sed -n 's/^exec_exit_reason=//p' <<<"$out")
    R_OUTPUT=$(sed -n 's/^exec_output=//p' <<<"$out")
    [ -n "$R_RC" ] || { R_RC=none; R_STATUS=none; echo "$out" >> "$WORK/client.err"; }
}
# expect NAME RC STATUS [REASON-SUBSTRING]
expect() {
    local name=$1 rc=$2 st=$3 reason=${4:-}
    if [ "$R_RC" = "$rc" ] && [ "$R_STATUS" = "$st" ] && { [ -z "$reason" ] || [[ "$R_REASON" == *"$reason"* ]]; }; then
        check_passed "$name"
        return 0
    fi
    check_failed "$name" "got rc=$R_RC status=$R_STATUS reason='$R_REASON' (want rc=$rc status=$st${reason:+ reason~'$reason'})"
    return 1
}
unit_prop() { in_ct systemctl show -P "$2" "$1" 2>/dev/null; }

DROPIN=/run/systemd/system/jrtest.service.d/50-pacemaker.conf

# ------------------------------------------------------------------ scenarios
scenario_systemd_unit() {
    local content
    run st1 systemd jrtest monitor 0 20000
    expect "probe of a stopped unit: rc 7, reason = ActiveState" 7 0 inactive

    run st1 systemd jrtest start 0 20000
    expect "start" 0 0
    check "unit active after start" test "$(unit_prop jrtest.service ActiveState)" = active
    content=$(in_ct cat "$DROPIN" 2>/dev/null)
    check "drop-in written with Before=pacemaker_remote.service" grep -qx 'Before=pacemaker.service pacemaker_remote.service' <<<"$content"
    check "drop-in has [Service] Restart=no" grep -qx 'Restart=no' <<<"$content"
    check "drop-in mode 0644" test "$(in_ct stat -c %a "$DROPIN")" = 644
    check "systemd loaded the drop-in (daemon-reload done)" grep -q "$DROPIN" <<<"$(unit_prop jrtest.service DropInPaths)"
    check "unit ordered before pacemaker_remote.service" grep -qw pacemaker_remote.service <<<"$(unit_prop jrtest.service Before)"

    run st1 systemd jrtest start 0 20000
    expect "start of a running unit succeeds" 0 0

    run st1 systemd jrtest monitor 10000 20000
    expect "recurring monitor of a running unit" 0 0

    run st1 systemd jrtest reload 0 20000
    expect "reload (ReloadUnit)" 0 0
    check "unit's ExecReload ran" in_ct test -s /run/jrtest.reloads

    run st1 systemd jrtest stop 0 20000
    expect "stop" 0 0
    check "unit inactive after stop" test "$(unit_prop jrtest.service ActiveState)" = inactive
    check "drop-in removed on stop" in_ct test ! -e "$DROPIN"
    check "systemd forgot the drop-in" test -z "$(unit_prop jrtest.service DropInPaths)"

    run st1 systemd jrtest stop 0 20000
    expect "stop of a stopped unit" 0 0

    run st1 systemd jrtest meta-data 0 20000
    if [ "$R_RC" = 0 ] && [[ "$R_OUTPUT" == *"jremoted test unit"* ]]; then check_passed "meta-data carries the unit Description"
    else check_failed "meta-data" "rc=$R_RC output='${R_OUTPUT:0:200}'"; fi
}

scenario_failing_unit() {
    run sf1 systemd jrfail start 0 20000
    expect "unit that fails to start: rc 1, status error" 1 4 "failed with result 'failed'"
    run sf1 systemd jrfail stop 0 20000
    expect "stop after a failed start" 0 0
}

scenario_start_timeout() {
    run ss1 systemd jrslow start 0 2000
    expect "start outlasting its timeout: rc 1, status timeout" 1 2 "did not complete in time"
    if [ "$R_MS" -ge 6500 ] && [ "$R_MS" -le 12000 ]; then check_passed "timeout reported at timeout + 5 s (${R_MS} ms)"
    else check_failed "timeout timing" "took ${R_MS} ms, expected about 7000"; fi
    run ss1 systemd jrslow stop 0 20000
    expect "stop cancels the slow start job" 0 0
    # Killing the half-started oneshot leaves it "failed" rather than "inactive": both are stopped.
    check "slow unit stopped after stop" grep -qxE 'inactive|failed' <<<"$(unit_prop jrslow.service ActiveState)"
}

scenario_template_units() {
    run tp1 systemd jrtpl@one start 0 20000
    expect "template instance start (jrtpl@one)" 0 0
    check "instance jrtpl@one.service active" test "$(unit_prop jrtpl@one.service ActiveState)" = active
    check "template instance drop-in" in_ct test -f /run/systemd/system/jrtpl@one.service.d/50-pacemaker.conf
    run tp1 systemd jrtpl@one monitor 0 20000
    expect "template instance monitor" 0 0
    run tp1 systemd jrtpl@one stop 0 20000
    expect "template instance stop" 0 0
    run tp2 systemd jrtpl@.service start 0 20000
    expect "template without instance starts jrtpl@pacemaker.service" 0 0
    check "jrtpl@pacemaker.service active" test "$(unit_prop jrtpl@pacemaker.service ActiveState)" = active
    run tp2 systemd jrtpl@.service stop 0 20000
    expect "template without instance stop" 0 0
}

scenario_unknown_unit() {
    run nx1 systemd jrnosuch start 0 20000
    expect "start of an unknown unit: rc 5, not installed" 5 7 "not found"
    check "no drop-in left for an unknown unit" in_ct test ! -e /run/systemd/system/jrnosuch.service.d
    run nx1 systemd jrnosuch stop 0 20000
    expect "stop of an unknown unit: rc 0" 0 0
    run nx1 systemd jrnosuch monitor 0 20000
    expect "probe of an unknown unit: rc 7" 7 0
    run nx1 systemd jrnosuch promote 0 20000
    expect "unsupported action: rc 3" 3 4 "not implemented"
}

scenario_service_class() {
    # service: resolution (docs/agents.md §4)
    run sv1 service jrboth start 0 20000
    expect "service:jrboth start" 0 0
    check "service: picks /etc/init.d before the systemd unit" test "$(in_ct cat /run/jrboth.started 2>/dev/null)" = lsb
    run sv1 service jrboth stop 0 20000
    expect "service:jrboth stop (LSB)" 0 0
    run sv2 service jrtest start 0 20000
    expect "service:jrtest start (systemd unit, no init script)" 0 0
    check "service:jrtest went through systemd" test "$(unit_prop jrtest.service ActiveState)" = active
    check "service:jrtest got the drop-in" in_ct test -f "$DROPIN"
    run sv2 service jrtest stop 0 20000
    expect "service:jrtest stop" 0 0
    run sv3 service jrnosuch start 0 20000
    expect "service: with neither: LSB not installed" 5 7 "/etc/init.d/jrnosuch"
}

scenario_lsb_daemon() {
    # LSB daemon with a pid file, through the executor
    run lb1 lsb jrlsb monitor 0 20000
    expect "LSB probe of a stopped daemon: rc 7" 7 0
    run lb1 lsb jrlsb start 0 20000
    expect "LSB start" 0 0
    run lb1 lsb jrlsb start 0 20000
    expect "LSB start when running" 0 0
    run lb1 lsb jrlsb monitor 5000 20000
    expect "LSB monitor (status) of the running daemon" 0 0
    in_ct sh -c 'kill $(cat /run/jrlsb.pid)'
    sleep 0.3
    run lb1 lsb jrlsb monitor 0 20000
    expect "LSB status 1 (dead, pid file left) maps to rc 7" 7 0
    run lb1 lsb jrlsb stop 0 20000
    expect "LSB stop" 0 0
    run lb1 lsb jrlsb stop 0 20000
    expect "LSB stop when stopped" 0 0
}

scenario_dbus_restart() {
    # The bus goes away under the daemon: the next action must reconnect, not hang or fail.
    in_ct systemctl restart dbus.service
    sleep 1
    run st1 systemd jrtest monitor 0 20000
    if [ "$R_RC" = 7 ] && [ "$R_STATUS" = 0 ]; then check_passed "monitor after a D-Bus restart (reconnected)"
    elif [ "$R_STATUS" = 4 ] && [[ "$R_REASON" == *DBus* ]] && [ "$R_MS" -lt 15000 ]; then
        # The first call may see the lost connection; it must say so promptly, and the next succeed.
        run st1 systemd jrtest monitor 0 20000
        expect "monitor after a D-Bus restart (reconnected on the second try)" 7 0
    else check_failed "monitor after a D-Bus restart" "rc=$R_RC status=$R_STATUS reason='$R_REASON' in ${R_MS} ms"; fi
    run st1 systemd jrtest start 0 20000
    expect "start after a D-Bus restart (JobRemoved subscription renewed)" 0 0
    run st1 systemd jrtest stop 0 20000
    expect "stop after a D-Bus restart" 0 0

    if grep -q "No JobRemoved signal" <<<"$(in_ct cat /var/log/jremoted.log 2>/dev/null)"; then
        check_failed "job completion by JobRemoved" "the polling fallback was needed (see the daemon log)"
    else
        check_passed "every job completion came from JobRemoved"
    fi
}

run_checked_scenarios
in_ct cat /var/log/jremoted.log > "$WORK/jremoted.log" 2>/dev/null
teardown
summary_and_exit
