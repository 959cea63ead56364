#!/usr/bin/env bash
# Operations tests for jremoted: the .deb (contents, control data, unit, conffile, maintainer
# scripts in a real Debian 12 root), `jremoted keygen`, `jremoted probe` against jremoted and against
# the real C pacemaker-remoted, and what an SSH client sees on the port. Needs root.
#
#   run.sh [--only NAME,...] [--keep] [--results DIR] [--list]
#
# Prints "PASS check" or "FAIL check: reason" and ends with "ops: N passed, N failed"; exit 0 only
# if nothing failed. Files stay in the results directory (default <project>/target/ops-results).
#
# Environment:
#   BUILD_DIR   Maven build directory holding jremoted.jar and the .deb (default <project>/target);
#               built with `mvn -B package -DskipTests` when the .deb is missing
#   OPS_CACHE   where the debootstrap'd bookworm root is kept (default /var/cache/jremoted-test)
#   REMOTED_CMD the daemon under test (default <project>/bin/jremoted)
set -uo pipefail
exec </dev/null
cd "$(dirname "$0")/../../.." || exit 2
ROOT=$PWD
SUITE_TAG=ops
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
BUILD_DIR=${BUILD_DIR:-$ROOT/target}
OPS_CACHE=${OPS_CACHE:-/var/cache/jremoted-test}
export DEBIAN_FRONTEND=noninteractive
SCENARIOS=(package_contents keygen probe_jremoted probe_c_daemon deb_in_debian_root)
usage() { sed -n '2,15p' "$0"; }
RESULTS=${OPS_RESULTS:-$BUILD_DIR/ops-results}
parse_suite_options "$@"
REMOTED_CMD=${REMOTED_CMD:-$ROOT/bin/jremoted}

WORK=$RESULTS
PIDS=()
# Namespaces named after this run (two runs never share them): nothing to lock.
NETNS=jrops$$
JNETNS=jropsj$$
suite_teardown() {
    local p ns
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for ns in "$NETNS" "$JNETNS"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "${CHROOT:-}" ]; then umount "$CHROOT/proc" 2>/dev/null; fi
}
suite_begin ops --no-lock --leftovers true
find "$WORK" -mindepth 1 -delete

REQUIRED_PKGS=(openssh-client debootstrap iproute2)
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]}"

# ---------------------------------------------------------------- build
deb=$(ls "$BUILD_DIR"/jremoted_*_amd64.deb 2>/dev/null | head -1)
if [ -z "$deb" ] || [ ! -f "$BUILD_DIR/jremoted.jar" ]; then
    mvn -q -B -Dbuild.dir="$BUILD_DIR" package -DskipTests >"$WORK/mvn.log" 2>&1
    deb=$(ls "$BUILD_DIR"/jremoted_*_amd64.deb 2>/dev/null | head -1)
fi
check "build produced $(basename "${deb:-no .deb}") and jremoted.jar" test -f "${deb:-/nonexistent}" -a -f "$BUILD_DIR/jremoted.jar" ||
    { tail -30 "$WORK/mvn.log" 2>/dev/null; setup_failed "no jremoted.jar and .deb in $BUILD_DIR"; }
JAR=$BUILD_DIR/jremoted.jar
J() { java -jar "$JAR" "$@"; }

