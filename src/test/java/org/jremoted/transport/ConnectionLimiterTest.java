package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private final ConnectionLimiter<String> limiter = new ConnectionLimiter<>(new ConnectionLimits(4, 2, 2));

    private Optional<String> admitted(String connection, String source) {
        ConnectionLimiter.Admission<String> a = limiter.admit(connection, source);
        return assertInstanceOf(ConnectionLimiter.Admitted.class, a).evicted();
    }

    @Test
    void aSilentFloodFromOneSourceOnlyEvictsItselfAndNeverTheClusterNode() {
        admitted("cluster", "10.0.0.1");
        limiter.spoke("cluster");
        for (int i = 0; i < 1000; i++) {
            Optional<String> evicted = admitted("flood" + i, "10.0.0.66");
            if (i >= 2) {
                assertEquals(Optional.of("flood" + (i - 2)), evicted, "the oldest silent one from that source");
            }
        }
        assertEquals(3, limiter.pendingCount());
        assertTrue(limiter.authenticated("cluster"));
        assertEquals(1, limiter.clientCount());
    }

    @Test
    void aFloodFromManySourcesEvictsTheOldestSilentConnectionButNotOneMidHandshake() {
        admitted("cluster", "10.0.0.1");
        limiter.spoke("cluster");
        for (int i = 0; i < 100; i++) {
            admitted("flood" + i, "10.1.0." + i);
        }
        assertEquals(4, limiter.pendingCount());
        assertTrue(limiter.authenticated("cluster"), "the speaking connection survived the flood");
    }

    @Test
    void whenEveryPendingConnectionIsMidHandshakeANewOneIsRefused() {
        admitted("a", "s1");
        admitted("b", "s1");
        limiter.spoke("a");
        limiter.spoke("b");
        assertInstanceOf(ConnectionLimiter.Refused.class, limiter.admit("c", "s1"));
        admitted("d", "s2");
        admitted("e", "s3");
        limiter.spoke("d");
        limiter.spoke("e");
        assertInstanceOf(ConnectionLimiter.Refused.class, limiter.admit("f", "s4"));
        limiter.closed("a");
        admitted("c", "s1");
    }

    @Test
    void clientsBeyondTheCapAreRefusedBeforeAndAfterTheHandshake() {
        admitted("a", "s1");
        admitted("b", "s2");
        admitted("c", "s3");
        assertTrue(limiter.authenticated("a"));
        assertTrue(limiter.authenticated("b"));
        assertFalse(limiter.authenticated("c"), "a third client exceeds maxClients 2");
        assertInstanceOf(ConnectionLimiter.Refused.class, limiter.admit("d", "s4"));
        limiter.closed("a");
        admitted("d", "s4");
        assertTrue(limiter.authenticated("d"));
    }

    @Test
    void anEvictedConnectionCannotAuthenticateLater() {
        admitted("a", "s1");
        admitted("b", "s1");
        assertEquals(Optional.of("a"), admitted("c", "s1"));
        assertFalse(limiter.authenticated("a"));
        assertEquals(2, limiter.pendingCount());
    }
}
