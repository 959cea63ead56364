#!/usr/bin/env bash
# The upstream executor suite: Pacemaker 2.1.5's own `cts-exec -R`, from Debian 12's source
# package, run against the daemon under test ($REMOTED_CMD, default <project>/bin/jremoted) as
# the `pacemaker-remoted` on its PATH (docs/cts.md has what it covers and the reference figures).
#
#   run.sh [--only NAME,...] [--keep] [--c-daemon] [--pattern TEXT] [--results DIR] [--list]
#          [--teardown] [--prepare]
#
# Scenarios (each runs cts-exec once; every cts-exec test counts as one PASS/FAIL line):
#   namespaces  private network, PID and mount namespaces (unshare); the directories cts-exec
#               installs into are overlays, so the host is untouched. No systemd is booted
#               there, so cts-exec runs without Python's systemd bindings and leaves out the
#               systemd class itself (its own rule): ocf, lsb and service.
#   systemd     a booted Debian 12 (systemd-nspawn -b --volatile=overlay of the cached
#               install-root, private network), daemon and cts-exec inside: every class.
#
# cts-exec and its helper are prepared once and cached in $CTS_CACHE (apt-get source pacemaker
# through a private APT configuration with the host's own mirrors as deb-src; the @VARIABLES@ of
# cts-exec and its support files filled in with Debian's configure values; only cts-exec-helper
# compiled, against the installed 2.1.5 libraries). Nothing from upstream is in this repository.
#
# Prints "PASS <scenario>/<test>" or "FAIL <scenario>/<test>: reason" per cts-exec test, and
# exactly one line "cts: N passed, N failed". Exit status 0 only if nothing failed.
#
# Environment: REMOTED_CMD, JREMOTED_JAR, BUILD_DIR, CTS_CACHE (default
# /var/cache/jremoted-test/cts), CTS_ROOT (the booted root, default
# /var/cache/jremoted-test/install-root), CTS_SHARDS (4), CTS_START_TIMEOUT (seconds cts-exec
# waits for the daemon's "successfully started" log line per test, default 30),
# CTS_TEST_TIMEOUT (bound on one test, default 300).
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
# lib.sh's lock works on these names; this suite's namespaces are unnamed (unshare, nspawn).
CL_NS=cts-exec RM_NS=cts-exec BAD_NS=cts-exec
SUITE_TAG=cts
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"

SCENARIOS=(namespaces systemd)
PM_VERSION=2.1.5-1+deb12u1     # the Debian 12 source package cts-exec comes from
CTS=${CTS_CACHE:-/var/cache/jremoted-test/cts}
NODE_ROOT=${CTS_ROOT:-/var/cache/jremoted-test/install-root}
START_TIMEOUT=${CTS_START_TIMEOUT:-30}
# A bound on one test (the longest, ocf_stress, takes about 90 s; cts-exec-helper retries a
# connection it cannot make for ever).
TEST_TIMEOUT=${CTS_TEST_TIMEOUT:-300}
BUILD_DIR=${BUILD_DIR:-$ROOT/target}
# What the booted container installs from its root's own package cache (it has no network):
# crm_resource (cts-exec asks it which classes to test); Debian's pacemaker-cli-utils needs
# pacemaker or pacemaker-remote, and the cache has the latter, whose daemon is then removed.
CT_PKGS=(pacemaker-cli-utils pacemaker-remote)
# Fetched once into $CTS/debs: cts-exec needs psutil, its systemd dummy daemon the bindings.
PY_DEBS=(python3-psutil python3-systemd)

usage() {
    cat <<EOF
usage: $0 [options]
  --only NAME,...   run only these scenarios; names: ${SCENARIOS[*]}
  --c-daemon        test the upstream C pacemaker-remoted (unpacked from the Debian package)
  --pattern TEXT    only the cts-exec tests whose name contains TEXT (cts-exec -p)
  --keep            leave the booted container up afterwards (then: $0 --teardown)
  --teardown        only stop what a --keep (or killed) run left behind
  --prepare         only fetch and build cts-exec into $CTS
  --results DIR     results directory (default: <project>/target/cts-results)
  --list            list the scenario names
environment: REMOTED_CMD (daemon command, default <project>/bin/jremoted), CTS_CACHE, CTS_ROOT,
  CTS_SHARDS (4), CTS_START_TIMEOUT (30 s), CTS_TEST_TIMEOUT (300 s)
EOF
}

USE_C=0 PREPARE_ONLY=0 PATTERN=
RESULTS=${CTS_RESULTS:-$BUILD_DIR/cts-results}
suite_option() {
    case $1 in
        --c-daemon) USE_C=1 ;;
        --prepare) PREPARE_ONLY=1 ;;
        --pattern) PATTERN=$2; return 10 ;;
        *) return 1 ;;
    esac
}
parse_suite_options "$@"

