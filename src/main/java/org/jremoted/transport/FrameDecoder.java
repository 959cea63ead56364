package org.jremoted.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty adapter for {@link FrameAssembler}: emits each message's XML text as a {@code byte[]}, in
 * arrival order, whatever the fragmentation (docs/protocol.md §3).
 *
 * <p>A header that cannot be trusted means the stream cannot be resynchronised, and a message the
 * shared {@link MessageBudget} cannot hold cannot be received: either closes the connection at
 * once. A payload that does not decompress only costs that message. Event-loop thread only.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);
    // A peer can send these as often as it reconnects.
    private static final LogThrottle BAD_HEADER = new LogThrottle();
    private static final LogThrottle NO_BUDGET = new LogThrottle();
    private static final LogThrottle DROPPED = new LogThrottle();

    private final FrameAssembler assembler;
    private boolean broken;

    /**
     * A decoder with a budget of its own (for in-memory use such as the warm-up).
     *
     * @param maxMessageBytes largest {@code size_total} accepted; a larger one closes the connection
     */
    public FrameDecoder(int maxMessageBytes) {
        this(maxMessageBytes, MessageBudget.forMaxMessage(maxMessageBytes));
    }

    /** @param budget what all connections' messages in transit may hold together */
    public FrameDecoder(int maxMessageBytes, MessageBudget budget) {
        if (maxMessageBytes < FrameHeader.LENGTH) {
            throw new IllegalArgumentException("maximum message size " + maxMessageBytes
                    + " is smaller than the " + FrameHeader.LENGTH + "-byte header");
        }
        this.assembler = new FrameAssembler(maxMessageBytes, budget);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (broken) {
                return;
            }
            FrameAssembler.Sink sink = new FrameAssembler.Sink() {
                @Override
                public void message(byte[] text) {
                    ctx.fireChannelRead(text);
                }

                @Override
                public void dropped(FrameHeader header, String reason) {
                    DROPPED.warn(log, "Dropping message {} from {}: {}", header.id(),
                            ctx.channel().remoteAddress(), reason);
                }
            };
            for (ByteBuffer part : in.nioBuffers()) {
                assembler.feed(part, sink);
                if (broken) {
                    return;
                }
            }
        } catch (MalformedFrameException e) {
            fail(ctx);
            BAD_HEADER.warn(log, "Closing connection to {}: invalid message header: {}",
                    ctx.channel().remoteAddress(), e.getMessage());
        } catch (FrameAssembler.BudgetExceededException e) {
            fail(ctx);
            NO_BUDGET.warn(log, "Closing connection to {}: {}", ctx.channel().remoteAddress(), e.getMessage());
        } finally {
            ReferenceCountUtil.release(in);
        }
    }

    /** A partial message at EOF is simply lost, as with C peers. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!broken && assembler.inMessage()) {
            log.debug("Connection to {} ended inside a message", ctx.channel().remoteAddress());
        }
        assembler.release();
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx) {
        broken = true;
        assembler.release();
        ctx.close();
    }
}
