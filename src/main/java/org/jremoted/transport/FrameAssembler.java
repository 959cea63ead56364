package org.jremoted.transport;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reassembles one connection's decrypted byte stream into message texts (the framing of
 * docs/protocol.md §3), without Netty: bytes in, texts out.
 *
 * <p>Memory is the point of this class (docs/hardening.md, "Memory budget"). A header is validated,
 * size limit included, before anything is stored for its payload; the payload array then grows
 * with what the peer has actually sent (never to what the header merely claims) and ends exactly
 * the text's size, so the common message - plain text closed by one NUL - is handed on without a
 * copy. Every byte held beyond {@link MessageBudget#FREE_PER_CONNECTION} is reserved in the shared
 * {@link MessageBudget} first, inflation included; the reservation lasts until the consumer has
 * returned from {@link Sink#message}, which parses synchronously.
 *
 * <p>One per connection, touched only by that connection's event-loop thread.
 */
final class FrameAssembler {

    /** Where complete messages go. */
    interface Sink {
        /** A complete message's text, without its NUL; the array is the consumer's to keep. */
        void message(byte[] text);

        /** This message was unusable (e.g. its bzip2 stream is corrupt); the stream goes on. */
        void dropped(FrameHeader header, String reason);
    }

    /** The shared budget could not cover a message: the connection must be closed. */
    static final class BudgetExceededException extends Exception {
        private static final long serialVersionUID = 1L;

        BudgetExceededException(String message) {
            super(message);
        }
    }

    private static final int MIN_GROWTH = 4096;

    private final long maxMessageBytes;
    private final MessageBudget budget;

    private final byte[] headerBytes = new byte[FrameHeader.LENGTH];
    private int headerFilled;
    private FrameHeader header;
    /** Body bytes consumed after the header, 0 to {@code bodyLength}. */
    private long consumed;
    private long bodyLength;
    /** Bytes between the header and the payload (payload_offset beyond 40): skipped. */
    private long gap;
    /** How many payload bytes are kept in {@link #stored}; the rest are read past. */
    private int storedLength;
    private static final byte[] EMPTY = new byte[0];
    private byte[] stored = EMPTY;
    private int storedFilled;
    /** For a plain payload: its final byte, kept apart so a closing NUL needs no copy. -1 = none. */
    private int finalByte = -1;
    /** Bytes this message holds (payload array, inflation), and the part drawn from the budget. */
    private long held;
    private long drawn;

    FrameAssembler(long maxMessageBytes, MessageBudget budget) {
        this.maxMessageBytes = maxMessageBytes;
        this.budget = budget;
    }

    /** Consumes all of {@code in}, handing complete messages to {@code sink}. */
    void feed(ByteBuffer in, Sink sink) throws MalformedFrameException, BudgetExceededException {
        while (in.hasRemaining()) {
            if (header == null) {
                int n = Math.min(in.remaining(), FrameHeader.LENGTH - headerFilled);
                in.get(headerBytes, headerFilled, n);
                headerFilled += n;
                if (headerFilled == FrameHeader.LENGTH) {
                    begin(FrameHeader.decode(headerBytes, maxMessageBytes));
                    if (consumed == bodyLength) {
                        complete(sink);
                    }
                }
                continue;
            }
            int n = (int) Math.min(in.remaining(), bodyLength - consumed);
            take(in, n);
            if (consumed == bodyLength) {
                complete(sink);
            }
        }
    }

    /** Gives back every reservation; the connection is gone. */
    void release() {
        budget.release(drawn);
        drawn = 0;
        held = 0;
        stored = EMPTY;
        header = null;
        headerFilled = 0;
    }

    /** True while a message has begun but not ended (for the log line at EOF). */
    boolean inMessage() {
        return header != null || headerFilled > 0;
    }

    private void begin(FrameHeader h) {
        header = h;
        headerFilled = 0;
        consumed = 0;
        bodyLength = h.bodyLength();
        gap = h.payloadOffset() - FrameHeader.LENGTH;
        long payload = h.sizeTotal() - h.payloadOffset();
        if (h.compressed()) {
            storedLength = (int) h.payloadCompressed();
            finalByte = -1;
        } else {
            storedLength = (int) Math.max(0, payload - 1);
            finalByte = -1;
        }
        storedFilled = 0;
    }

    private void take(ByteBuffer in, int n) throws BudgetExceededException {
        int left = n;
        while (left > 0) {
            if (consumed < gap) {
                int skip = (int) Math.min(left, gap - consumed);
                in.position(in.position() + skip);
                consumed += skip;
                left -= skip;
                continue;
            }
            long index = consumed - gap;
            if (index < storedLength) {
                int copy = (int) Math.min(left, storedLength - index);
                ensureCapacity(storedFilled + copy);
                in.get(stored, storedFilled, copy);
                storedFilled += copy;
                consumed += copy;
                left -= copy;
            } else {
                byte b = in.get();
                if (!header.compressed() && index == storedLength) {
                    finalByte = b & 0xFF;
                }
                consumed++;
                left--;
            }
        }
    }

    private void ensureCapacity(int needed) throws BudgetExceededException {
        if (stored.length >= needed) {
            return;
        }
        int grown = (int) Math.min(storedLength, Math.max(needed, Math.max(MIN_GROWTH, 2L * stored.length)));
        reserve(grown - stored.length);
        stored = Arrays.copyOf(stored, grown);
    }

    private void reserve(long more) throws BudgetExceededException {
        long free = Math.max(0, MessageBudget.FREE_PER_CONNECTION - held);
        long fromBudget = Math.max(0, more - free);
        if (fromBudget > 0 && !budget.tryReserve(fromBudget)) {
            throw new BudgetExceededException("no memory left for a message of " + header.sizeTotal()
                    + " bytes: messages in transit already hold " + budget.used() + " of the "
                    + budget.capacity() + " bytes they may use together");
        }
        held += more;
        drawn += fromBudget;
    }

    private void complete(Sink sink) throws BudgetExceededException {
        FrameHeader h = header;
        byte[] text = null;
        String problem = null;
        try {
            if (h.compressed()) {
                // The inflated payload, then its text (a copy when the NUL is not the last byte).
                reserve(2 * h.payloadUncompressed());
                try {
                    text = FrameCodec.text(FrameCodec.bunzip2(stored, storedFilled, (int) h.payloadUncompressed()));
                } catch (MalformedFrameException e) {
                    problem = e.getMessage();
                }
            } else {
                text = plainText();
            }
            stored = EMPTY;
            header = null;
            if (text != null) {
                sink.message(text);
            } else {
                sink.dropped(h, problem);
            }
        } finally {
            stored = EMPTY;
            header = null;
            budget.release(drawn);
            drawn = 0;
            held = 0;
        }
    }

    /** The plain payload's text: the stored bytes themselves when the final byte is the only NUL. */
    private byte[] plainText() {
        int n = FrameCodec.textLength(stored, storedFilled);
        if (n < storedFilled) {
            return Arrays.copyOf(stored, n);
        }
        if (finalByte <= 0) {
            return stored; // closed by its NUL (or empty): exactly the text
        }
        // No NUL at all, which C peers tolerate: the final byte is text too.
        byte[] all = Arrays.copyOf(stored, storedFilled + 1);
        all[storedFilled] = (byte) finalByte;
        return all;
    }
}
