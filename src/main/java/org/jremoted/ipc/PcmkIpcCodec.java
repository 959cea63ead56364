package org.jremoted.ipc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jremoted.support.Bzip2;

/**
 * Pacemaker's message layer inside one libqb IPC message (docs/proxy.md §8): a 40-byte header that
 * starts with libqb's {@code {id, size, error}} (each 8-aligned), then Pacemaker's fields, then the
 * XML text and a NUL. Two dialects share the 40 bytes:
 * <ul>
 * <li>2.1: {@code size_uncompressed@24, size_compressed@28, flags@32, version@36}; a message too
 * large for the buffer is bzip2-compressed (flag 0x1);</li>
 * <li>3.0: {@code size@24, flags@28, version@32, part_id@34}; a large message is split into parts
 * (0x80000 every part, 0x100000 the last), each part's text NUL-terminated.</li>
 * </ul>
 * The version byte (1) sits at a different offset in each, which tells them apart; the padding
 * where the other dialect keeps its version is zero because both allocate headers zeroed.
 * Host byte order, as both ends are on this machine (x86-64, little-endian).
 */
public final class PcmkIpcCodec {

    public static final int HEADER_SIZE = 40;
    public static final int VERSION = 1;

    public static final int FLAG_COMPRESSED = 0x1;
    public static final int FLAG_PROXIED = 0x100;
    public static final int FLAG_CLIENT_RESPONSE = 0x200;
    public static final int FLAG_SERVER_EVENT = 0x10000;
    public static final int FLAG_MULTIPART = 0x80000;
    public static final int FLAG_MULTIPART_END = 0x100000;

    /** Pacemaker's default {@code PCMK_ipc_buffer}, and the floor it enforces. */
    public static final int DEFAULT_BUFFER_SIZE = 131072;
    public static final int MIN_BUFFER_SIZE = 12336;

    /** Bounds what a local client can make us buffer or inflate for one message. */
    static final int MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

    /**
     * What an unprivileged local client of {@code lrmd} may send in one message: it may only
     * register and poke (docs/hardening.md, "Local clients"), and those requests are a few hundred
     * bytes. Applied before anything is inflated or parsed, so the privilege check that follows
     * never sees a large message from such a client.
     */
    public static final int UNPRIVILEGED_MAX_MESSAGE_SIZE = 64 * 1024;

    /** The Pacemaker release whose framing a local client speaks. */
    public enum Dialect { V2_1, V3_0 }

    /** One complete message: libqb id, Pacemaker flags, XML text without the NUL. */
    public record Message(int id, int flags, Dialect dialect, byte[] text) {
    }

    private PcmkIpcCodec() {
    }

    /** {@code PCMK_ipc_buffer} as Pacemaker reads it: unset or invalid gives the default. */
    public static int bufferSize(String configured) {
        long v = 0;
        if (configured != null) {
            try {
                v = Long.parseLong(configured.trim());
            } catch (NumberFormatException e) {
                v = 0;
            }
        }
        if (v <= 0) {
            return DEFAULT_BUFFER_SIZE;
        }
        return (int) Math.min(Math.max(v, MIN_BUFFER_SIZE), MAX_MESSAGE_SIZE);
    }

    /**
     * Reassembles the messages of one connection: a 2.1 message is complete at once, a 3.0 one
     * possibly only after its last part. Not thread-safe; one per connection.
     */
    public static final class Assembler {
        private final int maxMessage;
        private ByteArrayOutputStream parts;
        private int partsId;
        private int partsFlags;
        private int nextPart;

        /** An assembler allowing messages up to {@link #MAX_MESSAGE_SIZE}. */
        public Assembler() {
            this(MAX_MESSAGE_SIZE);
        }

        /** @param maxMessage the largest text (inflated or reassembled) accepted from this client */
        public Assembler(int maxMessage) {
            this.maxMessage = Math.min(maxMessage, MAX_MESSAGE_SIZE);
        }

