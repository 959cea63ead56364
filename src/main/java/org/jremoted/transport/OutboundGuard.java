package org.jremoted.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Decides when a client that does not read what we send must go (docs/hardening.md, "Clients that
 * stop reading"). Replies and notifications wait in Netty's outbound buffer, in direct memory,
 * until the peer reads them; a peer that stops reading would make them pile up without end. A
 * client is disconnected when, as a new message is queued for it,
 * <ul>
 * <li>more than {@link #PER_CLIENT_LIMIT} bytes already wait for it, or</li>
 * <li>more than {@link #SLOW_CLIENT_BYTES} wait for it and all clients together have more than
 * the global limit waiting, or</li>
 * <li>its buffer has stayed above the high-water mark for {@link #STALL_NANOS} without ever draining.</li>
 * </ul>
 * A cluster node that reads normally drains megabytes in milliseconds and never comes near these.
 * Event-loop thread only.
 */
final class OutboundGuard {
    static final int LOW_WATER_MARK = 1024 * 1024;
    static final int HIGH_WATER_MARK = 4 * 1024 * 1024;
    static final long PER_CLIENT_LIMIT = 16L * 1024 * 1024;
    static final long SLOW_CLIENT_BYTES = 1024 * 1024;
    static final long STALL_NANOS = 10_000_000_000L;

    private final long globalLimit;
    private final Set<Channel> clients = new LinkedHashSet<>();

    /** @param globalLimit bytes all clients together may have waiting */
    OutboundGuard(long globalLimit) {
        this.globalLimit = globalLimit;
    }

    void add(Channel ch) {
        clients.add(ch);
    }

    void remove(Channel ch) {
        clients.remove(ch);
    }

    /**
     * Checked before a message is queued for an unwritable client.
     *
     * @param unwritableSinceNanos when the channel last became unwritable, or 0 when it is writable
     * @return why the client must be disconnected, or null when the message may be queued
     */
    String beforeWrite(Channel ch, long unwritableSinceNanos, long nowNanos) {
        long waiting = pending(ch);
        if (waiting > PER_CLIENT_LIMIT) {
            return waiting + " bytes of replies and notifications are waiting for it to read them";
        }
        if (unwritableSinceNanos != 0 && nowNanos - unwritableSinceNanos > STALL_NANOS) {
            return "it has not read its replies and notifications (" + waiting + " bytes) for "
                    + (nowNanos - unwritableSinceNanos) / 1_000_000_000L + " s";
        }
        return null;
    }

    /** Checked after a message was queued: null, or why the client must be disconnected. */
    String afterWrite(Channel ch) {
        long waiting = pending(ch);
        if (waiting <= SLOW_CLIENT_BYTES) {
            return null;
        }
        long total = 0;
        for (Channel c : clients) {
            total += pending(c);
        }
        if (total > globalLimit) {
            return waiting + " bytes are waiting for it, " + total
                    + " for all clients together, more than the " + globalLimit + " allowed";
        }
        return null;
    }

    static long pending(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