PASSED=0 FAILED=0
summary_and_exit() {
    echo "cts: $PASSED passed, $FAILED failed"
    [ $FAILED -eq 0 ] && exit 0 || exit 1
}
[ "$(id -u)" -eq 0 ] || { echo "run.sh: must run as root (namespaces, mounts)"; echo "cts: 0 passed, 1 failed"; exit 1; }

# ------------------------------------------------------------------ preparing cts-exec (cached)
# apt_private ARGS...: apt-get with a private configuration that reads the host's own Debian
# sources as deb-src (never its /etc/apt), its lists kept in $CTS/apt.
apt_private() {
    apt-get -o Dir::Etc::sourcelist="$CTS/apt/sources.list" -o Dir::Etc::sourceparts="$CTS/apt/sources.list.d" \
        -o Dir::State::Lists="$CTS/apt/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= "$@"
}
write_private_sources() {
    mkdir -p "$CTS/apt/lists/partial" "$CTS/apt/sources.list.d"
    # One-line and deb822 sources alike: the same mirrors, with source packages.
    grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' > "$CTS/apt/sources.list"
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$CTS/apt/sources.list.d/$(basename "$f")"
    done
}

# The values Debian 12's configure gives (debian/rules: --libexecdir=/usr/lib, FHS defaults).
subst_values() {
    local unitdir; unitdir=$(pkg-config systemd --variable=systemdsystemunitdir 2>/dev/null)
    cat <<EOF
PYTHON=/usr/bin/python3
abs_top_builddir=$CTS/build
sbindir=/usr/sbin
PC_NAME_GNUTLS=gnutls
CRM_DAEMON_DIR=/usr/lib/pacemaker
OCF_ROOT_DIR=/usr/lib/ocf
OCF_RA_INSTALL_DIR=/usr/lib/ocf/resource.d
localstatedir=/var
runstatedir=/run
CRM_RSCTMP_DIR=/run/resource-agents
systemdsystemunitdir=${unitdir:-/lib/systemd/system}
libexecdir=/usr/lib
INITDIR=/etc/init.d
PCMK__FENCE_BINDIR=/usr/sbin
datadir=/usr/share
EOF
}
# configure_file IN OUT: OUT is IN with every @NAME@ replaced; an unknown name is an error.
configure_file() {
    local in=$1 out=$2 args=() name value left
    while IFS='=' read -r name value; do args+=(-e "s|@$name@|$value|g"); done < <(subst_values)
    sed "${args[@]}" "$in" > "$out" || return 1
    left=$(grep -o '@[A-Za-z_]*@' "$out" | sort -u | tr '\n' ' ')
    [ -z "$left" ] || { log "$in: no value for $left"; return 1; }
}

# build_cts: the whole preparation into $CTS/build.tmp, moved to $CTS/build when complete.
build_cts() {
    local src b
    write_private_sources
    # (A list that cannot be fetched, say a third-party repository without sources, is no reason
    # to stop: apt-get source below fails if Debian's own is missing.)
    apt_private update -q >&2 || log "apt-get update (private) reported errors; trying the source anyway"
    rm -rf "$CTS/src" && mkdir -p "$CTS/src" && chmod 777 "$CTS/src"   # apt's _apt user writes there
    (cd "$CTS/src" && apt_private source -q "pacemaker=$PM_VERSION" >&2) || return 1
    src=$(ls -d "$CTS"/src/pacemaker-*/ | head -1); src=${src%/}
    [ -f "$src/cts/cts-exec.in" ] || { log "no cts/cts-exec.in in $src"; return 1; }
    b=$CTS/build.tmp
    rm -rf "$b"
    mkdir -p "$b/cts" "$b/cfg" "$b/root/usr/lib/pacemaker" "$b/root/usr/share/pacemaker/tests/cts" "$b/py" "$b/debs"
    configure_file "$src/cts/cts-exec.in" "$b/cts/cts-exec" && chmod 755 "$b/cts/cts-exec" || return 1
    # What a `make install` of cts/support puts where (cts-support in the daemon directory, its data
    # next to Pacemaker's other test data), as cts-exec's "install tree" mode expects.
    configure_file "$src/cts/support/cts-support.in" "$b/root/usr/lib/pacemaker/cts-support" || return 1
    local f
    for f in fence_dummy LSBDummy pacemaker-cts-dummyd pacemaker-cts-dummyd@.service; do
        configure_file "$src/cts/support/$f.in" "$b/root/usr/share/pacemaker/tests/cts/$f" || return 1
    done
    cp "$src/cts/support/cts.conf" "$b/root/usr/share/pacemaker/tests/cts/"
    chmod 755 "$b/root/usr/lib/pacemaker/cts-support" "$b"/root/usr/share/pacemaker/tests/cts/{fence_dummy,LSBDummy,pacemaker-cts-dummyd}
    # cts-exec-helper alone, against the installed libraries; config.h holds just what
    # portability.h asks of the platform (glibc has all of it).
    printf '#define %s 1\n' HAVE_DAEMON HAVE_SETENV HAVE_STRERROR HAVE_STRCHRNUL HAVE_ALPHASORT \
        HAVE_STRNLEN HAVE_STRNDUP > "$b/cfg/config.h"
    echo '#define HAVE_DBUS 0' >> "$b/cfg/config.h"
    # shellcheck disable=SC2046
    gcc -O2 -DHAVE_CONFIG_H -I"$b/cfg" -I"$src/include" -I/usr/include/pacemaker \
        -o "$b/root/usr/lib/pacemaker/cts-exec-helper" "$src/daemons/execd/cts-exec-helper.c" \
        $(pkg-config --cflags --libs pacemaker-lrmd pacemaker-cib pacemaker-service pacemaker-pe_status) \
        > "$b/gcc.log" 2>&1 || { cat "$b/gcc.log" >&2; return 1; }
    chmod 777 "$b/debs"
    (cd "$b/debs" && apt-get download -q "${PY_DEBS[@]}" >&2) || return 1
    # psutil for cts-exec on the host side, without installing it there.
    dpkg-deb -x "$b"/debs/python3-psutil_*.deb "$b/py" || return 1
    echo "$PM_VERSION" > "$b/.ready"
    rm -rf "$CTS/build"
    mv "$b" "$CTS/build"   # the place abs_top_builddir names
}

