package org.jremoted.transport;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsECDomain;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipher;
import org.bouncycastle.tls.crypto.impl.bc.BcChaCha20Poly1305;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The JDK-provider TLS crypto with two parts taken from Bouncy Castle's own implementations,
 * because the launcher runs the JVM with the C1 compiler only, where none of the JDK's crypto
 * intrinsics (AES, GHASH, SHA) exist:
 * <ul>
 *   <li>X25519: the JDK's XDH is generic field arithmetic with a variable-base ladder for both key
 *       generation and agreement; Bouncy Castle's uses a precomputed table for the key pair and
 *       specialised limbs. The key exchange is most of what a connect costs the daemon.</li>
 *   <li>ChaCha20-Poly1305, which the JCA crypto does not offer at all (it looks for provider
 *       names the JDK does not use): about 5 µs per small record in pure Java, against about
 *       17 µs for the JDK's AES-GCM without its intrinsics.</li>
 * </ul>
 */
final class ServerTlsCrypto extends JcaTlsCrypto {

    /** Adapted instances, so that per-connection callers share one. */
    private static final Map<TlsCrypto, TlsCrypto> ADAPTED = Collections.synchronizedMap(new WeakHashMap<>());

    private ServerTlsCrypto(JcaJceHelper helper, JcaJceHelper altHelper, SecureRandom keys) {
        super(helper, altHelper, keys, new SecureRandom());
    }

    /** A new instance on the default JCA providers. */
    static ServerTlsCrypto create(SecureRandom keys) {
        JcaJceHelper helper = new DefaultJcaJceHelper();
        return new ServerTlsCrypto(helper, helper, keys);
    }

    /**
     * The same crypto with the faster X25519: a plain {@link JcaTlsCrypto} is rebuilt on its
     * helpers and random source; any other implementation is returned unchanged.
     */
    static TlsCrypto adapt(TlsCrypto crypto) {
        if (crypto == null || crypto.getClass() != JcaTlsCrypto.class) {
            return crypto;
        }
        JcaTlsCrypto jca = (JcaTlsCrypto) crypto;
        return ADAPTED.computeIfAbsent(crypto,
                c -> new ServerTlsCrypto(jca.getHelper(), jca.getAltHelper(), jca.getSecureRandom()));
    }

    @Override
    public boolean hasEncryptionAlgorithm(int encryptionAlgorithm) {
        return encryptionAlgorithm == EncryptionAlgorithm.CHACHA20_POLY1305
                || super.hasEncryptionAlgorithm(encryptionAlgorithm);
    }

    @Override
    public TlsCipher createCipher(TlsCryptoParameters cryptoParams, int encryptionAlgorithm, int macAlgorithm)
            throws IOException {
        if (encryptionAlgorithm == EncryptionAlgorithm.CHACHA20_POLY1305) {
            // RFC 8439 / 7905: 256-bit key, 128-bit tag.
            return new TlsAEADCipher(cryptoParams, new BcChaCha20Poly1305(true), new BcChaCha20Poly1305(false),
                    32, 16, TlsAEADCipher.AEAD_CHACHA20_POLY1305);
        }
        return super.createCipher(cryptoParams, encryptionAlgorithm, macAlgorithm);
    }

    @Override
    public TlsECDomain createECDomain(TlsECConfig ecConfig) {
        if (ecConfig.getNamedGroup() == NamedGroup.x25519) {
            return () -> new X25519Agreement(this);
        }
        return super.createECDomain(ecConfig);
    }

    /** One ephemeral X25519 exchange (RFC 7748 §6.1). */
    static final class X25519Agreement implements TlsAgreement {
        private final JcaTlsCrypto crypto;
        private final byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        private byte[] peer;

        X25519Agreement(JcaTlsCrypto crypto) {
            this.crypto = crypto;
        }

        @Override
        public byte[] generateEphemeral() {
            X25519.generatePrivateKey(crypto.getSecureRandom(), privateKey);
            byte[] publicKey = new byte[X25519.POINT_SIZE];
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
            return publicKey;
        }

        @Override
        public void receivePeerValue(byte[] peerValue) throws IOException {
            if (peerValue == null || peerValue.length != X25519.POINT_SIZE) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "X25519 share of wrong length");
            }
            this.peer = peerValue.clone();
        }

        @Override
        public TlsSecret calculateSecret() throws IOException {
            if (peer == null) {
                throw new TlsFatalAlert(AlertDescription.internal_error, "no X25519 peer share");
            }
            byte[] shared = new byte[X25519.POINT_SIZE];
            // False for a low-order peer point (all-zero result), which RFC 7748 says to reject.
            if (!X25519.calculateAgreement(privateKey, 0, peer, 0, shared, 0)) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "X25519 agreement gave zero");
            }
            TlsSecret secret = crypto.createSecret(shared);
            java.util.Arrays.fill(shared, (byte) 0);
            java.util.Arrays.fill(privateKey, (byte) 0);
            return secret;
        }
    }
}
