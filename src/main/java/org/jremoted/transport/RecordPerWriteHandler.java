package org.jremoted.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Sits just above Netty's {@link io.netty.handler.ssl.SslHandler} and flushes after every write,
 * so the SslHandler encrypts each buffer on its own instead of coalescing the pending ones into a
 * shared record. The frame encoder writes a message's 40-byte header and its payload as two
 * buffers; C peers stall when they arrive in one record (docs/protocol.md §3.1–3.2).
 */
@ChannelHandler.Sharable
final class RecordPerWriteHandler extends ChannelOutboundHandlerAdapter {
    static final RecordPerWriteHandler INSTANCE = new RecordPerWriteHandler();

    private RecordPerWriteHandler() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        ctx.flush();
    }
}
