package org.jremoted.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jremoted.protocol.AbstractClient;
import org.jremoted.protocol.XmlNode;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One TLS client connection, as the protocol layer sees it. */
final class RemoteConnection extends AbstractClient {
    private static final Logger log = LoggerFactory.getLogger(RemoteConnection.class);
    private static final LogThrottle NOT_READING = new LogThrottle();

    private final Channel channel;
    private final String peer;
    private final OutboundGuard guard;
    /** When the channel last became unwritable; 0 while writable. Event loop only. */
    private long unwritableSinceNanos;
    private boolean droppedForNotReading;
    /** Touched only on the channel's event loop. */
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;

    /** @param guard the outbound limits, or null for none (in-memory warm-up connections) */
    RemoteConnection(Channel channel, OutboundGuard guard) {
        this.channel = channel;
        this.peer = describe(channel.remoteAddress());
        this.guard = guard;
    }

    /** Netty told us the channel's writability changed. */
    void writabilityChanged(boolean writable, long nowNanos) {
        unwritableSinceNanos = writable ? 0 : (unwritableSinceNanos == 0 ? nowNanos : unwritableSinceNanos);
    }

    @Override
    public boolean isRemote() {
        return true;
    }

    @Override
    public String peer() {
        return peer;
    }

    /**
     * Encrypts and queues the message now but flushes once per event-loop pass: a reply and the
     * notifications produced while handling the same request leave in one writev instead of one
     * syscall each. The records stay separate (one per write), as C peers need.
     */
    @Override
    public void send(XmlNode message) {
        if (!channel.isActive()) {
            return;
        }
        if (!channel.eventLoop().inEventLoop()) {
            channel.writeAndFlush(message, channel.voidPromise());
            return;
        }
        if (guard != null && !channel.isWritable()) {
            if (unwritableSinceNanos == 0) {
                unwritableSinceNanos = System.nanoTime();
            }
            if (dropIfNeeded(guard.beforeWrite(channel, unwritableSinceNanos, System.nanoTime()))) {
                return;
            }
        }
        channel.write(message, channel.voidPromise());
        if (guard != null && dropIfNeeded(guard.afterWrite(channel))) {
            return;
        }
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flushTask);
        }
    }

    /** Closes the connection, with one log line, when {@code why} says so. */
    private boolean dropIfNeeded(String why) {
        if (why == null) {
            return false;
        }
        if (!droppedForNotReading) {
            droppedForNotReading = true;
            NOT_READING.warn(log, "Disconnecting remote client {}: {}", this, why);
            channel.close();
        }
        return true;
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return (name() == null ? "unnamed client" : name()) + " " + id() + " from " + peer;
    }

    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
