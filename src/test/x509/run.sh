#!/bin/bash
# Pacemaker 3.0.1 X.509 mode against a real GnuTLS peer.
#
# Debian 13 ships Pacemaker 3.0.0, which predates certificate support, so the peer here is
# GnuTLS itself (gnutls-cli, the library every Pacemaker node links): certificates are made
# with certtool, jremoted is started with PCMK_cert_file/PCMK_ca_file/PCMK_key_file[/PCMK_crl_file]
# and a valid authkey next to it (which must not be used), and then
#   * a client certificate from the CA connects and completes a register sign-on;
#   * a certificate from another CA, a revoked certificate, no certificate and a PSK-only client
#     are refused and never get a reply;
#   * the daemon warns that its own certificate expires within 30 days;
#   * a key that does not match the certificate stops the daemon with exit status 100.
#
#   run.sh [--only NAME,...] [--keep] [--results DIR] [--list]
#
# Needs gnutls-bin, openssl; REMOTED_CMD (default <project>/bin/jremoted). Prints "PASS check" or
# "FAIL check: reason" and one line "x509: N passed, N failed"; exit status 0 only if every check
# passed. The certificates and logs stay in the results directory (default
# <project>/target/x509-results); --keep has nothing else to keep.
set -uo pipefail
exec </dev/null
here=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$here/../../.." && pwd -P)
SUITE_TAG=x509
# shellcheck source=../cluster/lib.sh
source "$ROOT/src/test/cluster/lib.sh"
SCENARIOS=(certificate_sessions pkcs8_server_key mismatched_key_exits_100)
usage() { sed -n '2,19p' "$0"; }
RESULTS=${X509_RESULTS:-$ROOT/target/x509-results}
parse_suite_options "$@"
REMOTED_CMD=${REMOTED_CMD:-$ROOT/bin/jremoted}
work=$RESULTS
port=$(( 20000 + RANDOM % 20000 ))
daemon_pid=
suite_teardown() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null
    fi
    log "files in $work"
}
suite_keep() { suite_teardown; }
# No namespaces: a random loopback port, nothing to lock, no root needed.
suite_begin x509 --no-lock --no-root --leftovers true

for tool in certtool gnutls-cli openssl python3; do
    command -v $tool >/dev/null || setup_failed "missing $tool"
done
find "$work" -mindepth 1 -delete

# ------------------------------------------------------------------ certificates
cd "$work" || exit 2
template() {   # template FILE CN [extra lines...]
    local f=$1 cn=$2; shift 2
    { echo "cn = \"$cn\""; echo "serial = $(( RANDOM * 32768 + RANDOM ))"; printf '%s\n' "$@"; } > "$f"
}
make_ca() {    # make_ca NAME
    certtool --generate-privkey --outfile "$1-key.pem" 2>/dev/null
    template "$1.tmpl" "$1" "ca" "cert_signing_key" "crl_signing_key" "expiration_days = 365"
    certtool --generate-self-signed --load-privkey "$1-key.pem" --template "$1.tmpl" --outfile "$1.pem" 2>/dev/null
}
make_cert() {  # make_cert NAME CA DAYS ROLE
    certtool --generate-privkey --outfile "$1-key.pem" 2>/dev/null
    template "$1.tmpl" "$1" "expiration_days = $3" "signing_key" "encryption_key" "$4" \
        'dns_name = "localhost"' 'ip_address = "127.0.0.1"'
    certtool --generate-certificate --load-privkey "$1-key.pem" --load-ca-certificate "$2.pem" \
        --load-ca-privkey "$2-key.pem" --template "$1.tmpl" --outfile "$1.pem" 2>/dev/null
}
make_ca cluster-ca
make_ca other-ca
# The remote node's own certificate expires in 20 days: the daemon must warn about it.
make_cert remote1 cluster-ca 20 tls_www_server
make_cert node1 cluster-ca 365 tls_www_client
make_cert stolen cluster-ca 365 tls_www_client
make_cert intruder other-ca 365 tls_www_client
template crl.tmpl cluster-ca "crl_next_update = 30" "crl_number = 1"
certtool --generate-crl --load-ca-privkey cluster-ca-key.pem --load-ca-certificate cluster-ca.pem \
    --load-certificate stolen.pem --template crl.tmpl --outfile crl.pem 2>/dev/null
for f in cluster-ca.pem remote1.pem remote1-key.pem node1.pem crl.pem; do
    [ -s "$f" ] || setup_failed "certtool failed to make $f"
done
grep -q 'BEGIN RSA PRIVATE KEY' remote1-key.pem && log "server key is PKCS#1 (certtool default)"
# The server key once more as PKCS#8, for a second daemon start below.
openssl pkcs8 -topk8 -nocrypt -in remote1-key.pem -out remote1-key.p8.pem 2>/dev/null
# A valid PSK key the daemon can read: X.509 mode must not use it.
head -c 256 /dev/urandom > authkey

