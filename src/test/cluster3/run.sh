#!/usr/bin/env bash
# Real-cluster suite against Pacemaker 3.0: the cluster node runs Debian 13's corosync and
# pacemakerd (3.0.0) from a debootstrapped root, the daemon under test ($REMOTED_CMD, default
# <project>/bin/jremoted) is the remote node. Same namespace layout, helpers and scenarios as the
# 2.1.5 suite in ../cluster (sourced, not copied); only the cluster node differs: every command
# for it runs chrooted into the trixie root, inside the node's namespaces.
#
#   run.sh [--suite trixie|sid] [--x509] [--only NAME,...] [--keep] [--teardown] [--results DIR] [--list]
#
# The root is built once with debootstrap (a few minutes, needs the Debian mirror) and cached in
# $TRIXIE_ROOT (default /var/cache/jremoted-test/<suite>-root); later runs only bind-mount it.
# trixie (Debian 13) has Pacemaker 3.0.0; sid had 3.0.3 when this was written, which is what
# --x509 needs: the cluster node and the daemon then authenticate with certificates made for
# the run (certtool), and the cluster node is given a different authkey, so PSK cannot be what
# connects them.
# Prints "PASS name (time)" / "FAIL name (time): reason" and one line "cluster3: N passed, N failed".
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
# Our own namespace names, so this suite can run while the 2.1.5 one does (CLUSTER3_NS picks
# another prefix, for two runs of this suite at once).
CL_NS=${CLUSTER3_NS:-jrc3}-node RM_NS=${CLUSTER3_NS:-jrc3}-rem BAD_NS=${CLUSTER3_NS:-jrc3}-bad
SUITE_TAG=cluster3
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
# shellcheck source=../cluster/scenarios.sh
source "${CLUSTER_SCENARIOS:-$ROOT/src/test/cluster/scenarios.sh}"

SUITE=trixie X509=0
TRIXIE_MIRROR=${TRIXIE_MIRROR:-}   # default: the host's Debian mirror (debian_root in lib.sh)
# dbus: sid's pacemaker depends on "default-dbus-system-bus | dbus-system-bus", an alternative
# debootstrap does not resolve by itself.
TRIXIE_PKGS=pacemaker,pacemaker-cli-utils,corosync,resource-agents,iproute2,procps,dbus

SCENARIOS3=(cluster_is_3_0 remote_online schema_download dummy_on_remote move_and_back monitor_failure kill9_recovery
            graceful_shutdown start_state_standby guest_node)
# Added with --x509.
SCENARIOS_X509=(x509_sessions x509_untrusted_cluster)

# ------------------------------------------------------------------ the cluster node in a chroot
# Everything the library runs "in the cluster node" goes through in_node, which chroots into
# CLUSTER_ROOT (set below to the trixie root): corosync, pacemakerd, cibadmin, crm_mon ... are
# then the trixie ones, and the cluster node's bind mounts land inside the root.
# The library gives files to the host's hacluster; inside the root that user has other ids.
fix_cluster_owners() {
    local d hu hg cu cg; d=$(node_dir cluster)
    hu=$(id -u hacluster) hg=$(getent group haclient | cut -d: -f3)
    cu=$(awk -F: '$1=="hacluster"{print $3}' "$TRIXIE_ROOT/etc/passwd")
    cg=$(awk -F: '$1=="haclient"{print $3}' "$TRIXIE_ROOT/etc/group")
    [ -n "$cu" ] && [ -n "$cg" ] || return 1
    find "$d" -uid "$hu" -exec chown -h "$cu" {} +
    find "$d" -gid "$hg" -exec chgrp -h "$cg" {} +
}

