#!/usr/bin/env bash
# Stress suite: attacks on the Pacemaker Remote daemon under test ($REMOTED_CMD, default
# <project>/bin/jremoted), each bounded in count and time, inside a private network namespace,
# while a good client signs on with Pacemaker's own client library every second
# (docs/stress.md has the attacks, the records and the latest figures).
#
#   run.sh [--only NAME,...] [--keep] [--long] [--c-daemon] [--results DIR] [--list] [--teardown]
#
# Per attack one record: survived (the daemon still runs and a sign-on after the attack
# succeeded), the worst good-client sign-on time during the attack, the daemon's peak RSS
# (VmHWM) and the log lines it wrote. A scenario fails if the daemon exited or stopped serving,
# a good sign-on failed or took over 2 s (SIGNON_LIMIT_MS), or its own check failed.
# Prints "PASS name (time)" / "FAIL name (time): reason", the table of records, then exactly
# one line "stress: N passed, N failed". Exit status 0 only if nothing failed.
set -uo pipefail
exec </dev/null
HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/../../.." && pwd -P)
STRESS_NS=${STRESS_NS:-jrst-node}
# lib.sh's namespace helpers work on these names; this suite has one namespace only.
CL_NS=$STRESS_NS RM_NS=$STRESS_NS BAD_NS=$STRESS_NS
SUITE_TAG=stress
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"

SCENARIOS=(flood_other_source flood_same_source ipc_bzip2_bomb_local_user claim_max_compressed
           attributes_100x10000 plain_near_max stalled_reader idle_and_slowloris wrong_key_flood
           bzip2_bomb_cut deep_nesting attributes_one_element invalid_utf8 malformed_headers
           huge_timeout huge_start_delay)

usage() {
    cat <<EOF
usage: $0 [options]
  --only NAME,...   run only these scenarios (in the suite's order); names: ${SCENARIOS[*]}
  --keep            leave the namespace and the last daemon up afterwards (then: $0 --teardown)
  --teardown        only tear down what a --keep run (or a killed run) left behind
  --long            connection floods last 60 s instead of 20 s
  --c-daemon        attack the upstream C pacemaker-remoted (unpacked from the Debian package)
  --results DIR     results directory (default: \$STRESS_RESULTS or <project>/target/stress-results)
  --list            list the scenario names
environment: REMOTED_CMD (daemon command, default <project>/bin/jremoted), FLOOD_SECONDS,
  FLOOD_RATE (2000 connections/s), SIGNON_LIMIT_MS (2000), MAX_MESSAGE_MIB (the daemon's
  maximum message size, 64)
EOF
}

USE_C=0 LONG=0
RESULTS=${STRESS_RESULTS:-$ROOT/target/stress-results}
suite_option() {
    case $1 in
        --long) LONG=1 ;;
        --c-daemon) USE_C=1 ;;
        *) return 1 ;;
    esac
}
parse_suite_options "$@"
FLOOD_SECONDS=${FLOOD_SECONDS:-$([ $LONG = 1 ] && echo 60 || echo 20)}
FLOOD_RATE=${FLOOD_RATE:-2000}
SIGNON_LIMIT_MS=${SIGNON_LIMIT_MS:-2000}
MAX_MESSAGE_MIB=${MAX_MESSAGE_MIB:-16}

suite_summary() { print_records; }
suite_keep() {
    stop_prober
    log "--keep: left running: daemon pid $(remoted_pid remote), namespace $STRESS_NS"
}
suite_teardown() {
    stop_prober
    stop_remoted remote 5 >/dev/null 2>&1
    destroy_namespaces
}
suite_begin stress

