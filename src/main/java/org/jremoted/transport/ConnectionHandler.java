package org.jremoted.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlNode;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of the pipeline: hands an authenticated client's messages to the dispatcher. */
final class ConnectionHandler extends SimpleChannelInboundHandler<XmlNode> {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private static final LogThrottle FAILURES = new LogThrottle();

    private final Dispatcher dispatcher;
    private final AdmissionHandler admission;
    private final OutboundGuard outbound;
    private RemoteConnection client;
    private boolean authenticated;

    /**
     * @param admission the connection caps to report authentication to; null: none (warm-up)
     * @param outbound  the limits on unread output; null: none (warm-up)
     */
    ConnectionHandler(Dispatcher dispatcher, AdmissionHandler admission, OutboundGuard outbound) {
        this.dispatcher = dispatcher;
        this.admission = admission;
        this.outbound = outbound;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        client = new RemoteConnection(ctx.channel(), outbound);
        // Debug only: every TCP connection gets here, authenticated or not (docs/hardening.md).
        log.debug("Accepted new remote client from {}", client.peer());
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == TlsPskHandler.HANDSHAKE_COMPLETE
                || (evt instanceof SslHandshakeCompletionEvent tls && tls.isSuccess())) {
            if (admission != null && !admission.authenticated(ctx.channel())) {
                ctx.close();
                return;
            }
            authenticated = true;
            if (outbound != null) {
                outbound.add(ctx.channel());
            }
            dispatcher.connected(client);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, XmlNode message) {
        if (!authenticated) {
            return;
        }
        try {
            dispatcher.received(client, message);
        } catch (RuntimeException e) {
            // A bug in handling one request must not take the connection or the daemon down.
            log.error("Failed to process a {} message from {}", message.name(), client, e);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (client != null) {
            client.writabilityChanged(ctx.channel().isWritable(), System.nanoTime());
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (outbound != null) {
            outbound.remove(ctx.channel());
        }
        if (client != null && authenticated) {
            dispatcher.disconnected(client);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.nio.channels.ClosedChannelException) {
            log.debug("Write to closed connection {} dropped", client);
            return;
        }
        FAILURES.warn(log, "Closing connection to {}: {}", client, cause.toString());
        ctx.close();
    }
}
