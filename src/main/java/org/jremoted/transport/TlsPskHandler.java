package org.jremoted.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates TLS-PSK with Bouncy Castle's non-blocking {@link TlsServerProtocol} (Netty's own
 * SslHandler cannot do PSK). Downstream handlers see plaintext; every plaintext buffer written
 * through this handler becomes its own TLS record(s), which is what lets the frame encoder keep a
 * message's header in a record of its own, as C peers need.
 */
public final class TlsPskHandler extends ChannelDuplexHandler {
    /** Fired downstream once the handshake succeeded: the peer is authenticated. */
    public static final Object HANDSHAKE_COMPLETE = new Object() {
        @Override
        public String toString() {
            return "TLS handshake complete";
        }
    };

    private static final Logger log = LoggerFactory.getLogger(TlsPskHandler.class);
    private static final int TLS_HANDSHAKE_CONTENT_TYPE = 22;
    // Every connection can trigger these, so a flood of them must not become a flood of lines.
    private static final LogThrottle NOT_TLS = new LogThrottle();
    private static final LogThrottle TIMED_OUT = new LogThrottle();
    private static final LogThrottle FAILED = new LogThrottle();
    private static final LogThrottle NO_KEY = new LogThrottle();

    /**
     * Created with the first byte from the peer, not at accept: a connection that never speaks
     * costs no TLS state at all (docs/hardening.md, "Connections").
     */
    private TlsServerProtocol protocol;
    private final TlsCrypto crypto;
    private final Supplier<byte[]> keySource;
    private final boolean allowTls13;
    private final long handshakeTimeoutMs;
    private ChannelHandlerContext ctx;
    private PskTlsServer server;
    private ScheduledFuture<?> handshakeDeadline;
    private boolean handshakeDone;
    private boolean sawFirstByte;
    private boolean closing;
    /**
     * Where ciphertext is copied on its way into Bouncy Castle, which copies it again into its own
     * queue: one array per event-loop thread serves every connection on it.
     */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[16 * 1024 + 256];
        }
    };
    /** False only for {@link TransportWarmup}'s in-memory connections, which are no clients. */
    private boolean announce = true;

    public TlsPskHandler(TlsCrypto crypto, Supplier<byte[]> keySource, boolean allowTls13,
                         long handshakeTimeoutMs) {
        this.crypto = crypto;
        this.keySource = keySource;
        this.allowTls13 = allowTls13;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    /** Do not log the handshake at notice level (in-memory warm-up connections). */
    TlsPskHandler quiet() {
        announce = false;
        return this;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        handshakeDeadline = ctx.executor().schedule(() -> {
            if (!handshakeDone && ctx.channel().isActive()) {
                TIMED_OUT.warn(log, "Remote client authentication timed out ({}), disconnecting",
                        ctx.channel().remoteAddress());
                closeWithNotify();
            }
        }, handshakeTimeoutMs, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (closing || !in.isReadable()) {
                return;
            }
            if (!sawFirstByte) {
                sawFirstByte = true;
                if (in.getUnsignedByte(in.readerIndex()) != TLS_HANDSHAKE_CONTENT_TYPE) {
                    // Not TLS at all (e.g. `ssh -p 3121`): reset at once, which is the symptom the
                    // Pacemaker Remote guides describe for a correctly working port.
                    NOT_TLS.warn(log, "Remote client {} did not start a TLS handshake, resetting",
                            ctx.channel().remoteAddress());
                    reset();
                    return;
                }
            }
            if (protocol == null) {
                protocol = new TlsServerProtocol();
                server = new PskTlsServer(crypto, keySource, allowTls13, () -> handshakeDone = true);
                protocol.accept(server);
            }
            byte[] scratch = SCRATCH.get();
            while (in.isReadable()) {
                int n = Math.min(in.readableBytes(), scratch.length);
                in.readBytes(scratch, 0, n);
                protocol.offerInput(scratch, 0, n);
            }
        } catch (IOException e) {
            fail(e);
            return;
        } finally {
            ReferenceCountUtil.release(in);
        }
        writePendingOutput(ctx.voidPromise());
        ctx.flush();
        if (handshakeDone && handshakeDeadline != null) {
            cancelDeadline();
            handshakeDeadline = null;
            if (announce) {
                log.info("Remote client {} authenticated ({})", ctx.channel().remoteAddress(),
                        server.negotiatedVersion());
            }
            ctx.fireUserEventTriggered(HANDSHAKE_COMPLETE);
        }
        int available = protocol.getAvailableInputBytes();
        while (available > 0) {
            ByteBuf plain = ctx.alloc().buffer(available);
            plain.writerIndex(protocol.readInput(plain.nioBuffer(0, available), available));
            ctx.fireChannelRead(plain);
            available = protocol.getAvailableInputBytes();
        }
        if (protocol.isClosed() && !closing) {
            // The peer sent close_notify (BC has answered it already).
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.write(msg, promise);
            return;
        }
        try {
            if (!handshakeDone || closing || protocol == null || protocol.isClosed()) {
                promise.tryFailure(new IOException("TLS session not open"));
                return;
            }
            int n = buf.readableBytes();
            byte[] plain;
            int offset;
            if (buf.hasArray()) {
                plain = buf.array();
                offset = buf.arrayOffset() + buf.readerIndex();
            } else {
                plain = new byte[n];
                offset = 0;
                buf.getBytes(buf.readerIndex(), plain);
            }
            // One call = one message part = its own record(s); never merged with another write.
            protocol.writeApplicationData(plain, offset, n);
        } catch (IOException e) {
            promise.tryFailure(e);
            fail(e);
            return;
        } finally {
            ReferenceCountUtil.release(buf);
        }
        writePendingOutput(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closing && handshakeDone && protocol != null && !protocol.isClosed()) {
            closing = true;
            try {
                protocol.close();
            } catch (IOException e) {
                log.debug("close_notify to {} failed: {}", ctx.channel().remoteAddress(), e.toString());
            }
            writePendingOutput(ctx.voidPromise());
            ctx.flush();
        }
        closing = true;
        ctx.close(promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.nio.channels.ClosedChannelException) {
            // Writes queued with a void promise fail one by one once we closed: no news.
            log.debug("Write to closed connection {} dropped", ctx.channel().remoteAddress());
            return;
        }
        FAILED.warn(log, "Connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void writePendingOutput(ChannelPromise promise) {
        int pending = protocol == null ? 0 : protocol.getAvailableOutputBytes();
        if (pending == 0) {
            if (!promise.isVoid()) {
                promise.trySuccess();
            }
            return;
        }
        ByteBuf out = ctx.alloc().directBuffer(pending);
        out.writerIndex(protocol.readOutput(out.nioBuffer(0, pending), pending));
        ctx.write(out, promise);
    }

    private void fail(IOException e) {
        if (closing) {
            return;
        }
        closing = true;
        String what = handshakeDone ? "TLS error" : "TLS handshake failed";
        if (e instanceof TlsFatalAlert alert) {
            FAILED.warn(log, "{} with remote client {}: {}", what, ctx.channel().remoteAddress(),
                    org.bouncycastle.tls.AlertDescription.getText(alert.getAlertDescription()));
        } else {
            FAILED.warn(log, "{} with remote client {}: {}", what, ctx.channel().remoteAddress(), e.getMessage());
        }
        if (!handshakeDone && keySource.get() == null) {
            NO_KEY.warn(log, "No Pacemaker Remote key is readable: a cluster connection will not be possible "
                    + "until the key is available");
        }
        // Send whatever alert BC queued, then close.
        writePendingOutput(ctx.voidPromise());
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void closeWithNotify() {
        closing = true;
        try {
            if (protocol != null) {
                protocol.close();
            }
        } catch (IOException ignored) {
            // Nothing more to tell a peer that never finished its handshake.
        }
        writePendingOutput(ctx.voidPromise());
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void reset() {
        closing = true;
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
    }

    private void cancelDeadline() {
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
        }
    }
}
