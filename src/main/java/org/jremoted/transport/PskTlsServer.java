package org.jremoted.transport;

import java.util.Vector;
import java.util.function.Supplier;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The TLS-PSK server side of one connection, as GnuTLS-based Pacemaker clients expect it: TLS 1.3
 * with an external PSK (psk_dhe_ke), or TLS 1.2 PSK suites. Every identity is accepted; the key is
 * the whole authkey file.
 */
final class PskTlsServer extends PSKTlsServer {

    /**
     * TLS 1.3 suites limited to SHA-256: GnuTLS binds external PSKs to SHA-256, so a SHA-384 suite
     * would make the key schedules disagree. TLS 1.2 suites cover ECDHE-PSK, DHE-PSK and PSK, in
     * that order (forward secrecy first).
     *
     * <p>Our order decides ({@link #preferLocalCipherSuites()}), ChaCha20-Poly1305 first: the
     * launcher runs the JVM with the C1 compiler only, and the JDK's AES and GHASH intrinsics
     * exist only in C2, so in pure Java a small record costs about 17 µs with AES-GCM and about
     * 5 µs with ChaCha20-Poly1305. GnuTLS servers, the C daemon included, end up with
     * ChaCha20-Poly1305 against the same clients too.
     */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_128_CCM_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_DHE_PSK_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    };

    private static final int[] GROUPS = {
        NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.x448,
        NamedGroup.ffdhe2048, NamedGroup.ffdhe3072,
    };

    private final Supplier<byte[]> keySource;
    private final Runnable onHandshakeComplete;
    private final boolean allowTls13;
    private boolean preferOwnGroups;

    PskTlsServer(TlsCrypto crypto, Supplier<byte[]> keySource, boolean allowTls13,
                 Runnable onHandshakeComplete) {
        super(ServerTlsCrypto.adapt(crypto), new KeyIdentityManager(keySource));
        this.keySource = keySource;
        this.allowTls13 = allowTls13;
        this.onHandshakeComplete = onHandshakeComplete;
    }

    /**
     * GnuTLS clients send TLS 1.3 key shares for secp256r1 and x25519 but list secp256r1 first.
     * Following the client's order would cost three P-256 scalar multiplications per handshake
     * (key pair, point validation, agreement) instead of X25519's two cheaper ones, so when a
     * client has already sent an x25519 share, our order decides; otherwise the client's does,
     * which never forces a HelloRetryRequest. A ClientHello without key shares (TLS 1.2) lets
     * our order pick the ECDHE-PSK curve.
     */
    @Override
    public void processClientExtensions(@SuppressWarnings("rawtypes") java.util.Hashtable clientExtensions)
            throws java.io.IOException {
        super.processClientExtensions(clientExtensions);
        Vector<?> shares = org.bouncycastle.tls.TlsExtensionsUtils.getKeyShareClientHello(clientExtensions);
        preferOwnGroups = shares == null;
        if (shares != null) {
            for (Object share : shares) {
                if (((org.bouncycastle.tls.KeyShareEntry) share).getNamedGroup() == NamedGroup.x25519) {
                    preferOwnGroups = true;
                }
            }
        }
    }

    @Override
    public boolean preferLocalSupportedGroups() {
        return preferOwnGroups;
    }

    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return allowTls13 ? ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12)
                : new ProtocolVersion[] {ProtocolVersion.TLSv12};
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return org.bouncycastle.tls.TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
    }

    @Override
    public int[] getSupportedGroups() {
        return GROUPS.clone();
    }

    @Override
    public TlsPSKExternal getExternalPSK(@SuppressWarnings("rawtypes") Vector identities) {
        byte[] key = keySource.get();
        if (key == null || identities == null || identities.isEmpty()) {
            return null;
        }
        PskIdentity offered = (PskIdentity) identities.get(0);
        return new BasicTlsPSKExternal(offered.getIdentity(), getCrypto().createSecret(key.clone()),
                PRFAlgorithm.tls13_hkdf_sha256);
    }

    /**
     * Reached in TLS 1.3 only when no PSK could be selected (no key file): refuse plainly instead of
     * letting the certificate path fail with an internal error.
     */
    @Override
    public org.bouncycastle.tls.TlsCredentials getCredentials() throws java.io.IOException {
        if (org.bouncycastle.tls.TlsUtils.isTLSv13(context)) {
            throw new org.bouncycastle.tls.TlsFatalAlert(org.bouncycastle.tls.AlertDescription.handshake_failure,
                    "no pre-shared key available");
        }
        return super.getCredentials();
    }

    /** The negotiated protocol version, for log lines (null before the handshake). */
    ProtocolVersion negotiatedVersion() {
        return context == null ? null : context.getServerVersion();
    }

    @Override
    public void notifyHandshakeComplete() throws java.io.IOException {
        super.notifyHandshakeComplete();
        onHandshakeComplete.run();
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message,
                                  Throwable cause) {
        // The handler logs the failure once with the peer's address; BC's own stderr output is noise.
    }

    /** Accepts any identity: the C daemon's key callback ignores it too. */
    private record KeyIdentityManager(Supplier<byte[]> keySource) implements TlsPSKIdentityManager {
        @Override
        public byte[] getHint() {
            return null;
        }

        @Override
        public byte[] getPSK(byte[] identity) {
            // A copy: the TLS 1.2 key exchange wipes the array it is given, and this one is cached.
            byte[] key = keySource.get();
            return key == null ? null : key.clone();
        }
    }
}
