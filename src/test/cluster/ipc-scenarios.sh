#!/usr/bin/env bash
# Local IPC through the daemon under test (docs/ipc.md, docs/proxy.md): cluster tools and agents
# run *on the remote node* and reach the cluster's daemons through the remote daemon's proxy.
#
# Standalone:   bash src/test/cluster/ipc-scenarios.sh [--keep]
#   brings up its own one-node cluster + remote node (namespaces jrip-*, so it can run next to
#   run.sh), runs the scenarios, tears down (unless --keep), and ends with
#       ipc: N passed, M failed
# From run.sh:  source this file after lib.sh and call ipc_scenarios_run once the remote node
#   is online (it expects RESULTS, REMOTED_CMD and a running environment); each scenario then
#   reports through the same pass/fail counters as the caller's (see ipc_record below).
#
# Environment: REMOTED_CMD (default: <project>/bin/jremoted), JREMOTED_JAR, RESULTS.
set -uo pipefail
IPC_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
IPC_ROOT=$(cd "$IPC_HERE/../../.." && pwd -P)

IPC_PASSED=${IPC_PASSED:-0}
IPC_FAILED=${IPC_FAILED:-0}
IPC_FAILURES=()

# Run on the remote node, with a bound so a hanging tool fails the check instead of the suite.
rm_run() { in_node remote timeout "${RM_TIMEOUT:-30}" "$@"; }

ipc_record() {
    local name=$1 rc=$2
    if [ "$rc" -eq 0 ]; then
        IPC_PASSED=$((IPC_PASSED + 1)); log "PASS ipc/$name"
    else
        IPC_FAILED=$((IPC_FAILED + 1)); IPC_FAILURES+=("$name: $FAIL_REASON"); log "FAIL ipc/$name: $FAIL_REASON"
    fi
}
ipc_check() { local name=$1; shift; FAIL_REASON=; "$@"; ipc_record "$name" $?; }

# ------------------------------------------------------------------ scenarios
# Before the cluster connects: proxied endpoints refuse at connect time, quickly, with the log line.
s_no_provider() {
    local start end out
    start=$(now_ms)
    out=$(rm_run cibadmin -Q 2>&1) && return $(fail "cibadmin -Q succeeded without a cluster connection")
    end=$(now_ms)
    [ $((end - start)) -lt 5000 ] || return $(fail "cibadmin -Q took $((end - start)) ms to fail")
    grep -q "Could not connect" <<<"$out" || return $(fail "unexpected cibadmin error: $out")
    wait_for 5 "refusal log line" grep -q "Cannot proxy IPC connection from uid 0 gid 0 to cib_rw because not connected to cluster" \
        "$(node_dir remote)/remoted.log" || return $(fail "no refusal log line in remoted.log")
}

s_pacemakerd_refused() {
    # pacemakerd is never proxied: tools conclude "not a cluster node", even with a provider.
    local out; out=$(rm_run crm_mon -1 --output-as=text 2>&1)
    # crm_mon falls back to the CIB when pacemakerd refuses; it must still print the nodes
    grep -q "$RM_NODE" <<<"$out" || return $(fail "crm_mon -1 did not show $RM_NODE: $out")
}

s_crm_node() {
    local n; n=$(rm_run crm_node -n 2>&1)
    [ "$n" = "$RM_NODE" ] || return $(fail "crm_node -n printed '$n', expected $RM_NODE")
}

s_cibadmin_query() {
    local out; out=$(rm_run cibadmin -Q 2>&1) || return $(fail "cibadmin -Q failed: $out")
    grep -q "<cib " <<<"$out" && grep -q "id=\"$RM_NODE\"" <<<"$out" || return $(fail "cibadmin -Q output lacks the CIB/remote node")
}

s_crm_mon() {
    local out; out=$(rm_run crm_mon -1 2>&1) || return $(fail "crm_mon -1 failed: $out")
    grep -q "RemoteOnline: \[ $RM_NODE \]" <<<"$out" || return $(fail "crm_mon -1 does not show $RM_NODE online: $out")
}

