# The scenarios of the real-cluster suite (sourced by run.sh).
#
# Each scenario_NAME returns 0 when every check held, otherwise 1 with FAIL_REASON set. A
# scenario brings the remote node up if it is not (so any subset can run alone) and removes
# the resources it created, also when it fails, so the next one starts from a quiet cluster.

SCENARIOS=(remote_online dummy_on_remote move_and_back monitor_failure lsb_on_remote bulk_50
           kill9_recovery graceful_shutdown guest_node wrong_key)

# ensure_remote_node: the daemon runs, the connection resource exists, the node is online.
ensure_remote_node() {
    if ! remoted_alive remote; then
        start_remoted remote "$KEY" || { fail "remote daemon did not start: $(node_dir remote)/remoted.out"; return 1; }
    fi
    if ! cl cibadmin -Q --xpath "//primitive[@id='$RM_NODE']" >/dev/null 2>&1; then
        cib_create resources "$(remote_node_xml "$RM_NODE" "$RM_IP" "$REMOTE_PORT")" ||
            { fail "could not add the remote node's connection resource"; return 1; }
    fi
    # Reconnecting (reconnect_interval 5s) takes well under 30 s when nothing is in the way.
    wait_for 30 "$RM_NODE online" node_online "$RM_NODE" && return 0
    # A connection that failed earlier may be banned from the cluster node until cleaned up.
    log "$RM_NODE not online, cleaning up its connection resource and retrying"
    cl crm_resource --cleanup -r "$RM_NODE" >/dev/null 2>&1
    kick_scheduler
    wait_for 60 "$RM_NODE online" node_online "$RM_NODE" || { fail "$RM_NODE did not come online"; return 1; }
}

# state_files_absent TAG ID...: no state file of these resources under node TAG's /run.
state_files_absent() {
    local tag=$1 id; shift
    for id in "$@"; do [ -e "$(state_file "$tag" "$id")" ] && return 1; done
    return 0
}
state_files_present() {
    local tag=$1 id; shift
    for id in "$@"; do [ -e "$(state_file "$tag" "$id")" ] || return 1; done
    return 0
}
# on_remote ID...: Started on the (really connected) remote node, state files only there.
on_remote() {
    local id
    node_online "$RM_NODE" || return 1
    for id in "$@"; do running_on "$id" "$RM_NODE" || return 1; done
    state_files_present remote "$@" && state_files_absent cluster "$@"
}
on_cluster_node() {
    local id
    for id in "$@"; do running_on "$id" "$CL_NODE" || return 1; done
    state_files_present cluster "$@" && state_files_absent remote "$@"
}
describe() {
    local id out=
    for id in "$@"; do out+="$id@[$(where "$id")] "; done
    echo "${out% }"
}

