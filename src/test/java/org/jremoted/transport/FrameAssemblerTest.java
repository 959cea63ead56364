package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameAssemblerTest {
    private static final int LIMIT = 4 * 1024 * 1024;
    private final MessageBudget budget = new MessageBudget(LIMIT);
    private final List<byte[]> texts = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final FrameAssembler.Sink sink = new FrameAssembler.Sink() {
        @Override
        public void message(byte[] text) {
            texts.add(text);
            usedWhileDelivering = budget.used();
        }

        @Override
        public void dropped(FrameHeader header, String reason) {
            dropped.add(reason);
        }
    };
    private long usedWhileDelivering = -1;

    private static byte[] xml(int size) {
        StringBuilder sb = new StringBuilder("<a v=\"");
        while (sb.length() < size - 3) {
            sb.append('x');
        }
        return sb.append("\"/>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wire(byte[] text, int compressAbove) {
        return FrameDecoderTest.frame(new String(text, StandardCharsets.UTF_8), compressAbove);
    }

    @Test
    void aPlainMessageClosedByItsNulIsHandedOnAsTheStoredArrayWithoutACopy() throws Exception {
        FrameAssembler a = new FrameAssembler(LIMIT, budget);
        byte[] text = xml(200_000);
        byte[] w = wire(text, 0);
        for (int off = 0; off < w.length; off += 1000) {
            a.feed(ByteBuffer.wrap(w, off, Math.min(1000, w.length - off)), sink);
        }
        assertEquals(1, texts.size());
        assertArrayEquals(text, texts.get(0));
        assertEquals(text.length, texts.get(0).length, "exactly the text, no spare capacity");
        assertTrue(usedWhileDelivering > 0, "the budget is held while the consumer parses");
        assertEquals(0, budget.used(), "and given back afterwards");
    }

    @Test
    void aHeaderClaimingTheLimitReservesOnlyWhatWasActuallySent() throws Exception {
        FrameAssembler a = new FrameAssembler(LIMIT, budget);
        byte[] header = FrameHeaderTest.raw(LIMIT, 40, 0, LIMIT - 40);
        a.feed(ByteBuffer.wrap(header), sink);
        a.feed(ByteBuffer.wrap(new byte[100_000]), sink);
        assertTrue(budget.used() < 300_000, "reserved " + budget.used() + " bytes for 100 KB received");
        a.release();
        assertEquals(0, budget.used());
    }

    @Test
    void messagesBeyondTheSharedBudgetCloseTheConnectionThatAskedForMore() throws Exception {
        FrameAssembler first = new FrameAssembler(LIMIT, budget);
        FrameAssembler second = new FrameAssembler(LIMIT, budget);
        first.feed(ByteBuffer.wrap(FrameHeaderTest.raw(LIMIT, 40, 0, LIMIT - 40)), sink);
        first.feed(ByteBuffer.wrap(new byte[LIMIT - 1000]), sink);
        second.feed(ByteBuffer.wrap(FrameHeaderTest.raw(LIMIT, 40, 0, LIMIT - 40)), sink);
        assertThrows(FrameAssembler.BudgetExceededException.class,
                () -> second.feed(ByteBuffer.wrap(new byte[1_000_000]), sink));
        second.release();
        first.release();
        assertEquals(0, budget.used());
    }

    @Test
    void smallRequestsNeverDependOnTheSharedBudget() throws Exception {
        MessageBudget spent = new MessageBudget(0);
        FrameAssembler a = new FrameAssembler(LIMIT, spent);
        byte[] text = xml(30_000);
        a.feed(ByteBuffer.wrap(wire(text, 0)), sink);
        assertArrayEquals(text, texts.get(0));
    }

    @Test
    void aCompressedMessageIsInflatedWithinTheBudgetAndABombIsRefused() throws Exception {
        FrameAssembler a = new FrameAssembler(LIMIT, budget);
        byte[] text = xml(1_000_000);
        a.feed(ByteBuffer.wrap(wire(text, 1)), sink);
        assertArrayEquals(text, texts.get(0));
        assertEquals(0, budget.used());
        // 3 MB of zeros claimed as 4 MB of text: the inflation alone would need twice that.
        MessageBudget small = new MessageBudget(LIMIT);
        FrameAssembler b = new FrameAssembler(LIMIT, small);
        byte[] bomb = FrameDecoderTest.frame(new String(new byte[LIMIT - 100], StandardCharsets.ISO_8859_1), 1);
        assertThrows(FrameAssembler.BudgetExceededException.class, () -> b.feed(ByteBuffer.wrap(bomb), sink));
        b.release();
        assertEquals(0, small.used());
    }

    @Test
    void aPayloadWithoutAnyNulKeepsItsFinalByte() throws Exception {
        FrameAssembler a = new FrameAssembler(LIMIT, budget);
        byte[] text = "<ok/>".getBytes(StandardCharsets.UTF_8);
        byte[] header = FrameHeaderTest.raw(40 + text.length, 40, 0, text.length);
        a.feed(ByteBuffer.wrap(FrameDecoderTest.concat(header, text)), sink);
        assertArrayEquals(text, texts.get(0));
    }
}
