package org.jremoted.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jremoted.testing.FakeClient;
import org.jremoted.testing.FakeLoop;
import org.jremoted.protocol.XmlNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShutdownCoordinatorTest {
    private FakeLoop loop;
    private IpcProviders providers;
    private List<Integer> exits;
    private int listenerClosed;
    private ShutdownCoordinator coordinator;

    @BeforeEach
    void setUp() {
        loop = new FakeLoop();
        providers = new IpcProviders();
        exits = new ArrayList<>();
        coordinator = new ShutdownCoordinator(loop, providers, () -> listenerClosed++, exits::add, 20_000);
    }

    private FakeClient provider() {
        FakeClient c = new FakeClient();
        c.setName("pacemaker-remote-10.0.0.1:3121");
        providers.add(c);
        return c;
    }

    @Test
    void withoutProviderExitsAtOnce() {
        coordinator.shutdownRequested();
        assertEquals(List.of(0), exits);
        assertEquals(0, listenerClosed);
    }

    @Test
    void requestGoesToTheNewestProviderAndTheListenerCloses() {
        FakeClient older = provider();
        FakeClient newer = provider();
        coordinator.shutdownRequested();
        assertTrue(older.sent.isEmpty());
        XmlNode req = newer.sent.get(0);
        assertEquals("lrmd_ipc_proxy", req.name());
        assertEquals(Map.of("lrmd_ipc_op", "shutdown_req", "lrmd_ipc_session", "0",
                "lrmd_remote_msg_id", "0", "lrmd_remote_msg_type", "notify"), req.attributes());
        assertEquals(List.of("lrmd_ipc_op", "lrmd_ipc_session", "lrmd_remote_msg_id", "lrmd_remote_msg_type"),
                List.copyOf(req.attributes().keySet()));
        assertEquals(1, listenerClosed);
        assertTrue(exits.isEmpty(), "must not exit merely because the listener closed (2.1.5 bug)");
        assertTrue(coordinator.isShuttingDown());
    }

    @Test
    void acknowledgedThenProviderDisconnectExits() {
        FakeClient p = provider();
        coordinator.shutdownRequested();
        coordinator.acknowledged();
        loop.advance(120_000);
        assertTrue(exits.isEmpty(), "the ack cancels the fallback timer");
        providers.remove(p);
        coordinator.clientDisconnected();
        assertEquals(List.of(0), exits);
    }

    @Test
    void otherClientsLeavingDoNotEndTheWait() {
        FakeClient p = provider();
        FakeClient q = provider();
        coordinator.shutdownRequested();
        coordinator.acknowledged();
        providers.remove(q);
        coordinator.clientDisconnected();
        assertTrue(exits.isEmpty(), "a provider is still connected");
        providers.remove(p);
        coordinator.clientDisconnected();
        assertEquals(List.of(0), exits);
    }

    @Test
    void refusalExitsAtOnce() {
        provider();
        coordinator.shutdownRequested();
        coordinator.refused();
        assertEquals(List.of(0), exits);
        loop.advance(30_000);
        assertEquals(List.of(0), exits, "exit happens once");
    }

    @Test
    void noAnswerExitsAfterTheFallbackTimeout() {
        provider();
        coordinator.shutdownRequested();
        loop.advance(19_999);
        assertTrue(exits.isEmpty());
        loop.advance(1);
        assertEquals(List.of(0), exits);
    }

    @Test
    void withoutFallbackTheDaemonWaitsForever() {
        coordinator = new ShutdownCoordinator(loop, providers, () -> listenerClosed++, exits::add, 0);
        provider();
        coordinator.shutdownRequested();
        loop.advance(3_600_000);
        assertTrue(exits.isEmpty());
        assertEquals(0, loop.liveTimers());
    }

    @Test
    void secondSigtermIsIgnored() {
        FakeClient p = provider();
        coordinator.shutdownRequested();
        coordinator.shutdownRequested();
        assertEquals(1, p.sent.size());
        assertEquals(1, listenerClosed);
        assertTrue(exits.isEmpty());
    }

    @Test
    void answersWhileNotShuttingDownAreIgnored() {
        provider();
        coordinator.acknowledged();
        coordinator.refused();
        coordinator.clientDisconnected();
        assertTrue(exits.isEmpty());
        assertFalse(coordinator.isShuttingDown());
    }

    @Test
    void failedSendExitsImmediately() {
        FakeClient broken = new FakeClient() {
            @Override
            public void send(XmlNode message) {
                throw new IllegalStateException("channel closed");
            }
        };
        providers.add(broken);
        coordinator.shutdownRequested();
        assertEquals(List.of(0), exits);
        assertEquals(0, listenerClosed);
    }
}