        public int maxMessage() {
            return maxMessage;
        }

        /** The complete message, or null when this was a non-final part. */
        public Message add(byte[] raw) throws MalformedIpcException {
            if (raw.length < HEADER_SIZE) {
                throw new MalformedIpcException("message of " + raw.length + " bytes is shorter than the header");
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
            int id = b.getInt(0);
            int qbSize = b.getInt(8);
            if (qbSize != raw.length) {
                throw new MalformedIpcException("libqb size " + qbSize + " but " + raw.length + " bytes received");
            }
            if (raw[36] == VERSION) {
                parts = null;
                return decode21(b, id, raw, maxMessage);
            }
            if (raw[32] == VERSION) {
                return add30(b, id, raw);
            }
            throw new MalformedIpcException("unsupported IPC header version " + raw[36] + "/" + raw[32]);
        }

        private Message add30(ByteBuffer b, int id, byte[] raw) throws MalformedIpcException {
            int size = b.getInt(24);
            int flags = b.getInt(28);
            int part = Short.toUnsignedInt(b.getShort(34));
            if (size < 0 || size > raw.length - HEADER_SIZE) {
                throw new MalformedIpcException("payload size " + size + " exceeds the message");
            }
            if (size > maxMessage) {
                parts = null;
                throw new MalformedIpcException("message of " + size + " bytes exceeds the limit of " + maxMessage);
            }
            if ((flags & FLAG_MULTIPART) == 0) {
                parts = null;
                return new Message(id, flags, Dialect.V3_0, text(raw, HEADER_SIZE, size));
            }
            byte[] chunk = text(raw, HEADER_SIZE, size);
            if (part == 0) {
                parts = new ByteArrayOutputStream();
                partsId = id;
                partsFlags = flags & ~(FLAG_MULTIPART | FLAG_MULTIPART_END);
                nextPart = 1;
            } else if (parts == null || id != partsId || part != nextPart) {
                parts = null;
                throw new MalformedIpcException("part " + part + " of message " + id + " out of sequence");
            } else {
                nextPart++;
            }
            if (parts.size() + chunk.length > maxMessage) {
                parts = null;
                throw new MalformedIpcException("multipart message larger than " + maxMessage + " bytes");
            }
            parts.writeBytes(chunk);
            if ((flags & FLAG_MULTIPART_END) == 0) {
                return null;
            }
            byte[] all = parts.toByteArray();
            parts = null;
            return new Message(partsId, partsFlags, Dialect.V3_0, all);
        }
    }

    private static Message decode21(ByteBuffer b, int id, byte[] raw, int maxMessage) throws MalformedIpcException {
        int uncompressed = b.getInt(24);
        int compressed = b.getInt(28);
        int flags = b.getInt(32);
        if (uncompressed < 0 || uncompressed > maxMessage) {
            // Checked before inflating: a few hundred bytes of bzip2 can claim (and make) megabytes.
            throw new MalformedIpcException("uncompressed size " + Integer.toUnsignedString(uncompressed)
                    + " exceeds the limit of " + maxMessage);
        }
        if (compressed == 0) {
            if (uncompressed > raw.length - HEADER_SIZE) {
                throw new MalformedIpcException("payload size " + uncompressed + " exceeds the message");
            }
            return new Message(id, flags, Dialect.V2_1, text(raw, HEADER_SIZE, uncompressed));
        }
        if (compressed < 0 || compressed > raw.length - HEADER_SIZE) {
            throw new MalformedIpcException("compressed size " + compressed + " exceeds the message");
        }
        byte[] inflated = bunzip2(raw, HEADER_SIZE, compressed, uncompressed);
        return new Message(id, flags & ~FLAG_COMPRESSED, Dialect.V2_1, text(inflated, 0, inflated.length));
    }

