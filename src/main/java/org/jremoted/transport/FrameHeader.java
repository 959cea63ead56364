package org.jremoted.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed 40-byte header in front of every Pacemaker Remote message (docs/protocol.md §3). C peers write
 * it in their native byte order and mark it with {@link #MARKER}; the receiver tells the order from
 * how the marker reads. The four size fields are unsigned 32-bit on the wire and kept as
 * non-negative longs here so that no value can turn negative.
 *
 * @param endian              the first four bytes read little-endian: {@link #MARKER} from a
 *                            little-endian sender, {@link #SWAPPED_MARKER} from a big-endian one
 * @param version             header version, 1 from every known peer; informational
 * @param id                  sender's message counter; informational
 * @param flags               always 0 from known peers; informational
 * @param sizeTotal           bytes on the wire for the whole message, header included
 * @param payloadOffset       where the payload starts, counted from the start of the header
 * @param payloadCompressed   length of the bzip2 stream, or 0 when the payload is plain text
 * @param payloadUncompressed length of the text including its trailing NUL
 */
public record FrameHeader(int endian, int version, long id, long flags, long sizeTotal,
                          long payloadOffset, long payloadCompressed, long payloadUncompressed) {

    public static final int LENGTH = 40;
    public static final int MARKER = 0xBADADBBD;
    public static final int SWAPPED_MARKER = Integer.reverseBytes(MARKER);
    public static final int VERSION = 1;

    /** Header for a message we send: little-endian, version 1, payload right after the header. */
    public static FrameHeader outgoing(long id, long payloadWireLength, long payloadCompressed,
                                       long payloadUncompressed) {
        return new FrameHeader(MARKER, VERSION, id, 0, LENGTH + payloadWireLength, LENGTH,
                payloadCompressed, payloadUncompressed);
    }

    public ByteOrder byteOrder() {
        return endian == SWAPPED_MARKER ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    public boolean compressed() {
        return payloadCompressed != 0;
    }

    /** Bytes still to come after the 40 header bytes. */
    public long bodyLength() {
        return sizeTotal - LENGTH;
    }

    /**
     * Reads and validates the 40 bytes at the buffer's position without moving it. Everything that
     * would leave the stream unframeable, or make us allocate more than {@code maxSizeTotal}, is
     * rejected here, before a single payload byte is buffered.
     */
    public static FrameHeader decode(ByteBuffer buffer, long maxSizeTotal) throws MalformedFrameException {
        if (buffer.remaining() < LENGTH) {
            throw new MalformedFrameException("truncated header: " + buffer.remaining() + " of " + LENGTH + " bytes");
        }
        ByteBuffer b = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        int marker = b.getInt(0);
        if (marker == SWAPPED_MARKER) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (marker != MARKER) {
            throw new MalformedFrameException(String.format(
                    "bad endian marker 0x%08X (expected 0x%08X in either byte order)", marker, MARKER));
        }
        FrameHeader h = new FrameHeader(marker, b.getInt(4), b.getLong(8), b.getLong(16),
                Integer.toUnsignedLong(b.getInt(24)), Integer.toUnsignedLong(b.getInt(28)),
                Integer.toUnsignedLong(b.getInt(32)), Integer.toUnsignedLong(b.getInt(36)));
        h.validate(maxSizeTotal);
        return h;
    }

    public static FrameHeader decode(byte[] bytes, long maxSizeTotal) throws MalformedFrameException {
        return decode(ByteBuffer.wrap(bytes), maxSizeTotal);
    }

    private void validate(long maxSizeTotal) throws MalformedFrameException {
        if (sizeTotal < LENGTH) {
            throw new MalformedFrameException("size_total " + sizeTotal + " is smaller than the header");
        }
        if (sizeTotal > maxSizeTotal) {
            throw new MalformedFrameException("size_total " + sizeTotal + " exceeds the limit of "
                    + maxSizeTotal + " bytes");
        }
        if (payloadOffset < LENGTH || payloadOffset > sizeTotal) {
            throw new MalformedFrameException("payload_offset " + payloadOffset
                    + " is outside the message (header 40, size_total " + sizeTotal + ")");
        }
        if (payloadUncompressed == 0) {
            throw new MalformedFrameException("payload_uncompressed is 0");
        }
        if (compressed()) {
            if (payloadCompressed > sizeTotal - payloadOffset) {
                throw new MalformedFrameException("payload_compressed " + payloadCompressed
                        + " runs past size_total " + sizeTotal + " (payload_offset " + payloadOffset + ")");
            }
            // The decompressed text is allocated up front, so it is held to the same limit.
            if (payloadUncompressed > maxSizeTotal) {
                throw new MalformedFrameException("payload_uncompressed " + payloadUncompressed
                        + " exceeds the limit of " + maxSizeTotal + " bytes");
            }
        }
    }

    /** The 40 wire bytes in the order the marker announces (little-endian for our own headers). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(byteOrder());
        b.putInt(MARKER).putInt(version).putLong(id).putLong(flags)
                .putInt((int) sizeTotal).putInt((int) payloadOffset)
                .putInt((int) payloadCompressed).putInt((int) payloadUncompressed);
        return b.array();
    }

    @Override
    public String toString() {
        return String.format("FrameHeader[%s, version=%d, id=%d, flags=%d, size_total=%d, payload_offset=%d,"
                        + " payload_compressed=%d, payload_uncompressed=%d]",
                byteOrder() == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian",
                Integer.toUnsignedLong(version), id, flags, sizeTotal, payloadOffset, payloadCompressed,
                payloadUncompressed);
    }
}
