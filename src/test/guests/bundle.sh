# The podman bundle of the guests suite (sourced by run.sh, never run directly).
#
# A <bundle> as upstream documents it: <podman image=... network="host"> (the container shares
# the cluster node's network namespace), <network control-port=...> (so the cluster connects to
# the daemon inside on that port, at the address of the node running the container), and a
# Dummy inside. The image is imported from this run's tree (the cached Debian 12 root with the
# .deb installed): /usr/sbin/pacemaker-remoted, the bundle's default command, is jremoted-init
# there, so jremoted runs behind tini as the container's first process (PID-1 mode), reading
# /etc/pacemaker/pcmk-init.env.
#
# podman runs where pacemaker-execd runs the podman agent: in the cluster node's namespaces.
# Its configuration belongs to the suite (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, exported
# before the cluster node starts so that the agent inherits them): runc and cgroupfs (crun
# refuses a hybrid cgroup layout; no systemd here), ulimits within the hard limits, the image
# store in $GUEST_CACHE/podman (kept between runs), the run state in the node's private /run.

BUNDLE_SCENARIOS=(bundle_starts bundle_kill9_recovered bundle_stop_clean)
BUNDLE_PKGS=(podman runc)
BUNDLE_ID=jrgu-bundle
BUNDLE_NODE=$BUNDLE_ID-0              # the bundle's guest node
BUNDLE_CTR=$BUNDLE_ID-podman-0        # its container resource, and the container's name
BUNDLE_RSC=bfake                      # the Dummy inside
BUNDLE_PORT=3123                      # control-port: the daemon inside listens there
BUNDLE_IMAGE=
BUNDLE_LOGFILE=/var/log/pacemaker-remoted.log   # set by the image's pcmk-init.env

pm() { cl podman "$@"; }

bundle_prepare() {
    local d=$RESULTS/podman nofile nproc
    mkdir -p "$d" "$GUEST_CACHE/podman" || return 1
    nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
    [ "$nofile" = unlimited ] && nofile=1048576
    # runc refuses an nproc limit above the number of PIDs there can be (kernel.pid_max).
    [ "$nproc" = unlimited ] || [ "$nproc" -gt "$(cat /proc/sys/kernel/pid_max)" ] && nproc=$(cat /proc/sys/kernel/pid_max)
    cat > "$d/containers.conf" <<EOF
# podman settings of the jremoted guests suite (generated per run; the host's stay untouched)
[containers]
# Within the host's hard limits (podman's defaults exceed them on some hosts).
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
    cat > "$d/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$GUEST_CACHE/podman"
runroot = "/run/containers/storage"
EOF
    export CONTAINERS_CONF=$d/containers.conf CONTAINERS_STORAGE_CONF=$d/storage.conf
}

# bundle_node_cgroups: `ip netns exec` gave the cluster node a sysfs of its own, without the cgroup
# file systems runc needs under /sys/fs/cgroup; they are mounted there again with the host's
# options (the same hierarchies, so containers land where the host's tools would put them).
bundle_node_cgroups() {
    cl mount -t tmpfs -o mode=755 jrgu-cgroup /sys/fs/cgroup || return 1
    local mp fstype src opts
    while read -r mp fstype src opts; do
        cl mkdir -p "$mp" && cl mount -t "$fstype" -o "$opts" "$src" "$mp" || return 1
    done < <(awk '$5 ~ "^/sys/fs/cgroup/" { for (i = 7; $i != "-"; i++); print $5, $(i+1), $(i+2), $(i+3) }' /proc/self/mountinfo)
}

