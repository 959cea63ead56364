package org.jremoted.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the outcome of an X.509 handshake in the operator's terms (who connected, or why not) and,
 * like Pacemaker after each handshake, warns when our own certificate is about to expire. The
 * completion event itself travels on to {@link ConnectionHandler}, which starts the session.
 */
final class X509SessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(X509SessionHandler.class);
    /** Any peer can fail a handshake, as often as it likes. */
    private static final LogThrottle FAILURES = new LogThrottle();

    private final X509TlsHandlerFactory factory;
    private boolean handshakeDone;

    X509SessionHandler(X509TlsHandlerFactory factory) {
        this.factory = factory;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                handshakeDone = true;
                SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                log.info("Remote client {} authenticated by certificate '{}' ({}, {})",
                        ctx.channel().remoteAddress(), peerSubject(session), session.getProtocol(),
                        session.getCipherSuite());
                factory.warnIfExpiringSoon(Instant.now());
            } else if (done.cause() instanceof SslHandshakeTimeoutException) {
                FAILURES.warn(log, "Remote client authentication timed out ({}), disconnecting", ctx.channel().remoteAddress());
            } else {
                FAILURES.warn(log, "TLS handshake failed with remote client {}: {}", ctx.channel().remoteAddress(),
                        rootMessage(done.cause()));
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (handshakeDone) {
            FAILURES.warn(log, "TLS error with remote client {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            // Already logged with the handshake's completion event.
            log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    private static String peerSubject(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate cert) {
                return cert.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException e) {
            // Cannot happen with a required client certificate; fall through.
        }
        return "(none)";
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c.getMessage() + ")";
    }
}