# node_state/@in_ccm cannot tell whether a remote node is connected here: 3.0 writes the join time
# there instead of "true", and 3.0.0's controller resets it to 0 right after the join (its cache
# refresh, "state is now lost | source=remote_cache_refresh_helper") while the node stays online
# and runs resources. So "connected" is what the scheduler sees: the node online and its
# connection resource started.
node_online() {
    local x; x=$(mon_xml) || return 1
    [ "$(xq "string(//nodes/node[@name='$1']/@online)" <<<"$x")" = true ] &&
    [ "$(xq "string(//resources/resource[@id='$1']/@role)" <<<"$x")" = Started ]
}
node_lost() {
    [ "$(mon_xml | xq "string(//nodes/node[@name='$1']/@online)")" != true ] &&
    [ "$(failcount "$1" "$CL_NODE")" -ge 1 ] 2>/dev/null
}

ensure_trixie_root() {
    DEBIAN_MIRROR=$TRIXIE_MIRROR debian_root "$TRIXIE_ROOT" "$SUITE" "$TRIXIE_PKGS" && [ -x "$TRIXIE_ROOT/usr/sbin/pacemakerd" ]
}

# ------------------------------------------------------------------ 3.0-only checks
# The cluster node really is 3.0, and the controller's connection to the daemon under test works.
scenario_cluster_is_3_0() {
    local v; v=$(cl pacemakerd --version 2>/dev/null | head -1)
    case $v in "Pacemaker 3."*) log "cluster node runs $v" ;; *) fail "cluster node is not Pacemaker 3: '$v'"; return 1 ;; esac
    ensure_remote_node
}

# Pacemaker 3.0's schema download (docs/proxy.md §7): a cluster node registering as IPC provider with
# protocol 1.2 makes the daemon fetch, from the cluster's CIB, every schema newer than the newest
# pacemaker-X.Y.rng installed on this host (the remote node runs on the host's filesystem: Debian
# 12's schemas, older than trixie's), into /var/lib/pacemaker/schemas of the remote node.
# "X Y" of the newest pacemaker-X.Y.rng in a directory (nothing if there is none).
newest_schema_in() {
    find "$1" -maxdepth 1 -name 'pacemaker-*.rng' -printf '%f\n' 2>/dev/null |
        sed -n 's/^pacemaker-\([0-9][0-9]*\)\.\([0-9][0-9]*\)\.rng$/\1 \2/p' | sort -n -k1,1 -k2,2 | tail -1
}
# The daemon's last word about a download is that it completed (each registration restarts it).
schema_fetch_completed() {
    grep -E 'Fetching extra schema files|Could not load additional schema files' "$(node_dir remote)/remoted.log" \
        2>/dev/null | tail -1 | grep -q 'Fetching extra schema files completed successfully'
}
scenario_schema_download() {
    ensure_remote_node || return 1
    local dir rlog installed got imaj imin gmaj gmin f n=0
    dir=$(node_dir remote)/lib-pacemaker/schemas rlog=$(node_dir remote)/remoted.log
    installed=$(newest_schema_in /usr/share/pacemaker)
    [ -n "$installed" ] || { fail "no pacemaker-X.Y.rng in the host's /usr/share/pacemaker"; return 1; }
    wait_for 30 "the schema download to complete" schema_fetch_completed || {
        fail "the daemon never logged a completed schema fetch (its last word on it: $(grep -E 'schema files' "$rlog" | tail -1 | grep . || echo none))"
        return 1; }
    got=$(newest_schema_in "$dir")
    [ -n "$got" ] || { fail "no pacemaker-*.rng downloaded into $dir"; return 1; }
    read -r imaj imin <<<"$installed"
    read -r gmaj gmin <<<"$got"
    if [ "$gmaj" -lt "$imaj" ] || { [ "$gmaj" -eq "$imaj" ] && [ "$gmin" -le "$imin" ]; }; then
        fail "newest downloaded schema pacemaker-$gmaj.$gmin is not newer than the installed pacemaker-$imaj.$imin"
        return 1
    fi
    # Every file must be a whole schema, not a truncated or empty one.
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        xmllint --noout "$f" 2>/dev/null || { fail "$f is not well-formed XML"; return 1; }
        n=$((n + 1))
    done
    log "$n schema files downloaded, newest pacemaker-$gmaj.$gmin (installed: pacemaker-$imaj.$imin)"
}

# --x509: every session the daemon accepted was authenticated by the cluster node's certificate,
# none by PSK (the cluster node's authkey is not the daemon's anyway).
scenario_x509_sessions() {
    ensure_remote_node || return 1
    local rlog; rlog=$(node_dir remote)/remoted.log
    grep -q "authenticated by certificate 'CN=$CL_NODE'" "$rlog" ||
        { fail "no session authenticated by the certificate of $CL_NODE in $rlog"; return 1; }
    ! grep -q 'authenticated (TLS' "$rlog" || { fail "a PSK session was accepted in X.509 mode"; return 1; }
}

# --x509: a daemon that trusts another CA only must refuse the cluster node (whose certificate it
# cannot verify) although the cluster accepts the daemon's certificate: the node never comes
# online, the daemon says why and keeps running, the healthy remote node is not affected.
scenario_x509_untrusted_cluster() {
    local rc=0 t0 d; d=$(node_dir bad)
    ensure_remote_node >/dev/null 2>&1
    REMOTED_CMD="env PCMK_cert_file=$RESULTS/pki/$BAD_NODE.pem PCMK_key_file=$RESULTS/pki/$BAD_NODE-key.pem PCMK_ca_file=$RESULTS/pki/other-ca.pem $BASE_REMOTED_CMD" \
        start_remoted bad "$KEY" || { fail "daemon with the other CA did not start: $d/remoted.out"; return 1; }
    cib_create resources "$(remote_node_xml "$BAD_NODE" "$BAD_IP" "$REMOTE_PORT")" ||
        { fail "cibadmin could not add $BAD_NODE"; rc=1; }
    if [ $rc = 0 ]; then
        t0=$(now_ms)
        while [ $(( $(now_ms) - t0 )) -lt 20000 ]; do
            if node_online "$BAD_NODE"; then fail "$BAD_NODE came online although it does not trust the cluster's CA"; rc=1; break; fi
            sleep 1
        done
    fi
    if [ $rc = 0 ]; then
        # GnuTLS clients send no certificate when theirs is not from a CA the server names in
        # its request, so the refusal reads "Empty client certificate chain" rather than
        # "certificate ... not accepted"; either way the handshake with the cluster node failed.
        grep -q "TLS handshake failed with remote client /$CL_IP2" "$d/remoted.log" ||
            { fail "the daemon did not log why it refused $CL_NODE ($d/remoted.log)"; rc=1; }
    fi
    [ $rc = 0 ] && ! remoted_alive bad && { fail "the daemon with the other CA died"; rc=1; }
    [ $rc = 0 ] && ! node_online "$RM_NODE" && { fail "$RM_NODE went offline meanwhile"; rc=1; }
    cl cibadmin --delete --xml-text "<primitive id=\"$BAD_NODE\"/>" >/dev/null 2>&1
    cl crm_resource --cleanup -r "$BAD_NODE" >/dev/null 2>&1
    stop_remoted bad 5
    return $rc
}

# make_pki: a CA and one certificate per node, as an administrator would with certtool, and
# another CA for the daemon that must not trust the cluster.
make_pki() {
    local pki=$RESULTS/pki n
    mkdir -p "$pki" && cd "$pki" || return 1
    certtool --generate-privkey --outfile ca-key.pem 2>/dev/null &&
    printf 'cn = "jrc3 test CA"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 30\n' > ca.tmpl &&
    certtool --generate-self-signed --load-privkey ca-key.pem --template ca.tmpl --outfile ca.pem 2>/dev/null || return 1
    certtool --generate-privkey --outfile other-ca-key.pem 2>/dev/null &&
    printf 'cn = "someone else'"'"'s CA"\nca\ncert_signing_key\nexpiration_days = 30\n' > other-ca.tmpl &&
    certtool --generate-self-signed --load-privkey other-ca-key.pem --template other-ca.tmpl --outfile other-ca.pem 2>/dev/null || return 1
    for n in "$CL_NODE" "$RM_NODE" "$BAD_NODE"; do
        certtool --generate-privkey --outfile "$n-key.pem" 2>/dev/null &&
        printf 'cn = "%s"\nsigning_key\nencryption_key\ntls_www_server\ntls_www_client\nexpiration_days = 30\n' "$n" > "$n.tmpl" &&
        certtool --generate-certificate --load-privkey "$n-key.pem" --load-ca-certificate ca.pem \
            --load-ca-privkey ca-key.pem --template "$n.tmpl" --outfile "$n.pem" 2>/dev/null || return 1
    done
    cd - >/dev/null
}

# PCMK_node_start_state=standby on the daemon: the 3.0 controller reads node_start_state from our
# register reply and puts the remote node in standby when it joins (docs/executor.md §2). 2.1.5
# controllers ignore the attribute, so this runs only here.
node_standby() { [ "$(mon_xml | xq "string(//nodes/node[@name='$1']/@standby)")" = "$2" ]; }
restart_remoted_with() {   # restart_remoted_with [VAR=value...]: kill -9, restart, wait for the node
    local pid; pid=$(remoted_pid remote)
    kill -KILL "$pid" 2>/dev/null
    wait_for 10 "daemon $pid to die" pid_dead "$pid"
    wait_for 30 "the loss of $RM_NODE to be noticed" node_lost "$RM_NODE" || return 1
    ( [ $# -gt 0 ] && export "$@"; start_remoted remote "$KEY" ) || return 1
    wait_for 60 "$RM_NODE back online" node_online "$RM_NODE"
}
scenario_start_state_standby() {
    ensure_remote_node || return 1
    local rc=0
    node_standby "$RM_NODE" false || { fail "$RM_NODE already in standby before the test"; return 1; }
    if ! restart_remoted_with PCMK_node_start_state=standby; then
        fail "$RM_NODE did not come back after the restart with PCMK_node_start_state=standby"; rc=1
    elif ! wait_for 20 "$RM_NODE in standby" node_standby "$RM_NODE" true; then
        fail "the cluster did not apply node_start_state=standby (node standby=$(mon_xml | xq "string(//nodes/node[@name='$RM_NODE']/@standby)"))"
        rc=1
    fi
    # Back to normal: no start state, standby cleared.
    restart_remoted_with >/dev/null 2>&1 || ensure_remote_node >/dev/null 2>&1
    cl crm_attribute --node "$RM_NODE" --name standby --delete >/dev/null 2>&1
    wait_for 20 "$RM_NODE out of standby" node_standby "$RM_NODE" false || log "$RM_NODE still in standby after cleanup"
    return $rc
}

# ------------------------------------------------------------------ options
usage() { sed -n '2,18p' "$0"; }
RESULTS=${CLUSTER3_RESULTS:-$ROOT/target/cluster3-results}
SCENARIOS=("${SCENARIOS3[@]}" "${SCENARIOS_X509[@]}")   # what --list prints
suite_option() {
    case $1 in
        --suite) SUITE=$2; return 10 ;;
        --suite=*) SUITE=${1#--suite=} ;;
        --x509) X509=1 ;;
        *) return 1 ;;
    esac
}
parse_suite_options "$@"
TRIXIE_ROOT=${TRIXIE_ROOT:-/var/cache/jremoted-test/$SUITE-root}
CLUSTER_ROOT=$TRIXIE_ROOT
[ $X509 = 1 ] || SCENARIOS=("${SCENARIOS3[@]}")
suite_keep() {
    log "--keep: left running; cluster tools: nsenter -t $(cat "$(node_dir cluster)/holder.pid" 2>/dev/null) -m -n -u chroot $TRIXIE_ROOT crm_mon -1"
}
suite_teardown() { stop_everything; }
# One run at a time on these namespaces: a second run's setup (or --teardown) would kill
# the first one's cluster node in the middle of its scenarios.
suite_begin cluster3

# ------------------------------------------------------------------ setup
log "results: $RESULTS"
daemon_under_test
# The host still needs xmllint, ip, nsenter, and the agents the remote node runs.
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]} on the host"
ensure_trixie_root || setup_failed "no Debian 13 root at $TRIXIE_ROOT"

destroy_namespaces
prepare_results .jrc3-results

if [ $X509 = 1 ]; then
    # Not the daemon's key: a PSK session could not succeed.
    prepare_cluster_node "$WRONG_KEY"
    command -v certtool >/dev/null || setup_failed "--x509 needs certtool (gnutls-bin)"
    make_pki || setup_failed "could not make certificates"
    for f in ca.pem "$CL_NODE.pem" "$CL_NODE-key.pem"; do
        install -o hacluster -g haclient -m 0640 "$RESULTS/pki/$f" "$(node_dir cluster)/etc-pacemaker/$f"
    done
    BASE_REMOTED_CMD=$REMOTED_CMD
    REMOTED_CMD="env PCMK_cert_file=$RESULTS/pki/$RM_NODE.pem PCMK_key_file=$RESULTS/pki/$RM_NODE-key.pem PCMK_ca_file=$RESULTS/pki/ca.pem $REMOTED_CMD"
else
    prepare_cluster_node
fi
fix_cluster_owners || setup_failed "no hacluster/haclient in $TRIXIE_ROOT"
# The guest node's container agent runs in the chroot and starts the daemon under test there:
# the project, the host's JDK (with its /etc configuration) and the jar must be visible inside
# (mounted before the results directory, which may lie inside the project).
install_test_agents || setup_failed "could not install the suite's OCF agents"
JAVA_HOME_HOST=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
for m in "$ROOT" /usr/lib/jvm /etc/java-17-openjdk ${JREMOTED_JAR:+"$(dirname "$JREMOTED_JAR")"}; do
    [ -d "$m" ] && add_mount cluster "$m" "$m"
done
GUEST_REMOTED_CMD="env JAVA_HOME=$JAVA_HOME_HOST $REMOTED_CMD"
# What a chroot needs besides the node's own directories; /dev/shm is the node's private tmpfs
# (mounted by the holder before these binds), and the results directory is visible at the same
# path inside so the library's pid and output files work unchanged.
mkdir -p "$TRIXIE_ROOT$RESULTS"
for m in /proc /sys /dev /dev/shm "$RESULTS"; do add_mount cluster "$m" "$m"; done
# Mount points the root may lack (e.g. /var/lib/corosync in a sid root): empty directories only.
while read -r _ dst; do [ -d "$dst" ] || mkdir -p "$dst"; done < "$(node_dir cluster)/mounts"
if [ $X509 = 1 ]; then start_nodes cluster remote bad; else start_nodes cluster remote; fi
t_setup=$(now_ms)
if [ $X509 = 1 ]; then
    v=$(cl pacemakerd --version 2>/dev/null | head -1)
    case $v in "Pacemaker 3.0."[01]*|"Pacemaker 2."*) setup_failed "--x509 needs Pacemaker >= 3.0.1 in $TRIXIE_ROOT (has: $v); try --suite sid" ;; esac
    PCMK_cert_file=/etc/pacemaker/$CL_NODE.pem PCMK_key_file=/etc/pacemaker/$CL_NODE-key.pem \
        PCMK_ca_file=/etc/pacemaker/ca.pem start_cluster ||
        setup_failed "Pacemaker 3 cluster node did not come up (corosync/pacemakerd)"
else
    start_cluster || setup_failed "Pacemaker 3 cluster node did not come up (corosync/pacemakerd)"
fi
log "cluster node $CL_NODE up in $(( $(now_ms) - t_setup )) ms"
start_remoted remote "$KEY" || log "remote daemon did not start; the scenarios will report it"

# ------------------------------------------------------------------ scenarios
run_scenarios
teardown
summary_and_exit
