#!/usr/bin/env bash
# The whole jremoted test suite, as one command (README: `bash scripts/test.sh`).
#
# On a fresh Debian 12 machine, as root, it installs what it needs (skipped
# when already present, so repeated runs are fast), unpacks the upstream C
# daemon for reference runs, builds, runs the unit and end-to-end tests
# (`mvn verify`), then the real-cluster suite (src/test/cluster/run.sh) when
# present, and ends with one summary line:
#
#   jremoted-tests: N passed, N failed
#
# Exit status: 0 only if everything ran and nothing failed.
#
# Environment (all optional):
#   BUILD_DIR          Maven build directory (default: <project>/target)
#   JREMOTED_DAEMON    daemon command for the end-to-end tests
#                      (default: <project>/bin/jremoted)
#   JREMOTED_CACHE     where the C daemon is unpacked (default: /var/cache/jremoted-test)
#   MVN_TIMEOUT        bound on `mvn verify` in seconds (default: 1500)
#   CLUSTER_TIMEOUT    bound on the cluster suite in seconds (default: 1200)
set -uo pipefail
exec </dev/null
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-$ROOT/target}
CACHE=${JREMOTED_CACHE:-/var/cache/jremoted-test}
MVN_TIMEOUT=${MVN_TIMEOUT:-1500}
CLUSTER_TIMEOUT=${CLUSTER_TIMEOUT:-1200}
export DEBIAN_FRONTEND=noninteractive

START=$(date +%s)
log() { printf '[test.sh +%ss] %s\n' "$(( $(date +%s) - START ))" "$*"; }

passed=0
failed=0
overall_rc=0

# ---------------------------------------------------------------- packages
PKGS=(maven build-essential pkg-config pacemaker-dev libglib2.0-dev gnutls-bin
      libgnutls28-dev libqb-dev iproute2 procps bzip2 tini openssh-client
      debootstrap systemd-container rpm lintian
      pacemaker pacemaker-cli-utils corosync resource-agents
      podman runc qemu-system-x86 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
      crmsh pcs e2fsprogs python3 dpkg-dev psmisc)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PKGS[@]}"; do
    installed "$p" || missing+=("$p")
done
# Any JDK 17+ will do; only install one when neither candidate is present.
if ! installed default-jdk-headless && ! installed openjdk-17-jdk-headless; then
    missing+=(default-jdk-headless)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: missing packages (${missing[*]}) and not root; install them or run as root" >&2
        echo "jremoted-tests: 0 passed, 1 failed"
        exit 1
    fi
    log "installing: ${missing[*]}"
    # Installing pacemaker/corosync must not start cluster services on this
    # host: they would publish the same local IPC names the daemon under test
    # uses. Debian's policy-rc.d hook suppresses that for the install only.
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    apt-get update -q || log "apt-get update failed; trying the install anyway"
    apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        --no-install-recommends "${missing[@]}"
    apt_rc=$?
    [ $own_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ $apt_rc -ne 0 ]; then
        echo "test.sh: apt-get install failed (rc=$apt_rc)" >&2
        echo "jremoted-tests: 0 passed, 1 failed"
        exit 1
    fi
else
    log "all required packages already installed"
fi

# ------------------------------------------------------- reference C daemon
# pacemaker-remote conflicts with the pacemaker package, so it is unpacked,
# never installed. Tests can point at it with JREMOTED_DAEMON.
C_DAEMON=$CACHE/pmremote/usr/sbin/pacemaker-remoted
if [ ! -x "$C_DAEMON" ]; then
    log "unpacking the C pacemaker-remoted into $CACHE/pmremote"
    dl=$(mktemp -d)
    chmod 777 "$dl"   # lets apt's _apt user write there, avoiding a warning
    if (cd "$dl" && apt-get download -q pacemaker-remote) && mkdir -p "$CACHE/pmremote" \
        && dpkg-deb -x "$dl"/pacemaker-remote_*.deb "$CACHE/pmremote"; then
        log "C daemon: $C_DAEMON"
    else
        log "warning: could not unpack pacemaker-remote (reference runs unavailable)"
    fi
    rm -rf "$dl"
fi
export JREMOTED_C_DAEMON=$C_DAEMON

# ------------------------------------------------------------------- build
mvn_args=(-B -Dstyle.color=never -Dbuild.dir="$BUILD_DIR")
log "building (mvn package -DskipTests)"
build_ok=1
if ! mvn "${mvn_args[@]}" -q package -DskipTests; then
    build_ok=0
    echo "test.sh: build failed" >&2
    failed=$((failed + 1))
    overall_rc=1
fi