# bundle_image DEB: the image for this package, imported once per package (the tag is a digest of
# the .deb, the init script and the root's version); older images of the suite are removed.
bundle_image() {
    local deb=$1 tag init=$ROOT/packaging/container/jremoted-init old
    tag=$( { sha256sum "$deb" "$init" | cut -d' ' -f1; echo "$GUEST_ROOT_VERSION"; } | sha256sum | cut -c1-16)
    BUNDLE_IMAGE=localhost/jremoted-guest:$tag
    # Containers a killed run left behind.
    pm rm -a -f -t 1 >/dev/null 2>&1
    if pm image exists "$BUNDLE_IMAGE"; then
        log "container image $BUNDLE_IMAGE already imported"
        return 0
    fi
    local t0; t0=$(now_ms)
    # The container's own additions, made in the tree for the import and taken back afterwards
    # (the virtual machine boots from the same tree).
    old=$(cl readlink "$TREE/usr/sbin/pacemaker-remoted")
    cl install -m 0755 "$init" "$TREE/usr/sbin/jremoted-init" || return 1
    cl ln -sfn jremoted-init "$TREE/usr/sbin/pacemaker-remoted" || return 1
    cl sh -c 'printf "%s\n" "# read by jremoted-init in PID-1 mode (container variables win)" \
        "PCMK_logfile=$2" > "$1/etc/pacemaker/pcmk-init.env"' env "$TREE" "$BUNDLE_LOGFILE" || return 1
    cl tar -C "$TREE" --one-file-system --exclude=./boot --exclude=./usr/lib/modules \
        --exclude=./var/cache/apt --exclude=./var/lib/apt/lists -c . | pm import - "$BUNDLE_IMAGE" >/dev/null
    local rc=$?
    cl rm -f "$TREE/usr/sbin/jremoted-init" "$TREE/etc/pacemaker/pcmk-init.env"
    cl ln -sfn "$old" "$TREE/usr/sbin/pacemaker-remoted"
    [ $rc = 0 ] || { log "podman import failed"; return 1; }
    log "imported $BUNDLE_IMAGE in $(( $(now_ms) - t0 )) ms"
    for old in $(pm images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/jremoted-guest:' | grep -vxF "$BUNDLE_IMAGE"); do
        pm rmi -f "$old" >/dev/null 2>&1
    done
}

bundle_xml() {
    cat <<EOF
<bundle id="$BUNDLE_ID">
  <podman image="$BUNDLE_IMAGE" network="host" replicas="1"/>
  <network control-port="$BUNDLE_PORT"/>
$(dummy_xml "$BUNDLE_RSC")
</bundle>
EOF
}

# ------------------------------------------------------------------ observations
# The container's first process as the host sees it (empty when not running).
ctr_pid() { local p; p=$(pm inspect -f '{{.State.Pid}}' "$BUNDLE_CTR" 2>/dev/null); [ "${p:-0}" != 0 ] && echo "$p"; }
# The daemon: the JVM, child of the container's init.
ctr_daemon_pid() { local p; p=$(ctr_pid) && pgrep -P "$p" -x java | head -1; }
# The Dummy's state file exists inside the container, and not on the cluster node.
dummy_inside() {
    pm exec "$BUNDLE_CTR" test -e "$STATE_DIR/$BUNDLE_RSC.state" 2>/dev/null && [ ! -e "$(state_file cluster "$BUNDLE_RSC")" ]
}
bundle_running() {
    node_online "$BUNDLE_NODE" && running_on "$BUNDLE_CTR" "$CL_NODE" && running_on "$BUNDLE_RSC" "$BUNDLE_NODE" && dummy_inside
}
# ... or its container cannot start on the only node there is.
bundle_running_or_failed() { bundle_running || [ "$(failcount "$BUNDLE_CTR" "$CL_NODE")" -ge 1000000 ]; }
bundle_stopped() {
    local x; x=$(mon_xml) || return 1
    [ "$(xq "count(//resources/bundle[@id='$BUNDLE_ID']//resource[@active='true'])" <<<"$x")" = 0 ]
}
bundle_log() { echo "$(node_dir cluster)/log-pacemaker/bundles/$BUNDLE_NODE/${BUNDLE_LOGFILE##*/}"; }
bundle_log_files() { [ -f "$(bundle_log)" ] && bundle_log; return 0; }

ensure_bundle() {
    bundle_running && return 0
    [ -n "$BUNDLE_IMAGE" ] || { fail "no container image was built"; return 1; }
    if ! cl cibadmin -Q --xpath "//bundle[@id='$BUNDLE_ID']" >/dev/null 2>&1; then
        cib_create resources "$(bundle_xml)" || { fail "cibadmin refused the bundle"; return 1; }
    else
        cl crm_resource -r "$BUNDLE_ID" --meta -d target-role >/dev/null 2>&1
        cl crm_resource --cleanup -r "$BUNDLE_ID" >/dev/null 2>&1
    fi
    wait_for 120 "the bundle to run $BUNDLE_RSC inside" bundle_running_or_failed
    bundle_running ||
        { fail "bundle not running: node online=$(node_online "$BUNDLE_NODE" && echo yes || echo no), container on '$(where "$BUNDLE_CTR")', $BUNDLE_RSC on '$(where "$BUNDLE_RSC")'"; return 1; }
}

# ------------------------------------------------------------------ scenarios
# The bundle starts: its container runs jremoted behind tini as PID 1, in the cluster node's
# network namespace, on the control port; the Dummy runs inside the container (its state file is
# in the container's /run, not the node's); the init read pcmk-init.env (the log file it names).
scenario_bundle_starts() {
    local t0 cpid dpid; t0=$(now_ms)
    ensure_bundle || return 1
    log "bundle running with $BUNDLE_RSC inside $(( $(now_ms) - t0 )) ms after it was added"
    cpid=$(ctr_pid) || { fail "no running container $BUNDLE_CTR"; return 1; }
    [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" = tini ] || { fail "the container's first process is '$(cat "/proc/$cpid/comm")', not tini"; return 1; }
    [ "$(pm exec "$BUNDLE_CTR" cat /proc/1/comm 2>/dev/null)" = tini ] || { fail "PID 1 inside the container is not tini"; return 1; }
    dpid=$(ctr_daemon_pid) || { fail "no java process under the container's init"; return 1; }
    tr '\0' ' ' < "/proc/$dpid/cmdline" | grep -Eq -- '-jar /usr/share/jremoted/([^ ]*/)?jremoted.jar' ||
        { fail "the daemon in the container is not the installed package's: $(tr '\0' ' ' < "/proc/$dpid/cmdline")"; return 1; }
    [ "$(readlink "/proc/$dpid/ns/net")" = "$(readlink "/proc/$(cat "$(node_dir cluster)/holder.pid")/ns/net")" ] ||
        { fail "the container does not share the cluster node's network namespace"; return 1; }
    [ "$(readlink "/proc/$dpid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] || { fail "the container has no PID namespace of its own"; return 1; }
    [[ $(cl ss -Hltnp "sport = :$BUNDLE_PORT") == *"pid=$dpid,"* ]] || { fail "the daemon does not listen on the control port $BUNDLE_PORT"; return 1; }
    grep -q "$BUNDLE_RSC" "$(bundle_log)" 2>/dev/null ||
        { fail "no mention of $BUNDLE_RSC in $(bundle_log) (the log file pcmk-init.env names)"; return 1; }
}

# kill -9 of jremoted inside: tini exits with it, the container stops, the cluster loses the
# bundle node and recovers it by starting a new container; the Dummy runs inside again.
scenario_bundle_kill9_recovered() {
    ensure_bundle || return 1
    local cpid dpid t0; cpid=$(ctr_pid) dpid=$(ctr_daemon_pid)
    [ -n "$dpid" ] || { fail "no daemon in the container"; return 1; }
    t0=$(now_ms)
    kill -KILL "$dpid"
    wait_for 30 "the container to stop" bundle_ctr_changed "$cpid" ||
        { fail "the container outlived its daemon (pid $cpid still its init)"; return 1; }
    wait_for 120 "the bundle to be recovered" bundle_recovered "$cpid" ||
        { fail "not recovered: container pid '$(ctr_pid)' (was $cpid), node online=$(node_online "$BUNDLE_NODE" && echo yes || echo no), $BUNDLE_RSC on '$(where "$BUNDLE_RSC")'"; return 1; }
    log "recovered in $(( $(now_ms) - t0 )) ms: new container init $(ctr_pid), daemon $(ctr_daemon_pid)"
}
bundle_ctr_changed() { [ "$(ctr_pid)" != "$1" ]; }
bundle_recovered() { local p; p=$(ctr_pid) && [ "$p" != "$1" ] && bundle_running; }

# Stopping the bundle: the Dummy is stopped inside first, then the daemon gets SIGTERM through
# tini and exits 0 (its log says so, and so does the container's exit code); no container is left.
scenario_bundle_stop_clean() {
    ensure_bundle || return 1
    local plog code lstop lctr; plog=$(node_dir cluster)/log-pacemaker/pacemaker.log
    local since; since=$(date +%s)
    cl crm_resource -r "$BUNDLE_ID" --meta -p target-role -v Stopped >/dev/null ||
        { fail "could not set target-role=Stopped"; return 1; }
    wait_for 60 "the bundle to stop" bundle_stopped || { fail "the bundle did not stop"; return 1; }
    grep -q 'Pacemaker remote executor exiting (status 0)' "$(bundle_log)" ||
        { fail "the daemon did not log a clean exit: $(grep 'exiting' "$(bundle_log)" | tail -1)"; return 1; }
    code=$(pm events --stream=false --since "$since" --filter "container=$BUNDLE_CTR" --filter event=died \
        --format '{{.ContainerExitCode}}' 2>/dev/null | tail -1)
    [ "$code" = 0 ] || { fail "the container's exit code was '$code', not 0"; return 1; }
    [ -z "$(pm ps -a -q --filter "name=^$BUNDLE_CTR\$")" ] || { fail "container $BUNDLE_CTR left behind"; return 1; }
    # Order: the Dummy's stop finished before the container's stop began.
    lstop=$(grep -n "Result of stop operation for $BUNDLE_RSC on $BUNDLE_NODE: ok" "$plog" | tail -1 | cut -d: -f1)
    lctr=$(grep -n "Requesting local execution of stop operation for $BUNDLE_CTR" "$plog" | tail -1 | cut -d: -f1)
    [ -n "$lstop" ] && [ -n "$lctr" ] && [ "$lstop" -lt "$lctr" ] ||
        { fail "no stop of $BUNDLE_RSC on $BUNDLE_NODE before the container's stop in $plog (lines '$lstop' '$lctr')"; return 1; }
    bundle_remove
}

# bundle_remove: the bundle out of the CIB (stopped first). Also needed before crmsh is used:
# Debian 12's crmsh (4.4.0) fails on any CIB holding a <podman> bundle (KeyError: 'podman').
bundle_remove() {
    cl cibadmin -Q --xpath "//bundle[@id='$BUNDLE_ID']" >/dev/null 2>&1 || return 0
    cl crm_resource -r "$BUNDLE_ID" --meta -p target-role -v Stopped >/dev/null 2>&1
    wait_for 60 "the bundle to stop" bundle_stopped >/dev/null
    cl cibadmin --delete --xml-text "<bundle id=\"$BUNDLE_ID\"/>" >/dev/null 2>&1
    cl crm_resource --cleanup -r "$BUNDLE_ID" >/dev/null 2>&1
    return 0
}

bundle_teardown() {
    local h; h=$(cat "$(node_dir cluster 2>/dev/null)/holder.pid" 2>/dev/null)
    [ -n "$h" ] && pid_alive "$h" && [ -n "${CONTAINERS_CONF:-}" ] && pm rm -a -f -t 1 >/dev/null 2>&1
    return 0
}