# ---------------------------------------------------------------- package contents
scenario_package_contents() {
    local contents f field unit s line
    contents=$(dpkg-deb -c "$deb")
    for f in ./usr/share/jremoted/jremoted.jar ./usr/share/jremoted/bin/jremoted \
             ./lib/systemd/system/pacemaker_remote.service ./etc/default/pacemaker \
             ./usr/share/man/man8/jremoted.8.gz ./usr/share/bash-completion/completions/jremoted \
             ./usr/share/doc/jremoted/install.md ./usr/lib/jremoted/jremoted-ipc-helper ./usr/lib/jremoted/setup-system \
             ./usr/share/doc/jremoted/copyright ./usr/share/doc/jremoted/changelog.gz \
             ./usr/share/jremoted/jremoted.classlist; do
        check "deb contains $f" grep -q " $f\$" <<<"$contents"
    done
    check "deb: /usr/sbin/jremoted links to the launcher" \
        grep -q ' ./usr/sbin/jremoted -> ../share/jremoted/bin/jremoted$' <<<"$contents"
    check "deb: /usr/sbin/pacemaker-remoted links to jremoted" grep -q ' ./usr/sbin/pacemaker-remoted -> jremoted$' <<<"$contents"
    check "deb: launcher is executable" grep -q '^-rwxr-xr-x .* ./usr/share/jremoted/bin/jremoted$' <<<"$contents"
    field() { dpkg-deb -f "$deb" "$1"; }
    check "control: Depends on a Java 17 runtime" \
        grep -q '^default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser' <<<"$(field Depends)"
    check "deb: the IPC helper is executable" grep -q '^-rwxr-xr-x .* ./usr/lib/jremoted/jremoted-ipc-helper$' <<<"$contents"
    check "control: Conflicts pacemaker-remote" grep -qw pacemaker-remote <<<"$(field Conflicts)"
    check "control: Replaces pacemaker-remote" grep -qw pacemaker-remote <<<"$(field Replaces)"
    check "control: Provides pacemaker-remote" test "$(field Provides)" = "pacemaker-remote"
    mkdir -p "$WORK/ctl"
    dpkg-deb -e "$deb" "$WORK/ctl"
    check "conffiles lists /etc/default/pacemaker" grep -qx /etc/default/pacemaker "$WORK/ctl/conffiles"
    for s in postinst prerm postrm; do
        check "maintainer script $s is valid sh" sh -n "$WORK/ctl/$s"
    done

    mkdir -p "$WORK/x"
    dpkg-deb -x "$deb" "$WORK/x"
    unit=$WORK/x/lib/systemd/system/pacemaker_remote.service
    for line in "ExecStart=/usr/sbin/jremoted" "KillMode=process" "SuccessExitStatus=100" "TimeoutStopSec=30min" \
                "Restart=on-failure" "Alias=pacemaker-remote.service" "EnvironmentFile=-/etc/default/pacemaker" \
                "EnvironmentFile=-/etc/default/sbd" "TasksMax=infinity" "Type=simple" "WantedBy=multi-user.target"; do
        check "unit has $line" grep -qx "$line" "$unit"
    done
    if command -v systemd-analyze >/dev/null 2>&1; then
        # verify resolves ExecStart inside the extracted tree's paths only partly; syntax errors still show.
        check "systemd-analyze accepts the unit" sh -c "systemd-analyze verify '$unit' 2>&1 | grep -v 'Command /usr/sbin/jremoted' | grep -qi 'error\\|unknown' && exit 1 || exit 0"
    fi
    check "extracted launcher finds its jar through the /usr/sbin symlink" \
        sh -c "env -u JREMOTED_JAR '$WORK/x/usr/sbin/jremoted' --version | grep -q '^jremoted '"
    check "extracted pacemaker-remoted name runs jremoted too" \
        sh -c "env -u JREMOTED_JAR '$WORK/x/usr/sbin/pacemaker-remoted' --version | grep -q '^jremoted '"
    check "extracted launcher makes a class-data archive that the JVM maps (-Xshare:on)" \
        sh -c "env -u JREMOTED_JAR JREMOTED_CDS_PREPARE=1 '$WORK/x/usr/sbin/jremoted' | grep -q 'class-data archive: ' \
            && env -u JREMOTED_JAR JREMOTED_JAVA_OPTS=-Xshare:on '$WORK/x/usr/sbin/jremoted' --version | grep -q '^jremoted '"
    check "man page renders" sh -c "man -l '$WORK/x/usr/share/man/man8/jremoted.8.gz' 2>/dev/null | grep -q 'COMMAND: PROBE'"
    check "bash completion knows the probe options" \
        bash -c "source '$WORK/x/usr/share/bash-completion/completions/jremoted' && complete -p jremoted >/dev/null && grep -q -- '--tcp-only' '$WORK/x/usr/share/bash-completion/completions/jremoted'"

}