# ------------------------------------------------------------------ state and logs
# What a failure leaves behind: the state attack_end saved before stopping the daemon, else the
# daemon's process state, sockets and the end of its log now.
snapshot_state() {
    if [ -s "${SC_DIR:-}/state-after-attack.txt" ]; then cat "$SC_DIR/state-after-attack.txt"; return; fi
    live_state
}
live_state() {
    local pid; pid=$(remoted_pid remote)
    date '+%F %T'
    echo "daemon pid $pid, alive: $(pid_alive "$pid" && echo yes || echo "no (exit status $(remoted_exit_status remote))")"
    grep -E '^(State|VmHWM|VmRSS|Threads)' "/proc/$pid/status" 2>/dev/null
    echo "open fds: $(ls "/proc/$pid/fd" 2>/dev/null | wc -l)"
    in_node remote ss -s 2>/dev/null
    echo "--- last sign-ons"; tail -5 "$SC_DIR/signons.txt" 2>/dev/null
    echo "--- end of remoted.out"; tail -20 "$(node_dir remote)/remoted.out" 2>/dev/null
    echo "--- end of remoted.log"; tail -30 "$(node_dir remote)/remoted.log" 2>/dev/null
}
log_files() {
    [ -n "${SC_DIR:-}" ] && ls "$SC_DIR"/*.txt "$SC_DIR"/remoted.* 2>/dev/null
    echo "$(node_dir remote)/remoted.log"
    echo "$(node_dir remote)/remoted.out"
}
# Lines the daemon wrote (its log file and its stdout/stderr).
daemon_log_lines() {
    local n=0 f
    for f in "$(node_dir remote)/remoted.log" "$(node_dir remote)/remoted.out"; do
        [ -f "$f" ] && n=$((n + $(wc -l < "$f")))
    done
    echo $n
}
# Where the daemon's logs ended when the attack began, and what it wrote since.
declare -A LOG_FROM=()
mark_daemon_logs() {
    local f
    for f in "$(node_dir remote)/remoted.log" "$(node_dir remote)/remoted.out"; do
        LOG_FROM[$f]=$(( $( [ -f "$f" ] && wc -l < "$f" || echo 0) + 1 ))
    done
}
attack_log_text() {
    local f
    for f in "${!LOG_FROM[@]}"; do [ -f "$f" ] && tail -n +"${LOG_FROM[$f]}" "$f"; done
}

# ------------------------------------------------------------------ the good client
# lrmd-client signs on (async connect + TLS + register) every second from 127.0.0.1 and prints
# "signon_begin=WALL_MS" before and "signon=WALL_MS MS RC" after each attempt.
start_prober() {
    spawn_in_node remote "$SC_DIR/prober.pid" "$SC_DIR/signons.txt" \
        env PCMK_authkey_location="$KEY" "$BIN/lrmd-client" -w 10000 signons 100000 1000
}
stop_prober() {
    [ -n "${SC_DIR:-}" ] && [ -f "$SC_DIR/prober.pid" ] && stop_pid "$(cat "$SC_DIR/prober.pid")" 2 >/dev/null 2>&1
    return 0
}
# signon_ok_after WALL_MS: a successful sign-on that began at or after WALL_MS.
signon_ok_after() {
    awk -v t="$1" -F'[= ]' '$1 == "signon" && $2 >= t && $4 == 0 { ok = 1 } END { exit !ok }' "$SC_DIR/signons.txt"
}
serving_or_dead() { signon_ok_after "$1" || pid_dead "$DAEMON_PID"; }
# signon_stats FROM TO: "attempts failures worst_ms" over attempts that began in [FROM, TO]
# (wall ms), an attempt still running counted with its age so far.
signon_stats() {
    awk -v from="$1" -v to="$2" -v now="$(now_ms)" -F'[= ]' '
        $1 == "signon_begin" { pending = $2 }
        $1 == "signon" { pending = ""
                         if ($2 >= from && $2 <= to) { n++; if ($4 != 0) f++; if ($3 > w) w = $3 } }
        END { if (pending != "" && pending <= to) { n++; if (now - pending > w) w = now - pending }
              printf "%d %d %d\n", n, f, w }' "$SC_DIR/signons.txt"
}

# Peak RSS: VmHWM sampled every 0.5 s (the last sample survives the daemon's death).
start_sampler() {
    local pid=$1
    ( while pid_alive "$pid"; do
          sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null
          sleep 0.5
      done > "$SC_DIR/vmhwm.txt" ) 9>&- &
    SAMPLER_PID=$!
}
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; }
peak_rss_kb() { sort -n "$SC_DIR/vmhwm.txt" 2>/dev/null | tail -1; }

# keep_logs: the stopped daemon's logs move to the scenario's directory; a flood of log lines
# keeps its first and last 20,000 lines only.
keep_logs() {
    local f n
    for f in remoted.log remoted.out; do
        [ -f "$(node_dir remote)/$f" ] || continue
        n=$(wc -l < "$(node_dir remote)/$f")
        if [ "$n" -gt 40000 ]; then
            { head -20000 "$(node_dir remote)/$f"; echo "[... $((n - 40000)) lines left out by the stress suite ...]"
              tail -20000 "$(node_dir remote)/$f"; } > "$SC_DIR/$f"
            rm -f "$(node_dir remote)/$f"
        else
            mv "$(node_dir remote)/$f" "$SC_DIR/$f"
        fi
    done
}

# ------------------------------------------------------------------ one attack
# attack_begin: a fresh daemon (so that every record starts from the same state), the good
# client, the sampler; returns once a first sign-on succeeded.
attack_begin() {
    local f
    # The record is named after the scenario function that called us.
    for f in "${FUNCNAME[@]}"; do case $f in scenario_*) CURRENT=${f#scenario_}; break ;; esac; done
    SC_DIR=$RESULTS/$CURRENT
    rm -rf "$SC_DIR"; mkdir -p "$SC_DIR"
    NOTE=
    PROBLEMS=()
    stop_remoted remote 10
    start_remoted remote "$KEY" || { fail "the daemon did not start"; return 1; }
    DAEMON_PID=$(remoted_pid remote)
    start_sampler "$DAEMON_PID"
    local t; t=$(now_ms)
    start_prober || { fail "the good client did not start"; return 1; }
    wait_for 40 "a first good sign-on" signon_ok_after "$t" || { fail "no good sign-on before the attack"; return 1; }
    LOG_BEFORE=$(daemon_log_lines)
    mark_daemon_logs
    ATTACK_T0=$(now_ms)
    log "attack starts (daemon pid $DAEMON_PID)"
}

# attack_end: the record. SURVIVED is yes only if the daemon runs and a sign-on that began
# after the attack succeeded (within 15 s).
ATTACK_MIN_MS=3000
attack_end() {
    # A short attack still spans a few sign-ons (and whatever the daemon does after it).
    local rest=$(( ATTACK_MIN_MS - ($(now_ms) - ATTACK_T0) ))
    [ $rest -gt 0 ] && sleep "$(awk -v ms=$rest 'BEGIN { printf "%.3f", ms / 1000 }')"
    ATTACK_T1=$(now_ms)
    log "attack over after $(( (ATTACK_T1 - ATTACK_T0) / 1000 )) s"
    SURVIVED=no
    if wait_for 15 "a good sign-on after the attack" serving_or_dead "$ATTACK_T1" && pid_alive "$DAEMON_PID"; then
        SURVIVED=yes
    fi
    read -r SIGNONS SIGNON_FAILURES WORST_MS < <(signon_stats "$ATTACK_T0" "$ATTACK_T1")
    LOG_LINES=$(( $(daemon_log_lines) - LOG_BEFORE ))
    # The lines that are not about the good client (who signs on from 127.0.0.1 as jremoted-e2e)
    ATTACK_LOG_LINES=$(attack_log_text | grep -cv -e '127\.0\.0\.1[^0-9]' -e 'jremoted-e2e')
    stop_prober
    PEAK_KB=$(peak_rss_kb)
    if pid_dead "$DAEMON_PID"; then
        NOTE="exited with status $(remoted_exit_status remote)${NOTE:+; $NOTE}"
    elif [ $SURVIVED = no ]; then
        NOTE="running but no good sign-on within 15 s after the attack${NOTE:+; $NOTE}"
    fi
    stop_sampler
    live_state > "$SC_DIR/state-after-attack.txt" 2>&1
    [ $KEEP = 1 ] || { stop_remoted remote 10; keep_logs; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CURRENT" "$SURVIVED" "$WORST_MS" "$SIGNONS" \
        "$SIGNON_FAILURES" "$(( ${PEAK_KB:-0} / 1024 ))" "$LOG_LINES" "$NOTE" >> "$RESULTS/records.tsv"
    log "record: survived=$SURVIVED worst_signon_ms=$WORST_MS signons=$SIGNONS failed_signons=$SIGNON_FAILURES" \
        "peak_rss_mib=$(( ${PEAK_KB:-0} / 1024 )) log_lines=$LOG_LINES (not about the good client: $ATTACK_LOG_LINES)${NOTE:+ note: $NOTE}"
}

# Every check of an attack is made; the scenario fails with all the problems found, in order.
PROBLEMS=()
problem() { PROBLEMS+=("$*"); }
# verdict: fail with the problems found (joined with "; "), or pass.
verdict() {
    [ ${#PROBLEMS[@]} -eq 0 ] && return 0
    fail "$(printf '%s; ' "${PROBLEMS[@]}" | sed 's/; $//')"
}

# check_standard [informative]: the daemon survived; with no argument also every good sign-on
# during the attack succeeded within SIGNON_LIMIT_MS.
check_standard() {
    [ "$SURVIVED" = yes ] || problem "the daemon did not survive (${NOTE:-no sign-on after the attack})"
    [ "${1:-}" = informative ] && return 0
    [ "$SIGNON_FAILURES" -eq 0 ] || problem "$SIGNON_FAILURES of $SIGNONS good sign-ons failed during the attack"
    [ "$WORST_MS" -le "$SIGNON_LIMIT_MS" ] || problem "a good sign-on took $WORST_MS ms (limit $SIGNON_LIMIT_MS)"
    return 0
}

# kv KEY FILE: value of the last KEY=... line
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }

# tls_send NAME [stress-tls options]: one keyed connection from 127.0.0.3, output in NAME.txt.
tls_send() {
    local name=$1; shift
    in_node remote timeout 120 "$BIN/stress-tls" -s 127.0.0.3 -k "$KEY" "$@" > "$SC_DIR/$name.txt" 2>&1
}
# message_attack FRAME_KIND: send the frames, read until the daemon closes or 15 s pass.
message_attack() {
    attack_begin || return 1
    tls_send attack -i "$PAYLOADS/$1.bin" -m read -t 15
    NOTE="connection end: $(kv end "$SC_DIR/attack.txt"), $(kv recv_msgs "$SC_DIR/attack.txt") replies"
    attack_end
    check_standard
}
# message_scenario FRAME_KIND: message_attack and its verdict.
message_scenario() { message_attack "$1" && verdict; }

# ------------------------------------------------------------------ scenarios
# 1. No key: FLOOD_RATE new connections per second that never send a byte, from 127.0.0.2.
flood() {
    attack_begin || return 1
    in_node remote python3 "$HERE/attacks.py" flood --src "$1" --rate "$FLOOD_RATE" \
        --seconds "$FLOOD_SECONDS" > "$SC_DIR/attack.txt" 2>&1
    NOTE="$(kv attempted "$SC_DIR/attack.txt") attempted, $(kv connected "$SC_DIR/attack.txt") connected,"
    NOTE+=" $(kv closed_by_peer "$SC_DIR/attack.txt") closed by the daemon, at most $(kv max_open "$SC_DIR/attack.txt") open"
    local limited; limited=$(kv attacker_fd_limit "$SC_DIR/attack.txt")
    [ "${limited:-0}" -gt 0 ] && NOTE+=", $limited attempts stopped by the attackers' own file limit"
    attack_end
}
scenario_flood_other_source() { flood 127.0.0.2 && check_standard && verdict; }
# The same from the good client's own address: a per-address cap may refuse the good client
# too, so its sign-ons are reported, not asserted; the daemon must survive.
scenario_flood_same_source() { flood 127.0.0.1 && check_standard informative && verdict; }

# 2. A local user in haclient (neither root nor hacluster) sends one bzip2 message to the local
# lrmd endpoint that inflates to 64 MiB.
lrmd_ipc_ready() { in_node remote grep -q '@lrmd' /proc/net/unix; }
scenario_ipc_bzip2_bomb_local_user() {
    attack_begin || return 1
    wait_for 20 "the local lrmd endpoint" lrmd_ipc_ready || { fail "no local lrmd IPC endpoint"; attack_end; return 1; }
    in_node remote setpriv --reuid="$ATTACKER_UID" --regid="$HACLIENT_GID" --init-groups \
        timeout 30 "$BIN/stress-ipc" lrmd "$PAYLOADS/ipc-bomb.bin" 10 > "$SC_DIR/attack.txt" 2>&1
    sleep 2
    NOTE="$(stat -c %s "$PAYLOADS/ipc-bomb.bin") bytes sent as uid $ATTACKER_UID; connect=$(kv connect "$SC_DIR/attack.txt")"
    NOTE+=", $(kv end "$SC_DIR/attack.txt")$(grep -q '^reply=' "$SC_DIR/attack.txt" && echo reply)"
    attack_end
    check_standard
    [ "$(kv connect "$SC_DIR/attack.txt")" = ok ] && [ "$(kv send_rc "$SC_DIR/attack.txt")" -gt 0 ] ||
        problem "the message was not delivered: $(tr '\n' ' ' < "$SC_DIR/attack.txt")"
    verdict
}

# 3. With the key.
scenario_claim_max_compressed() { message_scenario claim-max; }
scenario_attributes_100x10000() { message_scenario attrs-100x10000; }
# A plain poke 1 MiB under the maximum message size (MAX_MESSAGE_MIB, 16 as documented) must be
# received and answered.
scenario_plain_near_max() {
    message_attack plain-max-1mib || return 1
    grep -q '^recv=<lrmd_reply.*lrmd_remote_msg_id="2"' "$SC_DIR/attack.txt" ||
        problem "the $((MAX_MESSAGE_MIB - 1)) MiB poke was not answered (connection end: $(kv end "$SC_DIR/attack.txt"))"
    verdict
}

# 4. A keyed client registers, then sends pokes without ever reading what comes back: the daemon
# must disconnect it, survive, and log a bounded number of lines (not counting the lines about
# the good client's sign-ons).
STALLED_LOG_LIMIT=${STALLED_LOG_LIMIT:-100}
scenario_stalled_reader() {
    attack_begin || return 1
    tls_send attack -I "$PAYLOADS/register.bin" -i "$PAYLOADS/pokes.bin" -n 0 -m noread -t 20
    local end; end=$(kv end "$SC_DIR/attack.txt")
    NOTE="client $( [ "$end" = timeout ] && echo "still connected after 20 s" || echo "disconnected ($end) after $(kv elapsed_ms "$SC_DIR/attack.txt") ms"),"
    NOTE+=" $(( $(kv sent_bytes "$SC_DIR/attack.txt") / 1024 )) KiB of pokes sent"
    attack_end
    check_standard
    [ "$end" = reset ] || [ "$end" = eof ] || problem "the client that stopped reading was not disconnected ($end)"
    [ "$ATTACK_LOG_LINES" -le "$STALLED_LOG_LIMIT" ] ||
        problem "$ATTACK_LOG_LINES log lines about other clients than the good one during the attack (limit $STALLED_LOG_LIMIT)"
    verdict
}

# 5. What held: idle and slowloris connections are closed at 10 s (the handshake deadline).
closed_near_10s() {
    local v bad=0
    for v in $(sed -n 's/.*_closed_after_ms=\([^ ]*\).*/\1/p' "$1"); do
        if [ "$v" = open ] || [ "$v" -lt 9000 ] || [ "$v" -gt 13000 ]; then bad=1; fi
    done
    [ $bad -eq 0 ] && grep -q closed_after_ms "$1"
}
scenario_idle_and_slowloris() {
    attack_begin || return 1
    in_node remote python3 "$HERE/attacks.py" hold --src 127.0.0.5 --mode idle --count 3 --seconds 20 \
        > "$SC_DIR/idle.txt" 2>&1 &
    local p1=$!
    in_node remote python3 "$HERE/attacks.py" hold --src 127.0.0.6 --mode slow --count 3 --seconds 20 \
        > "$SC_DIR/slow.txt" 2>&1
    wait $p1
    NOTE="idle closed after $(sed -n 's/.*_closed_after_ms=\([^ ]*\).*/\1/p' "$SC_DIR/idle.txt" | xargs) ms,"
    NOTE+=" slow closed after $(sed -n 's/.*_closed_after_ms=\([^ ]*\).*/\1/p' "$SC_DIR/slow.txt" | xargs) ms"
    attack_end
    check_standard
    closed_near_10s "$SC_DIR/idle.txt" || problem "idle connections not closed at 10 s: $(xargs < "$SC_DIR/idle.txt")"
    closed_near_10s "$SC_DIR/slow.txt" || problem "slowloris connections not closed at 10 s: $(xargs < "$SC_DIR/slow.txt")"
    verdict
}

