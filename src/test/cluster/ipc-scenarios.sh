#!/usr/bin/env bash
# Local IPC through the daemon under test (docs/ipc.md, docs/proxy.md): cluster tools and agents
# run *on the remote node* and reach the cluster's daemons through the remote daemon's proxy.
#
#   ipc-scenarios.sh [--only NAME,...] [--keep] [--teardown] [--results DIR] [--list] [--c-daemon]
#
# Brings up its own one-node cluster + remote node (namespaces jrip-*, so it can run next to
# run.sh), runs the scenarios, tears down (unless --keep). Prints "PASS name (time)" or
# "FAIL name (time): reason" per scenario and one line "ipc: N passed, N failed".
#
# Environment: REMOTED_CMD (default: <project>/bin/jremoted), JREMOTED_JAR, IPC_RESULTS.
set -uo pipefail
exec </dev/null
IPC_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$IPC_HERE/../../.." && pwd -P)
CL_NS=${IPC_NS:-jrip}-node RM_NS=${IPC_NS:-jrip}-rem BAD_NS=${IPC_NS:-jrip}-bad
SUITE_TAG=ipc
# shellcheck source=lib.sh
source "$IPC_HERE/lib.sh"

# Run on the remote node, with a bound so a hanging tool fails the check instead of the suite.
rm_run() { in_node remote timeout "${RM_TIMEOUT:-30}" "$@"; }

# ------------------------------------------------------------------ scenarios
# Before the cluster connects: proxied endpoints refuse at connect time, quickly, with the log line.
s_no_provider() {
    local start end out
    start=$(now_ms)
    out=$(rm_run cibadmin -Q 2>&1) && { fail "cibadmin -Q succeeded without a cluster connection"; return 1; }
    end=$(now_ms)
    [ $((end - start)) -lt 5000 ] || { fail "cibadmin -Q took $((end - start)) ms to fail"; return 1; }
    grep -q "Could not connect" <<<"$out" || { fail "unexpected cibadmin error: $out"; return 1; }
    wait_for 5 "refusal log line" grep -q "Cannot proxy IPC connection from uid 0 gid 0 to cib_rw because not connected to cluster" \
        "$(node_dir remote)/remoted.log" || { fail "no refusal log line in remoted.log"; return 1; }
}

s_pacemakerd_refused() {
    # pacemakerd is never proxied: tools conclude "not a cluster node", even with a provider.
    local out; out=$(rm_run crm_mon -1 --output-as=text 2>&1)
    # crm_mon falls back to the CIB when pacemakerd refuses; it must still print the nodes
    grep -q "$RM_NODE" <<<"$out" || { fail "crm_mon -1 did not show $RM_NODE: $out"; return 1; }
}

s_crm_node() {
    local n; n=$(rm_run crm_node -n 2>&1)
    [ "$n" = "$RM_NODE" ] || { fail "crm_node -n printed '$n', expected $RM_NODE"; return 1; }
}

s_cibadmin_query() {
    local out; out=$(rm_run cibadmin -Q 2>&1) || { fail "cibadmin -Q failed: $out"; return 1; }
    grep -q "<cib " <<<"$out" && grep -q "id=\"$RM_NODE\"" <<<"$out" || { fail "cibadmin -Q output lacks the CIB/remote node"; return 1; }
}

s_crm_mon() {
    local out; out=$(rm_run crm_mon -1 2>&1) || { fail "crm_mon -1 failed: $out"; return 1; }
    grep -q "RemoteOnline: \[ $RM_NODE \]" <<<"$out" || { fail "crm_mon -1 does not show $RM_NODE online: $out"; return 1; }
}

cluster_attr() { cl crm_attribute -N "$RM_NODE" -l reboot -n "$1" -G -q 2>/dev/null; }
cluster_attr_is() { [ "$(cluster_attr "$1")" = "$2" ]; }
cluster_attr_absent() { ! cl crm_attribute -N "$RM_NODE" -l reboot -n "$1" -G -q >/dev/null 2>&1; }

s_attr_set() {
    cl crm_attribute -N "$RM_NODE" -l reboot -n foo -D >/dev/null 2>&1
    local out; out=$(rm_run crm_attribute -l reboot -n foo -v bar 2>&1) || { fail "crm_attribute -v failed: $out"; return 1; }
    wait_for 20 "cluster to see foo=bar on $RM_NODE" cluster_attr_is foo bar || { fail "cluster does not see foo=bar"; return 1; }
}

s_attr_get() {
    local v; v=$(rm_run crm_attribute -l reboot -n foo -G -q 2>&1)
    [ "$v" = bar ] || { fail "crm_attribute -G on the remote printed '$v'"; return 1; }
}

s_attr_delete() {
    local out; out=$(rm_run crm_attribute -l reboot -n foo -D 2>&1) || { fail "crm_attribute -D failed: $out"; return 1; }
    wait_for 20 "foo to disappear" cluster_attr_absent foo || { fail "foo still set on the cluster"; return 1; }
}

