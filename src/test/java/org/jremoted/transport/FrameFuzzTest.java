package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jremoted.fuzzing.FuzzLogs;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz targets for the 40-byte frame header and the payload (bzip2 included), through the same
 * Netty decoder the daemon uses (docs/fuzzing.md). The seed corpus holds the cluster's messages
 * of the captured traces, framed as on the wire, and compressed variants of them.
 */
@ExtendWith(FuzzLogs.class)
class FrameFuzzTest {

    /** The daemon's default maximum message size. */
    private static final int DEFAULT_LIMIT = org.jremoted.daemon.Config.DEFAULT_MAX_MESSAGE_BYTES;

    /** Limits a run may pick; the first (picked by an all-zero tail) fits every captured message. */
    private static final int[] LIMITS = {64 * 1024, FrameHeader.LENGTH, FrameHeader.LENGTH + 1, 1000, 1024 * 1024};


    @FuzzTest
    void anAcceptedHeaderIsWithinItsLimitsAndEncodesBackToTheSameBytes(byte[] input) throws Exception {
        long limit = DEFAULT_LIMIT;
        if (input.length >= FrameHeader.LENGTH + 4) {
            // The daemon's limit is an int (FrameDecoder, ListenerSettings)
            limit = Math.max(FrameHeader.LENGTH,
                    ByteBuffer.wrap(input, FrameHeader.LENGTH, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & Integer.MAX_VALUE);
        }
        if (input.length < FrameHeader.LENGTH) {
            assertThrows(MalformedFrameException.class, () -> FrameHeader.decode(input, DEFAULT_LIMIT));
            return;
        }
        FrameHeader h;
        try {
            h = FrameHeader.decode(input, limit);
        } catch (MalformedFrameException refused) {
            return;
        }
        assertTrue(h.sizeTotal() >= FrameHeader.LENGTH && h.sizeTotal() <= limit, h::toString);
        assertTrue(h.payloadOffset() >= FrameHeader.LENGTH && h.payloadOffset() <= h.sizeTotal(), h::toString);
        assertTrue(h.bodyLength() >= 0 && h.bodyLength() <= Integer.MAX_VALUE, h::toString);
        assertTrue(h.payloadUncompressed() != 0, h::toString);
        if (h.compressed()) {
            assertTrue(h.payloadCompressed() <= h.sizeTotal() - h.payloadOffset(), h::toString);
            assertTrue(h.payloadUncompressed() <= limit, h::toString);
        }
        assertArrayEquals(Arrays.copyOf(input, FrameHeader.LENGTH), h.encode(), h::toString);
        assertEquals(h, FrameHeader.decode(h.encode(), limit));
    }

    @FuzzTest
    void theDecoderEmitsTheSameMessagesHoweverTheStreamIsCut(FuzzedDataProvider data) {
        int limit = LIMITS[data.consumeInt(0, LIMITS.length - 1)];
        int cutCount = data.consumeInt(0, 24);
        int[] cuts = new int[cutCount];
        for (int i = 0; i < cutCount; i++) {
            cuts[i] = data.consumeInt(0, 1 << 20);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        for (int i = 0; i < cutCount; i++) {
            cuts[i] = Math.floorMod(cuts[i], stream.length + 1);
        }
        Arrays.sort(cuts);

        Run whole = Run.of(limit);
        whole.feed(stream, 0, stream.length);
        Run pieces = Run.of(limit);
        int from = 0;
        for (int cut : cuts) {
            pieces.feed(stream, from, cut);
            from = cut;
        }
        pieces.feed(stream, from, stream.length);

        List<byte[]> expected = whole.finish();
        List<byte[]> got = pieces.finish();
        assertEquals(expected.size(), got.size(), "message count depends on the cuts");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "message " + i + " depends on the cuts");
        }
        assertEquals(whole.open, pieces.open, "closing depends on the cuts");
        assertTrue(expected.size() <= stream.length / FrameHeader.LENGTH, "more messages than headers");
        for (byte[] text : expected) {
            assertTrue(text.length < limit, "a message larger than the limit came through");
            for (byte b : text) {
                assertTrue(b != 0, "a NUL inside a message's text");
            }
        }
    }

    @FuzzTest
    void anyFramedTextDecodesToItselfCompressedOrNot(FuzzedDataProvider data) {
        int threshold = new int[] {0, 1, 64, 4096}[data.consumeInt(0, 3)];
        int repeat = data.consumeInt(1, 64);
        byte[] chunk = data.consumeRemainingAsBytes();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < repeat; i++) {
            for (byte b : chunk) {
                if (b != 0) {
                    text.write(b);
                }
            }
        }
        byte[] xml = text.toByteArray();
        FrameCodec.EncodedFrame frame = FrameCodec.encode(xml, threshold);
        assertEquals(threshold > 0 && xml.length > threshold, frame.header().compressed());
        assertEquals(frame.header(), assertDoesNotThrowMalformed(frame.headerBytes()));

        Run run = Run.of(DEFAULT_LIMIT);
        run.feed(frame.headerBytes(), 0, FrameHeader.LENGTH);
        run.feed(frame.payload(), 0, frame.payload().length);
        List<byte[]> got = run.finish();
        assertEquals(1, got.size());
        assertArrayEquals(xml, got.get(0));
        assertTrue(run.open);
    }

    private static FrameHeader assertDoesNotThrowMalformed(byte[] header) {
        try {
            return FrameHeader.decode(header, DEFAULT_LIMIT);
        } catch (MalformedFrameException e) {
            throw new AssertionError("our own header is refused: " + e.getMessage(), e);
        }
    }

    /** One connection: a channel with only the frame decoder, and what came out of it. */
    private static final class Run {
        final EmbeddedChannel channel;
        final List<byte[]> out = new ArrayList<>();
        boolean open = true;

        private Run(EmbeddedChannel channel) {
            this.channel = channel;
        }

        static Run of(int limit) {
            return new Run(new EmbeddedChannel(new FrameDecoder(limit)));
        }

        /** Writes bytes [from, to) as one read, unless the decoder already closed the connection. */
        void feed(byte[] bytes, int from, int to) {
            if (!channel.isOpen()) {
                open = false;
                return;
            }
            if (to > from) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, to - from));
            }
            drain();
        }

        List<byte[]> finish() {
            open = open && channel.isOpen();
            if (channel.isOpen()) {
                channel.finish();
            }
            drain();
            channel.finishAndReleaseAll();
            assertFalse(channel.isOpen());
            return out;
        }

        private void drain() {
            for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                out.add((byte[]) m);
            }
        }
    }
}