# Wrong-key flood: 300 handshakes with another key, 10 at a time, from 127.0.0.4.
WRONG_KEY_ATTEMPTS=${WRONG_KEY_ATTEMPTS:-300}
scenario_wrong_key_flood() {
    attack_begin || return 1
    seq "$WRONG_KEY_ATTEMPTS" | in_node remote xargs -P 10 -I{} timeout 15 "$BIN/stress-tls" -s 127.0.0.4 \
        -k "$WRONG_KEY" -m none -t 12 > "$SC_DIR/attack.txt" 2>&1
    local ok; ok=$(grep -c '^handshake=ok' "$SC_DIR/attack.txt")
    NOTE="$(grep -c '^handshake=' "$SC_DIR/attack.txt") handshakes tried, $ok accepted"
    attack_end
    check_standard
    [ "$ok" -eq 0 ] || problem "$ok handshakes with the wrong key succeeded"
    verdict
}

scenario_bzip2_bomb_cut() { message_scenario bomb-cut; }
scenario_deep_nesting() { message_scenario deep-nesting; }
scenario_attributes_one_element() { message_scenario attrs-one-element; }
scenario_invalid_utf8() { message_scenario invalid-utf8; }

# Malformed headers: each on its own connection, which the daemon must close.
MALFORMED=(bad-marker short-total offset-outside zero-uncompressed huge-total compressed-past-end)
scenario_malformed_headers() {
    attack_begin || return 1
    local k kept=()
    for k in "${MALFORMED[@]}"; do
        tls_send "$k" -i "$PAYLOADS/$k.bin" -m read -t 5
        case $(kv end "$SC_DIR/$k.txt") in eof|reset) ;; *) kept+=("$k") ;; esac
    done
    NOTE="${#MALFORMED[@]} headers, $(( ${#MALFORMED[@]} - ${#kept[@]} )) connections closed"
    attack_end
    check_standard
    [ ${#kept[@]} -eq 0 ] || problem "connections not closed after: ${kept[*]}"
    verdict
}

# 6. Time values from the wire. exec_status RSC ACTION FILE: lrmd_exec_op_status of the
# result notifications for that operation (one per line).
exec_status() {
    grep '^recv=<lrmd_notify' "$3" | grep "lrmd_rsc_id=\"$1\"" | grep "lrmd_rsc_action=\"$2\"" |
        sed -n 's/.*lrmd_exec_op_status="\([-0-9]*\)".*/\1/p'
}
# A monitor with lrmd_timeout=2^63-1 runs and completes (it does not time out at once).
scenario_huge_timeout() {
    attack_begin || return 1
    tls_send attack -i "$PAYLOADS/huge-timeout.bin" -m read -t 8 -x 4000
    local st; st=$(exec_status r2 monitor "$SC_DIR/attack.txt" | head -1)
    NOTE="monitor result: $([ -n "$st" ] && echo "op_status $st" || echo none)"
    attack_end
    check_standard
    if [ -z "$st" ]; then
        problem "the monitor with lrmd_timeout=2^63-1 got no result within 8 s"
    elif [ "$st" != 0 ]; then
        problem "the monitor with lrmd_timeout=2^63-1 ended with op_status $st (0 expected; 2 = timed out)"
    fi
    verdict
}
# A start delayed by 2^63-1 ms neither completes at once nor holds up other resources, and a
# cancel of it lets the monitor queued behind it on the same resource run.
scenario_huge_start_delay() {
    attack_begin || return 1
    tls_send attack -i "$PAYLOADS/huge-delay.bin" -m read -t 8 -x 4000
    local mon start other
    mon=$(exec_status r1 monitor "$SC_DIR/attack.txt" | head -1)
    start=$(exec_status r1 start "$SC_DIR/attack.txt" | head -1)
    other=$(exec_status r3 monitor "$SC_DIR/attack.txt" | head -1)
    NOTE="delayed start: ${start:-none}; r1 monitor behind it: ${mon:-none}; r3 monitor: ${other:-none}"
    attack_end
    check_standard
    # As upstream's executor, a delayed operation holds its own resource's queue (the cluster
    # relies on that order); other resources run, and cancelling it frees the queue at once.
    [ "$start" = 1 ] || problem "the start delayed by 2^63-1 ms was not cancelled (op_status ${start:-none}, want 1)"
    [ "$other" = 0 ] || problem "another resource's monitor waited for the delayed start (op_status ${other:-none})"
    [ "$mon" = 0 ] || problem "the monitor queued behind the cancelled start got no result (op_status ${mon:-none})"
    verdict
}

# ------------------------------------------------------------------ records table
print_records() {
    [ -s "$RESULTS/records.tsv" ] || return 0
    {
        echo "| attack | survived | worst sign-on ms | sign-ons (failed) | peak RSS MiB | log lines | notes |"
        echo "|---|---|---|---|---|---|---|"
        awk -F'\t' '{ printf "| %s | %s | %s | %s (%s) | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
            "$RESULTS/records.tsv"
    } > "$RESULTS/table.md"
    echo "records (daemon: $REMOTED_CMD; also in $RESULTS/table.md):"
    cat "$RESULTS/table.md"
}

# ------------------------------------------------------------------ setup
log "results: $RESULTS"
daemon_under_test
for tool in python3 setpriv pkg-config cc; do
    command -v $tool >/dev/null 2>&1 || setup_failed "$tool is missing"
done

destroy_namespaces
prepare_results .jrst-results
chmod 644 "$KEY" "$WRONG_KEY"   # the keys of this private test only; the prober runs as root anyway
: > "$RESULTS/records.tsv"

# The attack programs and the good client, built from src/test/c against the installed libraries.
BIN=$RESULTS/bin
make -s -C "$ROOT/src/test/c" OUT="$BIN" stress >"$RESULTS/build.log" 2>&1 ||
    setup_failed "building the stress clients failed (see $RESULTS/build.log)"
PAYLOADS=$RESULTS/payloads
mkdir -p "$PAYLOADS"
for k in register pokes claim-max attrs-100x10000 plain-max-1mib bomb-cut deep-nesting attrs-one-element \
         invalid-utf8 huge-timeout huge-delay "${MALFORMED[@]}"; do
    python3 "$HERE/attacks.py" frame --max-mib "$MAX_MESSAGE_MIB" "$k" "$PAYLOADS/$k.bin" >/dev/null || setup_failed "could not make the $k frames"
done
python3 "$HERE/attacks.py" ipc-bomb "$PAYLOADS/ipc-bomb.bin" >/dev/null || setup_failed "could not make the IPC message"
chmod -R a+rX "$RESULTS"

# The node: private mounts (/run, /var/lib/pacemaker, /var/log/pacemaker, /etc/pacemaker, /dev/shm)
# plus its own /etc/passwd and /etc/group with the attacker: a user whose only right is being in
# haclient (the host's files are never changed).
prepare_node_dir remote
HACLIENT_GID=$(getent group haclient | cut -d: -f3)
[ -n "$HACLIENT_GID" ] || setup_failed "no haclient group (install pacemaker)"
ATTACKER_UID=64711
etc=$(node_dir remote)/etc
mkdir -p "$etc"
{ cat /etc/passwd; echo "jrstress:x:$ATTACKER_UID:$HACLIENT_GID:stress suite attacker:/nonexistent:/usr/sbin/nologin"; } > "$etc/passwd"
sed -E 's/^(haclient:[^:]*:[0-9]+:)(.*)$/\1\2,jrstress/; s/^(haclient:[^:]*:[0-9]+:),/\1/' /etc/group > "$etc/group"
chmod 644 "$etc/passwd" "$etc/group"
add_mount remote "$etc/passwd" /etc/passwd
add_mount remote "$etc/group" /etc/group

ip netns add "$STRESS_NS" || setup_failed "could not create the network namespace $STRESS_NS"
ip -n "$STRESS_NS" link set lo up
# Room for the floods: all local ports, TIME_WAIT pairs reusable (both per namespace).
ip netns exec "$STRESS_NS" sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1 ||
    log "warning: could not widen the port range in $STRESS_NS"
start_holder remote "$STRESS_NS" jrst-node || setup_failed "could not set up the namespace's holder"

# ------------------------------------------------------------------ scenarios
run_scenarios

teardown
summary_and_exit