s_attrd_updater() {
    local out; out=$(rm_run attrd_updater -n ipc-upd -U baz 2>&1) || { fail "attrd_updater -U failed: $out"; return 1; }
    wait_for 20 "cluster to see ipc-upd=baz" cluster_attr_is ipc-upd baz || { fail "cluster does not see ipc-upd=baz"; return 1; }
    out=$(rm_run attrd_updater -n ipc-upd -Q 2>&1)
    grep -q 'value="baz"' <<<"$out" || { fail "attrd_updater -Q on the remote: $out"; return 1; }
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
    [ "$before" -ge 0 ] || { fail "no helper process on the remote node"; return 1; }
    # crm_mon in interval mode stays connected, waiting for CIB notifications
    in_node remote crm_mon -i 1 >/dev/null 2>&1 &
    pid=$!
    wait_for 10 "crm_mon to connect" helper_sockets_above "$before" || { kill -KILL $pid; fail "crm_mon never connected"; return 1; }
    kill -KILL "$(in_node remote pgrep -x crm_mon | head -1)" 2>/dev/null
    wait $pid 2>/dev/null
    wait_for 10 "helper sockets back to $before" sockets_back_to "$before" ||
        { fail "helper holds $(helper_sockets) sockets, had $before"; return 1; }
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
    cib_create resources "$(stateful_xml)" || { fail "could not create the promotable clone"; return 1; }
    cib_create constraints "<rsc_location id=\"ipc-st-prefer\" rsc=\"ipc-st-clone\" role=\"Promoted\" node=\"$RM_NODE\" score=\"100\"/>" ||
        { fail "could not create the location constraint"; return 1; }
    wait_for 90 "promotion on $RM_NODE" promoted_is "$RM_NODE" || { fail "promoted on '$(promoted_on)', not $RM_NODE"; return 1; }
    cl crm_resource --ban --promoted -r ipc-st-clone -N "$RM_NODE" >/dev/null 2>&1 || { fail "ban failed"; return 1; }
    wait_for 90 "promotion to move to $CL_NODE" promoted_is "$CL_NODE" || { fail "after ban promoted on '$(promoted_on)'"; return 1; }
    cl crm_resource --clear -r ipc-st-clone >/dev/null 2>&1 || { fail "clear failed"; return 1; }
    wait_for 90 "promotion back on $RM_NODE" promoted_is "$RM_NODE" || { fail "after clear promoted on '$(promoted_on)'"; return 1; }
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
    make -s -C "$ROOT/src/test/c" OUT="$bin" >"$RESULTS/make-test-c.log" 2>&1 ||
        { fail "cannot build the test programs: $(tail -3 "$RESULTS/make-test-c.log")"; return 1; }
    start_holder bad "$BAD_NS" "$BAD_NODE" || { fail "third node namespace"; return 1; }
    key=$d/authkey
    cp "$(node_dir cluster)/etc-pacemaker/authkey" "$key"
    spawn_in_node bad "$d/name-holder.pid" "$d/name-holder.out" "$bin/ipc-name-holder" attrd ||
        { fail "ipc-name-holder did not start"; return 1; }
    holder_pid=$(cat "$d/name-holder.pid")
    wait_for 10 "ipc-name-holder to publish attrd" grep -q '^ready' "$d/name-holder.out" ||
        { fail "ipc-name-holder: $(cat "$d/name-holder.out")"; return 1; }
    REMOTE_DEBUG=yes start_remoted bad "$key" || { fail "the daemon did not start next to the name holder"; return 1; }

    # Three helper starts (0, +5, +10 s) while a good client signs on through Pacemaker's library
    local deadline=$(( $(now_ms) + 30000 ))
    while [ "$(helper_starts_ms "$log" | wc -l)" -lt 3 ] && [ "$(now_ms)" -lt "$deadline" ]; do
        out=$(cl env PCMK_authkey_location="$key" timeout 20 "$bin/lrmd-client" -H "$BAD_IP" -p "$REMOTE_PORT" poke 2>&1)
        polls=$((polls + 1))
        grep -q '^ok=1' <<<"$out" || { fails=$((fails + 1)); log "sign-on failed: $out"; }
        sleep 1
    done
    remoted_alive bad || { fail "the daemon exited (status $(remoted_exit_status bad)) while the name was held"; return 1; }
    [ "$fails" -eq 0 ] && [ "$polls" -ge 5 ] || { fail "$fails of $polls remote sign-ons failed while the name was held"; return 1; }
    held_line=$(grep -c 'error: Local IPC endpoints unavailable: IPC name attrd is already held by another process' "$log")
    [ "$held_line" -eq 1 ] || { fail "the 'name held' error was logged $held_line times, expected once"; return 1; }
    grep -qE 'Assertion|qb_ipcs_unref|status 134|core dumped' "$log" "$d/remoted.out" &&
        { fail "the helper aborted: $(grep -hE 'Assertion|status 134' "$log" "$d/remoted.out" | head -2)"; return 1; }
    grep -q 'Could not bind' "$log" && { fail "libqb's bind error reached the log (the probe should have caught it)"; return 1; }

    # Free the name: the next try (20 s after the third) publishes the endpoints
    stop_pid "$holder_pid" 5
    wait_for 30 "the endpoints to come back" grep -q 'Local IPC endpoints published' "$log" ||
        { fail "the endpoints did not come back after the name was freed"; return 1; }
    grep -q 'running again after 3 failed starts' "$log" || { fail "no 'running again after 3 failed starts' line"; return 1; }
    mapfile -t starts < <(helper_starts_ms "$log")
    [ "${#starts[@]}" -eq 4 ] || { fail "${#starts[@]} helper starts, expected 4 (0, +5, +10, +20 s)"; return 1; }
    for i in 1 2 3; do
        gap=$(( starts[i] - starts[i - 1] )) want=$(( 5000 << (i - 1) ))
        # at least the back-off; at most a second late on a loaded machine
        [ "$gap" -ge $((want - 50)) ] && [ "$gap" -le $((want + 1500)) ] ||
            { fail "restart $i came ${gap} ms after the previous start, expected ${want} ms"; return 1; }
    done
    # A local tool reaches the helper again (refused: the third node has no cluster connection)
    in_node bad timeout 10 cibadmin -Q >/dev/null 2>&1
    wait_for 5 "refusal log line" grep -q 'Cannot proxy IPC connection from uid 0 gid 0 to cib_rw because not connected to cluster' "$log" ||
        { fail "cibadmin on the third node did not reach the helper"; return 1; }
    [ "$(grep -c 'error: Local IPC endpoints unavailable' "$log")" -eq 1 ] || { fail "more 'unavailable' lines than one"; return 1; }
    log "helper starts at +0, +$(( (starts[1] - starts[0]) )), +$(( starts[2] - starts[0] )), +$(( starts[3] - starts[0] )) ms; $polls sign-ons, all good"
}

