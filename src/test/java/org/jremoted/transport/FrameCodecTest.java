package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final long LIMIT = 1 << 24;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bzip2(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out)) {
            bz.write(data);
        }
        return out.toByteArray();
    }

    /** Text large and repetitive enough that bzip2 shrinks it. */
    static String bigXml() {
        StringBuilder sb = new StringBuilder("<lrmd_notify lrmd_op=\"lrmd_rsc_exec\" lrmd_rsc_output=\"");
        for (int i = 0; i < 2000; i++) {
            sb.append("line ").append(i % 10).append(" of agent output&#10;");
        }
        return sb.append("\"/>").toString();
    }

    static FrameHeader header(long sizeTotal, long compressed, long uncompressed) throws MalformedFrameException {
        return FrameHeader.decode(FrameHeaderTest.raw(sizeTotal, 40, compressed, uncompressed), LIMIT);
    }

    @Test
    void uncompressedFrameFollowsTheWireFormat() throws Exception {
        byte[] xml = utf8("<lrmd_reply lrmd_rc=\"0\"/>");
        FrameCodec.EncodedFrame f = FrameCodec.encode(xml, 0);
        FrameHeader h = FrameHeader.decode(f.headerBytes(), LIMIT);
        assertEquals(f.header(), h);
        assertEquals(40, f.headerBytes().length);
        assertEquals(40 + xml.length + 1, h.sizeTotal());
        assertEquals(40, h.payloadOffset());
        assertEquals(0, h.payloadCompressed());
        assertEquals(xml.length + 1, h.payloadUncompressed());
        assertEquals(1, h.version());
        assertEquals(0, h.flags());
        assertEquals(xml.length + 1, f.payload().length);
        assertEquals(0, f.payload()[xml.length]);
        assertArrayEquals(xml, Arrays.copyOf(f.payload(), xml.length));
    }

    @Test
    void idsStartAtOneAndIncreaseWithEverySend() {
        long first = FrameCodec.encode(utf8("<a/>"), 0).header().id();
        long second = FrameCodec.encode(utf8("<b/>"), 0).header().id();
        long third = FrameCodec.encode(utf8("<c/>"), 1).header().id();
        assertTrue(first >= 1, "counter is incremented before the first send");
        assertTrue(second > first && third > second, first + " " + second + " " + third);
    }

    @Test
    void zeroThresholdNeverCompresses() {
        byte[] xml = utf8(bigXml());
        FrameCodec.EncodedFrame f = FrameCodec.encode(xml, 0);
        assertEquals(0, f.header().payloadCompressed());
        assertEquals(xml.length + 1, f.payload().length);
    }

    @Test
    void textAtOrBelowTheThresholdIsNotCompressed() {
        byte[] xml = utf8("<a b=\"c\"/>");
        assertEquals(0, FrameCodec.encode(xml, xml.length).header().payloadCompressed());
        assertNotEquals(0, FrameCodec.encode(xml, xml.length - 1).header().payloadCompressed());
    }

    @Test
    void compressedFrameRoundTrips() throws Exception {
        byte[] xml = utf8(bigXml());
        FrameCodec.EncodedFrame f = FrameCodec.encode(xml, 1024);
        FrameHeader h = FrameHeader.decode(f.headerBytes(), LIMIT);
        assertEquals(f.payload().length, h.payloadCompressed());
        assertEquals(40 + f.payload().length, h.sizeTotal());
        assertEquals(xml.length + 1, h.payloadUncompressed());
        assertTrue(f.payload().length < xml.length / 4, "compression should pay off on repetitive text");
        assertArrayEquals(new byte[] {'B', 'Z', 'h'}, Arrays.copyOf(f.payload(), 3));
        assertArrayEquals(xml, FrameCodec.decodePayload(h, f.payload()));
    }

    @Test
    void compressedPayloadFromAnotherSenderDecodes() throws Exception {
        byte[] text = utf8("<lrmd_command lrmd_op=\"lrmd_rsc_poke\"/>\0");
        byte[] bz = bzip2(text);
        byte[] got = FrameCodec.decodePayload(header(40 + bz.length, bz.length, text.length), bz);
        assertEquals("<lrmd_command lrmd_op=\"lrmd_rsc_poke\"/>", new String(got, StandardCharsets.UTF_8));
    }

    @Test
    void plainPayloadLosesItsNul() throws Exception {
        byte[] got = FrameCodec.decodePayload(header(45, 0, 5), utf8("<a/>\0"));
        assertEquals("<a/>", new String(got, StandardCharsets.UTF_8));
    }

    @Test
    void missingNulIsTolerated() throws Exception {
        byte[] got = FrameCodec.decodePayload(header(44, 0, 5), utf8("<a/>"));
        assertEquals("<a/>", new String(got, StandardCharsets.UTF_8));
    }

    @Test
    void textEndsAtTheFirstNulAsInC() throws Exception {
        byte[] got = FrameCodec.decodePayload(header(50, 0, 10), utf8("<a/>\0junk\0"));
        assertEquals("<a/>", new String(got, StandardCharsets.UTF_8));
    }

    @Test
    void garbageInsteadOfBzip2IsRejected() {
        byte[] junk = utf8("this is not bzip2 at all");
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decodePayload(header(40 + junk.length, junk.length, 100), junk));
        assertTrue(e.getMessage().contains("bzip2"), e.getMessage());
    }

    @Test
    void truncatedBzip2StreamIsRejected() throws Exception {
        byte[] bz = bzip2(utf8(bigXml()));
        byte[] cut = Arrays.copyOf(bz, bz.length / 2);
        assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decodePayload(header(40 + cut.length, cut.length, bigXml().length()), cut));
    }

    @Test
    void decompressedLengthMustMatchTheHeader() throws Exception {
        byte[] text = utf8("<a b=\"c\"/>\0");
        byte[] bz = bzip2(text);
        MalformedFrameException shorter = assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decodePayload(header(40 + bz.length, bz.length, text.length + 1), bz));
        assertTrue(shorter.getMessage().contains("decompressed to " + text.length), shorter.getMessage());
        MalformedFrameException longer = assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decodePayload(header(40 + bz.length, bz.length, text.length - 1), bz));
        assertTrue(longer.getMessage().contains("more than"), longer.getMessage());
        assertEquals("<a b=\"c\"/>", new String(
                FrameCodec.decodePayload(header(40 + bz.length, bz.length, text.length), bz), StandardCharsets.UTF_8));
    }

    @Test
    void onlyPayloadCompressedBytesAreDecompressed() throws Exception {
        // Bytes after the bzip2 stream but inside size_total are not part of it.
        byte[] text = utf8("<a/>\0");
        byte[] bz = bzip2(text);
        byte[] padded = Arrays.copyOf(bz, bz.length + 8);
        Arrays.fill(padded, bz.length, padded.length, (byte) 'x');
        byte[] got = FrameCodec.decodePayload(header(40 + padded.length, bz.length, text.length), padded);
        assertEquals("<a/>", new String(got, StandardCharsets.UTF_8));
    }
}
