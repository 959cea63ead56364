package org.jremoted.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for Pacemaker 3.0.1's X.509 mode (docs/protocol.md §2.2): the JDK's TLS engine through Netty's
 * {@link SslHandler}, our certificate and key, a client certificate required and verified against
 * the configured CA only. Everything is loaded once, at start-up, so an unreadable or malformed
 * file stops the daemon (exit 100) instead of failing every handshake later. There is no PSK in
 * this mode, so a cluster node that still uses the authkey cannot connect: both ends must agree.
 */
public final class X509TlsHandlerFactory {
    private static final Logger log = LoggerFactory.getLogger(X509TlsHandlerFactory.class);

    /** Pacemaker warns when its own certificate has less than this left. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final SslContext context;
    private final X509Certificate ownCertificate;
    private final long handshakeTimeoutMs;

    private X509TlsHandlerFactory(SslContext context, X509Certificate ownCertificate, long handshakeTimeoutMs) {
        this.context = context;
        this.ownCertificate = ownCertificate;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    /**
     * Loads the certificate, key, CA and optional CRL.
     *
     * @throws GeneralSecurityException with a message naming the file that is wrong
     */
    public static X509TlsHandlerFactory load(X509Credentials files, boolean allowTls13, long handshakeTimeoutMs)
            throws GeneralSecurityException {
        List<X509Certificate> chain = read("certificate", () -> PemFiles.certificates(files.certFile()));
        PrivateKey key = read("private key", () -> PemFiles.privateKey(files.keyFile()));
        List<X509Certificate> authorities = read("CA", () -> PemFiles.certificates(files.caFile()));
        List<X509CRL> crls = files.crlFile() == null ? List.of()
                : read("revocation list", () -> PemFiles.revocationLists(files.crlFile()));
        if (!keyMatches(key, chain.get(0))) {
            throw new GeneralSecurityException("private key " + files.keyFile()
                    + " does not belong to certificate " + files.certFile());
        }
        try {
            SslContext context = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(SslProvider.JDK)
                    .trustManager(new CaOnlyTrustManager(authorities, crls))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols(allowTls13 ? new String[] {"TLSv1.3", "TLSv1.2"} : new String[] {"TLSv1.2"})
                    .build();
            log.info("TLS uses X.509 certificates: own {} (valid until {}), {} CA certificate(s){}",
                    chain.get(0).getSubjectX500Principal().getName(), chain.get(0).getNotAfter().toInstant(),
                    authorities.size(), crls.isEmpty() ? "" : ", " + crls.size() + " revocation list(s)");
            return new X509TlsHandlerFactory(context, chain.get(0), handshakeTimeoutMs);
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("cannot set up X.509 TLS: " + e.getMessage(), e);
        }
    }

    /** A server-side handler for one accepted connection. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
    }

    public X509Certificate ownCertificate() {
        return ownCertificate;
    }

    /** Logs a warning when our certificate expires within 30 days of {@code now}; true if it did. */
    boolean warnIfExpiringSoon(Instant now) {
        Instant notAfter = ownCertificate.getNotAfter().toInstant();
        if (notAfter.isAfter(now.plus(EXPIRY_WARNING))) {
            return false;
        }
        if (notAfter.isBefore(now)) {
            log.warn("Our TLS certificate {} expired on {}", ownCertificate.getSubjectX500Principal().getName(),
                    notAfter);
        } else {
            log.warn("Our TLS certificate {} will expire on {} ({} days from now)",
                    ownCertificate.getSubjectX500Principal().getName(), notAfter,
                    Duration.between(now, notAfter).toDays());
        }
        return true;
    }

    /** Whether the key signs what the certificate's public key verifies (any key algorithm). */
    private static boolean keyMatches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (alg == null) {
            // Unusual algorithm: let the TLS engine find out.
            return true;
        }
        byte[] probe = "jremoted key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (java.security.InvalidKeyException e) {
            return false;
        }
    }

    private interface Reader<T> {
        T read() throws IOException, GeneralSecurityException;
    }

    private static <T> T read(String what, Reader<T> reader) throws GeneralSecurityException {
        try {
            return reader.read();
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot read TLS " + what + ": " + e.getMessage(), e);
        }
    }
}
