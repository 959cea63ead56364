package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

class ServerTlsCryptoTest {
    private final JcaTlsCrypto jca = new JcaTlsCryptoProvider().create(new SecureRandom());

    @Test
    void x25519AgreesWithTheJdkImplementationOnTheOtherSide() throws IOException {
        TlsCrypto ours = ServerTlsCrypto.adapt(jca);
        TlsAgreement server = ours.createECDomain(new TlsECConfig(NamedGroup.x25519)).createECDH();
        TlsAgreement client = jca.createECDomain(new TlsECConfig(NamedGroup.x25519)).createECDH();
        byte[] serverShare = server.generateEphemeral();
        byte[] clientShare = client.generateEphemeral();
        server.receivePeerValue(clientShare);
        client.receivePeerValue(serverShare);
        assertArrayEquals(extract(client.calculateSecret().extract()), extract(server.calculateSecret().extract()));
    }

    @Test
    void lowOrderOrMalformedPeerSharesAreRefused() throws IOException {
        TlsCrypto ours = ServerTlsCrypto.adapt(jca);
        TlsAgreement short31 = ours.createECDomain(new TlsECConfig(NamedGroup.x25519)).createECDH();
        short31.generateEphemeral();
        assertThrows(TlsFatalAlert.class, () -> short31.receivePeerValue(new byte[31]));
        TlsAgreement zero = ours.createECDomain(new TlsECConfig(NamedGroup.x25519)).createECDH();
        zero.generateEphemeral();
        zero.receivePeerValue(new byte[32]); // u = 0 is a low-order point: the result is all zeros
        assertThrows(TlsFatalAlert.class, zero::calculateSecret);
    }

    @Test
    void offersChaCha20Poly1305WhichThePlainJcaCryptoDoesNot() {
        TlsCrypto ours = ServerTlsCrypto.adapt(jca);
        assertTrue(ours.hasEncryptionAlgorithm(EncryptionAlgorithm.CHACHA20_POLY1305));
        assertTrue(ours.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_128_GCM));
    }

    @Test
    void adaptingIsIdempotentAndSharedPerInstance() {
        TlsCrypto once = ServerTlsCrypto.adapt(jca);
        assertNotSame(jca, once);
        assertSame(once, ServerTlsCrypto.adapt(jca));
        assertSame(once, ServerTlsCrypto.adapt(once));
    }

    private static byte[] extract(byte[] b) {
        return b;
    }
}
