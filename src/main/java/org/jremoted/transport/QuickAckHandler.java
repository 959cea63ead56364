package org.jremoted.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * Re-arms TCP_QUICKACK after every read. C clients send a message's header and payload as two
 * small TLS records without TCP_NODELAY, so Nagle holds the payload until the header is
 * acknowledged; with the kernel's delayed ACK that costs 40 ms per request. The kernel clears
 * the option again after it acknowledges, hence once per read.
 */
@io.netty.channel.ChannelHandler.Sharable
final class QuickAckHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel() instanceof EpollSocketChannel ch) {
            ch.config().setTcpQuickAck(true);
        }
        ctx.fireChannelRead(msg);
    }
}
