package org.jremoted.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP and TLS behaviour as real peers see it: Pacemaker's own client library
 * over TLS 1.3 (TLS 1.2: {@link Tls12E2ETest}), gnutls-cli, wrong keys, plain-text and silent peers
 * (docs/protocol.md §1, §2).
 */
@Timeout(120)
class TransportE2ETest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static DaemonUnderTest daemon;

    @BeforeAll
    static void startDaemon() {
        LrmdClient.binary(); // a client that cannot be built fails here, loudly
        daemon = DaemonUnderTest.start("transport");
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static void assertOk(LrmdClient.Result r, String what) {
        assertTrue(r.ok(), what + " failed\n" + r.describe() + "\n" + daemon.diagnostics());
    }

    @Test
    void clientLibraryConnectsAndPokesOverTls13() {
        LrmdClient.Result r = LrmdClient.run(daemon, CLIENT_TIMEOUT, "-w", "10000", "poke", "3");
        assertOk(r, "connect + 3 pokes with the default (TLS 1.3) priorities");
        assertEquals(0, r.getInt("connect_rc"));
        assertEquals(3, r.getInt("pokes"));
    }

    /** connect_async is how a controller starts its connection resource. */
    @Test
    void clientLibraryConnectsAsynchronously() {
        LrmdClient.Result r = LrmdClient.run(daemon, CLIENT_TIMEOUT, "-a", "-w", "10000", "poke");
        assertOk(r, "connect_async + poke");
        assertEquals(0, r.getInt("connect_rc"));
    }

    /** Proves the library honours the variable, so the TLS 1.2 test above means what it says. */
    @Test
    void clientLibraryHonoursItsPriorityVariable() {
        LrmdClient.Result r = LrmdClient.run(daemon, daemon.keyFile(),
                Map.of("PCMK_tls_priorities", "NORMAL:-VERS-ALL"), CLIENT_TIMEOUT, "connect");
        assertFalse(r.ok(), "a client allowing no TLS version must not connect\n" + r.describe());
        assertNotEquals(0, r.getInt("connect_rc"));
    }

    @Test
    void clientLibraryConnectAndDisconnect() {
        LrmdClient.Result r = LrmdClient.run(daemon, CLIENT_TIMEOUT, "connect");
        assertOk(r, "connect");
        assertEquals(0, r.getInt("connect_rc"));
        assertEquals(0, r.getInt("disconnect_rc"));
    }

    static E2E.ProcResult gnutlsCli(DaemonUnderTest daemon, String priority, String identity, byte[] key) {
        return E2E.run(List.of("gnutls-cli", "--priority", priority, "--pskusername", identity,
                        "--pskkey", E2E.hex(key), "-p", Integer.toString(daemon.port()), daemon.host()),
                Map.of(), Duration.ofSeconds(20), daemon.runDir().resolve("clients"));
    }

    static void assertHandshake(DaemonUnderTest daemon, E2E.ProcResult r, String version) {
        String all = r.stdout() + r.stderr();
        assertFalse(r.timedOut(), r.describe());
        assertTrue(all.contains("Handshake was completed"), "gnutls-cli handshake failed\n" + r.describe()
                + "\n" + daemon.diagnostics());
        assertTrue(all.contains("(" + version + "-") || all.contains("(" + version + ")"),
                "expected " + version + " to be negotiated\n" + r.describe());
    }

    @Test
    void gnutlsCliTls13WithIdentityLrmd() {
        E2E.ProcResult r = gnutlsCli(daemon, "NORMAL:+DHE-PSK:+PSK", "lrmd", daemon.key());
        assertHandshake(daemon, r, "TLS1.3");
        assertTrue((r.stdout() + r.stderr()).contains("PSK authentication"), r.describe());
    }

    @Test
    void gnutlsCliAnyPskIdentityIsAccepted() {
        assertHandshake(daemon, gnutlsCli(daemon, "NORMAL:+DHE-PSK:+PSK", "some-other-identity", daemon.key()), "TLS1.3");
    }

    @Test
    void gnutlsCliWithWrongKeyIsRejected() {
        byte[] wrong = new byte[256];
        new SecureRandom().nextBytes(wrong);
        E2E.ProcResult r = gnutlsCli(daemon, "NORMAL:+DHE-PSK:+PSK", "lrmd", wrong);
        assertFalse(r.timedOut(), r.describe());
        assertFalse((r.stdout() + r.stderr()).contains("Handshake was completed"),
                "a handshake with the wrong key must fail\n" + r.describe());
        assertNotEquals(0, r.exitCode(), r.describe());
    }

    @Test
    void wrongKeyIsRejectedWhileGoodClientsAreServed() throws IOException {
        Path wrongKey = daemon.runDir().resolve("wrong-authkey");
        byte[] wrong = new byte[256];
        new SecureRandom().nextBytes(wrong);
        Files.write(wrongKey, wrong);

        try (PskTlsTestClient established = PskTlsTestClient.connect(daemon)) {
            assertTrue(established.register("established", 1, Duration.ofSeconds(5)) != null,
                    "no register reply\n" + daemon.diagnostics());

            LrmdClient.Result bad = LrmdClient.run(daemon, wrongKey, Map.of(), CLIENT_TIMEOUT, "connect");
            assertFalse(bad.ok(), "connect with the wrong key must fail\n" + bad.describe());
            assertNotEquals(0, bad.getInt("connect_rc"));

            // The Java client with the wrong key must not get an established session either.
            assertThrows(IOException.class, () -> PskTlsTestClient.connect(daemon.host(), daemon.port(), wrong,
                    "lrmd", PskTlsTestClient.Version.TLS13).close());

            assertTrue(daemon.isAlive(), "daemon died after a wrong-key handshake\n" + daemon.diagnostics());
            // The session that was already up keeps working...
            established.send(PskTlsTestClient.pokeXml(2));
            assertTrue(established.await(PskTlsTestClient.replyTo(2), Duration.ofSeconds(5), null) != null,
                    "an established client lost service after wrong-key attempts\n" + daemon.diagnostics());
            // ...and new clients with the right key still get in.
            LrmdClient.Result good = LrmdClient.run(daemon, CLIENT_TIMEOUT, "-w", "10000", "poke");
            assertOk(good, "a good client after the wrong-key attempts");
        }
    }

    @Test
    void tls13SessionWithAnotherIdentityCarriesMessages() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon.host(), daemon.port(), daemon.key(), "not-lrmd",
                PskTlsTestClient.Version.TLS13)) {
            PskTlsTestClient.Frame reply = c.register("identity", 1, Duration.ofSeconds(5));
            assertTrue(reply != null && "0".equals(reply.attr("lrmd_rc")),
                    "register with PSK identity 'not-lrmd' failed: " + reply + "\n" + daemon.diagnostics());
        }
    }

    @Test
    void plainTextClientIsDisconnected() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(daemon.host(), daemon.port()), 5000);
            s.setSoTimeout(8000);
            OutputStream out = s.getOutputStream();
            long start = System.nanoTime();
            out.write("GET / HTTP/1.0\r\nHost: jremoted\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Whatever the daemon answers (an alert at most), it must end with EOF
            // well before the 10 s handshake deadline would.
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                while (in.read(buf) >= 0) {
                    // drain the alert, if any
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("plain-text client still connected after 8 s\n" + daemon.diagnostics(), e);
            } catch (IOException e) {
                // a reset is a disconnect too
            }
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(ms < 5000, "plain-text client was dropped only after " + ms + " ms");
        }
        assertOk(LrmdClient.run(daemon, CLIENT_TIMEOUT, "-w", "10000", "poke"), "poke after a plain-text client");
    }

    @Test
    void silentTcpConnectionIsDroppedAfterTenSeconds() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(daemon.host(), daemon.port()), 5000);
            long start = System.nanoTime();
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // a close_notify or alert may precede the EOF
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("silent connection still open after 20 s\n" + daemon.diagnostics(), e);
            } catch (IOException e) {
                // reset counts as closed
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 9.0 && seconds <= 12.0,
                    "silent connection closed after " + seconds + " s, expected 9..12 s");
        }
    }

    @Test
    void severalClientsConcurrently() throws Exception {
        List<LrmdClient.Background> watchers = List.of(
                LrmdClient.start(daemon, "-w", "10000", "watch", "3", "300"),
                LrmdClient.start(daemon, "-w", "10000", "watch", "3", "300"));
        try {
            // The new_client notification drops nothing at the library level; both must stay served.
            for (LrmdClient.Background w : watchers) {
                LrmdClient.Result r = w.await(Duration.ofSeconds(30));
                assertTrue(r.ok(), "concurrent watcher failed\n" + r.describe() + "\n" + daemon.diagnostics());
                assertTrue(r.getInt("pokes") >= 2, r.describe());
            }
        } finally {
            watchers.forEach(LrmdClient.Background::close);
        }
    }
}
