package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FrameDecoderTest {
    private static final int LIMIT = 64 * 1024;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger decoderLog = (Logger) LoggerFactory.getLogger(FrameDecoder.class);
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        org.jremoted.support.LogThrottle.resetAll();
        logged.start();
        decoderLog.addAppender(logged);
        channel = new EmbeddedChannel(new FrameDecoder(LIMIT));
    }

    @AfterEach
    void tearDown() {
        decoderLog.detachAppender(logged);
        channel.finishAndReleaseAll();
    }

    static byte[] frame(String xml) {
        return frame(xml, 0);
    }

    /** The wire bytes of a message, bzip2-compressed when longer than {@code compressAbove} (0: never). */
    static byte[] frame(String xml, int compressAbove) {
        FrameCodec.EncodedFrame f = FrameCodec.encode(xml.getBytes(StandardCharsets.UTF_8), compressAbove);
        return concat(f.headerBytes(), f.payload());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void feed(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private List<String> received() {
        List<String> texts = new ArrayList<>();
        Object m;
        while ((m = channel.readInbound()) != null) {
            texts.add(new String((byte[]) m, StandardCharsets.UTF_8));
        }
        return texts;
    }

    private List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @Test
    void oneMessage() {
        feed(frame("<lrmd_command lrmd_op=\"register\"/>"));
        assertEquals(List.of("<lrmd_command lrmd_op=\"register\"/>"), received());
        assertTrue(channel.isOpen());
    }

    @Test
    void oneByteAtATime() {
        byte[] wire = concat(frame("<a x=\"1\"/>"), frame("<b/>"));
        for (int i = 0; i < wire.length; i++) {
            feed(new byte[] {wire[i]});
            if (i == wire.length - 6) {
                assertEquals(List.of("<a x=\"1\"/>"), received(), "first message is out as soon as complete");
            }
        }
        assertEquals(List.of("<b/>"), received());
    }

    @Test
    void severalMessagesInOneRead() {
        feed(concat(frame("<a/>"), frame("<b/>"), frame("<c/>")));
        assertEquals(List.of("<a/>", "<b/>", "<c/>"), received());
    }

    @Test
    void messageSplitAcrossReadsAtEveryBoundary() {
        byte[] wire = concat(frame("<first/>"), frame("<second attr=\"v\"/>"));
        for (int cut = 1; cut < wire.length; cut++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            List<String> got = new ArrayList<>();
            Object m;
            while ((m = ch.readInbound()) != null) {
                got.add(new String((byte[]) m, StandardCharsets.UTF_8));
            }
            assertEquals(List.of("<first/>", "<second attr=\"v\"/>"), got, "cut at " + cut);
            assertTrue(ch.isOpen());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void bigEndianHeaderIsAccepted() {
        byte[] text = "<a/>\0".getBytes(StandardCharsets.UTF_8);
        byte[] header = FrameHeaderTest.raw(ByteOrder.BIG_ENDIAN, FrameHeader.MARKER, 1, 9, 0, 40 + text.length, 40,
                0, text.length);
        feed(concat(header, text));
        assertEquals(List.of("<a/>"), received());
    }

    @Test
    void missingNulIsTolerated() {
        byte[] text = "<a/>".getBytes(StandardCharsets.UTF_8);
        feed(concat(FrameHeaderTest.raw(44, 40, 0, 5), text));
        feed(frame("<b/>"));
        assertEquals(List.of("<a/>", "<b/>"), received());
    }

    @Test
    void bytesBetweenHeaderAndPayloadOffsetAreSkipped() {
        byte[] text = "<a/>\0".getBytes(StandardCharsets.UTF_8);
        byte[] gap = "PADDING!".getBytes(StandardCharsets.UTF_8);
        feed(concat(FrameHeaderTest.raw(48 + text.length, 48, 0, text.length), gap, text));
        assertEquals(List.of("<a/>"), received());
    }

    @Test
    void compressedPayloadIsInflated() throws Exception {
        String xml = FrameCodecTest.bigXml();
        FrameCodec.EncodedFrame f = FrameCodec.encode(xml.getBytes(StandardCharsets.UTF_8), 100);
        assertTrue(f.header().compressed());
        feed(concat(f.headerBytes(), f.payload(), frame("<next/>")));
        assertEquals(List.of(xml, "<next/>"), received());
    }

    @Test
    void badBzip2DropsOnlyThatMessage() {
        byte[] junk = "definitely not bzip2".getBytes(StandardCharsets.UTF_8);
        feed(concat(frame("<before/>"), FrameHeaderTest.raw(40 + junk.length, 40, junk.length, 500), junk,
                frame("<after/>")));
        assertEquals(List.of("<before/>", "<after/>"), received());
        assertTrue(channel.isOpen());
        assertEquals(1, warnings().size());
        assertTrue(warnings().get(0).getFormattedMessage().contains("bzip2"));
    }

    @Test
    void badMarkerClosesTheConnection() {
        byte[] header = FrameHeaderTest.raw(ByteOrder.LITTLE_ENDIAN, 0xDEADBEEF, 1, 1, 0, 45, 40, 0, 5);
        feed(concat(header, "<a/>\0".getBytes(StandardCharsets.UTF_8)));
        assertFalse(channel.isOpen());
        assertNull(channel.readInbound());
        assertEquals(1, warnings().size(), "exactly one warning");
        String line = warnings().get(0).getFormattedMessage();
        assertTrue(line.contains("endian marker"), line);
        assertTrue(line.contains(String.valueOf(channel.remoteAddress())), line);
    }

    @Test
    void messagesBeforeABadHeaderAreStillDelivered() {
        feed(concat(frame("<ok/>"), "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                frame("<never/>")));
        assertEquals(List.of("<ok/>"), received());
        assertFalse(channel.isOpen());
    }

    @Test
    void oversizedMessageClosesAsSoonAsTheHeaderArrives() {
        // Only the header is sent: the decoder must not wait for (or reserve) the announced payload.
        feed(FrameHeaderTest.raw(LIMIT + 1, 40, 0, LIMIT - 39));
        assertFalse(channel.isOpen());
        assertEquals(1, warnings().size());
        assertTrue(warnings().get(0).getFormattedMessage().contains("exceeds the limit"));
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() {
        StringBuilder sb = new StringBuilder("<a v=\"");
        while (sb.length() < LIMIT - 40 - 4) {
            sb.append('x');
        }
        String xml = sb.append("\"/>").toString();
        byte[] wire = frame(xml);
        assertEquals(LIMIT, wire.length);
        feed(wire);
        assertEquals(List.of(xml), received());
        assertTrue(channel.isOpen());
    }

    @Test
    void zeroPayloadOffsetClosesTheConnection() {
        feed(FrameHeaderTest.raw(45, 0, 0, 5));
        assertFalse(channel.isOpen());
        assertTrue(warnings().get(0).getFormattedMessage().contains("payload_offset 0"));
    }

    @Test
    void sizeTotalBelowTheHeaderClosesTheConnection() {
        feed(FrameHeaderTest.raw(10, 40, 0, 5));
        assertFalse(channel.isOpen());
    }

    @Test
    void zeroUncompressedLengthClosesTheConnection() {
        feed(FrameHeaderTest.raw(45, 40, 0, 0));
        assertFalse(channel.isOpen());
    }

    @Test
    void incompleteMessageWaitsWithoutOutput() {
        byte[] wire = frame("<a/>");
        feed(java.util.Arrays.copyOf(wire, wire.length - 1));
        assertNull(channel.readInbound());
        assertTrue(channel.isOpen());
        assertTrue(warnings().isEmpty());
    }

    @Test
    void partialMessageAtCloseIsDiscardedQuietly() {
        byte[] wire = frame("<a/>");
        feed(java.util.Arrays.copyOf(wire, 42));
        assertFalse(channel.finish(), "nothing is emitted for a message cut off by EOF");
        assertTrue(warnings().isEmpty());
    }

    @Test
    void limitBelowTheHeaderSizeIsAConfigurationError() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(39));
    }

    @Test
    void emptyPayloadGivesEmptyText() {
        // Framing is intact, so the connection survives; the XML layer will drop the empty text.
        ByteBuf b = Unpooled.wrappedBuffer(FrameHeaderTest.raw(40, 40, 0, 1));
        channel.writeInbound(b);
        byte[] m = channel.readInbound();
        assertEquals(0, m.length);
        assertTrue(channel.isOpen());
    }
}
