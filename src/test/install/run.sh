#!/usr/bin/env bash
# The installed-package suite: jremoted as the administration guides install it. Remote nodes are
# real booted Debian 12 systems (systemd-nspawn -b, systemd as PID 1, a cached root), jremoted comes
# from its own .deb through apt-get, the unit is enabled and started with systemctl, and an
# unmodified Pacemaker 2.1.5 cluster node (corosync + pacemakerd by hand in its own namespace, as in
# ../cluster) drives it with the guides' tools: crmsh (SUSE "Pacemaker Remote Quick Start") and pcs
# with pcsd (RHEL High Availability guide, remote nodes). Also: swapping a live node between
# Debian's C pacemaker-remote and jremoted with apt-get, and the package files themselves (lintian,
# the helper's library dependencies, the .rpm's contents, scriptlets and a scratch-root install).
#
#   run.sh [--only NAME,...] [--keep] [--teardown] [--results DIR] [--list] [--prepare]
#
# Each container joins the remote node's network namespace (--network-namespace-path), which the
# cluster node reaches over a veth pair; containers are booted with --volatile=overlay, so the
# cached root (/var/cache/jremoted-test/install-root, built once with debootstrap) never changes.
# Prints "PASS name (time)" / "FAIL name (time): reason" and one line "install: N passed, N failed".
#
# Environment: BUILD_DIR (holds the .deb, .rpm; default <project>/target), INSTALL_ROOT (the cached
# root), INSTALL_NS (namespace name prefix, default jrin).
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
# Our own namespace names and lock, so this suite runs next to the other cluster suites.
CL_NS=${INSTALL_NS:-jrin}-node RM_NS=${INSTALL_NS:-jrin}-rem BAD_NS=${INSTALL_NS:-jrin}-bad
SUITE_TAG=install
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"

BUILD_DIR=${BUILD_DIR:-$ROOT/target}
NODE_ROOT=${INSTALL_ROOT:-/var/cache/jremoted-test/install-root}
# What the remote nodes have before the scenarios install anything: systemd, Java and the other
# dependencies of the .deb, the agents, pcs/pcsd (disabled, as after a plain package install on
# RHEL), and, only downloaded (apt installs them offline: containers have no route out), Debian's
# pacemaker-remote and pacemaker-cli-utils.
NODE_INCLUDE=systemd,systemd-sysv,dbus,iproute2,procps
NODE_PKGS=(default-jre-headless adduser libqb100 resource-agents pacemaker-resource-agents pcs)
NODE_DOWNLOAD=(pacemaker-remote pacemaker-cli-utils)
# The pcsd password of hacluster on the remote nodes (RHEL guide: passwd hacluster).
PCS_PASSWORD=jrin-pcs-secret

SCENARIOS=(deb_lintian deb_library_dependencies rpm_contents rpm_scriptlets rpm_scratch_install
           suse_install suse_connect suse_move suse_promotable suse_node_tools suse_port
           swap_from_c swap_back_to_c swap_safe_order
           pcs_add_remote pcs_resource_prefers pcs_disable_enable pcs_stop_service)

usage() {
    cat <<EOF
usage: $0 [options]
  --only NAME,...   run only these scenarios (in the suite's order); names: ${SCENARIOS[*]}
  --keep            leave the cluster node, container and namespaces up (then: $0 --teardown)
  --teardown        only tear down what a --keep run (or a killed run) left behind
  --results DIR     results directory (default: <project>/target/install-results)
  --prepare         only build the cached root
  --list            list the scenario names
EOF
}

PREPARE_ONLY=0
RESULTS=${INSTALL_RESULTS:-$BUILD_DIR/install-results}
suite_option() {
    case $1 in
        --prepare) PREPARE_ONLY=1 ;;
        *) return 1 ;;
    esac
}
parse_suite_options "$@"

# ------------------------------------------------------------------ the cached root
# setup_node_root DIR: what debootstrap's minbase does not bring (apt resolves the alternatives).
setup_node_root() {
    local r=$1 rc=0
    mount -t proc proc "$r/proc" || return 1
    printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d" && chmod 755 "$r/usr/sbin/policy-rc.d"
    chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${NODE_PKGS[@]}" || rc=1
    [ $rc = 0 ] && { chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        --download-only "${NODE_DOWNLOAD[@]}" || rc=1; }
    # pcsd runs only where a scenario starts it (the RHEL guide: systemctl start/enable pcsd).
    [ $rc = 0 ] && { chroot "$r" systemctl disable pcsd.service pcsd-ruby.service || rc=1; }
    # Each container's host name is the one nspawn gives it (debootstrap copied the host's).
    rm -f "$r/etc/hostname"
    rm -f "$r/usr/sbin/policy-rc.d"
    umount "$r/proc"
    return $rc
}
ensure_node_root() {
    command -v systemd-nspawn >/dev/null || apt-get install -y -q systemd-container >&2 </dev/null || return 1
    debian_root "$NODE_ROOT" bookworm "$NODE_INCLUDE" setup_node_root
}
if [ $PREPARE_ONLY = 1 ]; then
    [ "$(id -u)" -eq 0 ] || { log "must run as root"; exit 1; }
    ensure_node_root && { log "root ready: $NODE_ROOT"; exit 0; }
    exit 1
fi

# ------------------------------------------------------------------ remote node containers
# One container at a time; CT_* describe it. Its /var/log/pacemaker is $RESULTS/<name>/log.
CT_NAME= CT_PID= CT_LEADER=
ct_dir() { echo "$RESULTS/$CT_NAME"; }