# ---------------------------------------------------------------- 1
# The connection resource ocf:pacemaker:remote connects to the daemon: node RemoteOnline.
scenario_remote_online() {
    local t0; t0=$(now_ms)
    if ! remoted_alive remote; then
        start_remoted remote "$KEY" || { fail "remote daemon did not start: $(node_dir remote)/remoted.out"; return 1; }
    fi
    if ! cl cibadmin -Q --xpath "//primitive[@id='$RM_NODE']" >/dev/null 2>&1; then
        cib_create resources "$(remote_node_xml "$RM_NODE" "$RM_IP" "$REMOTE_PORT")" ||
            { fail "cibadmin could not add the connection resource"; return 1; }
    fi
    wait_for 60 "$RM_NODE online" node_online "$RM_NODE" ||
        { fail "$RM_NODE not RemoteOnline within 60s"; return 1; }
    log "$RM_NODE online $(( $(now_ms) - t0 )) ms after the connection resource was added"
    local x; x=$(mon_xml)
    [ "$(xq "string(//nodes/node[@name='$RM_NODE']/@type)" <<<"$x")" = remote ] ||
        { fail "$RM_NODE is not listed as a remote node"; return 1; }
    running_on "$RM_NODE" "$CL_NODE" ||
        { fail "connection resource $RM_NODE not started on $CL_NODE ($(where "$RM_NODE"))"; return 1; }
    # A connection that has to be retried is a failure too, even if it got there in the end.
    [ "$(failcount "$RM_NODE" "$CL_NODE")" = 0 ] ||
        { fail "connection resource has fail count $(failcount "$RM_NODE" "$CL_NODE")"; return 1; }
}

# ---------------------------------------------------------------- 2
scenario_dummy_on_remote() {
    ensure_remote_node || return 1
    local rc=0
    add_dummies_on_remote d2 || { fail "cibadmin could not add d2"; rc=1; }
    if [ $rc = 0 ] && ! wait_for 60 "d2 on $RM_NODE" on_remote d2; then
        fail "d2 not Started on $RM_NODE within 60s: $(describe d2), remote state file $( [ -e "$(state_file remote d2)" ] && echo present || echo absent)"
        rc=1
    fi
    if [ $rc = 0 ]; then
        # The recurring monitor must keep reporting success: no failure after two intervals.
        sleep 11
        on_remote d2 && [ "$(failcount d2 "$RM_NODE")" = 0 ] ||
            { fail "d2 did not stay healthy on $RM_NODE: $(describe d2), fail count $(failcount d2 "$RM_NODE")"; rc=1; }
    fi
    remove_resources d2
    if [ $rc = 0 ] && ! state_files_absent remote d2; then
        fail "d2 was removed but its state file is still on the remote node (stop not run there)"; rc=1
    fi
    return $rc
}

# ---------------------------------------------------------------- LSB
# An lsb: resource preferring the remote node runs its init script there (monitor = status).
LSB_SCRIPT=/etc/init.d/jrcl-lsb
scenario_lsb_on_remote() {
    ensure_remote_node || return 1
    local rc=0
    # The filesystem is shared, /run is per node: the state file shows where the script ran.
    cat > "$LSB_SCRIPT" <<'SH'
#!/bin/sh
state=/run/resource-agents/l1.state
case "$1" in
    start) mkdir -p /run/resource-agents && touch "$state" ;;
    stop) rm -f "$state" ;;
    status) [ -e "$state" ] || exit 3 ;;
    *) exit 3 ;;
esac
exit 0
SH
    chmod 755 "$LSB_SCRIPT"
    cib_create resources '<primitive id="l1" class="lsb" type="jrcl-lsb"><operations><op id="l1-mon" name="monitor" interval="5s" timeout="20s"/></operations></primitive>' &&
        cib_create constraints "$(prefer_xml l1 "$RM_NODE")" || { fail "cibadmin could not add l1"; rc=1; }
    if [ $rc = 0 ] && ! wait_for 60 "l1 on $RM_NODE" on_remote l1; then
        fail "lsb:jrcl-lsb not Started on $RM_NODE within 60s: $(describe l1)"; rc=1
    fi
    if [ $rc = 0 ]; then
        # Stopping the service behind the cluster's back: the status monitor sees it and recovers.
        rm -f "$(state_file remote l1)"
        wait_for 60 "l1 failure noticed" test_failcount_at_least l1 "$RM_NODE" 1 ||
            { fail "the LSB status monitor did not notice the stopped service"; rc=1; }
        [ $rc = 0 ] && ! wait_for 60 "l1 recovered on $RM_NODE" on_remote l1 &&
            { fail "l1 not recovered on $RM_NODE: $(describe l1)"; rc=1; }
    fi
    remove_resources l1
    if [ $rc = 0 ] && ! state_files_absent remote l1; then
        fail "l1 was removed but its state file is still on the remote node (stop not run there)"; rc=1
    fi
    rm -f "$LSB_SCRIPT"
    return $rc
}

# ---------------------------------------------------------------- 3
scenario_move_and_back() {
    ensure_remote_node || return 1
    local rc=0
    add_dummies_on_remote d3 && wait_for 60 "d3 on $RM_NODE" on_remote d3 ||
        { fail "d3 not Started on $RM_NODE: $(describe d3)"; rc=1; }
    if [ $rc = 0 ]; then
        cl crm_resource --move -r d3 -N "$CL_NODE" >/dev/null 2>&1 ||
            { fail "crm_resource --move failed"; rc=1; }
    fi
    if [ $rc = 0 ] && ! wait_for 60 "d3 on $CL_NODE" on_cluster_node d3; then
        fail "d3 not moved to $CL_NODE within 60s: $(describe d3), remote state file $( [ -e "$(state_file remote d3)" ] && echo 'still present (stop not run on the remote)' || echo absent)"
        rc=1
    fi
    if [ $rc = 0 ]; then
        cl crm_resource --clear -r d3 >/dev/null 2>&1 || { fail "crm_resource --clear failed"; rc=1; }
    fi
    if [ $rc = 0 ] && ! wait_for 60 "d3 back on $RM_NODE" on_remote d3; then
        fail "d3 did not come back to $RM_NODE within 60s: $(describe d3)"
        rc=1
    fi
    cl crm_resource --clear -r d3 >/dev/null 2>&1
    remove_resources d3
    return $rc
}

