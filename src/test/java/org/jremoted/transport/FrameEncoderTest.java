package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {
    private static final long LIMIT = 1 << 24;

    static XmlNode reply(int msgId) {
        return XmlNode.builder("lrmd_reply")
                .attr("lrmd_origin", "process_lrmd_message")
                .attr("lrmd_rc", 0)
                .attr("lrmd_callid", 12)
                .attr("lrmd_remote_msg_id", msgId)
                .attr("lrmd_remote_msg_type", "reply")
                .build();
    }

    /** Every outbound write, in order, as separate byte arrays. */
    static List<byte[]> writes(EmbeddedChannel ch) {
        List<byte[]> all = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.add(ByteBufUtil.getBytes(b));
            b.release();
        }
        return all;
    }

    @Test
    void eachMessageLeavesAsHeaderWriteThenPayloadWrite() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(0));
        XmlNode msg = reply(3);
        ch.writeOutbound(msg);
        List<byte[]> out = writes(ch);
        assertEquals(2, out.size(), "header and payload are separate writes");
        byte[] header = out.get(0);
        byte[] payload = out.get(1);
        assertEquals(FrameHeader.LENGTH, header.length);
        FrameHeader h = FrameHeader.decode(header, LIMIT);
        assertEquals(40 + payload.length, h.sizeTotal());
        assertEquals(payload.length, h.payloadUncompressed());
        assertEquals(0, h.payloadCompressed());
        assertEquals(0, payload[payload.length - 1], "payload ends with NUL");
        assertEquals(msg, XmlCodec.parse(Arrays.copyOf(payload, payload.length - 1)));
        ch.finishAndReleaseAll();
    }

    @Test
    void consecutiveMessagesNeverShareAWrite() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(0));
        ch.writeOutbound(reply(1), reply(2));
        List<byte[]> out = writes(ch);
        assertEquals(4, out.size());
        FrameHeader first = FrameHeader.decode(out.get(0), LIMIT);
        FrameHeader second = FrameHeader.decode(out.get(2), LIMIT);
        assertEquals("1", XmlCodec.parse(Arrays.copyOf(out.get(1), out.get(1).length - 1)).attr("lrmd_remote_msg_id"));
        assertEquals("2", XmlCodec.parse(Arrays.copyOf(out.get(3), out.get(3).length - 1)).attr("lrmd_remote_msg_id"));
        assertTrue(second.id() > first.id(), "header ids increase");
        ch.finishAndReleaseAll();
    }

    @Test
    void largeMessagesAreCompressedAboveTheThreshold() throws Exception {
        StringBuilder output = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            output.append("agent output line\n");
        }
        XmlNode big = XmlNode.builder("lrmd_notify").attr("lrmd_rsc_output", output.toString()).build();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(1000));
        ch.writeOutbound(big, reply(4));
        List<byte[]> out = writes(ch);
        FrameHeader bigHeader = FrameHeader.decode(out.get(0), LIMIT);
        FrameHeader smallHeader = FrameHeader.decode(out.get(2), LIMIT);
        assertNotEquals(0, bigHeader.payloadCompressed());
        assertEquals(out.get(1).length, bigHeader.payloadCompressed());
        assertEquals(0, smallHeader.payloadCompressed(), "short messages stay plain");
        assertEquals(big, XmlCodec.parse(FrameCodec.decodePayload(bigHeader, out.get(1))));
        ch.finishAndReleaseAll();
    }

    @Test
    void encoderOutputFeedsTheDecodersBackToTheSameTree() {
        XmlNode msg = XmlNode.builder("lrmd_notify")
                .attr("lrmd_rsc_output", "two\nlines & <tags> \"quoted\"\ttab")
                .child(XmlNode.builder("attributes").attr("CRM_meta_timeout", "20000").attr("a", "\\n").build())
                .build();
        for (int threshold : new int[] {0, 10}) {
            EmbeddedChannel sender = new EmbeddedChannel(new FrameEncoder(threshold));
            sender.writeOutbound(msg);
            EmbeddedChannel receiver = new EmbeddedChannel(new FrameDecoder(1 << 20), new MessageDecoder());
            ByteBuf b;
            while ((b = sender.readOutbound()) != null) {
                receiver.writeInbound(b);
            }
            assertEquals(msg, receiver.readInbound());
            assertNull(receiver.readInbound());
            sender.finishAndReleaseAll();
            receiver.finishAndReleaseAll();
        }
    }
}