    /** The text of a NUL-terminated payload, stopping at the first NUL. */
    private static byte[] text(byte[] raw, int from, int size) {
        int end = from;
        int limit = from + size;
        while (end < limit && raw[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(raw, from, end);
    }

    private static byte[] bunzip2(byte[] raw, int from, int length, int expected) throws MalformedIpcException {
        try (InputStream in = Bzip2.inflating(raw, from, length)) {
            // Exactly the declared size, in one array: no growing copies on the way.
            byte[] out = new byte[expected];
            int filled = in.readNBytes(out, 0, expected);
            if (in.read() >= 0) {
                throw new MalformedIpcException("compressed payload inflates beyond its declared " + expected + " bytes");
            }
            return filled == expected ? out : Arrays.copyOf(out, filled);
        } catch (IOException | RuntimeException e) {
            throw new MalformedIpcException("bad bzip2 payload: " + e.getMessage());
        }
    }

    /**
     * The libqb message(s) carrying {@code text}: one for 2.1 (compressed when header + text + NUL
     * would not be smaller than the buffer, as 2.1.5 decides), one or more parts for 3.0.
     *
     * @throws MalformedIpcException when a 2.1 message does not fit even compressed
     */
    public static List<byte[]> encode(Dialect dialect, int id, int flags, byte[] text, int bufferSize)
            throws MalformedIpcException {
        return dialect == Dialect.V2_1 ? List.of(encode21(id, flags, text, bufferSize))
                : encode30(id, flags, text, bufferSize);
    }

    private static byte[] encode21(int id, int flags, byte[] text, int bufferSize) throws MalformedIpcException {
        int uncompressed = text.length + 1;
        if (HEADER_SIZE + uncompressed < bufferSize) {
            ByteBuffer b = header(id, HEADER_SIZE + uncompressed);
            b.putInt(24, uncompressed).putInt(28, 0).putInt(32, flags).put(36, (byte) VERSION);
            b.position(HEADER_SIZE);
            b.put(text).put((byte) 0);
            return b.array();
        }
        byte[] withNul = Arrays.copyOf(text, uncompressed);
        byte[] packed = Bzip2.compress(withNul);
        if (HEADER_SIZE + packed.length > bufferSize) {
            throw new MalformedIpcException("message of " + uncompressed + " bytes does not fit the IPC buffer of "
                    + bufferSize + " bytes even compressed (" + packed.length + "); raise PCMK_ipc_buffer");
        }
        ByteBuffer b = header(id, HEADER_SIZE + packed.length);
        b.putInt(24, uncompressed).putInt(28, packed.length).putInt(32, flags | FLAG_COMPRESSED)
                .put(36, (byte) VERSION);
        b.position(HEADER_SIZE);
        b.put(packed);
        return b.array();
    }

    private static List<byte[]> encode30(int id, int flags, byte[] text, int bufferSize) {
        int room = bufferSize - HEADER_SIZE - 1;
        if (text.length <= room) {
            return List.of(part30(id, flags, 0, text, 0, text.length));
        }
        List<byte[]> out = new ArrayList<>();
        int part = 0;
        for (int off = 0; off < text.length; off += room, part++) {
            int len = Math.min(room, text.length - off);
            boolean last = off + len >= text.length;
            int partFlags = flags | FLAG_MULTIPART | (last ? FLAG_MULTIPART_END : 0);
            out.add(part30(id, partFlags, part, text, off, len));
        }
        return out;
    }

    private static byte[] part30(int id, int flags, int part, byte[] text, int off, int len) {
        ByteBuffer b = header(id, HEADER_SIZE + len + 1);
        b.putInt(24, len + 1).putInt(28, flags).put(32, (byte) VERSION).putShort(34, (short) part);
        b.position(HEADER_SIZE);
        b.put(text, off, len).put((byte) 0);
        return b.array();
    }

    private static ByteBuffer header(int id, int total) {
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(0, id).putInt(8, total).putInt(16, 0);
        return b;
    }

    /** A local client's message that cannot be decoded (or ours that cannot be encoded). */
    public static final class MalformedIpcException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedIpcException(String message) {
            super(message);
        }
    }
}