cluster_attr() { cl crm_attribute -N "$RM_NODE" -l reboot -n "$1" -G -q 2>/dev/null; }
cluster_attr_is() { [ "$(cluster_attr "$1")" = "$2" ]; }
cluster_attr_absent() { ! cl crm_attribute -N "$RM_NODE" -l reboot -n "$1" -G -q >/dev/null 2>&1; }

s_attr_set() {
    cl crm_attribute -N "$RM_NODE" -l reboot -n foo -D >/dev/null 2>&1
    local out; out=$(rm_run crm_attribute -l reboot -n foo -v bar 2>&1) || return $(fail "crm_attribute -v failed: $out")
    wait_for 20 "cluster to see foo=bar on $RM_NODE" cluster_attr_is foo bar || return $(fail "cluster does not see foo=bar")
}

s_attr_get() {
    local v; v=$(rm_run crm_attribute -l reboot -n foo -G -q 2>&1)
    [ "$v" = bar ] || return $(fail "crm_attribute -G on the remote printed '$v'")
}

s_attr_delete() {
    local out; out=$(rm_run crm_attribute -l reboot -n foo -D 2>&1) || return $(fail "crm_attribute -D failed: $out")
    wait_for 20 "foo to disappear" cluster_attr_absent foo || return $(fail "foo still set on the cluster")
}

s_attrd_updater() {
    local out; out=$(rm_run attrd_updater -n ipc-upd -U baz 2>&1) || return $(fail "attrd_updater -U failed: $out")
    wait_for 20 "cluster to see ipc-upd=baz" cluster_attr_is ipc-upd baz || return $(fail "cluster does not see ipc-upd=baz")
    out=$(rm_run attrd_updater -n ipc-upd -Q 2>&1)
    grep -q 'value="baz"' <<<"$out" || return $(fail "attrd_updater -Q on the remote: $out")
    rm_run attrd_updater -n ipc-upd -D >/dev/null 2>&1
}

# Sessions held by the helper: unix stream sockets of the helper process. (The remote daemon's own
# helper: there is no PID namespace, so other daemons' helpers on the machine are visible too.)
helper_sockets() {
    local pid; pid=$(pgrep -P "$(remoted_pid remote)" -f jremoted-ipc-helper | head -1)
    [ -n "$pid" ] || { echo -1; return; }
    in_node remote ls -l "/proc/$pid/fd" 2>/dev/null | grep -c 'socket:'
}
sockets_back_to() { [ "$(helper_sockets)" -le "$1" ]; }

# A tool killed while connected must not leave its sessions behind (helper sockets on the
# remote side; the proxy sends destroy so the cluster side drops its end too).
helper_sockets_above() { [ "$(helper_sockets)" -gt "$1" ]; }
s_killed_tool_no_leak() {
    local before pid; before=$(helper_sockets)
    [ "$before" -ge 0 ] || return $(fail "no helper process on the remote node")
    # crm_mon in interval mode stays connected, waiting for CIB notifications
    in_node remote crm_mon -i 1 >/dev/null 2>&1 &
    pid=$!
    wait_for 10 "crm_mon to connect" helper_sockets_above "$before" || { kill -KILL $pid; return $(fail "crm_mon never connected"); }
    kill -KILL "$(in_node remote pgrep -x crm_mon | head -1)" 2>/dev/null
    wait $pid 2>/dev/null
    wait_for 10 "helper sockets back to $before" sockets_back_to "$before" ||
        return $(fail "helper holds $(helper_sockets) sockets, had $before")
    grep -q "Removing remote-proxy\|proxy.*destroy\|Proxy.*destroy" "$(node_dir cluster)/log-pacemaker/pacemaker.log" >/dev/null 2>&1
    # and the daemon still serves
    s_crm_node
}

