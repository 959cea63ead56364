package org.jremoted.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Vector;
import java.util.function.BooleanSupplier;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jremoted.protocol.XmlLimits;

/**
 * Runs the connection code path in memory, once, right after start-up, so that the JIT has
 * compiled it before the first cluster node connects.
 *
 * <p>The launcher uses the C1 compiler only (RSS), which compiles a method after a few hundred
 * calls; until then it is interpreted, 10 to 50 times slower. A cluster node connects once and
 * then sends a handful of requests per minute, so without this the daemon would run the TLS
 * handshake, the record layer, framing and XML mostly interpreted for a long time: a first
 * connect cost ~5 ms of CPU instead of ~1 ms.
 *
 * <p>What runs: a Bouncy Castle TLS 1.3 PSK client (X25519, ChaCha20-Poly1305, as GnuTLS clients
 * end up negotiating) against the real server pipeline ({@link TlsPskHandler}, then {@link ServerPipeline}'s
 * {@link FrameDecoder}, {@link MessageDecoder}, {@link FrameEncoder}) in an {@link EmbeddedChannel}, with a random key
 * that is never the cluster's, a few dozen handshakes and a few hundred request/reply pairs.
 * Nothing touches the network, the executor, the dispatcher or the log beyond one debug line;
 * any failure just ends the warm-up. It costs about half a second of CPU on the 2-core test
 * machine and gives up after five seconds on a slower one.
 */
public final class TransportWarmup {
    private static final Logger log = LoggerFactory.getLogger(TransportWarmup.class);

    static final int HANDSHAKES = 30;
    static final int MESSAGES_PER_CONNECTION = 16;
    private static final long MAX_RUN_NANOS = 5_000_000_000L;
    /** The stages a real connection runs, with the limits the warm-up always used. */
    private static final ServerPipeline CODECS = new ServerPipeline(1 << 20, null, XmlLimits.DEFAULT, 0);

    private static final String REQUEST = "<lrmd_command t=\"lrmd\" lrmd_op=\"lrmd_rsc_info\""
            + " lrmd_clientid=\"9a3c61d2-5b6f-4c1e-9d4a-0c8f7e2b1a44\" lrmd_callid=\"17\" lrmd_callopt=\"0\""
            + " lrmd_rsc_id=\"warmup\"><lrmd_calldata><lrmd_rsc lrmd_rsc_id=\"warmup\""
            + " lrmd_rsc_action=\"monitor\" lrmd_rsc_interval=\"10000\" lrmd_timeout=\"20000\""
            + " lrmd_rsc_start_delay=\"0\"><attributes CRM_meta_on_node=\"node1\""
            + " CRM_meta_timeout=\"20000\" crm_feature_set=\"3.16.2\" state=\"/run/x&amp;y\"/></lrmd_rsc>"
            + "</lrmd_calldata></lrmd_command>";

    private TransportWarmup() {
    }

    /**
     * Runs the warm-up on the calling thread, which should be one that lives on anyway (the
     * daemon's main thread while it waits for shutdown): tools that add up a process's CPU per
     * thread lose the time of threads that have exited. Returns the number of replies received.
     *
     * @param stop checked between connections; true ends the warm-up (shutdown was requested)
     */
    public static int run(BooleanSupplier stop) {
        return run(ServerTlsCrypto.create(new SecureRandom()), stop, MAX_RUN_NANOS);
    }

