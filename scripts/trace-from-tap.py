#!/usr/bin/env python3
"""Turn a tlstap recording (src/test/c/tlstap.c) of pacemaker-remoted into the *.xml-log format of
test-fixtures/traces (docs/traces.md).

  trace-from-tap.py TAPFILE SCENARIO > OUT.xml-log

Each session's bytes are put together per direction and cut into Pacemaker Remote frames (a 40-byte
header, then the payload, bzip2-compressed when payload_compressed > 0); a message is stamped with
the time of the record that completed it.
"""
import bz2
import struct
import sys

HEADER = 40
MARKER = 0xBADADBBD


def records(path):
    with open(path, 'rb') as f:
        data = f.read()
    pos = 0
    while pos + 21 <= len(data):
        direction = chr(data[pos])
        session, ns, length = struct.unpack_from('<QQI', data, pos + 1)
        body = data[pos + 21:pos + 21 + length]
        if len(body) < length:
            break
        yield direction, session, ns, body
        pos += 21 + length


def header_fields(buf):
    for order, fmt in (('little', '<'), ('big', '>')):
        marker, version, msg_id, flags, size_total, offset, compressed, uncompressed = \
            struct.unpack_from(fmt + 'IIQQIIII', buf)
        if marker == MARKER:
            return dict(id=msg_id, version=version, flags=flags, size_total=size_total,
                        payload_offset=offset, payload_compressed=compressed,
                        payload_uncompressed=uncompressed, byte_order=order)
    raise ValueError('no frame marker at the start of a message')


def main():
    tap, scenario = sys.argv[1], sys.argv[2]
    buffers, conns, messages = {}, {}, []
    start = None
    for direction, session, ns, body in records(tap):
        start = ns if start is None else start
        conn = conns.setdefault(session, len(conns) + 1)
        key = (session, direction)
        buf = buffers.get(key, b'') + body
        while len(buf) >= HEADER:
            h = header_fields(buf)
            if len(buf) < h['size_total']:
                break
            payload = buf[h['payload_offset']:h['size_total']]
            if h['payload_compressed']:
                payload = bz2.decompress(payload)
            text = payload.rstrip(b'\0').decode('utf-8')
            messages.append((ns, conn, 'cluster->remote' if direction == '<' else 'remote->cluster', h, text))
            buf = buf[h['size_total']:]
        buffers[key] = buf
    trailing = sum(len(b) for b in buffers.values())
    out = sys.stdout
    out.write('# Pacemaker Remote messages between a Pacemaker cluster node and the C pacemaker-remoted,\n'
              '# taken from the plaintext of the daemon\'s TLS sessions (src/test/c/tlstap.c,\n'
              '# scripts/record-trace.sh; docs/traces.md).\n'
              f'# scenario: {scenario}\n'
              '# One block per message: a line starting with \'=== #\', then the XML\n'
              '# payload exactly as framed (its trailing NUL removed).\n'
              '#   cluster->remote  received by the daemon\n'
              '#   remote->cluster  sent by the daemon\n'
              '#   conn  TLS connection number within this capture\n'
              '#   t     seconds since the first message\n'
              '#   hdr   the frame header fields (id is the sender\'s message counter)\n'
              f'# messages: {len(messages)}, connections: {len(conns)}, unframed trailing bytes: {trailing}\n')
    for n, (ns, conn, direction, h, text) in enumerate(messages, 1):
        out.write(f'\n=== #{n} {direction} conn={conn} t={(ns - start) / 1e9:.3f} hdr: id={h["id"]}'
                  f' version={h["version"]} flags={h["flags"]} size_total={h["size_total"]}'
                  f' payload_offset={h["payload_offset"]} payload_compressed={h["payload_compressed"]}'
                  f' payload_uncompressed={h["payload_uncompressed"]} byte_order={h["byte_order"]}\n{text}\n')


if __name__ == '__main__':
    main()