stateful_xml() {
    cat <<EOF
<clone id="ipc-st-clone">
  <meta_attributes id="ipc-st-clone-meta">
    <nvpair id="ipc-st-promotable" name="promotable" value="true"/>
    <nvpair id="ipc-st-promoted-max" name="promoted-max" value="1"/>
    <nvpair id="ipc-st-clone-max" name="clone-max" value="2"/>
  </meta_attributes>
  <primitive id="ipc-st" class="ocf" provider="pacemaker" type="Stateful">
    <operations>
      <op id="ipc-st-mon-p" name="monitor" interval="5s" role="Promoted" timeout="20s"/>
      <op id="ipc-st-mon-u" name="monitor" interval="6s" role="Unpromoted" timeout="20s"/>
    </operations>
  </primitive>
</clone>
EOF
}
promoted_on() {
    mon_xml | xq "//clone[@id='ipc-st-clone']/resource[@role='Promoted' or @role='Master'][@active='true']/node/@name" |
        sed 's/ name="\([^"]*\)"/\1 /g' | xargs
}
promoted_is() { [ "$(promoted_on)" = "$1" ]; }

s_promotable() {
    cib_create resources "$(stateful_xml)" || return $(fail "could not create the promotable clone")
    cib_create constraints "<rsc_location id=\"ipc-st-prefer\" rsc=\"ipc-st-clone\" role=\"Promoted\" node=\"$RM_NODE\" score=\"100\"/>" ||
        return $(fail "could not create the location constraint")
    wait_for 90 "promotion on $RM_NODE" promoted_is "$RM_NODE" || return $(fail "promoted on '$(promoted_on)', not $RM_NODE")
    cl crm_resource --ban --promoted -r ipc-st-clone -N "$RM_NODE" >/dev/null 2>&1 || return $(fail "ban failed")
    wait_for 90 "promotion to move to $CL_NODE" promoted_is "$CL_NODE" || return $(fail "after ban promoted on '$(promoted_on)'")
    cl crm_resource --clear -r ipc-st-clone >/dev/null 2>&1 || return $(fail "clear failed")
    wait_for 90 "promotion back on $RM_NODE" promoted_is "$RM_NODE" || return $(fail "after clear promoted on '$(promoted_on)'")
}

s_promotable_cleanup() {
    cl cibadmin --delete --xml-text '<rsc_location id="ipc-st-prefer"/>' >/dev/null 2>&1
    cl cibadmin --delete --xml-text '<clone id="ipc-st-clone"/>' >/dev/null 2>&1
    wait_for 60 "clone to stop" resources_inactive ipc-st-clone
    return 0
}