ensure_cts() {
    local fd rc=0
    [ "$(cat "$CTS/build/.ready" 2>/dev/null)" = "$PM_VERSION" ] && return 0
    mkdir -p "$CTS" || return 1
    exec {fd}>"$CTS.lock" || return 1
    flock -w 900 "$fd" || { exec {fd}>&-; return 1; }
    if [ "$(cat "$CTS/build/.ready" 2>/dev/null)" != "$PM_VERSION" ]; then
        local pkgs=(dpkg-dev build-essential pkg-config pacemaker-dev libglib2.0-dev python3 psmisc util-linux)
        REQUIRED_PKGS=("${pkgs[@]}")
        ensure_packages || { exec {fd}>&-; return 1; }
        log "preparing cts-exec $PM_VERSION in $CTS (once; log $CTS/build.log)"
        build_cts > "$CTS/build.log" 2>&1 || { rc=1; log "preparing cts-exec failed: $CTS/build.log"; tail -5 "$CTS/build.log" >&2; }
    fi
    exec {fd}>&-
    return $rc
}

if [ $PREPARE_ONLY = 1 ]; then
    ensure_cts && { log "cts-exec ready: $CTS/build"; exit 0; }
    exit 1
fi

# ------------------------------------------------------------------ shards
# cts-exec starts a fresh daemon for every test and shares nothing between tests, but most of
# its time is waiting (monitor intervals, timeouts it expects): a serial run of the 39 tests takes
# about ten minutes. So the tests are dealt round-robin to $SHARDS shards, each in namespaces (or
# a container) of its own, running `cts-exec -R -r TEST` per test; the results are the same lines
# a single run prints.
SHARDS=${CTS_SHARDS:-4}

# ------------------------------------------------------------------ containers (systemd scenario)
CT_MACHINE_PREFIX=cts-exec-
declare -A CT_PID=() CT_LEADER=()
destroy_containers() {
    local p
    for p in $(pgrep -f "systemd-nspawn .*--machine=$CT_MACHINE_PREFIX" 2>/dev/null); do
        kill -TERM "$p" 2>/dev/null
        wait_for 30 "old container $p" pid_dead "$p" >/dev/null 2>&1 || kill -KILL "$p" 2>/dev/null
    done
}
stop_container() {   # stop_container SHARD
    local pid=${CT_PID[$1]:-}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    wait_for 60 "container $1 to power off" pid_dead "$pid" >/dev/null 2>&1 || kill -KILL "$pid" 2>/dev/null
    unset "CT_PID[$1]" "CT_LEADER[$1]"
}

