package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

class TransportWarmupTest {

    @Test
    void everyRequestOfEveryInMemoryConnectionIsAnsweredWithReplyAndNotification() {
        int replies = TransportWarmup.run(new JcaTlsCryptoProvider().create(new SecureRandom()), () -> false,
                Long.MAX_VALUE);
        // Each request gets a reply and a notification back through TLS, framing and XML.
        assertEquals(TransportWarmup.HANDSHAKES * TransportWarmup.MESSAGES_PER_CONNECTION * 2, replies);
    }

    @Test
    void stopsAtTheTimeCapEvenWhenNoShutdownIsRequested() {
        assertEquals(0, TransportWarmup.run(new JcaTlsCryptoProvider().create(new SecureRandom()), () -> false, 0));
    }

    @Test
    void stopsBeforeTheFirstConnectionWhenShutdownIsAlreadyRequested() {
        assertEquals(0, TransportWarmup.run(() -> true));
    }

    @Test
    void stopsAfterTheConnectionDuringWhichShutdownWasRequested() {
        int[] checks = {0};
        int replies = TransportWarmup.run(() -> checks[0]++ >= 1);
        assertEquals(TransportWarmup.MESSAGES_PER_CONNECTION * 2, replies);
    }
}
