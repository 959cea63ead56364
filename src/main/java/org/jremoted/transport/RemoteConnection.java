package org.jremoted.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jremoted.protocol.AbstractClient;
import org.jremoted.protocol.XmlNode;

/** One TLS client connection, as the protocol layer sees it. */
final class RemoteConnection extends AbstractClient {
    private final Channel channel;
    private final String peer;
    /** Touched only on the channel's event loop. */
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;

    RemoteConnection(Channel channel) {
        this.channel = channel;
        this.peer = describe(channel.remoteAddress());
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
        channel.write(message, channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flushTask);
        }
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