TORN_DOWN=0
teardown() {
    [ $TORN_DOWN = 1 ] && return
    TORN_DOWN=1
    local k
    if [ $KEEP = 1 ] && [ ${#CT_LEADER[@]} -gt 0 ]; then
        for k in "${!CT_LEADER[@]}"; do log "--keep: container of shard $k left up: nsenter -t ${CT_LEADER[$k]} -a bash"; done
        log "--keep: tear down with: $0 --teardown"
        return
    fi
    for k in "${!CT_PID[@]}"; do stop_container "$k"; done
    # (Shards other than 0 were booted in subshells: found by their machine name.)
    destroy_containers
    # Namespace shards still running (an interrupted run): `timeout` put each in a process group
    # of its own, out of reach of a signal to ours. The first process of each PID namespace
    # carries this run's results path in its arguments; ending it ends everything inside.
    pkill -TERM -f -- "cts-ns $RESULTS/" 2>/dev/null
}
on_signal() { log "interrupted"; FAILED=$((FAILED + 1)); teardown; summary_and_exit; }
trap teardown EXIT
trap on_signal INT TERM HUP

if [ $TEARDOWN_ONLY = 1 ]; then
    destroy_containers
    log "torn down"
    exit 0
fi
select_scenarios "$ONLY" "${SCENARIOS[@]}"
lock_suite || { echo "run.sh: another run of this suite is still going; giving up"; echo "cts: 0 passed, 1 failed"; exit 1; }

# ------------------------------------------------------------------ results
# The scenario being run and its directory.
SC= SC_DIR=
declare -A SHARD_OF=()   # test name -> shard number
snapshot_state() {
    local name
    date '+%F %T'
    for name in "${!SHARD_OF[@]}"; do
        grep -qE "^FAILURE - '" "$(test_out "$name")" 2>/dev/null || continue
        echo "=== $name (shard ${SHARD_OF[$name]}): cts-exec output"
        cat "$(test_out "$name")"
    done
    for name in "$SC_DIR"/shard-*; do
        [ -d "$name" ] || continue
        echo "=== $(basename "$name"): state when its last test ended"; cat "$name/state.txt" 2>/dev/null
    done
}
log_files() { ls "$SC_DIR"/shard-*/log/pacemaker.log "$SC_DIR"/shard-*/state.txt "$SC_DIR"/shard-*/journal.txt 2>/dev/null; }
test_out() { echo "$SC_DIR/shard-${SHARD_OF[$1]}/out/$1.out"; }

scenario_failed() {   # scenario_failed REASON: the scenario could not run cts-exec at all
    echo "FAIL $SC: $*"
    FAILED=$((FAILED + 1))
}

# collect_results NAME...: one PASS/FAIL line per test, from its own cts-exec output. A test
# without a result line, totals that disagree with it, or a failing exit status without a failed
# test are failures too.
collect_results() {
    local name out line rc tp tf why n_ok=0 n_fail=0 n_skip=0
    for name in "$@"; do
        out=$(test_out "$name")
        line=$(grep -E "^(SUCCESS|FAILURE|SKIPPED) - '$name'" "$out" 2>/dev/null | tail -1)
        rc=$(sed -n 's/^cts-exec exit status //p' "$out" 2>/dev/null | tail -1)
        tp=$(sed -n 's/^ *Pass:\([0-9]*\)$/\1/p' "$out" 2>/dev/null | tail -1)
        tf=$(sed -n 's/^ *Fail:\([0-9]*\)$/\1/p' "$out" 2>/dev/null | tail -1)
        why=
        case $line in
            SUCCESS*) [ "$rc" = 0 ] && [ "$tp/$tf" = 1/0 ] || why="reported success, but exit status ${rc:-?}, totals Pass:${tp:-?} Fail:${tf:-?}" ;;
            FAILURE*) why=${line#FAILURE - } ;;
            SKIPPED*)
                # Only the stonith tests, which cts-exec itself never runs against pacemaker-remoted.
                log "cts-exec: $line"; n_skip=$((n_skip + 1)); continue ;;
            *) why="no result from cts-exec (exit status ${rc:-?}): $(grep -vE '^(Installing|Removing) ' "$out" 2>/dev/null | tail -2 | tr '\n' ' ')" ;;
        esac
        if [ -z "$why" ]; then
            echo "PASS $SC/$name"; PASSED=$((PASSED + 1)); n_ok=$((n_ok + 1))
        else
            echo "FAIL $SC/$name: $why"; FAILED=$((FAILED + 1)); n_fail=$((n_fail + 1))
        fi
    done
    log "$SC: cts-exec -R: $n_ok passed, $n_fail failed, $n_skip skipped (of $# listed)"
    # Every test that ran started the daemon under test once, through the wrapper: anything else
    # means another pacemaker-remoted was tested.
    local starts; starts=$(cat "$SC_DIR"/shard-*/log/cts-wrapper.starts 2>/dev/null | wc -l)
    if [ "$starts" -ne $((n_ok + n_fail)) ]; then
        echo "FAIL $SC: the wrapper started the daemon under test $starts times for $((n_ok + n_fail)) tests"
        FAILED=$((FAILED + 1)); n_fail=$((n_fail + 1))
    fi
    if [ $n_fail -gt 0 ]; then
        snapshot_state > "$SC_DIR/state-at-failure.txt" 2>&1
        echo "  state at failure: $SC_DIR/state-at-failure.txt (the failed tests' cts-exec output)"
        echo "  logs:"; log_files | sed 's/^/    /'
    fi
}