# ------------------------------------------------------------------ daemon
start_daemon() {   # start_daemon KEYFILE [CRL]
    : > remoted.out
    env PCMK_remote_port=$port PCMK_logfile="$work/remoted.log" PCMK_authkey_location="$work/authkey" \
        PCMK_cert_file="$work/remote1.pem" PCMK_key_file="$work/$1" PCMK_ca_file="$work/cluster-ca.pem" \
        ${2:+PCMK_crl_file="$work/$2"} $REMOTED_CMD >>remoted.out 2>&1 </dev/null &
    daemon_pid=$!
    local i
    for i in $(seq 1 80); do
        [[ $(ss -Hltn "sport = :$port") == *LISTEN* ]] && return 0
        kill -0 $daemon_pid 2>/dev/null || return 1
        sleep 0.25
    done
    return 1
}
stop_daemon() {
    kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; daemon_pid=
}

# A register request exactly as a 3.0 controller frames it: 40-byte little-endian header, XML, NUL.
python3 - <<'PY' > register.bin
import struct, sys
xml = b'<lrmd_command t="lrmd" lrmd_op="register" lrmd_clientname="x509-test" lrmd_protocol_version="1.2" lrmd_is_ipc_provider="false" lrmd_remote_msg_id="1" lrmd_remote_msg_type="request"/>\0'
hdr = struct.pack('<IIQQIIII', 0xBADADBBD, 1, 1, 0, 40 + len(xml), 40, 0, len(xml))
sys.stdout.buffer.write(hdr + xml)
PY

# sign_on NAME GNUTLS-ARGS...: send the register frame, keep the session open 3 s for the reply.
sign_on() {
    local name=$1; shift
    (cat register.bin; sleep 3) | timeout 20 gnutls-cli --port=$port --x509cafile=cluster-ca.pem "$@" localhost \
        >"$name.out" 2>"$name.err"
    echo $? > "$name.rc"
}
got_reply() { grep -aq 'lrmd_op="register"' "$1.out" && grep -aq 'lrmd_clientid="[0-9a-f-]\{36\}"' "$1.out"; }
no_reply() { ! grep -aq '<lrmd_reply' "$1.out"; }
reply_has() { grep -aq "$2" "$1.out"; }
log_has() { grep -q "$1" remoted.log remoted.out 2>/dev/null; }

scenario_certificate_sessions() {
    log "starting $REMOTED_CMD on port $port"
    start_daemon remote1-key.pem crl.pem || { fail "daemon did not start: $(tail -5 remoted.out)"; return 1; }

    sign_on good --x509certfile=node1.pem --x509keyfile=node1-key.pem
    check "CA-signed client certificate completes the sign-on" got_reply good
    check "reply announces protocol 1.2" reply_has good 'lrmd_protocol_version="1.2"'
    check "reply carries uptime" reply_has good 'uptime="[0-9]'
    check "server certificate verified by GnuTLS against the CA" grep -aq 'certificate is trusted' good.out good.err
    check "daemon logged the client's certificate" log_has 'authenticated by certificate.*node1'
    check "daemon warned that its own certificate expires within 30 days" log_has 'will expire on'

    sign_on other-ca --x509certfile=intruder.pem --x509keyfile=intruder-key.pem
    check "certificate from another CA refused" no_reply other-ca
    check "daemon logged why (other CA)" log_has "intruder' not accepted"

    sign_on revoked --x509certfile=stolen.pem --x509keyfile=stolen-key.pem
    check "revoked certificate refused" no_reply revoked
    check "daemon logged why (revoked)" log_has "stolen' not accepted.*revoked"

    sign_on nocert
    check "client without certificate refused" no_reply nocert

    # PSK-only: GnuTLS client with the daemon's own (valid) authkey and no certificate support.
    local psk_hex; psk_hex=$(od -An -tx1 -v authkey | tr -d ' \n')
    (cat register.bin; sleep 3) | timeout 20 gnutls-cli --port=$port --pskusername=lrmd --pskkey="$psk_hex" \
        --priority='NORMAL:-KX-ALL:+PSK:+DHE-PSK:+ECDHE-PSK' --insecure localhost >psk.out 2>psk.err
    check "PSK-only client refused (no PSK fallback)" no_reply psk

    sign_on again --x509certfile=node1.pem --x509keyfile=node1-key.pem
    check "good client still accepted after the refusals" got_reply again
    check "daemon still running" kill -0 "$daemon_pid"
    stop_daemon
}

# PKCS#8 server key, no CRL.
scenario_pkcs8_server_key() {
    start_daemon remote1-key.p8.pem || { fail "daemon did not start with a PKCS#8 key: $(tail -5 remoted.out)"; return 1; }
    sign_on pkcs8 --x509certfile=node1.pem --x509keyfile=node1-key.pem
    check "PKCS#8 server key works" got_reply pkcs8
    stop_daemon
}

# A key that does not belong to the certificate: TLS set-up fails, exit 100 (do not respawn).
scenario_mismatched_key_exits_100() {
    local rc
    start_daemon node1-key.pem
    wait "$daemon_pid" 2>/dev/null; rc=$?; daemon_pid=
    check "mismatched key stops the daemon with exit status 100 (got $rc)" test "$rc" = 100
}

run_checked_scenarios
teardown
summary_and_exit