# boot_node NAME: boot the cached root as host NAME in the remote node's network namespace.
boot_node() {
    local name=$1 d state= deadline
    if [ -n "$CT_PID" ]; then
        # The cluster lets go of the previous node first, so its daemon stops at once.
        forget_node "$CT_NAME"
        stop_node
    fi
    CT_NAME=$name
    d=$(ct_dir)
    rm -rf "$d"; mkdir -p "$d/log" "$d/pkg"
    cp "$DEB" "$d/pkg/" || { fail "cannot copy the .deb"; return 1; }
    chmod 755 "$d/pkg"; chmod 644 "$d"/pkg/*.deb
    setsid systemd-nspawn --register=no --keep-unit --console=passive --volatile=overlay -b \
        -D "$NODE_ROOT" --machine="$name" --hostname="$name" --network-namespace-path="/run/netns/$RM_NS" \
        --bind-ro="$d/pkg:/root/pkg" --bind="$d/log:/var/log/pacemaker" \
        </dev/null >"$d/nspawn.log" 2>&1 9>&- &
    CT_PID=$!
    deadline=$(( $(now_ms) + 60000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        CT_LEADER=$(ps -o pid= --ppid "$CT_PID" 2>/dev/null | head -1 | tr -d ' ')
        if [ -n "$CT_LEADER" ]; then
            state=$(timeout 10 nsenter -t "$CT_LEADER" -a systemctl is-system-running 2>/dev/null)
            case $state in running|degraded) break ;; esac
        fi
        pid_alive "$CT_PID" || break
        sleep 0.5
    done
    case $state in
        running|degraded) log "container $name booted (systemd $state)" ;;
        *) fail "container $name did not boot (state '$state'): $d/nspawn.log"; return 1 ;;
    esac
}

# in_ct CMD...: run CMD in the container (all its namespaces), bounded.
in_ct() { timeout "${CT_TIMEOUT:-180}" nsenter -t "$CT_LEADER" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 HOME=/root DEBIAN_FRONTEND=noninteractive "$@" 9>&-; }

# node_snapshot: what the container's systemd knows, next to its pacemaker.log.
node_snapshot() {
    [ -n "$CT_LEADER" ] || return 0
    CT_TIMEOUT=30 in_ct journalctl -b --no-pager > "$(ct_dir)/journal.txt" 2>&1
    CT_TIMEOUT=30 in_ct systemctl status --no-pager pacemaker_remote > "$(ct_dir)/status.txt" 2>&1
}

# stop_node: power the container off (SIGTERM to nspawn asks its systemd for an orderly shutdown);
# the cluster must have dropped the node first, or the daemon waits for it to move resources.
stop_node() {
    [ -n "$CT_PID" ] || return 0
    node_snapshot
    kill -TERM "$CT_PID" 2>/dev/null
    wait_for 60 "container $CT_NAME to power off" pid_dead "$CT_PID" >/dev/null 2>&1 || kill -KILL "$CT_PID" 2>/dev/null
    wait_for 10 "nspawn to exit" pid_dead "$CT_PID" >/dev/null 2>&1
    CT_PID= CT_LEADER=
}

# daemon_exe: the executable of pacemaker_remote.service's main process ("java" for jremoted).
daemon_exe() {
    local pid; pid=$(in_ct systemctl show -P MainPID pacemaker_remote.service 2>/dev/null)
    [ -n "$pid" ] && [ "$pid" != 0 ] || return 1
    basename "$(in_ct readlink "/proc/$pid/exe" 2>/dev/null)"
}
daemon_is() { [ "$(daemon_exe)" = "$1" ]; }
# ct_has_dummy_state ID: ocf:pacemaker:Dummy's default state file exists on the node (it runs there).
ct_has_dummy_state() { in_ct test -e "/run/Dummy-$1.state"; }
ct_listens() { [[ $(in_ct ss -Hltn "sport = :$1" 2>/dev/null) == *LISTEN* ]]; }
ct_not_listening() { ! ct_listens "$1"; }

# install_key: the cluster's key onto the node, as the guides copy it (owner, group, mode).
install_key() {
    in_ct sh -c 'mkdir -p /etc/pacemaker && cat > /etc/pacemaker/authkey &&
        chown hacluster:haclient /etc/pacemaker/authkey && chmod 640 /etc/pacemaker/authkey' < "$KEY"
}

# ------------------------------------------------------------------ cluster-side helpers
# Logs to point at on failure: the cluster node's and the current container's.
log_files() {
    echo "$(node_dir cluster)/log-pacemaker/pacemaker.log"
    [ -n "$CT_NAME" ] && { echo "$(ct_dir)/log/pacemaker.log"; echo "$(ct_dir)/journal.txt"; }
    return 0
}
crm() { cl timeout 120 crm "$@"; }
pcs() { cl timeout 180 pcs "$@"; }
# forget_node NAME: remove a remote node from the cluster (resource, node entry, status).
forget_node() {
    cl cibadmin --delete-all --force --xpath "//constraints/*[@node='$1' or @rsc='$1']" >/dev/null 2>&1
    cl cibadmin --delete --xml-text "<primitive id=\"$1\"/>" >/dev/null 2>&1
    wait_for 60 "$1 to go offline" node_not_online "$1" >/dev/null 2>&1
    cl crm_node --force -R "$1" >/dev/null 2>&1
    return 0
}
no_failures() { [ "$(mon_xml | xq 'count(//failures/failure)')" = 0 ]; }
# only_connection_failures NODE: every recorded failure is one of NODE's connection resource.
only_connection_failures() { [ "$(mon_xml | xq "count(//failures/failure[not(starts-with(@op_key,'$1_'))])")" = 0 ]; }
failures_text() { cl crm_mon -1 --output-as=xml 2>/dev/null | xq '//failures' | tr '\n' ' '; }
started_on() { running_on "$1" "$2"; }
rsc_running() { [ -n "$(where "$1")" ]; }
node_attr() { cl crm_attribute -N "$1" -l reboot -n "$2" -G -q 2>/dev/null; }
node_attr_is() { [ "$(node_attr "$1" "$2")" = "$3" ]; }
role_on() {  # role_on CLONE ROLE NODE: an instance of CLONE has ROLE on NODE
    [ "$(mon_xml | xq "count(//clone[@id='$1']/resource[@role='$2' and node/@name='$3'])")" -ge 1 ] 2>/dev/null
}

# ------------------------------------------------------------------ package scenarios
scenario_deb_lintian() {
    command -v lintian >/dev/null || apt-get install -y -q --no-install-recommends lintian >&2 || {
        fail "cannot install lintian"; return 1; }
    local out; out=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -v 'running with root privileges')
    [ -z "$out" ] || { fail "lintian reports: $(tr '\n' ' ' <<<"$out")"; return 1; }
    # Every override carries its reason (docs/install.md explains them too).
    out=$(lintian --show-overrides "$DEB" 2>&1 | grep -c '^O:')
    log "lintian: clean; $out overridden tag(s), as listed in docs/install.md"
}

# The helper's libraries, as dpkg-shlibdeps computes them, are all in the package's Depends.
scenario_deb_library_dependencies() {
    local w dep missing=() depends
    w=$(mktemp -d); mkdir -p "$w/debian" "$w/x"
    printf 'Source: jremoted\n\nPackage: jremoted\nArchitecture: any\n' > "$w/debian/control"
    dpkg-deb -x "$DEB" "$w/x"
    [ -x "$w/x/usr/lib/jremoted/jremoted-ipc-helper" ] || { rm -rf "$w"; fail "no executable /usr/lib/jremoted/jremoted-ipc-helper in the .deb"; return 1; }
    dep=$(cd "$w" && dpkg-shlibdeps -O "x/usr/lib/jremoted/jremoted-ipc-helper" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
    rm -rf "$w"
    [ -n "$dep" ] || { fail "dpkg-shlibdeps gave nothing"; return 1; }
    depends=$(dpkg-deb -f "$DEB" Depends)
    IFS=',' read -r -a wanted <<<"$dep"
    for w in "${wanted[@]}"; do
        w=$(xargs <<<"$w")
        [[ ", $depends," == *", $w,"* ]] || missing+=("$w")
    done
    [ ${#missing[@]} -eq 0 ] || { fail "Depends ($depends) lacks: ${missing[*]}"; return 1; }
    log "shlibdeps: $dep (all declared)"
}

scenario_rpm_contents() {
    local list f missing=() req
    list=$(rpm -qpl "$RPM" 2>&1) || { fail "rpm -qpl failed: $list"; return 1; }
    for f in /usr/share/jremoted/jremoted.jar /usr/share/jremoted/bin/jremoted /usr/sbin/jremoted \
             /usr/sbin/pacemaker-remoted /usr/libexec/jremoted/jremoted-ipc-helper /usr/libexec/jremoted/setup-system \
             /usr/lib/systemd/system/pacemaker_remote.service /etc/sysconfig/pacemaker \
             /usr/share/man/man8/jremoted.8.gz /usr/share/bash-completion/completions/jremoted \
             /usr/share/licenses/jremoted/LICENSE; do
        grep -qx "$f" <<<"$list" || missing+=("$f")
    done
    [ ${#missing[@]} -eq 0 ] || { fail "the .rpm lacks ${missing[*]}"; return 1; }
    grep -qx '/etc/sysconfig/pacemaker' <<<"$(rpm -qpc "$RPM" 2>/dev/null)" || { fail "/etc/sysconfig/pacemaker is not %config"; return 1; }
    for f in 'Provides:pacemaker-remote' 'Conflicts:pacemaker-remote' 'Conflicts:pacemaker' 'Obsoletes:pacemaker-remote < 4'; do
        case ${f%%:*} in
            Provides) req=$(rpm -qp --provides "$RPM") ;; Conflicts) req=$(rpm -qp --conflicts "$RPM") ;;
            Obsoletes) req=$(rpm -qp --obsoletes "$RPM") ;;
        esac
        grep -qx "${f#*:}" <<<"$req" || { fail "the .rpm does not declare ${f%%:*}: ${f#*:} (has: $(tr '\n' ' ' <<<"$req"))"; return 1; }
    done
    req=$(rpm -qp --requires "$RPM")
    grep -q '^libqb.so.100()(64bit)$' <<<"$req" || { fail "the .rpm does not require libqb.so.100 (the helper's library)"; return 1; }
    grep -q 'java-17-openjdk-headless' <<<"$req" || { fail "the .rpm does not require a Java 17 runtime"; return 1; }
}

scenario_rpm_scriptlets() {
    local s; s=$(rpm -qp --scripts "$RPM" 2>&1)
    grep -q '^postinstall scriptlet' <<<"$s" && grep -q '/usr/libexec/jremoted/setup-system' <<<"$s" ||
        { fail "no %post running setup-system: $s"; return 1; }
    grep -q '^preuninstall scriptlet' <<<"$s" && grep -q 'systemctl stop pacemaker_remote.service' <<<"$s" ||
        { fail "no %preun stopping the unit"; return 1; }
    # Every scriptlet is valid sh.
    local body
    body=$(awk '/scriptlet \(using \/bin\/sh\):$/ {next} {print}' <<<"$s")
    sh -n <<<"$body" || { fail "a scriptlet is not valid sh"; return 1; }
}

# rpm -i into a scratch root: an overlay over the cached Debian root (it has sh, getent, useradd,
# which the scriptlets run chrooted), changes discarded afterwards.
scenario_rpm_scratch_install() {
    local w m rc=0 out
    w=$(mktemp -d /tmp/jrin-rpm.XXXXXX); m=$w/merged
    mkdir -p "$w/upper" "$w/work" "$m"
    mount -t overlay overlay -o "lowerdir=$NODE_ROOT,upperdir=$w/upper,workdir=$w/work" "$m" ||
        { rm -rf "$w"; fail "cannot mount an overlay over $NODE_ROOT"; return 1; }
    # (--force-debian: Debian's rpm otherwise suggests alien before going ahead.)
    out=$(rpm --root "$m" --initdb 2>&1 && rpm --force-debian --root "$m" -i --nodeps "$RPM" 2>&1) || rc=1
    [ $rc = 0 ] || fail "rpm -i --root failed: $out"
    if [ $rc = 0 ]; then
        rpm --root "$m" -q jremoted >/dev/null 2>&1 || { fail "rpm -q jremoted in the scratch root: not installed"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        [ -x "$m/usr/libexec/jremoted/jremoted-ipc-helper" ] && [ -f "$m/usr/lib/systemd/system/pacemaker_remote.service" ] &&
            [ -f "$m/etc/sysconfig/pacemaker" ] || { fail "installed files missing in the scratch root"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        # %post ran setup-system: the cluster user and the directories.
        chroot "$m" id -gn hacluster 2>/dev/null | grep -qx haclient || { fail "%post did not create hacluster:haclient"; rc=1; }
        [ "$(chroot "$m" stat -c '%U:%G %a' /var/log/pacemaker 2>/dev/null)" = "hacluster:haclient 770" ] ||
            { fail "%post did not create /var/log/pacemaker hacluster:haclient 770"; rc=1; }
        [ "$(chroot "$m" stat -c '%U:%G %a' /etc/pacemaker 2>/dev/null)" = "root:haclient 750" ] ||
            { fail "%post did not create /etc/pacemaker root:haclient 750"; rc=1; }
        # (Java finds its libraries through /proc/self/exe.)
        mount -t proc proc "$m/proc" && out=$(chroot "$m" /usr/sbin/jremoted --version 2>&1)
        umount "$m/proc" 2>/dev/null
        grep -q '^jremoted ' <<<"$out" ||
            { fail "the installed /usr/sbin/jremoted does not run in the scratch root: $out"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        out=$(rpm --force-debian --root "$m" -e jremoted 2>&1) || { fail "rpm -e in the scratch root: $out"; rc=1; }
        [ $rc = 0 ] && [ -e "$m/usr/share/jremoted/jremoted.jar" ] && { fail "rpm -e left the jar behind"; rc=1; }
    fi
    umount "$m"
    rm -rf "$w"
    return $rc
}

# ------------------------------------------------------------------ SUSE guide, crmsh
SUSE_NODE=charlie

scenario_suse_install() {
    boot_node "$SUSE_NODE" || return 1
    local out
    out=$(in_ct sh -c 'cd /root/pkg && apt-get install -y -q ./jremoted_*.deb' 2>&1) ||
        { fail "apt-get install ./jremoted_*.deb: $(tail -3 <<<"$out")"; return 1; }
    out=$(in_ct apt-get install -y -q pacemaker-cli-utils 2>&1) ||
        { fail "apt-get install pacemaker-cli-utils: $(tail -3 <<<"$out")"; return 1; }
    install_key || { fail "could not copy the key"; return 1; }
    in_ct systemctl enable pacemaker_remote >/dev/null 2>&1 || { fail "systemctl enable pacemaker_remote failed"; return 1; }
    in_ct systemctl start pacemaker_remote || { fail "systemctl start pacemaker_remote failed"; return 1; }
    wait_for 60 "jremoted to listen on 3121" ct_listens 3121 || { fail "nothing listens on 3121"; return 1; }
    daemon_is java || { fail "pacemaker_remote.service runs '$(daemon_exe)', not jremoted"; return 1; }
    in_ct systemctl is-enabled pacemaker_remote >/dev/null || { fail "the unit is not enabled"; return 1; }
    # The packaged helper is found and running.
    in_ct pgrep -f /usr/lib/jremoted/jremoted-ipc-helper >/dev/null ||
        { fail "no /usr/lib/jremoted/jremoted-ipc-helper process"; return 1; }
    ! grep -q 'Local IPC helper .* not found' "$(ct_dir)/log/pacemaker.log" 2>/dev/null ||
        { fail "the daemon logged that the IPC helper is missing"; return 1; }
}

scenario_suse_connect() {
    [ "$CT_NAME" = "$SUSE_NODE" ] && [ -n "$CT_PID" ] || scenario_suse_install || return 1
    local out
    out=$(crm configure primitive "$SUSE_NODE" ocf:pacemaker:remote params server="$RM_IP" reconnect_interval=15m \
        op monitor interval=30s 2>&1) || { fail "crm configure primitive: $out"; return 1; }
    wait_for 60 "$SUSE_NODE online" node_online "$SUSE_NODE" || { fail "$SUSE_NODE did not come online"; return 1; }
    out=$(crm status 2>&1)
    grep -q "RemoteOnline: \[ $SUSE_NODE \]" <<<"$out" || { fail "crm status does not show RemoteOnline: [ $SUSE_NODE ]: $out"; return 1; }
}

# ensure_suse_node: the SUSE flow's node installed and online; suse_install and suse_connect run
# first when a later scenario runs alone (--only) or after they failed.
ensure_suse_node() {
    [ "$CT_NAME" = "$SUSE_NODE" ] && [ -n "$CT_PID" ] || scenario_suse_install || return 1
    cl cibadmin -Q --xpath "//primitive[@id='$SUSE_NODE']" >/dev/null 2>&1 || scenario_suse_connect || return 1
    node_online "$SUSE_NODE" && return 0
    cl crm_resource --cleanup -r "$SUSE_NODE" >/dev/null 2>&1
    kick_scheduler
    wait_for 60 "$SUSE_NODE online" node_online "$SUSE_NODE" || { fail "$SUSE_NODE is not online"; return 1; }
}

scenario_suse_move() {
    ensure_suse_node || return 1
    local out rc=0
    out=$(crm configure primitive jr-dummy ocf:pacemaker:Dummy op monitor interval=30s 2>&1) ||
        { fail "crm configure primitive jr-dummy: $out"; return 1; }
    wait_for 60 "jr-dummy to start" rsc_running jr-dummy
    # Start from the cluster node, so the move to the remote node is a move.
    if started_on jr-dummy "$SUSE_NODE"; then
        crm resource move jr-dummy "$CL_NODE" >/dev/null 2>&1
        wait_for 60 "jr-dummy on $CL_NODE" started_on jr-dummy "$CL_NODE" || { fail "jr-dummy did not leave $SUSE_NODE"; rc=1; }
    fi
    [ $rc = 0 ] && { out=$(crm resource move jr-dummy "$SUSE_NODE" 2>&1) || { fail "crm resource move: $out"; rc=1; }; }
    if [ $rc = 0 ]; then
        wait_for 60 "jr-dummy on $SUSE_NODE" started_on jr-dummy "$SUSE_NODE" || { fail "jr-dummy is on '$(where jr-dummy)'"; rc=1; }
    fi
    [ $rc = 0 ] && { ct_has_dummy_state jr-dummy || { fail "no Dummy state file on the node"; rc=1; }; }
    crm resource clear jr-dummy >/dev/null 2>&1
    remove_resources jr-dummy
    return $rc
}

scenario_suse_promotable() {
    ensure_suse_node || return 1
    local out rc=0
    out=$(crm configure primitive jr-state ocf:pacemaker:Stateful \
            op monitor interval=10s role=Promoted op monitor interval=11s role=Unpromoted 2>&1 &&
          crm configure clone jr-state-clone jr-state meta promotable=true clone-max=1 2>&1 &&
          crm configure location jr-state-on-node jr-state-clone 100: "$SUSE_NODE" 2>&1) ||
        { fail "crm configure (Stateful clone): $out"; rc=1; }
    if [ $rc = 0 ]; then
        wait_for 90 "jr-state promoted on $SUSE_NODE" role_on jr-state-clone Promoted "$SUSE_NODE" ||
            { fail "jr-state-clone not promoted on $SUSE_NODE: $(crm status 2>&1 | grep -A3 jr-state | tr '\n' ' ')"; rc=1; }
    fi
    cl cibadmin --delete-all --force --xpath "//constraints/*[@rsc='jr-state-clone']" >/dev/null 2>&1
    cl cibadmin --delete --xml-text '<clone id="jr-state-clone"/>' >/dev/null 2>&1
    wait_for 60 "jr-state to stop" resources_inactive jr-state >/dev/null
    cl crm_resource --cleanup -r jr-state >/dev/null 2>&1
    return $rc
}

scenario_suse_node_tools() {
    ensure_suse_node || return 1
    local out v
    out=$(in_ct crm_attribute -l reboot -n jrin-attr -v 42 2>&1) || { fail "crm_attribute -v on the node: $out"; return 1; }
    wait_for 20 "the cluster to see jrin-attr" node_attr_is "$SUSE_NODE" jrin-attr 42
    v=$(node_attr "$SUSE_NODE" jrin-attr)
    [ "$v" = 42 ] || { fail "the cluster sees jrin-attr='$v' on $SUSE_NODE"; return 1; }
    v=$(in_ct crm_attribute -l reboot -n jrin-attr -G -q 2>&1)
    [ "$v" = 42 ] || { fail "crm_attribute -G on the node printed '$v'"; return 1; }
    in_ct crm_attribute -l reboot -n jrin-attr -D >/dev/null 2>&1
    out=$(in_ct crm_mon -1 2>&1) || { fail "crm_mon -1 on the node: $out"; return 1; }
    grep -q "RemoteOnline: \[ $SUSE_NODE \]" <<<"$out" || { fail "crm_mon -1 on the node: $out"; return 1; }
}

# PCMK_remote_port from /etc/default/pacemaker, then from /etc/sysconfig/pacemaker: the daemon
# listens there after a restart, and the cluster connects to it once told the port.
port_switch() {
    local port=$1 out
    in_ct systemctl restart pacemaker_remote || { fail "systemctl restart pacemaker_remote failed"; return 1; }
    wait_for 60 "jremoted on port $port" ct_listens "$port" || { fail "nothing listens on $port"; return 1; }
    ct_not_listening 3121 || { fail "the daemon still listens on 3121"; return 1; }
    out=$(crm resource param "$SUSE_NODE" set port "$port" 2>&1) || { fail "crm resource param set port: $out"; return 1; }
    kick_scheduler
    wait_for 90 "$SUSE_NODE online through port $port" node_online "$SUSE_NODE" || {
        cl crm_resource --cleanup -r "$SUSE_NODE" >/dev/null 2>&1; kick_scheduler
        wait_for 60 "$SUSE_NODE online through port $port" node_online "$SUSE_NODE"; } ||
        { fail "$SUSE_NODE not online through port $port"; return 1; }
}
scenario_suse_port() {
    ensure_suse_node || return 1
    in_ct sh -c 'echo PCMK_remote_port=3122 >> /etc/default/pacemaker' || { fail "cannot edit /etc/default/pacemaker"; return 1; }
    port_switch 3122 || return 1
    in_ct sh -c 'sed -i /^PCMK_remote_port=/d /etc/default/pacemaker && mkdir -p /etc/sysconfig &&
        echo PCMK_remote_port=3123 > /etc/sysconfig/pacemaker' || { fail "cannot write /etc/sysconfig/pacemaker"; return 1; }
    port_switch 3123 || return 1
}

# ------------------------------------------------------------------ swapping a live node
SWAP_NODE=delta
SWAP_RSC=(jr-swap1 jr-swap2)
on_swap_node() { local r; node_online "$SWAP_NODE" || return 1; for r in "${SWAP_RSC[@]}"; do started_on "$r" "$SWAP_NODE" || return 1; done; }
swap_counts() { local r; for r in "${SWAP_RSC[@]}"; do printf '%s=%s/%s ' "$r" "$(failcount "$r" "$SWAP_NODE")" "$(failcount "$r" "$CL_NODE")"; done; }

scenario_swap_from_c() {
    forget_node "$SUSE_NODE"
    boot_node "$SWAP_NODE" || return 1
    local out r
    install_key || { fail "could not copy the key"; return 1; }
    # Debian's package enables and starts the C daemon itself.
    out=$(in_ct apt-get install -y -q pacemaker-remote pacemaker-cli-utils 2>&1) ||
        { fail "apt-get install pacemaker-remote: $(tail -3 <<<"$out")"; return 1; }
    wait_for 30 "the C daemon to listen" ct_listens 3121 || { fail "the C daemon does not listen"; return 1; }
    daemon_is pacemaker-remoted || { fail "the unit runs '$(daemon_exe)', not the C daemon"; return 1; }
    cib_create resources "$(remote_node_xml "$SWAP_NODE" "$RM_IP" 3121)" || { fail "cannot add $SWAP_NODE"; return 1; }
    local rx="<resources>" cx="<constraints>"
    for r in "${SWAP_RSC[@]}"; do rx+=$(dummy_xml "$r"); cx+=$(prefer_xml "$r" "$SWAP_NODE"); done
    cib_create resources "$rx</resources>" && cib_create constraints "$cx</constraints>" || { fail "cannot add the Dummies"; return 1; }
    wait_for 90 "the Dummies on $SWAP_NODE (C daemon)" on_swap_node || { fail "resources not on $SWAP_NODE under the C daemon: $(describe "${SWAP_RSC[@]}")"; return 1; }
    no_failures || { fail "failures before the swap: $(failures_text)"; return 1; }
    log "C daemon runs ${SWAP_RSC[*]}; swapping in jremoted"
    local clog lost0; clog=$(node_dir cluster)/log-pacemaker/pacemaker.log
    lost0=$(grep -c "Lost connection to Pacemaker Remote node $SWAP_NODE" "$clog")
    out=$(in_ct sh -c 'cd /root/pkg && apt-get install -y -q ./jremoted_*.deb' 2>&1) ||
        { fail "apt-get install ./jremoted_*.deb over pacemaker-remote: $(tail -3 <<<"$out")"; return 1; }
    in_ct dpkg-query -W -f='${Status}' pacemaker-remote 2>/dev/null | grep -q 'ok installed' &&
        { fail "pacemaker-remote still installed"; return 1; }
    wait_for 60 "jremoted to run the unit" daemon_is java || { fail "the unit runs '$(daemon_exe)' after the swap"; return 1; }
    kick_scheduler
    wait_for 120 "the Dummies back on $SWAP_NODE under jremoted" on_swap_node || {
        fail "after the swap: $(describe "${SWAP_RSC[@]}"), online=$(node_online "$SWAP_NODE" && echo yes || echo no)"; return 1; }
    log "after the swap to jremoted: fail counts $(swap_counts); failures: $(failures_text);" \
        "connection lost when the C daemon stopped: $(( $(grep -c "Lost connection to Pacemaker Remote node $SWAP_NODE" "$clog") - lost0 )) time(s)"
    # The C daemon (2.1.5) drops the connection when it stops (docs/install.md): a failed monitor
    # of the connection resource is expected, nothing else.
    only_connection_failures "$SWAP_NODE" || { fail "failures beyond the connection's across the swap: $(failures_text)"; return 1; }
    [ "$(swap_counts)" = "jr-swap1=0/0 jr-swap2=0/0 " ] || { fail "resource fail counts after the swap: $(swap_counts)"; return 1; }
}

# ensure_swap_node DAEMON: the swap node runs the Dummies under DAEMON (java: jremoted,
# pacemaker-remoted: the C daemon), reached through the earlier swap scenarios if needed.
ensure_swap_node() {
    [ "$CT_NAME" = "$SWAP_NODE" ] && [ -n "$CT_PID" ] && on_swap_node && daemon_is "$1" && return 0
    case $1 in
        java) scenario_swap_from_c ;;
        *) ensure_swap_node java && scenario_swap_back_to_c ;;
    esac
}

scenario_swap_back_to_c() {
    ensure_swap_node java || return 1
    local out
    out=$(in_ct apt-get install -y -q pacemaker-remote 2>&1) ||
        { fail "apt-get install pacemaker-remote over jremoted: $(tail -3 <<<"$out")"; return 1; }
    wait_for 60 "the C daemon to run the unit" daemon_is pacemaker-remoted || { fail "the unit runs '$(daemon_exe)'"; return 1; }
    kick_scheduler
    wait_for 120 "the Dummies back on $SWAP_NODE under the C daemon" on_swap_node || {
        fail "after the swap back: $(describe "${SWAP_RSC[@]}")"; return 1; }
    log "after the swap back: fail counts $(swap_counts); failures: $(failures_text)"
    # jremoted's stop lets the cluster move the resources first: no failure at all.
    no_failures || { fail "failures recorded across the swap back: $(failures_text)"; return 1; }
}

# The safe order of docs/install.md, from the C daemon: stop the connection (the cluster moves
# the resources away cleanly), swap the package, start the connection. No failure at all.
scenario_swap_safe_order() {
    ensure_swap_node pacemaker-remoted || return 1
    cl crm_resource --cleanup -r "$SWAP_NODE" >/dev/null 2>&1
    wait_for 30 "no failures" no_failures || { fail "failures before the swap: $(failures_text)"; return 1; }
    local out r
    out=$(crm resource stop "$SWAP_NODE" 2>&1) || { fail "crm resource stop $SWAP_NODE: $out"; return 1; }
    for r in "${SWAP_RSC[@]}"; do
        wait_for 60 "$r on $CL_NODE" started_on "$r" "$CL_NODE" || { fail "$r did not move away: $(describe "$r")"; return 1; }
    done
    wait_for 30 "$SWAP_NODE offline" node_not_online "$SWAP_NODE" || { fail "$SWAP_NODE still online"; return 1; }
    out=$(in_ct sh -c 'cd /root/pkg && apt-get install -y -q ./jremoted_*.deb' 2>&1) ||
        { fail "apt-get install ./jremoted_*.deb: $(tail -3 <<<"$out")"; return 1; }
    wait_for 60 "jremoted to run the unit" daemon_is java || { fail "the unit runs '$(daemon_exe)' after the swap"; return 1; }
    out=$(crm resource start "$SWAP_NODE" 2>&1) || { fail "crm resource start $SWAP_NODE: $out"; return 1; }
    wait_for 90 "the Dummies back on $SWAP_NODE under jremoted" on_swap_node || {
        fail "after the safe swap: $(describe "${SWAP_RSC[@]}")"; return 1; }
    no_failures || { fail "failures recorded across the safe swap: $(failures_text)"; return 1; }
}

# ------------------------------------------------------------------ RHEL guide, pcs
PCS_NODE=echo

# pcsd on the cluster node too (the guide's cluster nodes run it; pcs cluster node add-remote talks
# to every node it knows), started by hand like the rest of the cluster node.
cl_listens() { [[ $(cl ss -Hltn "sport = :$1" 2>/dev/null) == *LISTEN* ]]; }
start_cluster_pcsd() {
    local d; d=$(node_dir cluster)
    cl_listens 2224 && return 0
    spawn_in_node cluster "$d/pcsd-ruby.pid" "$d/log-pcsd/pcsd-ruby.out" \
        sh -c 'set -a; . /etc/default/pcsd; exec /usr/share/pcsd/pcsd' || return 1
    spawn_in_node cluster "$d/pcsd.pid" "$d/log-pcsd/pcsd.out" \
        sh -c 'set -a; . /etc/default/pcsd; exec /usr/sbin/pcsd' || return 1
    wait_for 60 "pcsd on the cluster node" cl_listens 2224
}

scenario_pcs_add_remote() {
    forget_node "$SWAP_NODE"
    remove_resources "${SWAP_RSC[@]}"
    start_cluster_pcsd || { fail "pcsd did not start on the cluster node"; return 1; }
    boot_node "$PCS_NODE" || return 1
    local out
    out=$(in_ct sh -c 'cd /root/pkg && apt-get install -y -q ./jremoted_*.deb' 2>&1) ||
        { fail "apt-get install ./jremoted_*.deb: $(tail -3 <<<"$out")"; return 1; }
    # RHEL guide: pcsd running on the remote node, hacluster with a password.
    in_ct systemctl start pcsd.service && in_ct systemctl enable pcsd.service >/dev/null 2>&1 ||
        { fail "cannot start pcsd on the node"; return 1; }
    in_ct sh -c "echo hacluster:$PCS_PASSWORD | chpasswd" || { fail "cannot set the hacluster password"; return 1; }
    out=$(pcs host auth "$CL_NODE" addr="$CL_IP" "$PCS_NODE" addr="$RM_IP" -u hacluster -p "$PCS_PASSWORD" 2>&1) ||
        { fail "pcs host auth: $out"; return 1; }
    out=$(pcs cluster node add-remote "$PCS_NODE" 2>&1) || { fail "pcs cluster node add-remote: $out"; return 1; }
    in_ct cmp -s /etc/pacemaker/authkey /dev/stdin < "$KEY" || { fail "pcs did not push the cluster's key to the node"; return 1; }
    in_ct systemctl is-enabled pacemaker_remote >/dev/null || { fail "pcs did not enable pacemaker_remote"; return 1; }
    daemon_is java || { fail "pacemaker_remote runs '$(daemon_exe)'"; return 1; }
    wait_for 60 "$PCS_NODE online" node_online "$PCS_NODE" || { fail "$PCS_NODE did not come online"; return 1; }
}

# ensure_pcs_node [WITH-RESOURCE]: the pcs flow's node added and online (and jr-pcs running there).
ensure_pcs_node() {
    if [ "$CT_NAME" = "$PCS_NODE" ] && [ -n "$CT_PID" ] && cl cibadmin -Q --xpath "//primitive[@id='$PCS_NODE']" >/dev/null 2>&1; then
        node_online "$PCS_NODE" || { cl crm_resource --cleanup -r "$PCS_NODE" >/dev/null 2>&1; kick_scheduler
            wait_for 60 "$PCS_NODE online" node_online "$PCS_NODE"; } || { fail "$PCS_NODE is not online"; return 1; }
    else
        scenario_pcs_add_remote || return 1
    fi
    [ -z "${1:-}" ] && return 0
    cl cibadmin -Q --xpath "//primitive[@id='jr-pcs']" >/dev/null 2>&1 || { scenario_pcs_resource_prefers; return; }
    wait_for 60 "jr-pcs on $PCS_NODE" started_on jr-pcs "$PCS_NODE" || { fail "jr-pcs is on '$(where jr-pcs)'"; return 1; }
}

scenario_pcs_resource_prefers() {
    ensure_pcs_node || return 1
    local out
    out=$(pcs resource create jr-pcs ocf:pacemaker:Dummy op monitor interval=30s 2>&1) || { fail "pcs resource create: $out"; return 1; }
    out=$(pcs constraint location jr-pcs prefers "$PCS_NODE" 2>&1) || { fail "pcs constraint location: $out"; return 1; }
    wait_for 60 "jr-pcs on $PCS_NODE" started_on jr-pcs "$PCS_NODE" || { fail "jr-pcs is on '$(where jr-pcs)'"; return 1; }
}

scenario_pcs_disable_enable() {
    ensure_pcs_node with-resource || return 1
    local out
    out=$(pcs resource disable "$PCS_NODE" 2>&1) || { fail "pcs resource disable: $out"; return 1; }
    wait_for 60 "jr-pcs to move to $CL_NODE" started_on jr-pcs "$CL_NODE" || { fail "jr-pcs is on '$(where jr-pcs)' with the connection disabled"; return 1; }
    wait_for 30 "$PCS_NODE offline" node_not_online "$PCS_NODE" || { fail "$PCS_NODE still online"; return 1; }
    out=$(pcs resource enable "$PCS_NODE" 2>&1) || { fail "pcs resource enable: $out"; return 1; }
    wait_for 60 "jr-pcs back on $PCS_NODE" started_on jr-pcs "$PCS_NODE" || { fail "jr-pcs is on '$(where jr-pcs)' after enable"; return 1; }
    no_failures || { fail "failures: $(failures_text)"; return 1; }
}

# systemctl stop on the node: the daemon has the cluster move the resources away before it exits.
scenario_pcs_stop_service() {
    ensure_pcs_node with-resource || return 1
    local t0 out
    t0=$(now_ms)
    in_ct systemctl stop pacemaker_remote || { fail "systemctl stop pacemaker_remote failed"; return 1; }
    log "systemctl stop returned after $(( $(now_ms) - t0 )) ms"
    # By the time the daemon has exited, the Dummy runs on the cluster node.
    started_on jr-pcs "$CL_NODE" || { fail "jr-pcs is on '$(where jr-pcs)' once the daemon has exited"; return 1; }
    ct_has_dummy_state jr-pcs && { fail "jr-pcs's state file is still on the node"; return 1; }
    [ "$(in_ct systemctl show -P ExecMainStatus pacemaker_remote)" = 0 ] || { fail "the daemon exited with $(in_ct systemctl show -P ExecMainStatus pacemaker_remote)"; return 1; }
    no_failures || { fail "failures: $(failures_text)"; return 1; }
    out=$(pcs resource disable "$PCS_NODE" 2>&1)
}

# ------------------------------------------------------------------ teardown
suite_keep() {
    log "--keep: left running. Cluster: nsenter -t $(cat "$(node_dir cluster)/holder.pid" 2>/dev/null) -m -n -u crm_mon -1"
    [ -n "$CT_LEADER" ] && log "--keep: container $CT_NAME: nsenter -t $CT_LEADER -a bash"
}
suite_teardown() {
    # Drop the remote nodes first, so a container's daemon has nothing to wait for when it stops.
    if [ -n "$CT_PID" ]; then
        cl cibadmin --delete-all --force --xpath "//primitive[@type='remote']" >/dev/null 2>&1
        wait_for 30 "remote connections to stop" sh -c '! nsenter -t "$0" -m -n -u crm_mon -1 2>/dev/null | grep -q RemoteOnline' \
            "$(cat "$(node_dir cluster)/holder.pid" 2>/dev/null)" >/dev/null 2>&1
        stop_node
    fi
    clear_leftovers
    stop_cluster >/dev/null 2>&1
    destroy_namespaces
}
# clear_leftovers: any container of an earlier (killed or --keep) run, found by its root, and the
# namespaces.
clear_leftovers() {
    local p
    for p in $(pgrep -f "systemd-nspawn .*-D $NODE_ROOT .*--network-namespace-path=/run/netns/$RM_NS" 2>/dev/null); do
        kill -TERM "$p" 2>/dev/null
        wait_for 30 "old container $p" pid_dead "$p" >/dev/null 2>&1 || kill -KILL "$p" 2>/dev/null
    done
    destroy_namespaces
}
suite_begin install --leftovers clear_leftovers

# ------------------------------------------------------------------ setup
log "results: $RESULTS"
REQUIRED_PKGS+=(crmsh pcs rpm lintian systemd-container debootstrap dpkg-dev)
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]}"
DEB=$(ls "$BUILD_DIR"/jremoted_*_amd64.deb 2>/dev/null | head -1)
RPM=$(ls "$BUILD_DIR"/jremoted-*.x86_64.rpm 2>/dev/null | head -1)
[ -f "$DEB" ] && [ -f "$RPM" ] || setup_failed "no .deb/.rpm in $BUILD_DIR (mvn -B package -DskipTests)"
log "packages: $(basename "$DEB") $(basename "$RPM")"
ensure_node_root || setup_failed "could not build the remote nodes' root $NODE_ROOT"

clear_leftovers
prepare_results .jrin-results
prepare_node_dir cluster
install -o hacluster -g haclient -m 0640 "$KEY" "$(node_dir cluster)/etc-pacemaker/authkey"
# pcs and crmsh keep their state (tokens, logs) per run.
d=$(node_dir cluster)
mkdir -p "$d/lib-pcsd" "$d/log-pcsd" "$d/log-crmsh"
chmod 700 "$d/lib-pcsd"
chown hacluster:haclient "$d/log-crmsh"
add_mount cluster "$d/lib-pcsd" /var/lib/pcsd
add_mount cluster "$d/log-pcsd" /var/log/pcsd
add_mount cluster "$d/log-crmsh" /var/log/crmsh
# The cluster node's hacluster gets a pcsd password in a copy of the host's /etc/shadow.
awk -F: -v OFS=: -v h="$(openssl passwd -6 "$PCS_PASSWORD")" '$1 == "hacluster" { $2 = h } { print }' /etc/shadow > "$d/shadow"
chown root:shadow "$d/shadow" && chmod 640 "$d/shadow"
add_mount cluster "$d/shadow" /etc/shadow
write_corosync_conf
seed_cib
start_nodes cluster
start_cluster || setup_failed "cluster node did not come up (corosync/pacemakerd)"
log "cluster node $CL_NODE up"

run_scenarios
teardown
summary_and_exit