# ---------------------------------------------------------------- 4
# A failure made behind the cluster's back (the state file removed on the remote node) is
# found by the recurring monitor; the cluster counts it and recovers the resource in place.
scenario_monitor_failure() {
    ensure_remote_node || return 1
    local rc=0 t0
    add_dummies_on_remote d4 && wait_for 60 "d4 on $RM_NODE" on_remote d4 ||
        { fail "d4 not Started on $RM_NODE: $(describe d4)"; rc=1; }
    if [ $rc = 0 ]; then
        # Let the first recurring monitor be scheduled, then break the resource.
        [ "$(failcount d4 "$RM_NODE")" = 0 ] || { fail "d4 failed before the test broke it"; rc=1; }
        rm -f "$(state_file remote d4)"
        t0=$(now_ms)
        if ! wait_for 30 "d4 failure to be counted" test_failcount_at_least d4 "$RM_NODE" 1; then
            fail "monitor (interval 5s) did not report the failure within 30s (fail count $(failcount d4 "$RM_NODE"))"
            rc=1
        else
            log "failure counted after $(( $(now_ms) - t0 )) ms"
        fi
    fi
    if [ $rc = 0 ] && ! wait_for 60 "d4 recovered on $RM_NODE" on_remote d4; then
        fail "d4 not recovered on $RM_NODE within 60s: $(describe d4)"
        rc=1
    fi
    if [ $rc = 0 ]; then
        # Recovered once, and the restarted monitor sees it healthy again.
        sleep 6
        [ "$(failcount d4 "$RM_NODE")" = 1 ] && on_remote d4 ||
            { fail "after recovery: $(describe d4), fail count $(failcount d4 "$RM_NODE") (expected 1)"; rc=1; }
    fi
    remove_resources d4
    return $rc
}
test_failcount_at_least() { [ "$(failcount "$1" "$2")" -ge "$3" ] 2>/dev/null; }

