package org.jremoted.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.jremoted.fuzzing.FuzzLogs;
import org.jremoted.ipc.PcmkIpcCodec.Dialect;
import org.jremoted.ipc.PcmkIpcCodec.MalformedIpcException;
import org.jremoted.ipc.PcmkIpcCodec.Message;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz targets for the local IPC codec: Pacemaker's message layer inside libqb messages, and the
 * frames between the daemon and its IPC helper (docs/fuzzing.md). Seeds: the captured traces'
 * messages encoded in both dialects, whole and in parts, and helper frames carrying them.
 */
@ExtendWith(FuzzLogs.class)
class PcmkIpcFuzzTest {

    /** Flags our callers pass to {@link PcmkIpcCodec#encode}; the framing bits are the codec's own. */
    private static final int FRAMING_FLAGS = PcmkIpcCodec.FLAG_COMPRESSED | PcmkIpcCodec.FLAG_MULTIPART
            | PcmkIpcCodec.FLAG_MULTIPART_END;


    /**
     * A local client's byte stream, cut into libqb messages by their own size field: each message
     * is refused as malformed or yields text that re-encodes and decodes to itself.
     */
    @FuzzTest
    void everyLocalMessageIsRefusedOrDecodesToTextThatRoundTrips(byte[] stream) throws Exception {
        PcmkIpcCodec.Assembler assembler = new PcmkIpcCodec.Assembler();
        int at = 0;
        while (at < stream.length) {
            int length = stream.length - at;
            if (length >= 12) {
                int claimed = ByteBuffer.wrap(stream, at + 8, 4).order(ByteOrder.nativeOrder()).getInt();
                if (claimed >= PcmkIpcCodec.HEADER_SIZE && claimed <= length) {
                    length = claimed;
                }
            }
            byte[] raw = Arrays.copyOfRange(stream, at, at + length);
            at += length;
            Message m;
            try {
                m = assembler.add(raw);
            } catch (MalformedIpcException refused) {
                continue;
            }
            if (m == null) {
                continue;
            }
            assertTrue(m.text().length <= PcmkIpcCodec.MAX_MESSAGE_SIZE);
            for (byte b : m.text()) {
                assertTrue(b != 0, "a NUL inside a message's text");
            }
            if (m.dialect() == Dialect.V3_0) {
                assertEquals(0, m.flags() & (PcmkIpcCodec.FLAG_MULTIPART | PcmkIpcCodec.FLAG_MULTIPART_END));
            }
            roundTrip(m.dialect(), m.id(), m.flags() & ~FRAMING_FLAGS, m.text(), PcmkIpcCodec.MAX_MESSAGE_SIZE);
        }
    }

    /** Any text, in either dialect and for any configured buffer, arrives whole and unchanged. */
    @FuzzTest
    void anyTextIsEncodedWithinTheBufferAndReassembledUnchanged(FuzzedDataProvider data) throws Exception {
        Dialect dialect = data.consumeBoolean() ? Dialect.V3_0 : Dialect.V2_1;
        int id = data.consumeInt();
        int flags = data.consumeInt() & ~FRAMING_FLAGS;
        int repeat = data.consumeInt(1, 200);
        String configured = data.consumeString(12);
        int bufferSize = PcmkIpcCodec.bufferSize(configured);
        assertTrue(bufferSize >= PcmkIpcCodec.MIN_BUFFER_SIZE && bufferSize <= PcmkIpcCodec.MAX_MESSAGE_SIZE,
                () -> "PCMK_ipc_buffer '" + configured + "' gave " + bufferSize);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] chunk = data.consumeRemainingAsBytes();
        for (int i = 0; i < repeat; i++) {
            for (byte b : chunk) {
                if (b != 0) {
                    text.write(b);
                }
            }
        }
        roundTrip(dialect, id, flags, text.toByteArray(), bufferSize);
    }

    private static void roundTrip(Dialect dialect, int id, int flags, byte[] text, int bufferSize)
            throws MalformedIpcException {
        List<byte[]> parts;
        try {
            parts = PcmkIpcCodec.encode(dialect, id, flags, text, bufferSize);
        } catch (MalformedIpcException tooLarge) {
            // Only 2.1 has no way to split a message
            assertEquals(Dialect.V2_1, dialect, tooLarge.getMessage());
            return;
        }
        PcmkIpcCodec.Assembler assembler = new PcmkIpcCodec.Assembler();
        for (int i = 0; i < parts.size(); i++) {
            byte[] part = parts.get(i);
            assertTrue(part.length <= bufferSize, "a part larger than the IPC buffer");
            Message m = assembler.add(part);
            if (i < parts.size() - 1) {
                assertNull(m, "a message complete before its last part");
                continue;
            }
            assertNotNull(m, "the last part did not complete the message");
            assertEquals(id, m.id());
            assertEquals(flags, m.flags());
            assertEquals(dialect, m.dialect());
            assertArrayEquals(text, m.text());
        }
    }

    /** Frames from the IPC helper: each one read is exactly the bytes it encodes back to. */
    @FuzzTest
    void helperFramesEncodeBackToTheBytesTheyWereReadFrom(byte[] stream) {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        int at = 0;
        while (true) {
            HelperFrame frame;
            try {
                frame = HelperFrame.read(in);
            } catch (IOException refused) {
                return;
            }
            if (frame == null) {
                assertEquals(stream.length, at, "clean end of stream in the middle of the input");
                return;
            }
            byte[] encoded = frame.encode();
            assertArrayEquals(Arrays.copyOfRange(stream, at, at + encoded.length), encoded);
            at += encoded.length;
            assertEquals(stream.length - at, in.available());
            frame.text();
            try {
                LocalConnection c = frame.connectedPayload();
                assertEquals(frame.connection(), c.id());
                assertTrue(c.user() == null || !c.user().isEmpty());
            } catch (IOException refused) {
                // not a CONNECTED payload
            }
            try {
                assertNotNull(frame.refusedPayload().endpoint());
            } catch (IOException refused) {
                // not a REFUSED payload
            }
        }
    }
}
