package org.jremoted.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of the pipeline: hands an authenticated client's messages to the dispatcher. */
final class ConnectionHandler extends SimpleChannelInboundHandler<XmlNode> {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Dispatcher dispatcher;
    private RemoteConnection client;
    private boolean authenticated;

    ConnectionHandler(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        client = new RemoteConnection(ctx.channel());
        log.info("Accepted new remote client from {}", client.peer());
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == TlsPskHandler.HANDSHAKE_COMPLETE
                || (evt instanceof SslHandshakeCompletionEvent tls && tls.isSuccess())) {
            authenticated = true;
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
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (client != null) {
            dispatcher.disconnected(client);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("Closing connection to {}: {}", client, cause.toString());
        ctx.close();
    }
}
