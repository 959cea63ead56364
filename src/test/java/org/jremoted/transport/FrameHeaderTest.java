package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FrameHeaderTest {
    private static final long LIMIT = 1 << 20;

    /** Builds header bytes by hand, independent of FrameHeader.encode. */
    static byte[] raw(ByteOrder order, int marker, int version, long id, long flags, long sizeTotal,
                      long payloadOffset, long compressed, long uncompressed) {
        return ByteBuffer.allocate(40).order(order).putInt(marker).putInt(version).putLong(id).putLong(flags)
                .putInt((int) sizeTotal).putInt((int) payloadOffset).putInt((int) compressed)
                .putInt((int) uncompressed).array();
    }

    static byte[] raw(long sizeTotal, long payloadOffset, long compressed, long uncompressed) {
        return raw(ByteOrder.LITTLE_ENDIAN, FrameHeader.MARKER, 1, 7, 0, sizeTotal, payloadOffset, compressed,
                uncompressed);
    }

    @Test
    void ourHeadersAreLittleEndianWithTheMarkerFirst() {
        byte[] b = FrameHeader.outgoing(5, 11, 0, 11).encode();
        assertEquals(FrameHeader.LENGTH, b.length);
        assertArrayEquals(new byte[] {(byte) 0xBD, (byte) 0xDB, (byte) 0xDA, (byte) 0xBA, 1, 0, 0, 0},
                java.util.Arrays.copyOf(b, 8));
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(5, le.getLong(8));
        assertEquals(0, le.getLong(16));
        assertEquals(51, le.getInt(24));
        assertEquals(40, le.getInt(28));
        assertEquals(0, le.getInt(32));
        assertEquals(11, le.getInt(36));
    }

    @Test
    void littleEndianHeaderDecodes() throws Exception {
        FrameHeader h = FrameHeader.decode(raw(ByteOrder.LITTLE_ENDIAN, FrameHeader.MARKER, 1, 0x0102030405L,
                0, 245, 40, 0, 205), LIMIT);
        assertEquals(ByteOrder.LITTLE_ENDIAN, h.byteOrder());
        assertEquals(1, h.version());
        assertEquals(0x0102030405L, h.id());
        assertEquals(245, h.sizeTotal());
        assertEquals(40, h.payloadOffset());
        assertEquals(0, h.payloadCompressed());
        assertEquals(205, h.payloadUncompressed());
        assertEquals(205, h.bodyLength());
    }

    @Test
    void bigEndianHeaderDecodesToTheSameFields() throws Exception {
        byte[] big = raw(ByteOrder.BIG_ENDIAN, FrameHeader.MARKER, 1, 0x0102030405L, 3, 245, 40, 0, 205);
        assertEquals((byte) 0xBA, big[0]);
        FrameHeader h = FrameHeader.decode(big, LIMIT);
        assertEquals(ByteOrder.BIG_ENDIAN, h.byteOrder());
        assertEquals(FrameHeader.SWAPPED_MARKER, h.endian());
        assertEquals(0x0102030405L, h.id());
        assertEquals(3, h.flags());
        assertEquals(245, h.sizeTotal());
        assertEquals(40, h.payloadOffset());
        assertEquals(205, h.payloadUncompressed());
        // Re-encoding keeps the sender's byte order, so the bytes come back unchanged.
        assertArrayEquals(big, h.encode());
    }

    @Test
    void encodeDecodeRoundTrip() throws Exception {
        FrameHeader h = FrameHeader.outgoing(Long.MAX_VALUE, 1000, 900, 4000);
        assertEquals(h, FrameHeader.decode(h.encode(), LIMIT));
    }

    @Test
    void decodeLeavesTheBufferPositionAlone() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(50);
        b.position(5);
        b.put(raw(45, 40, 0, 5));
        b.position(5);
        assertEquals(45, FrameHeader.decode(b, LIMIT).sizeTotal());
        assertEquals(5, b.position());
    }

    @Test
    void otherVersionsAndFlagsAreAccepted() throws Exception {
        FrameHeader h = FrameHeader.decode(raw(ByteOrder.LITTLE_ENDIAN, FrameHeader.MARKER, 2, 1, 0xFF, 50, 40, 0, 10),
                LIMIT);
        assertEquals(2, h.version());
        assertEquals(0xFF, h.flags());
    }

    private static String rejected(byte[] header) {
        return assertThrows(MalformedFrameException.class, () -> FrameHeader.decode(header, LIMIT)).getMessage();
    }

    @Test
    void badMarkerIsRejected() {
        String m = rejected(raw(ByteOrder.LITTLE_ENDIAN, 0x12345678, 1, 1, 0, 50, 40, 0, 10));
        assertTrue(m.contains("endian marker"), m);
        // Plain text where a header should be (e.g. a peer speaking XML without framing).
        assertTrue(rejected("<lrmd_command t=\"lrmd\" lrmd_op=\"lrmd_rsc_poke\" lrmd_remote_msg_id=\"2\"/>".getBytes()).contains("marker"));
    }

    @Test
    void truncatedHeaderIsRejected() {
        assertTrue(rejected(new byte[39]).contains("truncated"));
    }

    @Test
    void sizeTotalSmallerThanTheHeaderIsRejected() {
        assertTrue(rejected(raw(39, 40, 0, 1)).contains("size_total 39"));
        assertTrue(rejected(raw(0, 40, 0, 1)).contains("size_total 0"));
    }

    @Test
    void sizeTotalOverTheLimitIsRejected() throws Exception {
        assertEquals(LIMIT, FrameHeader.decode(raw(LIMIT, 40, 0, 1), LIMIT).sizeTotal());
        assertTrue(rejected(raw(LIMIT + 1, 40, 0, 1)).contains("exceeds the limit"));
        // Read as unsigned: the largest uint32 must not wrap to -1 and slip through.
        String m = rejected(raw(0xFFFFFFFFL, 40, 0, 1));
        assertTrue(m.contains("4294967295"), m);
    }

    @Test
    void payloadOffsetOutsideTheMessageIsRejected() {
        assertTrue(rejected(raw(50, 0, 0, 10)).contains("payload_offset 0"));
        assertTrue(rejected(raw(50, 39, 0, 10)).contains("payload_offset 39"));
        assertTrue(rejected(raw(50, 51, 0, 10)).contains("payload_offset 51"));
        assertTrue(rejected(raw(50, 0xFFFFFFF0L, 0, 10)).contains("payload_offset"));
    }

    @Test
    void payloadOffsetAtTheEndIsAnEmptyPayload() throws Exception {
        assertEquals(0, FrameHeader.decode(raw(50, 50, 0, 1), LIMIT).sizeTotal() - 50);
    }

    @Test
    void zeroUncompressedLengthIsRejected() {
        assertTrue(rejected(raw(50, 40, 0, 0)).contains("payload_uncompressed is 0"));
    }

    @Test
    void compressedLengthMustFitTheMessage() throws Exception {
        FrameHeader.decode(raw(50, 40, 10, 100), LIMIT);
        assertTrue(rejected(raw(50, 40, 11, 100)).contains("payload_compressed 11"));
        assertTrue(rejected(raw(50, 44, 7, 100)).contains("payload_compressed 7"));
    }

    @Test
    void compressedPayloadMayNotExpandBeyondTheLimit() {
        // Guards against a small message that asks us to allocate gigabytes for its decompression.
        assertTrue(rejected(raw(50, 40, 10, LIMIT + 1)).contains("payload_uncompressed"));
    }
}
