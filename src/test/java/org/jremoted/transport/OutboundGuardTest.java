package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundGuardTest {
    private final EmbeddedChannel reader = new EmbeddedChannel();
    private final EmbeddedChannel stalled = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        reader.finishAndReleaseAll();
        stalled.finishAndReleaseAll();
    }

    /** Queues bytes without flushing: they wait in the outbound buffer as unread output does. */
    private static void queue(EmbeddedChannel ch, int bytes) {
        ch.write(Unpooled.wrappedBuffer(new byte[bytes]));
    }

    @Test
    void aClientWithMoreThanItsOwnLimitWaitingIsDisconnectedBeforeTheNextMessage() {
        OutboundGuard guard = new OutboundGuard(1L << 40);
        guard.add(stalled);
        queue(stalled, (int) OutboundGuard.PER_CLIENT_LIMIT + 1);
        String why = guard.beforeWrite(stalled, 0, 0);
        assertNotNull(why);
        assertTrue(why.contains("waiting for it to read"), why);
    }

    @Test
    void aClientThatHasNotDrainedForTheStallPeriodIsDisconnected() {
        OutboundGuard guard = new OutboundGuard(1L << 40);
        queue(stalled, 100);
        assertNull(guard.beforeWrite(stalled, 1, OutboundGuard.STALL_NANOS));
        assertNotNull(guard.beforeWrite(stalled, 1, OutboundGuard.STALL_NANOS + 2));
    }

    @Test
    void overTheGlobalLimitOnlyAClientWithALotWaitingGoes() {
        OutboundGuard guard = new OutboundGuard(3L * 1024 * 1024);
        guard.add(reader);
        guard.add(stalled);
        queue(stalled, 3 * 1024 * 1024);
        queue(reader, 1000);
        assertNull(guard.afterWrite(reader), "a client that keeps up is not punished for another's backlog");
        assertNotNull(guard.afterWrite(stalled));
        OutboundGuard roomy = new OutboundGuard(8L * 1024 * 1024);
        roomy.add(stalled);
        assertNull(roomy.afterWrite(stalled), "under the global limit a backlog alone is tolerated");
    }
}