    /** As {@link #run(BooleanSupplier)}; tests lift the time cap, which a loaded machine can reach. */
    static int run(TlsCrypto crypto, BooleanSupplier stop, long maxRunNanos) {
        long start = System.nanoTime();
        int replies = 0;
        try {
            byte[] key = new byte[64];
            new SecureRandom().nextBytes(key);
            XmlNode request = XmlCodec.parse(REQUEST);
            for (int i = 0; i < HANDSHAKES && !stop.getAsBoolean()
                    && System.nanoTime() - start < maxRunNanos; i++) {
                replies += oneConnection(crypto, key, request);
            }
            log.debug("Transport warm-up done: {} replies in {} ms", replies,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | LinkageError e) {
            log.debug("Transport warm-up stopped early", e);
        }
        return replies;
    }

    private static int oneConnection(TlsCrypto crypto, byte[] key, XmlNode request) throws Exception {
        TlsCrypto adapted = ServerTlsCrypto.adapt(crypto);
        EmbeddedChannel server = new EmbeddedChannel(new TlsPskHandler(adapted, () -> key, true, 60_000).quiet());
        CODECS.addCodecs(server.pipeline(), new Echo());
        try {
            Client client = new Client(adapted, key);
            TlsClientProtocol tls = new TlsClientProtocol();
            tls.connect(client);
            for (int round = 0; round < 10 && !client.done; round++) {
                pump(tls, server);
            }
            if (!client.done) {
                throw new IOException("handshake did not complete");
            }
            int replies = 0;
            for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
                FrameCodec.EncodedFrame frame = FrameCodec.encode(XmlCodec.writeUtf8(request), 0);
                tls.writeApplicationData(frame.headerBytes(), 0, frame.headerBytes().length);
                tls.writeApplicationData(frame.payload(), 0, frame.payload().length);
                pump(tls, server);
                replies += readReplies(tls);
            }
            tls.close();
            int pending = tls.getAvailableOutputBytes();
            if (pending > 0) {
                // Our close_notify; the server answers with its own and closes the channel.
                byte[] out = new byte[pending];
                tls.readOutput(out, 0, pending);
                server.writeInbound(Unpooled.wrappedBuffer(out));
            }
            return replies;
        } finally {
            server.finishAndReleaseAll();
        }
    }

    /** Moves client output into the server pipeline and the server's output back. */
    private static void pump(TlsClientProtocol tls, EmbeddedChannel server) throws IOException {
        int pending = tls.getAvailableOutputBytes();
        if (pending > 0) {
            byte[] out = new byte[pending];
            tls.readOutput(out, 0, pending);
            server.writeInbound(Unpooled.wrappedBuffer(out));
        }
        server.runPendingTasks();
        server.flushOutbound();
        Object o;
        while ((o = server.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            try {
                byte[] in = new byte[b.readableBytes()];
                b.readBytes(in);
                tls.offerInput(in);
            } finally {
                b.release();
            }
        }
    }

    private static int readReplies(TlsClientProtocol tls) throws Exception {
        int available = tls.getAvailableInputBytes();
        if (available < FrameHeader.LENGTH) {
            return 0;
        }
        byte[] data = new byte[available];
        tls.readInput(data, 0, available);
        int count = 0;
        int offset = 0;
        while (data.length - offset >= FrameHeader.LENGTH) {
            FrameHeader header = FrameHeader.decode(java.nio.ByteBuffer.wrap(data, offset, FrameHeader.LENGTH),
                    1 << 20);
            int end = offset + (int) header.sizeTotal();
            byte[] payload = java.util.Arrays.copyOfRange(data, offset + (int) header.payloadOffset(), end);
            XmlCodec.parse(FrameCodec.decodePayload(header, payload));
            count++;
            offset = end;
        }
        return count;
    }

    /** Answers each request the way the dispatcher's replies look: a reply and a notification. */
    private static final class Echo extends SimpleChannelInboundHandler<XmlNode> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, XmlNode message) {
            XmlNode reply = XmlNode.builder("lrmd_reply").attr("lrmd_origin", "warmup")
                    .attr("lrmd_op", message.attr("lrmd_op")).attr("lrmd_callid", message.attr("lrmd_callid"))
                    .attr("lrmd_rc", "0").child(message.child("lrmd_calldata").orElse(message)).build();
            ctx.channel().write(reply, ctx.voidPromise());
            ctx.channel().write(XmlNode.builder("lrmd_notify").attr("lrmd_op", "lrmd_rsc_exec")
                    .attr("lrmd_rsc_id", "warmup").attr("lrmd_exec_rc", 0).build(), ctx.voidPromise());
            ctx.channel().flush();
        }
    }

    /** A TLS 1.3 external-PSK client offering what GnuTLS-based Pacemaker clients end up with. */
    private static final class Client extends PSKTlsClient {
        private final byte[] key;
        private volatile boolean done;

        Client(TlsCrypto crypto, byte[] key) {
            super(crypto, new BasicTlsPSKIdentity("lrmd", key));
            this.key = key;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return new ProtocolVersion[] {ProtocolVersion.TLSv13};
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256};
        }

        @Override
        public Vector<Integer> getEarlyKeyShareGroups() {
            Vector<Integer> groups = new Vector<>();
            groups.add(NamedGroup.x25519);
            return groups;
        }

        @Override
        public Vector<TlsPSKExternal> getExternalPSKs() {
            Vector<TlsPSKExternal> v = new Vector<>();
            v.add(new BasicTlsPSKExternal("lrmd".getBytes(StandardCharsets.US_ASCII),
                    getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256));
            return v;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            done = true;
        }
    }
}
