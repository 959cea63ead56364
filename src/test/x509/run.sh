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
# Usage: src/test/x509/run.sh   (needs gnutls-bin, openssl; JREMOTED_JAR or a built target/)
# Exit status 0 only if every check passed.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
project=$(cd "$here/../../.." && pwd -P)
REMOTED_CMD=${REMOTED_CMD:-$project/bin/jremoted}
work=$(mktemp -d /tmp/jremoted-x509.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
failures=0
passes=0
daemon_pid=

log() { printf '[x509] %s\n' "$*" >&2; }
check() {   # check DESCRIPTION CMD...
    local what=$1; shift
    if "$@"; then log "ok: $what"; passes=$((passes + 1)); else log "FAILED: $what"; failures=$((failures + 1)); fi
}
cleanup() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null
    fi
    if [ $failures -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else log "files kept in $work"; fi
}
trap cleanup EXIT

for tool in certtool gnutls-cli openssl python3; do
    command -v $tool >/dev/null || { log "missing $tool"; exit 2; }
done

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
    [ -s "$f" ] || { log "certtool failed to make $f"; exit 2; }
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
        ss -Hltn "sport = :$port" | grep -q LISTEN && return 0
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

log "starting $REMOTED_CMD on port $port"
if ! start_daemon remote1-key.pem crl.pem; then
    log "daemon did not start:"; cat remoted.out >&2; failures=1; exit 1
fi

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
psk_hex=$(od -An -tx1 -v authkey | tr -d ' \n')
(cat register.bin; sleep 3) | timeout 20 gnutls-cli --port=$port --pskusername=lrmd --pskkey="$psk_hex" \
    --priority='NORMAL:-KX-ALL:+PSK:+DHE-PSK:+ECDHE-PSK' --insecure localhost >psk.out 2>psk.err
check "PSK-only client refused (no PSK fallback)" no_reply psk

sign_on again --x509certfile=node1.pem --x509keyfile=node1-key.pem
check "good client still accepted after the refusals" got_reply again
check "daemon still running" kill -0 "$daemon_pid"
stop_daemon

# PKCS#8 server key, no CRL.
if start_daemon remote1-key.p8.pem; then
    sign_on pkcs8 --x509certfile=node1.pem --x509keyfile=node1-key.pem
    check "PKCS#8 server key works" got_reply pkcs8
    stop_daemon
else
    check "daemon starts with a PKCS#8 key" false
fi

# A key that does not belong to the certificate: TLS set-up fails, exit 100 (do not respawn).
start_daemon node1-key.pem
wait "$daemon_pid" 2>/dev/null; rc=$?; daemon_pid=
check "mismatched key stops the daemon with exit status 100 (got $rc)" test "$rc" = 100

log "$failures failure(s)"
echo "x509: $passes passed, $failures failed"
[ $failures -eq 0 ]