# The wrapper cts-exec finds as pacemaker-remoted first on its PATH ($WRAP_DIR, written inside
# the namespaces or the container, in their own /run).
WRAP_DIR=/run/cts-exec-bin
wrapper_text() {
    printf '#!/bin/sh\n# The daemon under test, as cts-exec starts pacemaker-remoted.\necho "$(date +%%s) $*" >> /var/log/pacemaker/cts-wrapper.starts\nexec %s "$@"\n' "$REMOTED_CMD"
}
WRITE_WRAPPER='mkdir -p "$0" && cat > "$0/pacemaker-remoted" && chmod 755 "$0/pacemaker-remoted"'

# RUN_TESTS: shell code run where cts-exec runs ($0 = the shard's directory, seen at the same path;
# the rest = test names; $PY = how to start Python): each test by itself, its output in
# out/NAME.out with cts-exec's exit status as the last line, then the state of the place.
RUN_TESTS='
dir=$0; mkdir -p "$dir/out"
for t in "$@"; do
    timeout --kill-after=10 "$TEST_TIMEOUT" $PY "$CTS_BUILD/cts/cts-exec" -R -t "$START_TIMEOUT" -r "$t" > "$dir/out/$t.out" 2>&1
    echo "cts-exec exit status $?" >> "$dir/out/$t.out"
done
{ ps -eo pid,ppid,stat,args | cut -c1-200; ss -tanp; ls -la /etc/pacemaker /run/resource-agents; } > "$dir/state.txt" 2>&1
'
# list_tests LISTING: the test names of `cts-exec -l` output (then filtered by --pattern).
list_tests() {
    sed -n '/^ *-------------------- - /,/^==== END OF LIST/p' "$1" | grep -E '^ *[^ ]+ - ' | grep -v -- '--------------------' \
        | awk -v p="$PATTERN" '{ if (p == "" || index($1, p)) print $1 }'
}
# deal NAME...: SHARD_OF for each name, round-robin.
deal() {
    local i=0 name
    SHARD_OF=()
    for name in "$@"; do SHARD_OF[$name]=$((i % SHARDS)); i=$((i + 1)); done
}
shard_tests() {   # shard_tests K NAME...: the names dealt to shard K
    local k=$1 name; shift
    for name in "$@"; do [ "${SHARD_OF[$name]}" = "$k" ] && echo "$name"; done
}

# ------------------------------------------------------------------ scenario: namespaces
# Inside the namespaces: overlays on what cts-exec and cts-support write into, the run's own
# /run, /tmp, /dev/shm, /etc/pacemaker and /var/log/pacemaker, cts-exec's support files and the
# wrapper installed; then $MODE: "list" (cts-exec -l) or "run" ($RUN_TESTS).
NS_SCRIPT='
set -u
# Relative paths from here on: the results directory may lie under /tmp or /run, hidden below.
dir=$1; mode=$2; shift 2
cd "$dir" || exit 90
ip link set lo up || exit 90
i=0
for d in /usr/sbin /usr/lib/pacemaker /usr/share/pacemaker /etc/init.d /usr/lib/ocf/resource.d \
         "$(readlink -f /lib/systemd/system)"; do
    [ -d "$d" ] || continue
    i=$((i + 1)); mkdir -p "overlay/$i/up" "overlay/$i/work"
    echo "$d" > "overlay/$i/path"
    mount -t overlay "cts-ov$i" -o "lowerdir=$d,upperdir=$PWD/overlay/$i/up,workdir=$PWD/overlay/$i/work" "$d" || exit 91