s_name_held_cleanup() {
    local pid; pid=$(cat "$(node_dir bad)/name-holder.pid" 2>/dev/null)
    [ -n "$pid" ] && stop_pid "$pid" 5
    stop_remoted bad 30
    return 0
}

# ------------------------------------------------------------------ scenarios, in order
# no_provider runs before anything adds the remote node to the cluster; every later scenario
# first makes sure the node is online (so --only works on any of them).
remote_node_online() {
    if ! cl cibadmin -Q --xpath "//primitive[@id='$RM_NODE']" >/dev/null 2>&1; then
        cib_create resources "$(remote_node_xml "$RM_NODE" "$RM_IP" "$REMOTE_PORT")" ||
            { fail "cibadmin could not add $RM_NODE"; return 1; }
    fi
    wait_for 90 "$RM_NODE online" node_online "$RM_NODE" || { fail "$RM_NODE never came online"; return 1; }
}
online_then() { remote_node_online && "$@"; }

scenario_no_provider_refused_quickly() { s_no_provider; }
scenario_pacemakerd_refused_tools_still_work() { online_then s_pacemakerd_refused; }
scenario_crm_node_name() { online_then s_crm_node; }
scenario_cibadmin_query() { online_then s_cibadmin_query; }
scenario_crm_mon_one_shot() { online_then s_crm_mon; }
scenario_attribute_set_from_remote() { online_then s_attr_set; }
scenario_attribute_get_from_remote() {
    # The value the set scenario leaves (set it here when that one did not run).
    online_then true || return 1
    [ "$(cluster_attr foo)" = bar ] || s_attr_set || return 1
    s_attr_get
}
scenario_attribute_delete_from_remote() { online_then s_attr_delete; }
scenario_attrd_updater_from_remote() { online_then s_attrd_updater; }
scenario_killed_tool_leaves_no_session() { online_then s_killed_tool_no_leak; }
scenario_promotable_clone_on_remote() {
    local rc; online_then s_promotable; rc=$?
    s_promotable_cleanup
    return $rc
}
scenario_name_held_elsewhere_reported_once_and_retried() {
    local rc; s_name_held_elsewhere; rc=$?
    s_name_held_cleanup
    return $rc
}
SCENARIOS=(no_provider_refused_quickly pacemakerd_refused_tools_still_work crm_node_name cibadmin_query
           crm_mon_one_shot attribute_set_from_remote attribute_get_from_remote attribute_delete_from_remote
           attrd_updater_from_remote killed_tool_leaves_no_session promotable_clone_on_remote
           name_held_elsewhere_reported_once_and_retried)

# ------------------------------------------------------------------ run
usage() { sed -n '2,12p' "$0"; }
USE_C=0
RESULTS=${IPC_RESULTS:-$ROOT/target/ipc-results}
suite_option() { case $1 in --c-daemon) USE_C=1 ;; *) return 1 ;; esac; }
parse_suite_options "$@"
suite_teardown() { stop_everything; }
suite_begin ipc

log "results: $RESULTS"
daemon_under_test
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]}"
destroy_namespaces
prepare_results .jrip-results
prepare_cluster_node
# (the third node's holder starts in its own scenario)
start_nodes cluster remote
start_cluster || setup_failed "cluster node did not come up (corosync/pacemakerd)"
start_remoted remote "$KEY" || setup_failed "remote daemon did not start"

run_scenarios
teardown
summary_and_exit
