package org.jremoted.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every accepted connection: applies {@link ConnectionLimiter} before any TLS
 * state exists for the connection (docs/hardening.md, "Connections"). A refused or evicted
 * connection is reset (RST), so neither side keeps it in TIME_WAIT, and costs one throttled log
 * line at most. Shared by all channels; loop thread only, like the limiter it drives.
 */
@ChannelHandler.Sharable
final class AdmissionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);
    private static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("jremoted.admitted");

    private final ConnectionLimiter<Channel> limiter;
    private final LogThrottle refusals = new LogThrottle();
    private final LogThrottle evictions = new LogThrottle();

    AdmissionHandler(ConnectionLimits limits) {
        this.limiter = new ConnectionLimiter<>(limits);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        String source = source(ch);
        ConnectionLimiter.Admission<Channel> admission = limiter.admit(ch, source);
        if (admission instanceof ConnectionLimiter.Refused<Channel> refused) {
            refusals.warn(log, "Refusing connection from {}: {}", source, refused.reason());
            reset(ch);
            return; // the rest of the pipeline never learns of it
        }
        ((ConnectionLimiter.Admitted<Channel>) admission).evicted().ifPresent(victim -> {
            evictions.warn(log, "Too many connections waiting to authenticate; closing the oldest silent one ({})",
                    RemoteConnection.describe(victim.remoteAddress()));
            reset(victim);
        });
        ch.attr(ADMITTED).set(Boolean.TRUE);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel().attr(ADMITTED).get() == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        limiter.spoke(ctx.channel());
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        limiter.closed(ctx.channel());
        if (ctx.channel().attr(ADMITTED).get() != null) {
            super.channelInactive(ctx);
        }
    }

    /**
     * The connection's handshake completed.
     *
     * @return false when the client cap is reached: the caller closes the connection
     */
    boolean authenticated(Channel ch) {
        if (limiter.authenticated(ch)) {
            return true;
        }
        refusals.warn(log, "Refusing authenticated client {}: {} clients are connected, the most allowed",
                RemoteConnection.describe(ch.remoteAddress()), limiter.clientCount());
        return false;
    }

    int pendingCount() {
        return limiter.pendingCount();
    }

    private static String source(Channel ch) {
        if (ch.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(ch.remoteAddress());
    }

    private static void reset(Channel ch) {
        ch.config().setAutoRead(false);
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            // Not a TCP channel (tests): a plain close will do.
        }
        ch.close();
    }
}
