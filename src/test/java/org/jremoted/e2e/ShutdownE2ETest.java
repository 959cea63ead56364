package org.jremoted.e2e;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM with a client connected: prompt, clean exit (docs/daemon.md §5). */
@Timeout(120)
class ShutdownE2ETest {

    private DaemonUnderTest daemon;

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void sigtermWithConnectedClientExitsPromptly() throws IOException {
        daemon = DaemonUnderTest.start("shutdown");
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertNotNull(c.register("shutdown-watcher", 1, Duration.ofSeconds(5)),
                    "no register reply\n" + daemon.diagnostics());
            DaemonUnderTest.Stop stop = daemon.stop(Duration.ofSeconds(10));
            assertTrue(stop.exited(), "daemon still running 10 s after SIGTERM\n" + daemon.diagnostics());
            assertEquals(0, stop.exitCode(), "exit status after SIGTERM\n" + daemon.diagnostics());
            assertTrue(c.awaitClosed(Duration.ofSeconds(3)), "client connection survived the daemon");
        }
        assertFalse(E2E.canConnect(daemon.host(), daemon.port()), "port still accepting after exit");
    }
}
