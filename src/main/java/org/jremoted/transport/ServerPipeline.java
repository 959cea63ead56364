package org.jremoted.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import org.jremoted.protocol.XmlLimits;

/**
 * The one place the message stages of a connection's pipeline are put together, after its TLS
 * handler: frames in, XML messages up, XML messages down, frames out (docs/protocol.md §3).
 * {@link RemoteServer} uses it for every accepted connection and {@link TransportWarmup} for its
 * in-memory connections, so the warm-up compiles exactly the handlers real connections run.
 * Immutable: any thread may use one; each call makes new per-connection handlers.
 */
final class ServerPipeline {
    private final int maxMessageBytes;
    private final MessageBudget inbound;
    private final XmlLimits xmlLimits;
    private final int compressThresholdBytes;

    /**
     * @param inbound                the budget all connections' incomplete messages share; null: none
     * @param compressThresholdBytes bzip2 outgoing payloads longer than this; 0 = never
     */
    ServerPipeline(int maxMessageBytes, MessageBudget inbound, XmlLimits xmlLimits, int compressThresholdBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.inbound = inbound;
        this.xmlLimits = xmlLimits;
        this.compressThresholdBytes = compressThresholdBytes;
    }

    /**
     * Adds the codec stages and then {@code last}, which receives each decoded {@code XmlNode}
     * and writes {@code XmlNode}s back.
     */
    void addCodecs(ChannelPipeline pipeline, ChannelHandler last) {
        pipeline.addLast("frame-decoder", inbound == null ? new FrameDecoder(maxMessageBytes)
                : new FrameDecoder(maxMessageBytes, inbound));
        pipeline.addLast("xml-decoder", new MessageDecoder(xmlLimits));
        pipeline.addLast("frame-encoder", new FrameEncoder(compressThresholdBytes));
        pipeline.addLast("connection", last);
    }
}
