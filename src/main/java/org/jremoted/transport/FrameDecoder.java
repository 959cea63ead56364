package org.jremoted.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the decrypted byte stream into messages and emits each one's XML text as a
 * {@code byte[]}, in arrival order, whatever the fragmentation (wire.md §3.3).
 *
 * <p>A header that cannot be trusted means the stream cannot be resynchronised, so the connection
 * is closed at once. A payload that does not decompress only costs that message. Nothing is
 * buffered beyond what the peer has actually sent, and a header is validated (including the size
 * limit) before any of its payload is waited for.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final long maxMessageBytes;
    private FrameHeader pending;
    private boolean broken;

    /** @param maxMessageBytes largest {@code size_total} accepted; a larger one closes the connection */
    public FrameDecoder(int maxMessageBytes) {
        if (maxMessageBytes < FrameHeader.LENGTH) {
            throw new IllegalArgumentException("maximum message size " + maxMessageBytes
                    + " is smaller than the " + FrameHeader.LENGTH + "-byte header");
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (true) {
            if (pending == null) {
                if (in.readableBytes() < FrameHeader.LENGTH) {
                    return;
                }
                try {
                    pending = FrameHeader.decode(in.nioBuffer(in.readerIndex(), FrameHeader.LENGTH), maxMessageBytes);
                } catch (MalformedFrameException e) {
                    broken = true;
                    in.skipBytes(in.readableBytes());
                    log.warn("Closing connection to {}: invalid message header: {}",
                            ctx.channel().remoteAddress(), e.getMessage());
                    ctx.close();
                    return;
                }
                in.skipBytes(FrameHeader.LENGTH);
            }
            long body = pending.bodyLength();
            if (in.readableBytes() < body) {
                return;
            }
            FrameHeader header = pending;
            pending = null;
            in.skipBytes((int) (header.payloadOffset() - FrameHeader.LENGTH));
            byte[] payload = new byte[(int) (header.sizeTotal() - header.payloadOffset())];
            in.readBytes(payload);
            try {
                out.add(FrameCodec.decodePayload(header, payload));
            } catch (MalformedFrameException e) {
                log.warn("Dropping message {} from {}: {}", header.id(), ctx.channel().remoteAddress(),
                        e.getMessage());
            }
        }
    }

    /** A partial message at EOF is simply lost, as with C peers; nothing to flush downstream. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!broken && in.isReadable()) {
            decode(ctx, in, out);
        }
        if (in.isReadable() || pending != null) {
            log.debug("Connection to {} ended inside a message; {} bytes discarded",
                    ctx.channel().remoteAddress(), in.readableBytes());
            in.skipBytes(in.readableBytes());
        }
        pending = null;
    }
}
