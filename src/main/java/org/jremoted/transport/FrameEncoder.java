package org.jremoted.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;

/**
 * Serialises and frames outgoing messages. Each message leaves as two separate writes, the 40-byte
 * header and then the payload, so the TLS layer below puts them in different records (docs/protocol.md §3.2).
 */
public final class FrameEncoder extends MessageToMessageEncoder<XmlNode> {

    private final int compressThreshold;

    /** @param compressThreshold bzip2 payloads of XML longer than this many bytes; 0 = never */
    public FrameEncoder(int compressThreshold) {
        super(XmlNode.class);
        this.compressThreshold = compressThreshold;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, XmlNode message, List<Object> out) {
        FrameCodec.EncodedFrame frame = FrameCodec.encode(XmlCodec.writeUtf8(message), compressThreshold);
        out.add(Unpooled.wrappedBuffer(frame.headerBytes()));
        out.add(Unpooled.wrappedBuffer(frame.payload()));
    }
}