# ---------------------------------------------------------------- keygen
k=$WORK/keys/authkey
# ensure_keys: the key the probe scenarios use (the keygen scenario's, or one made here), another
# key and an empty key file.
ensure_keys() {
    [ -f "$k" ] || J keygen --path "$k" >/dev/null 2>&1 || { fail "jremoted keygen failed"; return 1; }
    head -c 4096 /dev/urandom >"$WORK/keys/other"
    : >"$WORK/keys/empty"
}
scenario_keygen() {
    local sum1 rc
    J keygen --path "$k" >"$WORK/keygen.out" 2>&1
    check "keygen creates a key" test -f "$k"
    check "keygen key is 4096 bytes" test "$(stat -c %s "$k" 2>/dev/null)" = 4096
    check "keygen key has mode 0640" test "$(stat -c %a "$k" 2>/dev/null)" = 640
    if getent group haclient >/dev/null; then
        check "keygen key belongs to group haclient" test "$(stat -c %G "$k" 2>/dev/null)" = haclient
    fi
    sum1=$(sha256sum <"$k")
    J keygen --path "$k" >/dev/null 2>&1; rc=$?
    check "keygen refuses to overwrite (exit 1, got $rc)" test "$rc" = 1
    check "refused keygen left the key unchanged" test "$sum1" = "$(sha256sum <"$k")"
    J keygen --path "$k" --force >/dev/null 2>&1; rc=$?
    check "keygen --force replaces the key (exit $rc)" sh -c "[ $rc = 0 ] && [ '$sum1' != \"\$(sha256sum <'$k')\" ]"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- probe and ssh against jremoted
# In a network namespace of its own: the daemon's local IPC names (abstract unix sockets) must not
# clash with another daemon running on this machine.
scenario_probe_jremoted() {
    local port rc closed ssh_out fake
    ensure_keys || return 1
    ip netns add "$JNETNS" || { fail "could not create a network namespace for jremoted"; return 1; }
    ip -n "$JNETNS" link set lo up
    inj() { ip netns exec "$JNETNS" "$@"; }
    port=3121
    inj env JREMOTED_JAR="$JAR" PCMK_remote_port=$port PCMK_remote_address=127.0.0.1 PCMK_authkey_location="$k" \
        PCMK_logfile="$WORK/jremoted.log" PCMK_logfacility=none $REMOTED_CMD >"$WORK/jremoted.out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do grep -q 'accepting connections' "$WORK/jremoted.log" 2>/dev/null && break; sleep 0.1; done
    check "jremoted started" grep -q 'accepting connections' "$WORK/jremoted.log"
    grep -q 'accepting connections' "$WORK/jremoted.log" || tail -20 "$WORK/jremoted.out"
    probe_rc() { inj java -jar "$JAR" probe "$@" >"$WORK/probe.out" 2>&1; echo $?; }
    rc=$(probe_rc 127.0.0.1 -p "$port" -k "$k")
    check "probe jremoted with the right key: exit 0 (got $rc)" test "$rc" = 0
    check "probe prints the protocol version" grep -q 'protocol version 1.2' "$WORK/probe.out"
    check "probe prints the round trip" grep -q 'round trip [0-9.]* ms' "$WORK/probe.out"
    rc=$(probe_rc 127.0.0.1 -p "$port" -k "$k" --tls 1.2)
    check "probe jremoted over TLS 1.2: exit 0 (got $rc)" test "$rc" = 0
    rc=$(probe_rc 127.0.0.1 -p "$port" -k "$WORK/keys/other")
    check "probe jremoted with another key: exit 7 key mismatch (got $rc)" test "$rc" = 7
    rc=$(probe_rc 127.0.0.1 -p "$port" -k "$WORK/keys/empty")
    check "probe with an empty key file: exit 6 (got $rc)" test "$rc" = 6
    closed=3999
    rc=$(probe_rc 127.0.0.1 -p "$closed" -k "$k")
    check "probe a closed port: exit 3 refused (got $rc)" test "$rc" = 3
    rc=$(probe_rc no-such-host.invalid -k "$k")
    check "probe an unresolvable name: exit 2 (got $rc)" test "$rc" = 2

    ssh_out=$(inj timeout 20 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=5 -p "$port" 127.0.0.1 true 2>&1)
    check "ssh to jremoted: Connection reset by peer ($(echo "$ssh_out" | tail -1))" \
        grep -q 'Connection reset by peer' <<<"$ssh_out"
    ssh_out=$(inj timeout 20 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=5 -p "$closed" 127.0.0.1 true 2>&1)
    check "ssh to a closed port: Connection refused ($(echo "$ssh_out" | tail -1))" \
        grep -q 'Connection refused' <<<"$ssh_out"

    # A server that is not TLS at all (an SSH banner, then close): the handshake cannot complete.
    fake=4000
    inj python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); s.settimeout(60)
for _ in range(2):
    c, _ = s.accept(); c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n"); c.close()
' "$fake" >/dev/null 2>&1 &
    PIDS+=($!)
    sleep 0.5
    rc=$(probe_rc 127.0.0.1 -p "$fake" -k "$k")
    check "probe a non-TLS server: exit 8 (got $rc)" test "$rc" = 8
}

