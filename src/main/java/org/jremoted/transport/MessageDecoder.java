package org.jremoted.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jremoted.protocol.XmlLimits;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.MalformedMessageException;
import org.jremoted.protocol.XmlNode;

/**
 * Turns each message's XML text into an {@link XmlNode}. Like the C daemon, a message that does not
 * parse is logged and dropped while the connection stays up (docs/protocol.md §5).
 */
public final class MessageDecoder extends MessageToMessageDecoder<byte[]> {
    private static final Logger log = LoggerFactory.getLogger(MessageDecoder.class);
    private static final int EXCERPT_CHARS = 120;

    private static final LogThrottle DROPPED = new LogThrottle();

    private final XmlLimits limits;

    public MessageDecoder() {
        this(XmlLimits.DEFAULT);
    }

    public MessageDecoder(XmlLimits limits) {
        super(byte[].class);
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, byte[] text, List<Object> out) {
        try {
            out.add(XmlCodec.parse(text, limits));
        } catch (MalformedMessageException e) {
            DROPPED.warn(log, "Couldn't parse message from {}, dropping it ({}): {}", ctx.channel().remoteAddress(),
                    e.getMessage(), excerpt(text));
        }
    }

    /** The start of the text, with control characters made visible so the log stays one line. */
    static String excerpt(byte[] text) {
        String s = new String(text, 0, Math.min(text.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < EXCERPT_CHARS; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= EXCERPT_CHARS || text.length > EXCERPT_CHARS * 4) {
            sb.append("...");
        }
        return sb.toString();
    }
}