done
mkdir -p etc-pacemaker log
# The tree under test may lie under /tmp or /run too (a CI checkout): its directories ($KEEP_PATHS,
# one a line) are bound here first and moved back to their own paths once the fresh /tmp and /run
# are mounted, so the daemon command means the same inside.
n=0
while IFS= read -r p; do
    case $p in /tmp/*|/run/*) ;; *) continue ;; esac
    n=$((n + 1)); mkdir -p "keep/$n" && mount --bind "$p" "keep/$n" || exit 92
    printf "%s\n" "$p" > "keep/$n.path"
done <<KEEP
$KEEP_PATHS
KEEP
mount --bind etc-pacemaker /etc/pacemaker && mount --bind log /var/log/pacemaker \
    && mount -t tmpfs -o mode=1777,size=256m cts-shm /dev/shm && mount -t tmpfs -o mode=755 cts-run /run \
    && mount -t tmpfs -o mode=1777 cts-tmp /tmp || exit 92
i=0
while [ $i -lt $n ]; do
    i=$((i + 1)); p=$(cat "keep/$i.path")
    mkdir -p "$p" && mount --move "keep/$i" "$p" || exit 92
done
mkdir -p /run/resource-agents /run/lock
cp -a "$CTS_BUILD/root/." / && sh -c "$WRITE_WRAPPER" "$WRAP_DIR" <<EOF || exit 93
$CTS_WRAPPER
EOF
case $mode in
    list) $PY "$CTS_BUILD/cts/cts-exec" -R -l > list.out 2>&1 ;;
    *) sh -c "$RUN_TESTS" . "$@" ;;
esac
'
# keep_paths: the directories the daemon under test needs (the tree, the build, the jar's, the
# command's own), outermost first and without those inside another, one a line.
keep_paths() {
    local p kept=() k inside
    for p in "$ROOT" "$BUILD_DIR" "$(dirname "${JREMOTED_JAR:-$BUILD_DIR/jremoted.jar}")" \
             "$(dirname "${remoted_words[0]}")"; do
        p=$(readlink -f "$p" 2>/dev/null) || continue
        [ -d "$p" ] || continue
        inside=0
        for k in "${kept[@]}"; do
            case $p/ in "$k"/*) inside=1 ;; esac
        done
        [ $inside -eq 1 ] || kept+=("$p")
    done
    printf '%s\n' "${kept[@]}"
}
# in_namespaces DIR MODE ARGS...: NS_SCRIPT in fresh network, PID and mount namespaces.
# A clean environment: what cts-exec, the helper and the daemon read is only what is set here
# (no PCMK_* of the caller); python3 -S leaves the system's site-packages out: psutil comes from
# the cache, and without systemd bindings cts-exec drops the systemd class by its own rule.
in_namespaces() {
    mkdir -p "$1"
    timeout --signal=TERM --kill-after=30 1500 \
        unshare --net --pid --mount --fork --mount-proc --propagation private -- \
        env -i PATH="$WRAP_DIR:/usr/sbin:/usr/bin:/sbin:/bin" LANG=C.UTF-8 HOME=/root PY="python3 -S -u" TEST_TIMEOUT="$TEST_TIMEOUT" \
            PYTHONPATH="$CTS/build/py/usr/lib/python3/dist-packages" START_TIMEOUT="$START_TIMEOUT" \
            CTS_BUILD="$CTS/build" CTS_WRAPPER="$(wrapper_text)" WRAP_DIR="$WRAP_DIR" WRITE_WRAPPER="$WRITE_WRAPPER" \
            RUN_TESTS="$RUN_TESTS" PCMK_logfile=/var/log/pacemaker/pacemaker.log JREMOTED_JAR="${JREMOTED_JAR:-}" \
            KEEP_PATHS="$(keep_paths)" \
            ${JAVA_HOME:+JAVA_HOME=$JAVA_HOME} \
        sh -c "$NS_SCRIPT" cts-ns "$@" 9>&-
}

scenario_namespaces() {
    local rc names=() k pids=()
    in_namespaces "$SC_DIR/list" list
    rc=$?
    [ $rc -eq 0 ] || { scenario_failed "setting up the namespaces or cts-exec -l failed (status $rc): $(tail -3 "$SC_DIR/list/list.out" 2>/dev/null | tr '\n' ' ')"; return 1; }
    grep -q "^Testing resource classes \['ocf', 'lsb', 'service'\]" "$SC_DIR/list/list.out" ||
        { scenario_failed "unexpected resource classes: $(grep '^Testing resource classes' "$SC_DIR/list/list.out")"; return 1; }
    mapfile -t names < <(list_tests "$SC_DIR/list/list.out")
    [ ${#names[@]} -gt 0 ] || { scenario_failed "cts-exec -l listed no test${PATTERN:+ matching $PATTERN}"; return 1; }
    deal "${names[@]}"
    log "$SC: ${#names[@]} tests in $SHARDS shards"
    for ((k = 0; k < SHARDS; k++)); do
        local mine=()
        mapfile -t mine < <(shard_tests "$k" "${names[@]}")
        [ ${#mine[@]} -gt 0 ] || continue
        in_namespaces "$SC_DIR/shard-$k" run "${mine[@]}" > "$SC_DIR/shard-$k.out" 2>&1 &
        pids+=($!)
    done
    for k in "${pids[@]}"; do wait "$k"; done
    collect_results "${names[@]}"
}

# ------------------------------------------------------------------ scenario: systemd
# boot_container K: the cached root booted with systemd as PID 1, changes discarded at power-off,
# its own network namespace; the project, the build, cts-exec and the C daemon appear at their
# host paths, read-only, so REMOTED_CMD means the same inside; the shard's directory is writable.
boot_container() {
    local k=$1 state= deadline binds=() p d=$SC_DIR/shard-$1 leader= pid
    for p in "$ROOT" "$BUILD_DIR" "$CTS/build" "${JREMOTED_CACHE:-/var/cache/jremoted-test}/pmremote" \
             "$(dirname "${JREMOTED_JAR:-$BUILD_DIR/jremoted.jar}")"; do
        [ -d "$p" ] && binds+=("--bind-ro=$p")
    done
    mkdir -p "$d/log"
    setsid systemd-nspawn --register=no --keep-unit --console=passive --volatile=overlay -b \
        -D "$NODE_ROOT" --machine="$CT_MACHINE_PREFIX$$-$k" --hostname="cts-exec-$k" --private-network \
        "${binds[@]}" --bind="$d" --bind="$d/log:/var/log/pacemaker" \
        </dev/null >"$d/nspawn.log" 2>&1 9>&- &
    pid=$!
    CT_PID[$k]=$pid
    deadline=$(( $(now_ms) + 120000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        leader=$(ps -o pid= --ppid "$pid" 2>/dev/null | head -1 | tr -d ' ')
        if [ -n "$leader" ]; then
            state=$(timeout 10 nsenter -t "$leader" -a systemctl is-system-running 2>/dev/null)
            case $state in running|degraded) break ;; esac
        fi
        pid_alive "$pid" || break
        sleep 0.5
    done
    CT_LEADER[$k]=$leader
    case $state in
        running|degraded) log "container $k booted (systemd $state)" ;;
        *) echo "the container did not boot (state '$state'): $d/nspawn.log" > "$d/setup-failed"; return 1 ;;
    esac
}
in_ct() {   # in_ct K CMD...: CMD in container K (all its namespaces), bounded
    local k=$1; shift
    timeout "${CT_TIMEOUT:-1500}" nsenter -t "${CT_LEADER[$k]}" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 HOME=/root DEBIAN_FRONTEND=noninteractive "$@" 9>&-
}
# prepare_container K: what cts-exec needs, from the root's own package cache (no network there)
# and the cached Python packages; "localhost" in /etc/hosts (debootstrap writes none, and the
# helper connects to localhost:3121). policy-rc.d keeps pacemaker-remote's unit from starting, and its
# daemon is removed, so the only pacemaker-remoted there is the wrapper (the C daemon's libraries,
# libstonithd and cluster-glue, stay for --c-daemon).
prepare_container() {
    local k=$1 out
    out=$(CT_TIMEOUT=300 in_ct "$k" sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d &&
            apt-get install -y -q --no-download --no-install-recommends "$@" && dpkg -i "$0"/debs/*.deb &&
            rm -f /usr/sbin/policy-rc.d &&
            rm -f /usr/sbin/pacemaker-remoted /usr/sbin/pacemaker_remoted &&
            { grep -qw localhost /etc/hosts 2>/dev/null || printf "127.0.0.1 localhost\n::1 localhost\n" >> /etc/hosts; } &&
            mkdir -p /run/resource-agents && cp -a "$0/root/." /' "$CTS/build" "${CT_PKGS[@]}" 2>&1) ||
        { echo "installing cts-exec's dependencies failed: $(tail -3 <<<"$out" | tr '\n' ' ')" > "$SC_DIR/shard-$k/setup-failed"; return 1; }
    wrapper_text | CT_TIMEOUT=30 in_ct "$k" sh -c "$WRITE_WRAPPER" "$WRAP_DIR" ||
        { echo "cannot write the wrapper" > "$SC_DIR/shard-$k/setup-failed"; return 1; }
}
ct_env() {
    echo PATH="$WRAP_DIR:/usr/sbin:/usr/bin:/sbin:/bin"; echo PCMK_logfile=/var/log/pacemaker/pacemaker.log
    echo PY="python3 -u"; echo TEST_TIMEOUT="$TEST_TIMEOUT"; echo CTS_BUILD="$CTS/build"; echo START_TIMEOUT="$START_TIMEOUT"
    [ -n "${JREMOTED_JAR:-}" ] && echo JREMOTED_JAR="$JREMOTED_JAR"
    return 0
}
# run_container_shard K NAME...: boot, prepare, run the shard's tests, save the journal.
run_container_shard() {
    local k=$1 env=(); shift
    mapfile -t env < <(ct_env)
    boot_container "$k" && prepare_container "$k" || return 1
    in_ct "$k" env "${env[@]}" sh -c "$RUN_TESTS" "$SC_DIR/shard-$k" "$@"
    CT_TIMEOUT=30 in_ct "$k" journalctl -b --no-pager > "$SC_DIR/shard-$k/journal.txt" 2>&1
    return 0
}

scenario_systemd() {
    local names=() k pids=() env=() f
    command -v systemd-nspawn >/dev/null || { scenario_failed "systemd-nspawn missing (package systemd-container)"; return 1; }
    # The install suite's root (built once with debootstrap, under its own lock).
    if [ ! -e "$NODE_ROOT/.jremoted-ready" ] && [ -z "${CTS_ROOT:-}" ]; then
        log "no root at $NODE_ROOT yet: building it (src/test/install/run.sh --prepare)"
        bash "$ROOT/src/test/install/run.sh" --prepare >&2
    fi
    [ -e "$NODE_ROOT/.jremoted-ready" ] || { scenario_failed "no booted root at $NODE_ROOT (src/test/install/run.sh --prepare builds it)"; return 1; }
    # The list, from the first container (which then runs shard 0).
    mapfile -t env < <(ct_env)
    if ! boot_container 0 || ! prepare_container 0; then
        scenario_failed "$(cat "$SC_DIR/shard-0/setup-failed" 2>/dev/null)"; return 1
    fi
    in_ct 0 env "${env[@]}" python3 "$CTS/build/cts/cts-exec" -R -l > "$SC_DIR/list.out" 2>&1
    grep -q "^Testing resource classes .*'systemd'" "$SC_DIR/list.out" ||
        { scenario_failed "cts-exec leaves out the systemd class: $(grep -E '^(Testing resource classes|Python systemd)' "$SC_DIR/list.out" | tr '\n' ' ')"; return 1; }
    mapfile -t names < <(list_tests "$SC_DIR/list.out")
    [ ${#names[@]} -gt 0 ] || { scenario_failed "cts-exec -l listed no test${PATTERN:+ matching $PATTERN}"; return 1; }
    deal "${names[@]}"
    log "$SC: ${#names[@]} tests in $SHARDS containers"
    for ((k = 0; k < SHARDS; k++)); do
        local mine=()
        mapfile -t mine < <(shard_tests "$k" "${names[@]}")
        [ ${#mine[@]} -gt 0 ] || continue
        if [ "$k" = 0 ]; then
            in_ct 0 env "${env[@]}" sh -c "$RUN_TESTS" "$SC_DIR/shard-0" "${mine[@]}" > "$SC_DIR/shard-0.out" 2>&1 &
        else
            run_container_shard "$k" "${mine[@]}" > "$SC_DIR/shard-$k.out" 2>&1 &
        fi
        pids+=($!)
    done
    for k in "${pids[@]}"; do wait "$k"; done
    # (The shard functions ran in subshells: the containers' PIDs are found again by name.)
    for f in "$SC_DIR"/shard-*/setup-failed; do [ -f "$f" ] && log "$(dirname "$f"): $(cat "$f")"; done
    CT_TIMEOUT=30 in_ct 0 journalctl -b --no-pager > "$SC_DIR/shard-0/journal.txt" 2>&1
    collect_results "${names[@]}"
    [ $KEEP = 1 ] || { stop_container 0; destroy_containers; }
}