# ---------------------------------------------------------------- probe against the C daemon
scenario_probe_c_daemon() {
    local c PMREMOTE rc ssh_out
    ensure_keys || return 1
    c=$(c_daemon_path) || { fail "no C pacemaker-remoted (could not unpack pacemaker-remote)"; return 1; }
    PMREMOTE=${c%/usr/sbin/pacemaker-remoted}
    if [ -x "$PMREMOTE/usr/sbin/pacemaker-remoted" ] && ip netns add "$NETNS" 2>/dev/null; then
        ip -n "$NETNS" link set lo up
        ip netns exec "$NETNS" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PCMK_remote_port=3121 \
            PCMK_authkey_location="$k" PCMK_logfile="$WORK/c.log" PCMK_logfacility=none \
            LD_LIBRARY_PATH="$PMREMOTE/usr/lib/x86_64-linux-gnu" \
            "$PMREMOTE/usr/sbin/pacemaker-remoted" >"$WORK/c.out" 2>&1 &
        PIDS+=($!)
        for _ in $(seq 1 100); do grep -q 'successfully started' "$WORK/c.log" 2>/dev/null && break; sleep 0.1; done
        nsprobe() { ip netns exec "$NETNS" java -jar "$JAR" probe "$@" >"$WORK/probe.out" 2>&1; echo $?; }
        rc=$(nsprobe 127.0.0.1 -k "$k")
        check "probe the C pacemaker-remoted with the right key: exit 0 (got $rc)" test "$rc" = 0
        check "the C daemon reports protocol version 1.1" grep -q 'protocol version 1.1' "$WORK/probe.out"
        rc=$(nsprobe 127.0.0.1 -k "$k" --tls 1.2)
        check "probe the C daemon over TLS 1.2: exit 0 (got $rc)" test "$rc" = 0
        rc=$(nsprobe 127.0.0.1 -k "$WORK/keys/other")
        check "probe the C daemon with another key: exit 7 (got $rc)" test "$rc" = 7
        rc=$(nsprobe 10.99.99.1 -k "$k" -t 2)
        check "probe an unroutable address: exit 4 (got $rc)" test "$rc" = 4
        ssh_out=$(ip netns exec "$NETNS" timeout 20 ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
            -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -p 3121 127.0.0.1 true 2>&1)
        # Recorded for comparison; the C daemon (GnuTLS) does not reset non-TLS clients the same way.
        echo "     (ssh against the C daemon says: $(echo "$ssh_out" | tail -1))"
    else
        fail "could not create a network namespace for the C daemon"; return 1
    fi
}