# bin/jremoted finds <project>/target/jremoted.jar by itself; with another
# BUILD_DIR every suite must still run the jar just built.
export BUILD_DIR
export JREMOTED_JAR=${JREMOTED_JAR:-$BUILD_DIR/jremoted.jar}

# ------------------------------------------------------ unit + end-to-end
report_attr() {
    # One numeric attribute of a <testsuite> start tag, 0 if absent.
    local v
    v=$(grep -o " $1=\"[0-9]*\"" <<<"$2" | head -1 | tr -dc '0-9')
    echo "${v:-0}"
}

sum_reports() {
    # Totals over Surefire/Failsafe XML reports: "tests failures errors skipped".
    local t=0 f=0 e=0 s=0 file head
    for file in "$BUILD_DIR"/surefire-reports/TEST-*.xml "$BUILD_DIR"/failsafe-reports/TEST-*.xml; do
        [ -f "$file" ] || continue
        head=$(grep -m1 -o '<testsuite [^>]*>' "$file")
        t=$((t + $(report_attr tests "$head")))
        f=$((f + $(report_attr failures "$head")))
        e=$((e + $(report_attr errors "$head")))
        s=$((s + $(report_attr skipped "$head")))
    done
    echo "$t $f $e $s"
}

if [ $overall_rc -eq 0 ]; then
    rm -rf "$BUILD_DIR/surefire-reports" "$BUILD_DIR/failsafe-reports"
    log "running unit and end-to-end tests (mvn verify)"
    timeout --signal=TERM --kill-after=30 "$MVN_TIMEOUT" mvn "${mvn_args[@]}" verify
    mvn_rc=$?
    read -r t f e s < <(sum_reports)
    log "maven: $t tests, $f failures, $e errors, $s skipped (mvn rc=$mvn_rc)"
    passed=$((passed + t - f - e - s))
    failed=$((failed + f + e))
    if [ $mvn_rc -ne 0 ]; then
        overall_rc=1
        # A build or plugin failure may leave no report at all: still count it.
        if [ $((f + e)) -eq 0 ]; then
            [ $mvn_rc -eq 124 ] && echo "test.sh: mvn verify timed out after ${MVN_TIMEOUT}s" >&2
            failed=$((failed + 1))
        fi
    fi
fi

# ------------------------------------------------------------ shell suites
# Each suite prints PASS/FAIL lines and ends with "<name>: N passed, N failed".
run_suite() {
    local name=$1 script=$2 limit=$3
    if [ ! -f "$script" ]; then
        log "no $name suite at $script"
        return
    fi
    if [ $build_ok -eq 0 ]; then
        # It would test a stale or missing jar; the build failure is already counted.
        log "skipping the $name suite: the build failed"
        return
    fi
    log "running the $name suite ($script)"
    local out rc counts sp sf
    out=$(mktemp)
    timeout --signal=TERM --kill-after=60 "$limit" bash "$script" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    counts=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$out" | tail -1)
    rm -f "$out"
    if [ -n "$counts" ]; then
        sp=$(sed -E "s/^$name: ([0-9]+) passed, ([0-9]+) failed.*/\1/" <<<"$counts")
        sf=$(sed -E "s/^$name: ([0-9]+) passed, ([0-9]+) failed.*/\2/" <<<"$counts")
        passed=$((passed + sp))
        failed=$((failed + sf))
        # A non-zero exit that its own counts do not explain is one more failure.
        [ "$rc" -ne 0 ] && [ "$sf" -eq 0 ] && failed=$((failed + 1))
    elif [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
    fi
    log "$name suite exit status: $rc"
    [ "$rc" -ne 0 ] && overall_rc=1
}

run_suite cluster "$ROOT/src/test/cluster/run.sh" "$CLUSTER_TIMEOUT"
run_suite ops "$ROOT/src/test/ops/run.sh" 900
run_suite systemd "$ROOT/src/test/systemd/run.sh" 900
run_suite ipc "$ROOT/src/test/cluster/ipc-scenarios.sh" 900
run_suite x509 "$ROOT/src/test/x509/run.sh" 600
run_suite container "$ROOT/src/test/container/run.sh" 300
run_suite guests "$ROOT/src/test/guests/run.sh" 1200
run_suite cluster3 "$ROOT/src/test/cluster3/run.sh" 1800
run_suite install "$ROOT/src/test/install/run.sh" 900
run_suite stress "$ROOT/src/test/stress/run.sh" 900
run_suite cts "$ROOT/src/test/cts/run.sh" 1500

[ $failed -gt 0 ] && overall_rc=1
log "done"
echo "jremoted-tests: $passed passed, $failed failed"
exit $overall_rc
