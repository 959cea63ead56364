package org.jremoted.ipc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jremoted.ipc.PcmkIpcCodec.Dialect;
import org.jremoted.ipc.PcmkIpcCodec.MalformedIpcException;
import org.jremoted.ipc.PcmkIpcCodec.Message;
import org.junit.jupiter.api.Test;

class PcmkIpcCodecTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    /** Builds a request the way the 2.1.5 client library lays it out. */
    private static byte[] request21(int id, int flags, String xml) {
        byte[] text = utf8(xml);
        ByteBuffer b = ByteBuffer.allocate(40 + text.length + 1).order(ByteOrder.nativeOrder());
        b.putInt(0, id).putInt(8, 40 + text.length + 1).putInt(24, text.length + 1).putInt(32, flags).put(36, (byte) 1);
        b.position(40);
        b.put(text).put((byte) 0);
        return b.array();
    }

    @Test
    void decodes21RequestFieldsAtTheirOffsets() throws Exception {
        Message m = new PcmkIpcCodec.Assembler().add(request21(7, 0x200, "<cib_command cib_op=\"query\"/>"));
        assertEquals(7, m.id());
        assertEquals(0x200, m.flags());
        assertEquals(Dialect.V2_1, m.dialect());
        assertEquals("<cib_command cib_op=\"query\"/>", new String(m.text(), StandardCharsets.UTF_8));
    }

    @Test
    void small21MessageIsPlainWithNulAndHeaderSizes() throws Exception {
        List<byte[]> out = PcmkIpcCodec.encode(Dialect.V2_1, 3, 0, utf8("<a/>"), 131072);
        assertEquals(1, out.size());
        byte[] m = out.get(0);
        assertEquals(45, m.length);
        assertEquals(3, le(m).getInt(0));
        assertEquals(45, le(m).getInt(8));
        assertEquals(5, le(m).getInt(24), "size_uncompressed counts the NUL");
        assertEquals(0, le(m).getInt(28));
        assertEquals(1, m[36]);
        assertEquals(0, m[44]);
    }

    @Test
    void large21MessageIsBzip2CompressedAndRoundTrips() throws Exception {
        String big = "<cib>" + "<node id=\"n\" uname=\"remote\"/>".repeat(2000) + "</cib>";
        byte[] m = PcmkIpcCodec.encode(Dialect.V2_1, 9, 0x10000, utf8(big), 16384).get(0);
        assertTrue(m.length <= 16384);
        assertEquals(0x10001, le(m).getInt(32), "compressed flag added");
        assertEquals(big.length() + 1, le(m).getInt(24));
        Message back = new PcmkIpcCodec.Assembler().add(m);
        assertEquals(big, new String(back.text(), StandardCharsets.UTF_8));
        assertEquals(0x10000, back.flags());
    }

    @Test
    void incompressible21MessageLargerThanBufferIsAnError() {
        byte[] noise = new byte[60000];
        new java.util.Random(1).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) ('a' + (noise[i] & 0x0f) + ((noise[i] >> 4) & 0x07));
        }
        assertThrows(MalformedIpcException.class, () -> PcmkIpcCodec.encode(Dialect.V2_1, 1, 0, noise, 12336));
    }

    @Test
    void large30MessageIsSplitIntoNumberedPartsAndReassembled() throws Exception {
        String big = "<x v=\"" + "y".repeat(30000) + "\"/>";
        List<byte[]> parts = PcmkIpcCodec.encode(Dialect.V3_0, 5, 0, utf8(big), 12336);
        assertEquals(3, parts.size());
        for (int i = 0; i < parts.size(); i++) {
            ByteBuffer b = le(parts.get(i));
            assertEquals(5, b.getInt(0));
            assertEquals(1, parts.get(i)[32]);
            assertEquals(i, b.getShort(34));
            int flags = b.getInt(28);
            assertTrue((flags & PcmkIpcCodec.FLAG_MULTIPART) != 0);
            assertEquals(i == 2, (flags & PcmkIpcCodec.FLAG_MULTIPART_END) != 0);
            assertTrue(parts.get(i).length <= 12336);
            assertEquals(0, parts.get(i)[parts.get(i).length - 1], "every part is NUL-terminated");
        }
        PcmkIpcCodec.Assembler a = new PcmkIpcCodec.Assembler();
        assertNull(a.add(parts.get(0)));
        assertNull(a.add(parts.get(1)));
        Message m = a.add(parts.get(2));
        assertEquals(big, new String(m.text(), StandardCharsets.UTF_8));
        assertEquals(Dialect.V3_0, m.dialect());
        assertEquals(0, m.flags() & (PcmkIpcCodec.FLAG_MULTIPART | PcmkIpcCodec.FLAG_MULTIPART_END));
    }

    @Test
    void outOfSequencePartIsRejected() throws Exception {
        List<byte[]> parts = PcmkIpcCodec.encode(Dialect.V3_0, 5, 0, utf8("z".repeat(30000)), 12336);
        PcmkIpcCodec.Assembler a = new PcmkIpcCodec.Assembler();
        a.add(parts.get(0));
        assertThrows(MalformedIpcException.class, () -> a.add(parts.get(2)));
    }

    @Test
    void garbageIsRejectedNotCrashing() {
        PcmkIpcCodec.Assembler a = new PcmkIpcCodec.Assembler();
        assertThrows(MalformedIpcException.class, () -> a.add(new byte[10]));
        byte[] lying = request21(1, 0, "<a/>");
        le(lying).putInt(8, 9999);
        assertThrows(MalformedIpcException.class, () -> a.add(lying));
        byte[] badVersion = request21(1, 0, "<a/>");
        badVersion[36] = 7;
        assertThrows(MalformedIpcException.class, () -> a.add(badVersion));
        byte[] badSize = request21(1, 0, "<a/>");
        le(badSize).putInt(24, 1000);
        assertThrows(MalformedIpcException.class, () -> a.add(badSize));
    }

    @Test
    void bufferSizeFollowsPacemakerRules() {
        assertEquals(131072, PcmkIpcCodec.bufferSize(null));
        assertEquals(131072, PcmkIpcCodec.bufferSize("junk"));
        assertEquals(12336, PcmkIpcCodec.bufferSize("100"));
        assertEquals(262144, PcmkIpcCodec.bufferSize("262144"));
    }
}
