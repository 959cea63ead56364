package org.jremoted.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS 1.2 peers (GnuTLS older than 3.6.5, or a cluster node that switched
 * TLS 1.3 off with PCMK_tls_priorities) must be served, and serving them must
 * not disturb anyone else (docs/protocol.md §2.1). Each test gets a fresh daemon so a
 * daemon-wide side effect of one TLS 1.2 session shows up in exactly the test
 * that looks for it.
 */
@Timeout(90)
class Tls12E2ETest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, String> TLS12_ONLY = Map.of("PCMK_tls_priorities", "NORMAL:-VERS-TLS1.3");
    private DaemonUnderTest daemon;

    @BeforeEach
    void startDaemon() {
        LrmdClient.binary();
        daemon = DaemonUnderTest.start("tls12");
    }

    @AfterEach
    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private LrmdClient.Result poke(Map<String, String> env) {
        return LrmdClient.run(daemon, daemon.keyFile(), env, CLIENT_TIMEOUT, "-w", "10000", "poke", "2");
    }

    @Test
    void clientLibraryConnectsAndPokesOverTls12() {
        LrmdClient.Result r = poke(TLS12_ONLY);
        assertTrue(r.ok(), "connect + poke with PCMK_tls_priorities=NORMAL:-VERS-TLS1.3 failed\n" + r.describe()
                + "\n" + daemon.diagnostics());
        assertEquals(2, r.getInt("pokes"));
    }

    @Test
    void gnutlsCliTls12PlainPsk() {
        TransportE2ETest.assertHandshake(daemon,
                TransportE2ETest.gnutlsCli(daemon, "NORMAL:-VERS-TLS1.3:-KX-ALL:+PSK", "lrmd", daemon.key()),
                "TLS1.2");
    }

    @Test
    void javaClientTls12PskSessionCarriesMessages() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon.host(), daemon.port(), daemon.key(), "lrmd",
                PskTlsTestClient.Version.TLS12)) {
            PskTlsTestClient.Frame reply = c.register("tls12", 1, Duration.ofSeconds(5));
            assertTrue(reply != null && "0".equals(reply.attr("lrmd_rc")),
                    "register over TLS 1.2 PSK failed: " + reply + "\n" + daemon.diagnostics());
        }
    }

    /**
     * The key must survive a TLS 1.2 PSK handshake: TLS 1.2 key-exchange code
     * may wipe the PSK buffer it was handed, which must never be the daemon's
     * only copy of the key.
     */
    @Test
    void otherClientsStillConnectAfterTls12Sessions() throws IOException {
        for (int i = 1; i <= 2; i++) {
            LrmdClient.Result r12 = poke(TLS12_ONLY);
            assertTrue(r12.ok(), "TLS 1.2 library client #" + i + " failed\n" + r12.describe() + "\n"
                    + daemon.diagnostics());
        }
        LrmdClient.Result r13 = poke(Map.of());
        assertTrue(r13.ok(), "a TLS 1.3 library client failed after TLS 1.2 sessions\n" + r13.describe() + "\n"
                + daemon.diagnostics());
        TransportE2ETest.assertHandshake(daemon,
                TransportE2ETest.gnutlsCli(daemon, "NORMAL:+DHE-PSK:+PSK", "lrmd", daemon.key()), "TLS1.3");
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertTrue(c.register("after-tls12", 1, Duration.ofSeconds(5)) != null, daemon.diagnostics());
        }
    }
}