# ---------------------------------------------------------------- 5
scenario_bulk_50() {
    ensure_remote_node || return 1
    local rc=0 ids=() i t0 n
    for i in $(seq -w 1 50); do ids+=("bulk-$i"); done
    t0=$(now_ms)
    add_dummies_on_remote "${ids[@]}" || { fail "cibadmin could not add the 50 resources"; rc=1; }
    if [ $rc = 0 ] && ! wait_for 120 "50 resources Started on $RM_NODE" all_bulk_started; then
        n=$(started_on_count "$RM_NODE" bulk-)
        fail "only ${n:-0} of 50 resources Started on $RM_NODE after 120s"
        rc=1
    fi
    if [ $rc = 0 ]; then
        log "50 resources Started on $RM_NODE after $(( $(now_ms) - t0 )) ms"
        state_files_present remote "${ids[@]}" && state_files_absent cluster "${ids[@]}" ||
            { fail "state files do not match: $(ls "$(node_dir remote)/run/resource-agents" | grep -c bulk) on the remote node"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        # Fifty 5 s monitors in flight: none may fail.
        sleep 10
        n=$(started_on_count "$RM_NODE" bulk-)
        [ "$n" = 50 ] && node_online "$RM_NODE" || { fail "after 10s with monitors running only $n of 50 still Started"; rc=1; }
    fi
    t0=$(now_ms)
    remove_resources "${ids[@]}"
    if [ $rc = 0 ]; then
        state_files_absent remote "${ids[@]}" ||
            { fail "resources removed but $(ls "$(node_dir remote)/run/resource-agents" | grep -c bulk) state files remain on the remote node"; rc=1; }
        log "50 resources stopped and removed in $(( $(now_ms) - t0 )) ms"
    fi
    return $rc
}
all_bulk_started() { node_online "$RM_NODE" && [ "$(started_on_count "$RM_NODE" bulk-)" = 50 ]; }

# ---------------------------------------------------------------- 6
# kill -9 of the daemon. What a 2.1.5 cluster does (stonith disabled, reconnect_interval=5s),
# observed with the C daemon: the connection's monitor fails at once (fail count on the
# connection resource), the controller marks the node down (in_ccm=false), the resources are
# not recovered elsewhere but wait for the node, the connection is retried every
# reconnect_interval; once the daemon is back the node rejoins and the probes find the
# resources still active there (their state survives the daemon), so they run there again.
scenario_kill9_recovery() {
    ensure_remote_node || return 1
    local rc=0 t0 pid
    add_dummies_on_remote d6 && wait_for 60 "d6 on $RM_NODE" on_remote d6 ||
        { fail "d6 not Started on $RM_NODE: $(describe d6)"; rc=1; }
    if [ $rc = 0 ]; then
        pid=$(remoted_pid remote)
        kill -KILL "$pid"
        wait_for 10 "daemon $pid to die" pid_dead "$pid"
        t0=$(now_ms)
        if ! wait_for 30 "the loss of $RM_NODE to be noticed" node_lost "$RM_NODE"; then
            fail "kill -9 not noticed within 30s: node still connected, connection fail count $(failcount "$RM_NODE" "$CL_NODE")"
            rc=1
        else
            log "loss noticed after $(( $(now_ms) - t0 )) ms (connection fail count $(failcount "$RM_NODE" "$CL_NODE"))"
        fi
    fi
    if [ $rc = 0 ]; then
        start_remoted remote "$KEY" || { fail "daemon did not restart: $(node_dir remote)/remoted.out"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        t0=$(now_ms)
        if ! wait_for 60 "$RM_NODE back with d6" on_remote d6; then
            fail "after restart: $RM_NODE online=$(node_online "$RM_NODE" && echo yes || echo no), $(describe d6) (within 60s)"
            rc=1
        else
            log "$RM_NODE back with d6 $(( $(now_ms) - t0 )) ms after the restart"
        fi
    fi
    remoted_alive remote || start_remoted remote "$KEY" >/dev/null 2>&1
    remove_resources d6
    return $rc
}
# The controller has dropped the node (its node_state no longer in_ccm) after a failure of the
# connection resource.
node_lost() {
    [ "$(node_in_ccm "$1")" = false ] &&
    [ "$(failcount "$1" "$CL_NODE")" -ge 1 ] 2>/dev/null
}

# ---------------------------------------------------------------- 7
# SIGTERM with resources active: the daemon asks the cluster to shut it down (shutdown_req over
# the IPC proxy) and stays up while the cluster moves its resources away. Asserted is the
# correct behaviour: the stops ran on the remote node before the daemon exited, the resources
# run on the cluster node, the daemon exited with status 0. (The 2.1.5 C daemon exits at once
# after sending shutdown_req and so fails this, see README.md.)
scenario_graceful_shutdown() {
    ensure_remote_node || return 1
    local rc=0 t0 pid ids=(g7a g7b g7c) left st reasons=()
    add_dummies_on_remote "${ids[@]}" && wait_for 60 "g7* on $RM_NODE" on_remote "${ids[@]}" ||
        { fail "g7a..c not Started on $RM_NODE: $(describe "${ids[@]}")"; rc=1; }
    if [ $rc = 0 ]; then
        pid=$(remoted_pid remote)
        kill -TERM "$pid"
        t0=$(now_ms)
        if ! wait_for 90 "daemon to exit after SIGTERM" pid_dead "$pid"; then
            reasons+=("daemon still running 90s after SIGTERM")
        else
            wait_for 5 "exit status" test -s "$(node_dir remote)/remoted.pid.rc"
            st=$(remoted_exit_status remote)
            log "daemon exited $(( $(now_ms) - t0 )) ms after SIGTERM, status ${st:-?}"
            [ "$st" = 0 ] || reasons+=("exit status ${st:-unknown} (expected 0)")
            left=$(for id in "${ids[@]}"; do [ -e "$(state_file remote "$id")" ] && printf '%s ' "$id"; done)
            [ -z "$left" ] || reasons+=("daemon exited before the cluster stopped its resources (still active on the remote node: ${left% })")
        fi
        if ! wait_for 45 "g7* Started on $CL_NODE" on_cluster_node "${ids[@]}"; then
            reasons+=("resources not Started on $CL_NODE within 45s: $(describe "${ids[@]}")")
        fi
        # The controller logs the proxy's shutdown_req ("<node> requested shutdown of its remote
        # connection") before it sets the node's shutdown attribute.
        local plog; plog=$(node_dir cluster)/log-pacemaker/pacemaker.log
        # The controller writes its log lazily: poll rather than look once.
        if wait_for 15 "\"$RM_NODE requested shutdown\" in pacemaker.log" sh -c \
                'tail -n +"$1" "$2" | grep -q "$3 requested shutdown"' sh "${LOG_MARK[$plog]:-1}" "$plog" "$RM_NODE"; then
            log "the cluster received the shutdown request"
        else
            reasons+=("the cluster never received a shutdown request (no \"$RM_NODE requested shutdown\" in pacemaker.log)")
        fi
        [ ${#reasons[@]} -eq 0 ] || { fail "$(IFS=';'; echo "${reasons[*]}")"; rc=1; }
    fi
    # Bring the node back (a daemon that stayed up despite SIGTERM is killed) for what follows.
    remoted_alive remote && stop_remoted remote 5
    start_remoted remote "$KEY" >/dev/null 2>&1
    # After a clean shutdown the connection stays stopped until the scheduler runs again (see
    # kick_scheduler); after the C daemon's abrupt exit the reconnect loop brings it back.
    cl crm_resource --cleanup -r "$RM_NODE" >/dev/null 2>&1
    kick_scheduler
    ensure_remote_node >/dev/null 2>&1 || log "$RM_NODE not back online after graceful_shutdown"
    remove_resources "${ids[@]}"
    return $rc
}

# ---------------------------------------------------------------- 8
# A daemon reading a different key: the TLS-PSK handshake cannot succeed, so the node stays
# offline; the cluster and the healthy remote node are not affected, the daemon survives.
scenario_wrong_key() {
    local rc=0 was_online=no t0 seen_failure=
    ensure_remote_node >/dev/null 2>&1 && was_online=yes
    start_remoted bad "$WRONG_KEY" || { fail "bad-key daemon did not start: $(node_dir bad)/remoted.out"; return 1; }
    cib_create resources "$(remote_node_xml "$BAD_NODE" "$BAD_IP" "$REMOTE_PORT")" ||
        { fail "cibadmin could not add $BAD_NODE"; rc=1; }
    if [ $rc = 0 ]; then
        # Watch until the cluster has given up at least once (failed connection start) and 10 s
        # more, at most 60 s: the node must never be online in that time.
        t0=$(now_ms)
        while [ $(( $(now_ms) - t0 )) -lt 60000 ]; do
            if node_online "$BAD_NODE"; then fail "$BAD_NODE became online with the wrong key"; rc=1; break; fi
            if [ -z "$seen_failure" ] && [ "$(failcount "$BAD_NODE" "$CL_NODE")" != 0 ]; then
                seen_failure=$(now_ms); log "connection to $BAD_NODE failed after $(( seen_failure - t0 )) ms"
            fi
            [ -n "$seen_failure" ] && [ $(( $(now_ms) - seen_failure )) -ge 10000 ] && break
            sleep 0.5
        done
        if [ $rc = 0 ] && [ -z "$seen_failure" ]; then
            fail "no failed connection attempt to $BAD_NODE recorded within 60s"; rc=1
        fi
    fi
    if [ $rc = 0 ]; then
        cluster_processes_alive && cluster_ready || { fail "the cluster node is not healthy"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        cl crm_attribute -t crm_config -n jrcl-probe -v "$(date +%s)" >/dev/null 2>&1 ||
            { fail "the CIB does not accept updates"; rc=1; }
        cl crm_attribute -t crm_config -n jrcl-probe -D >/dev/null 2>&1
    fi
    if [ $rc = 0 ] && [ $was_online = yes ] && ! node_online "$RM_NODE"; then
        fail "$RM_NODE (right key) went offline"; rc=1
    fi
    if [ $rc = 0 ] && ! remoted_alive bad; then
        fail "the daemon with the wrong key exited (status $(remoted_exit_status bad)): $(node_dir bad)/remoted.out"; rc=1
    fi
    remove_resources "$BAD_NODE"
    stop_remoted bad 5
    return $rc
}

# ---------------------------------------------------------------- guest node
# A guest node as in section 4 of the SUSE Pacemaker Remote Quick Start, with a namespace for
# the VM: the resource guest1-container (ocf:jremoted-test:guest, agents/guest next to this
# file) starts the daemon under test inside a new namespace linked to the cluster node, and its
# meta attribute remote-node=guest1 makes the cluster connect to it. Checked: the guest shows
# up online in crm_mon (GuestOnline / GuestNode ... online), crm_resource --move puts a Dummy
# on it, kill -9 of the daemon in the guest makes the cluster recover the guest by restarting
# the container (a new container, a new daemon) and the Dummy comes back there, and stopping
# the container moves the Dummy away first and lets the daemon exit with status 0.
GUEST_NODE=guest1
GUEST_RSC=guest1-container
GUEST_IP=10.231.73.2
GUEST_HOST_IP=10.231.73.1

guest_container_xml() {
    local d; d=$(node_dir guest)
    cat <<EOF
<primitive id="$GUEST_RSC" class="ocf" provider="jremoted-test" type="guest">
$(nvpairs instance_attributes "$GUEST_RSC-ia" dir="$d" daemon="${GUEST_REMOTED_CMD:-$REMOTED_CMD}" key="$KEY" \
    host_ip="$GUEST_HOST_IP" guest_ip="$GUEST_IP" hostname="$GUEST_NODE" debug="${REMOTE_DEBUG:-no}")
$(nvpairs meta_attributes "$GUEST_RSC-meta" remote-node="$GUEST_NODE" remote-addr="$GUEST_IP" remote-port="$REMOTE_PORT")
  <operations>
    <op id="$GUEST_RSC-start" name="start" interval="0" timeout="60s"/>
    <op id="$GUEST_RSC-stop" name="stop" interval="0" timeout="60s"/>
    <op id="$GUEST_RSC-monitor" name="monitor" interval="5s" timeout="20s"/>
  </operations>
</primitive>
EOF
}

# guest_online: online for the scheduler, and shown as the guide shows it in crm_mon's text.
guest_online() {
    [ "$(mon_xml | xq "string(//nodes/node[@name='$GUEST_NODE']/@online)")" = true ] || return 1
    local text; text=$(cl timeout 20 crm_mon -1 2>/dev/null)
    [[ $text =~ GuestOnline:\ \[[^]]*\ $GUEST_NODE[@\ ] ]] || return 1
    text=$(cl timeout 20 crm_mon -1 -R 2>/dev/null)
    [[ $text == *"GuestNode $GUEST_NODE@$CL_NODE: online"* ]]
}
guest_file() { echo "$(node_dir guest)/$1"; }
guest_daemon_pid() { cat "$(guest_file remoted.pid)" 2>/dev/null; }
guest_holder_pid() { cat "$(guest_file holder.pid)" 2>/dev/null; }
# on_guest ID: Started on the guest and its state file is in the guest's /run only.
on_guest() {
    running_on "$1" "$GUEST_NODE" && state_files_present guest "$1" && state_files_absent cluster "$1" &&
        state_files_absent remote "$1"
}
# off_guest ID: Started on the cluster node, no state file left in the guest.
off_guest() { running_on "$1" "$CL_NODE" && state_files_absent guest "$1"; }
# guest_recovered OLD-HOLDER OLD-DAEMON ID: a new container with a new daemon, ID back on the guest.
guest_recovered() {
    local h d; h=$(guest_holder_pid) d=$(guest_daemon_pid)
    [ -n "$h" ] && [ "$h" != "$1" ] && [ -n "$d" ] && [ "$d" != "$2" ] && pid_alive "$d" &&
        guest_online && on_guest "$3"
}
guest_exits() { cat "$(guest_file remoted.exit)" 2>/dev/null | xargs; }
guest_exit_count_at_least() { [ "$(wc -l < "$(guest_file remoted.exit)")" -ge "$1" ] 2>/dev/null; }

scenario_guest_node() {
    local rc=0 t0 dpid hpid reasons=()
    mkdir -p "$(node_dir guest)"
    rm -f "$(guest_file remoted.exit)"
    t0=$(now_ms)
    cib_create resources "$(guest_container_xml)" &&
        cib_create constraints "<constraints>
            <rsc_location id=\"$GUEST_RSC-not-$RM_NODE\" rsc=\"$GUEST_RSC\" node=\"$RM_NODE\" score=\"-INFINITY\"/>
            <rsc_location id=\"$GUEST_RSC-not-$BAD_NODE\" rsc=\"$GUEST_RSC\" node=\"$BAD_NODE\" score=\"-INFINITY\"/>
          </constraints>" || { fail "cibadmin could not add $GUEST_RSC"; rc=1; }
    if [ $rc = 0 ] && ! wait_for 90 "$GUEST_NODE online" guest_online; then
        fail "$GUEST_NODE not online within 90s (container: $(describe "$GUEST_RSC"); crm_mon: $(cl crm_mon -1 2>/dev/null | grep -i guest | xargs))"
        rc=1
    fi
    [ $rc = 0 ] && log "$GUEST_NODE online $(( $(now_ms) - t0 )) ms after its container resource was added"
    if [ $rc = 0 ]; then
        # It starts on the cluster node, so that the move is what puts it on the guest.
        cib_create resources "$(dummy_xml g8)" && cib_create constraints "$(prefer_xml g8 "$CL_NODE" 50)" ||
            { fail "cibadmin could not add g8"; rc=1; }
        [ $rc = 0 ] && ! wait_for 60 "g8 on $CL_NODE" running_on g8 "$CL_NODE" && { fail "g8 did not start on $CL_NODE: $(describe g8)"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        cl crm_resource --move -r g8 -N "$GUEST_NODE" >/dev/null 2>&1 ||
            { fail "crm_resource --move -r g8 -N $GUEST_NODE failed"; rc=1; }
        [ $rc = 0 ] && ! wait_for 60 "g8 on $GUEST_NODE" on_guest g8 && { fail "g8 not moved to $GUEST_NODE: $(describe g8)"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        dpid=$(guest_daemon_pid) hpid=$(guest_holder_pid)
        kill -KILL "$dpid"
        t0=$(now_ms)
        if wait_for 90 "$GUEST_NODE recovered with g8" guest_recovered "$hpid" "$dpid" g8; then
            log "guest recovered (container restarted, g8 back on $GUEST_NODE) $(( $(now_ms) - t0 )) ms after kill -9"
        else
            fail "after kill -9 of the daemon in $GUEST_NODE: container holder $hpid -> $(guest_holder_pid), daemon $dpid -> $(guest_daemon_pid), $(describe g8 "$GUEST_RSC"), guest online: $(guest_online && echo yes || echo no)"
            rc=1
        fi
        [ $rc = 0 ] && [ "$(guest_exits)" != 137 ] && { fail "daemon exit statuses so far: '$(guest_exits)' (expected 137 for the killed one)"; rc=1; }
    fi
    if [ $rc = 0 ]; then
        dpid=$(guest_daemon_pid)
        cl crm_resource -r "$GUEST_RSC" --meta -p target-role -v Stopped >/dev/null 2>&1 || { fail "could not stop $GUEST_RSC"; rc=1; }
        if [ $rc = 0 ]; then
            wait_for 60 "g8 back on $CL_NODE" off_guest g8 || reasons+=("g8 did not move away: $(describe g8)")
            wait_for 60 "the guest's daemon to exit" pid_dead "$dpid" || reasons+=("the daemon in the stopped guest is still running")
            wait_for 5 "its exit status" guest_exit_count_at_least 2
            [ "$(guest_exits)" = "137 0" ] || reasons+=("daemon exit statuses '$(guest_exits)' (expected '137 0': the stopped guest's daemon must exit 0)")
            wait_for 30 "$GUEST_RSC stopped" resources_inactive "$GUEST_RSC" || reasons+=("$GUEST_RSC still active")
            [ ${#reasons[@]} -eq 0 ] || { fail "$(IFS=';'; echo "${reasons[*]}")"; rc=1; }
        fi
    fi
    cl crm_resource --clear -r g8 >/dev/null 2>&1
    remove_resources g8 "$GUEST_RSC"
    return $rc
}