# ---------------------------------------------------------------- install into a Debian 12 root
CHROOT=$OPS_CACHE/bookworm-root
scenario_deb_in_debian_root() {
    local rc
    # Built once (debian_root, lib.sh) when missing; an existing root is used as it is.
    [ -x "$CHROOT/usr/bin/java" ] || debian_root "$CHROOT" bookworm default-jre-headless,adduser
    if [ -x "$CHROOT/usr/bin/java" ]; then
        # A clean slate each run: the package may be left installed by an earlier run.
        # (The swap test below leaves Debian's pacemaker-common behind, with dpkg-statoverride
        # entries for hacluster that would make dpkg abort once the user is gone.)
        chroot "$CHROOT" dpkg --purge jremoted pacemaker-remote pacemaker-common pacemaker-resource-agents >/dev/null 2>&1
        chroot "$CHROOT" sh -c 'dpkg-statoverride --list | awk '"'"'$1 == "hacluster" || $2 == "haclient" {print $4}'"'"' |
            while read -r p; do dpkg-statoverride --remove "$p"; done
            userdel hacluster; groupdel haclient; rm -rf /var/log/pacemaker /var/lib/pacemaker /etc/pacemaker' >/dev/null 2>&1
        cp "$deb" "$CHROOT/tmp/jremoted.deb"
        mount -t proc proc "$CHROOT/proc" 2>/dev/null
        # apt-get, not dpkg -i: the helper's libraries (libqb100) may not be in the root yet.
        chroot "$CHROOT" apt-get install -y -q --no-install-recommends /tmp/jremoted.deb >"$WORK/dpkg-i.log" 2>&1; rc=$?
        check "apt-get install ./jremoted.deb in a Debian 12 root (exit $rc)" test "$rc" = 0
        [ "$rc" = 0 ] || tail -10 "$WORK/dpkg-i.log"
        check "package is installed" sh -c "chroot '$CHROOT' dpkg-query -W -f='\${Status}' jremoted | grep -q 'install ok installed'"
        check "postinst created group haclient" sh -c "chroot '$CHROOT' getent group haclient >/dev/null"
        check "postinst created user hacluster in haclient" \
            sh -c "chroot '$CHROOT' id -gn hacluster | grep -qx haclient"
        check "postinst created /var/log/pacemaker hacluster:haclient 770" \
            test "$(chroot "$CHROOT" stat -c '%U:%G %a' /var/log/pacemaker 2>/dev/null)" = "hacluster:haclient 770"
        check "postinst created /var/lib/pacemaker/cores" test -d "$CHROOT/var/lib/pacemaker/cores"
        check "postinst created /etc/pacemaker root:haclient 750" \
            test "$(chroot "$CHROOT" stat -c '%U:%G %a' /etc/pacemaker 2>/dev/null)" = "root:haclient 750"
        check "unit installed" test -f "$CHROOT/lib/systemd/system/pacemaker_remote.service"
        check "conffile registered" sh -c "chroot '$CHROOT' dpkg-query -W -f='\${Conffiles}' jremoted | grep -q /etc/default/pacemaker"
        check "installed /usr/sbin/jremoted runs in the root" \
            sh -c "chroot '$CHROOT' /usr/sbin/jremoted --version | grep -q '^jremoted '"
        chroot "$CHROOT" /usr/sbin/jremoted keygen >/dev/null 2>&1
        check "keygen in the root: /etc/pacemaker/authkey hacluster:haclient 640" \
            test "$(chroot "$CHROOT" stat -c '%U:%G %a %s' /etc/pacemaker/authkey 2>/dev/null)" = "hacluster:haclient 640 4096"
        # Swapping to the C daemon and back as docs/install.md says: each package replaces the other
        # (they conflict), the key stays. Needs the Debian mirror for pacemaker-remote's libraries.
        if [ "${OPS_SWAP:-yes}" = yes ]; then
            # No package may start a daemon in the root (it would listen in the host's network).
            printf '#!/bin/sh\nexit 101\n' > "$CHROOT/usr/sbin/policy-rc.d" && chmod 755 "$CHROOT/usr/sbin/policy-rc.d"
            chroot "$CHROOT" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends pacemaker-remote' \
                >"$WORK/swap-c.log" 2>&1 </dev/null; rc=$?
            check "apt-get install pacemaker-remote over jremoted (exit $rc)" test "$rc" = 0
            [ "$rc" = 0 ] || tail -5 "$WORK/swap-c.log"
            check "swap to C: jremoted removed" sh -c "! chroot '$CHROOT' dpkg-query -W -f='\${Status}' jremoted 2>/dev/null | grep -q 'ok installed'"
            check "swap to C: pacemaker-remoted is the C daemon" \
                sh -c "chroot '$CHROOT' dpkg -S /usr/sbin/pacemaker-remoted 2>/dev/null | grep -q '^pacemaker-remote:'"
            check "swap to C: the unit is the C package's" \
                sh -c "chroot '$CHROOT' dpkg -S /lib/systemd/system/pacemaker_remote.service 2>/dev/null | grep -q '^pacemaker-remote:'"
            check "swap to C: the key is kept" test "$(chroot "$CHROOT" stat -c '%s' /etc/pacemaker/authkey 2>/dev/null)" = 4096
            chroot "$CHROOT" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/jremoted.deb' \
                >"$WORK/swap-j.log" 2>&1 </dev/null; rc=$?
            check "apt-get install ./jremoted.deb over pacemaker-remote (exit $rc)" test "$rc" = 0
            [ "$rc" = 0 ] || tail -5 "$WORK/swap-j.log"
            check "swap back: pacemaker-remote removed" \
                sh -c "! chroot '$CHROOT' dpkg-query -W -f='\${Status}' pacemaker-remote 2>/dev/null | grep -q 'ok installed'"
            check "swap back: /usr/sbin/pacemaker-remoted runs jremoted" \
                sh -c "chroot '$CHROOT' /usr/sbin/pacemaker-remoted --version | grep -q '^jremoted '"
            check "swap back: the key is kept" test "$(chroot "$CHROOT" stat -c '%s' /etc/pacemaker/authkey 2>/dev/null)" = 4096
            # Leave the root as the rest expects it: jremoted alone (pacemaker-common's libraries may stay).
            chroot "$CHROOT" sh -c 'dpkg --purge pacemaker-remote' >/dev/null 2>&1
            rm -f "$CHROOT/usr/sbin/policy-rc.d"
        fi
        # The conffile survives an upgrade with local edits and removal; purge deletes it.
        echo 'PCMK_remote_port=3199' >>"$CHROOT/etc/default/pacemaker"
        chroot "$CHROOT" dpkg -i /tmp/jremoted.deb >"$WORK/dpkg-i2.log" 2>&1; rc=$?
        check "reinstall over a locally edited conffile (exit $rc)" test "$rc" = 0
        check "local conffile edit kept on reinstall" grep -qx 'PCMK_remote_port=3199' "$CHROOT/etc/default/pacemaker"
        chroot "$CHROOT" dpkg -r jremoted >"$WORK/dpkg-r.log" 2>&1; rc=$?
        check "dpkg -r (exit $rc)" test "$rc" = 0
        check "removal deletes the jar" test ! -e "$CHROOT/usr/share/jremoted/jremoted.jar"
        check "removal keeps the conffile" test -f "$CHROOT/etc/default/pacemaker"
        check "removal keeps the key" test -f "$CHROOT/etc/pacemaker/authkey"
        chroot "$CHROOT" dpkg --purge jremoted >"$WORK/dpkg-p.log" 2>&1; rc=$?
        check "dpkg --purge (exit $rc)" test "$rc" = 0
        check "purge deletes the conffile" test ! -e "$CHROOT/etc/default/pacemaker"
        umount "$CHROOT/proc" 2>/dev/null
    else
        fail "no Debian 12 root with Java in $CHROOT (debootstrap failed: $CHROOT.log)"; return 1
    fi
}

run_checked_scenarios
teardown
summary_and_exit