# ------------------------------------------------------------------ main
log "results: $RESULTS"
if [ $USE_C = 1 ]; then
    REMOTED_CMD=$(c_daemon_path) || { log "cannot unpack the C daemon"; FAILED=${#SELECTED[@]}; summary_and_exit; }
fi
REMOTED_CMD=${REMOTED_CMD:-$ROOT/bin/jremoted}
log "daemon under test: $REMOTED_CMD"
read -r -a remoted_words <<<"$REMOTED_CMD"
if ! command -v "${remoted_words[0]}" >/dev/null 2>&1; then
    for SC in "${SELECTED[@]}"; do scenario_failed "REMOTED_CMD not executable: $REMOTED_CMD"; done
    summary_and_exit
fi
if ! ensure_cts; then
    for SC in "${SELECTED[@]}"; do scenario_failed "could not prepare cts-exec (see $CTS/build.log)"; done
    summary_and_exit
fi
destroy_containers
if [ -n "$(ls -A "$RESULTS" 2>/dev/null)" ] && [ ! -e "$RESULTS/.cts-results" ]; then
    log "$RESULTS is not empty and not a results directory of this suite; refusing to clear it"
    FAILED=1; summary_and_exit
fi
find "$RESULTS" -mindepth 1 -delete 2>/dev/null
touch "$RESULTS/.cts-results"

for SC in "${SELECTED[@]}"; do
    SC_DIR=$RESULTS/$SC
    mkdir -p "$SC_DIR"
    log "---- $SC"
    t0=$(now_ms)
    "scenario_$SC"
    log "$SC took $(( ($(now_ms) - t0) / 1000 )) s"
done
teardown
summary_and_exit