# ------------------------------------------------------------------ a local IPC name held elsewhere
# Another libqb server (src/test/c/ipc-name-holder, standing in for a second Pacemaker daemon)
# holds "attrd" in the third node's namespace before the daemon starts there (docs/ipc.md). The IPC
# helper must report that once (no abort: the old helper died on libqb's reference-count
# assertion and was restarted every 5 s), be tried again after 5, 10, 20 s, and the daemon must
# serve remote clients meanwhile; once the name is free the endpoints come back at the next try.
# Runs in the standalone suite only (run.sh uses the third node for its wrong-key scenarios).
helper_starts_ms() {   # launch times of the helper, epoch ms, from the daemon's debug log
    grep 'debug: Started .*jremoted-ipc-helper (pid' "$1" 2>/dev/null | awk '{print $1, $2, $3}' |
        while read -r stamp; do date -d "$stamp" +%s%3N; done
}
helper_started_times() { [ "$(helper_starts_ms "$1" | wc -l)" -ge "$2" ]; }
s_name_held_elsewhere() {
    local d bin key log held_line holder_pid out fails=0 polls=0 starts gap want i
    d=$(node_dir bad) bin=$RESULTS/bin log=$(node_dir bad)/remoted.log
    make -s -C "$IPC_ROOT/src/test/c" OUT="$bin" >"$RESULTS/make-test-c.log" 2>&1 ||
        return $(fail "cannot build the test programs: $(tail -3 "$RESULTS/make-test-c.log")")
    start_holder bad "$BAD_NS" "$BAD_NODE" || return $(fail "third node namespace")
    key=$d/authkey
    cp "$(node_dir cluster)/etc-pacemaker/authkey" "$key"
    spawn_in_node bad "$d/name-holder.pid" "$d/name-holder.out" "$bin/ipc-name-holder" attrd ||
        return $(fail "ipc-name-holder did not start")
    holder_pid=$(cat "$d/name-holder.pid")
    wait_for 10 "ipc-name-holder to publish attrd" grep -q '^ready' "$d/name-holder.out" ||
        return $(fail "ipc-name-holder: $(cat "$d/name-holder.out")")
    REMOTE_DEBUG=yes start_remoted bad "$key" || return $(fail "the daemon did not start next to the name holder")

    # Three helper starts (0, +5, +10 s) while a good client signs on through Pacemaker's library
    local deadline=$(( $(now_ms) + 30000 ))
    while [ "$(helper_starts_ms "$log" | wc -l)" -lt 3 ] && [ "$(now_ms)" -lt "$deadline" ]; do
        out=$(cl env PCMK_authkey_location="$key" timeout 20 "$bin/lrmd-client" -H "$BAD_IP" -p "$REMOTE_PORT" poke 2>&1)
        polls=$((polls + 1))
        grep -q '^ok=1' <<<"$out" || { fails=$((fails + 1)); log "sign-on failed: $out"; }
        sleep 1
    done
    remoted_alive bad || return $(fail "the daemon exited (status $(remoted_exit_status bad)) while the name was held")
    [ "$fails" -eq 0 ] && [ "$polls" -ge 5 ] || return $(fail "$fails of $polls remote sign-ons failed while the name was held")
    held_line=$(grep -c 'error: Local IPC endpoints unavailable: IPC name attrd is already held by another process' "$log")
    [ "$held_line" -eq 1 ] || return $(fail "the 'name held' error was logged $held_line times, expected once")
    grep -qE 'Assertion|qb_ipcs_unref|status 134|core dumped' "$log" "$d/remoted.out" &&
        return $(fail "the helper aborted: $(grep -hE 'Assertion|status 134' "$log" "$d/remoted.out" | head -2)")
    grep -q 'Could not bind' "$log" && return $(fail "libqb's bind error reached the log (the probe should have caught it)")

    # Free the name: the next try (20 s after the third) publishes the endpoints
    stop_pid "$holder_pid" 5
    wait_for 30 "the endpoints to come back" grep -q 'Local IPC endpoints published' "$log" ||
        return $(fail "the endpoints did not come back after the name was freed")
    grep -q 'running again after 3 failed starts' "$log" || return $(fail "no 'running again after 3 failed starts' line")
    mapfile -t starts < <(helper_starts_ms "$log")
    [ "${#starts[@]}" -eq 4 ] || return $(fail "${#starts[@]} helper starts, expected 4 (0, +5, +10, +20 s)")
    for i in 1 2 3; do
        gap=$(( starts[i] - starts[i - 1] )) want=$(( 5000 << (i - 1) ))
        # at least the back-off; at most a second late on a loaded machine
        [ "$gap" -ge $((want - 50)) ] && [ "$gap" -le $((want + 1500)) ] ||
            return $(fail "restart $i came ${gap} ms after the previous start, expected ${want} ms")
    done
    # A local tool reaches the helper again (refused: the third node has no cluster connection)
    in_node bad timeout 10 cibadmin -Q >/dev/null 2>&1
    wait_for 5 "refusal log line" grep -q 'Cannot proxy IPC connection from uid 0 gid 0 to cib_rw because not connected to cluster' "$log" ||
        return $(fail "cibadmin on the third node did not reach the helper")
    [ "$(grep -c 'error: Local IPC endpoints unavailable' "$log")" -eq 1 ] || return $(fail "more 'unavailable' lines than one")
    log "helper starts at +0, +$(( (starts[1] - starts[0]) )), +$(( starts[2] - starts[0] )), +$(( starts[3] - starts[0] )) ms; $polls sign-ons, all good"
}

