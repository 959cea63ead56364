package org.jremoted.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.jremoted.support.Bzip2;

/** Pure conversions between XML text and framed messages (docs/protocol.md §3). */
public final class FrameCodec {

    /**
     * One outgoing message. The two parts are kept apart because each must travel in its own TLS
     * record(s): C readers stall on a record holding more than the header they asked for.
     */
    public record EncodedFrame(FrameHeader header, byte[] headerBytes, byte[] payload) {
    }

    /** C peers share one counter across all their connections; so do we. */
    private static final AtomicLong SENT = new AtomicLong();

    private FrameCodec() {
    }

    /**
     * Frames XML text: header plus text plus NUL, the payload bzip2-compressed only when the text
     * is longer than {@code compressThreshold} bytes (0 = never compress, as every C sender does).
     */
    public static EncodedFrame encode(byte[] xml, int compressThreshold) {
        byte[] text = Arrays.copyOf(xml, xml.length + 1);
        byte[] payload = text;
        long compressedLength = 0;
        if (compressThreshold > 0 && xml.length > compressThreshold) {
            payload = Bzip2.compress(text);
            compressedLength = payload.length;
        }
        FrameHeader header = FrameHeader.outgoing(SENT.incrementAndGet(), payload.length,
                compressedLength, text.length);
        return new EncodedFrame(header, header.encode(), payload);
    }

    /**
     * Recovers the XML text of a received message.
     *
     * @param header  a header accepted by {@link FrameHeader#decode}
     * @param payload the bytes from {@code payload_offset} to {@code size_total}
     * @return the text up to (not including) its first NUL; as in C, where the payload is used as a
     *         string, anything after a NUL is ignored and a missing NUL is no error
     */
    public static byte[] decodePayload(FrameHeader header, byte[] payload) throws MalformedFrameException {
        byte[] text = payload;
        if (header.compressed()) {
            text = bunzip2(payload, (int) header.payloadCompressed(), (int) header.payloadUncompressed());
        }
        return Arrays.copyOf(text, textLength(text));
    }


    /** The text of an inflated or received payload: up to its first NUL, a copy only when shorter. */
    static byte[] text(byte[] payload) {
        int n = textLength(payload);
        return n == payload.length ? payload : Arrays.copyOf(payload, n);
    }

    static int textLength(byte[] text) {
        return textLength(text, text.length);
    }

    static int textLength(byte[] text, int length) {
        for (int i = 0; i < length; i++) {
            if (text[i] == 0) {
                return i;
            }
        }
        return length;
    }

    /** One bzip2 stream that must expand to exactly {@code expected} bytes, like BZ2_bzBuffToBuffDecompress. */
    static byte[] bunzip2(byte[] payload, int compressedLength, int expected) throws MalformedFrameException {
        byte[] out = new byte[expected];
        int filled = 0;
        try (InputStream in = Bzip2.inflating(payload, 0, compressedLength)) {
            while (filled < expected) {
                int n = in.read(out, filled, expected - filled);
                if (n < 0) {
                    throw new MalformedFrameException("bzip2 payload decompressed to " + filled
                            + " bytes, header announced " + expected);
                }
                filled += n;
            }
            if (in.read() >= 0) {
                throw new MalformedFrameException("bzip2 payload decompresses to more than the "
                        + expected + " bytes the header announced");
            }
        } catch (IOException | RuntimeException e) {
            // commons-compress reports corrupt streams as IOException and, for some inputs, as
            // unchecked exceptions; either way this one message is unusable.
            throw new MalformedFrameException("bzip2 payload cannot be decompressed: " + e.getMessage(), e);
        }
        return out;
    }
}
