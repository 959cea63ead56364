#!/usr/bin/env bash
# Real-cluster suite: an unmodified Debian Pacemaker 2.1.5 cluster node drives the Pacemaker
# Remote daemon under test ($REMOTED_CMD, default <project>/bin/jremoted) as a remote node, all
# inside private network namespaces. See README.md next to this file.
#
#   run.sh [--only NAME,...] [--keep] [--c-daemon] [--results DIR] [--list] [--teardown]
#
# Prints "PASS name (time)" or "FAIL name (time): reason" and the logs to read per scenario,
# then exactly one line "cluster: N passed, N failed". Exit status 0 only if nothing failed.
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=scenarios.sh
source "$HERE/scenarios.sh"

usage() {
    cat <<EOF
usage: $0 [options]
  --only NAME,...   run only these scenarios (in the suite's order); names: ${SCENARIOS[*]}
  --keep            leave the cluster, daemons and namespaces up afterwards (then: $0 --teardown)
  --teardown        only tear down what a --keep run (or a killed run) left behind
  --c-daemon        test the upstream C pacemaker-remoted (unpacked from the Debian package)
  --results DIR     results directory (default: \$CLUSTER_RESULTS or <project>/target/cluster-results)
  --list            list the scenario names
environment: REMOTED_CMD (daemon command, default <project>/bin/jremoted), REMOTE_DEBUG=yes
  (PCMK_debug for the daemon), CLUSTER_DEBUG=1 (debug logging in the cluster daemons)
EOF
}

USE_C=0
RESULTS=${CLUSTER_RESULTS:-$ROOT/target/cluster-results}
suite_option() {
    case $1 in
        --c-daemon) USE_C=1 ;;
        *) return 1 ;;
    esac
}
parse_suite_options "$@"

suite_keep() {
    log "--keep: left running. Cluster tools: nsenter -t $(cat "$(node_dir cluster)/holder.pid" 2>/dev/null) -m -n -u crm_mon -1"
    log "--keep: remote daemon: pid $(remoted_pid remote)"
}
suite_teardown() { stop_everything; }
suite_begin cluster

# ------------------------------------------------------------------ setup
log "results: $RESULTS"
daemon_under_test
ensure_packages || setup_failed "could not install ${REQUIRED_PKGS[*]}"

# Leftovers of a killed or --keep run, and the previous run's files.
destroy_namespaces
prepare_results .jrcl-results

prepare_cluster_node
install_test_agents || setup_failed "could not install the suite's OCF agents"
start_nodes cluster remote bad
t_setup=$(now_ms)
start_cluster || setup_failed "cluster node did not come up (corosync/pacemakerd)"
log "cluster node $CL_NODE up in $(( $(now_ms) - t_setup )) ms"
start_remoted remote "$KEY" || log "remote daemon did not start; the scenarios will report it"

# ------------------------------------------------------------------ scenarios
run_scenarios

teardown
summary_and_exit