s_name_held_cleanup() {
    local pid; pid=$(cat "$(node_dir bad)/name-holder.pid" 2>/dev/null)
    [ -n "$pid" ] && stop_pid "$pid" 5
    stop_remoted bad 30
    return 0
}

# With a provider connected (the remote node online). Call after the remote node is up.
ipc_scenarios_run() {
    ipc_check crm_node_name s_crm_node
    ipc_check cibadmin_query s_cibadmin_query
    ipc_check crm_mon_one_shot s_crm_mon
    ipc_check attribute_set_from_remote s_attr_set
    ipc_check attribute_get_from_remote s_attr_get
    ipc_check attribute_delete_from_remote s_attr_delete
    ipc_check attrd_updater_from_remote s_attrd_updater
    ipc_check killed_tool_leaves_no_session s_killed_tool_no_leak
    ipc_check promotable_clone_on_remote s_promotable
    s_promotable_cleanup
}

# ------------------------------------------------------------------ standalone
ipc_standalone() {
    local keep=0
    [ "${1:-}" = --keep ] && keep=1
    export CL_NS=${CL_NS:-jrip-node} RM_NS=${RM_NS:-jrip-rem} BAD_NS=${BAD_NS:-jrip-bad}
    # shellcheck source=lib.sh
    source "$IPC_HERE/lib.sh"
    RESULTS=${RESULTS:-$(mktemp -d /tmp/jremoted-ipc-XXXXXX)}
    REMOTED_CMD=${REMOTED_CMD:-$IPC_ROOT/bin/jremoted}
    export RESULTS REMOTED_CMD
    log "results in $RESULTS, daemon: $REMOTED_CMD"
    ensure_packages || die "packages"
    destroy_namespaces
    create_links || die "namespaces"
    prepare_node_dir cluster
    prepare_node_dir remote
    prepare_node_dir bad
    write_corosync_conf
    seed_cib
    local key; key=$(node_dir cluster)/etc-pacemaker/authkey
    dd if=/dev/urandom of="$key" bs=256 count=1 2>/dev/null && chgrp haclient "$key" && chmod 640 "$key"
    cp "$key" "$(node_dir remote)/authkey"
    start_holder cluster "$CL_NS" "$CL_NODE" || die "cluster namespace"
    start_holder remote "$RM_NS" "$RM_NODE" || die "remote namespace"
    start_cluster || die "cluster did not come up (see $(node_dir cluster))"
    start_remoted remote "$(node_dir remote)/authkey" || die "remote daemon did not start"

    ipc_check no_provider_refused_quickly s_no_provider

    cib_create resources "$(remote_node_xml "$RM_NODE" "$RM_IP" "$REMOTE_PORT")" || die "remote resource"
    wait_for 90 "$RM_NODE online" node_online "$RM_NODE" || die "remote node never came online"
    ipc_check pacemakerd_refused_tools_still_work s_pacemakerd_refused
    ipc_scenarios_run
    ipc_check name_held_elsewhere_reported_once_and_retried s_name_held_elsewhere
    s_name_held_cleanup

    if [ $keep -eq 0 ]; then
        stop_remoted remote 30
        stop_cluster
        destroy_namespaces
    else
        log "kept: namespaces $CL_NS/$RM_NS; enter the remote with: nsenter -t \$(cat $(node_dir remote)/holder.pid) -m -n -u"
    fi
    local f
    for f in "${IPC_FAILURES[@]}"; do log "failed: $f"; done
    echo "ipc: $IPC_PASSED passed, $IPC_FAILED failed"
    [ "$IPC_FAILED" -eq 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    ipc_standalone "$@"
fi
