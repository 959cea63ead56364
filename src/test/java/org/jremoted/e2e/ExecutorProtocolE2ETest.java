package org.jremoted.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executor messages at attribute level (docs/executor.md §1–3) through our own
 * TLS-PSK client, plus the same operations through Pacemaker's client library.
 */
@Timeout(90)
class ExecutorProtocolE2ETest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static DaemonUnderTest daemon;

    @BeforeAll
    static void startDaemon() {
        LrmdClient.binary();
        daemon = DaemonUnderTest.start("executor");
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void registerReplyCarriesUuidClientId() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            PskTlsTestClient.Frame reply = c.register("x", 1, WAIT);
            assertNotNull(reply, "no register reply\n" + daemon.diagnostics());
            assertEquals("lrmd_reply", reply.xml().name());
            assertEquals("0", reply.attr("lrmd_rc"), reply.text());
            assertEquals("register", reply.attr("lrmd_op"), reply.text());
            assertEquals("1", reply.attr("lrmd_remote_msg_id"), reply.text());
            assertEquals("reply", reply.attr("lrmd_remote_msg_type"), reply.text());
            String id = reply.attr("lrmd_clientid");
            assertNotNull(id, reply.text());
            assertEquals(36, id.length(), reply.text());
            assertTrue(UUID.matcher(id).matches(), "client id is not a lowercase UUID: " + id);
            assertNotNull(reply.attr("lrmd_protocol_version"), reply.text());
            assertTrue(Integer.parseInt(reply.attr("lrmd_callid")) > 0, reply.text());
        }
    }

    @Test
    void clientIdsDifferBetweenConnections() throws IOException {
        try (PskTlsTestClient a = PskTlsTestClient.connect(daemon);
             PskTlsTestClient b = PskTlsTestClient.connect(daemon)) {
            PskTlsTestClient.Frame ra = a.register("a", 1, WAIT);
            PskTlsTestClient.Frame rb = b.register("b", 1, WAIT);
            assertNotNull(ra);
            assertNotNull(rb);
            assertNotEquals(ra.attr("lrmd_clientid"), rb.attr("lrmd_clientid"));
        }
    }

    @Test
    void outgoingFramesFollowTheWireFormat() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            PskTlsTestClient.Frame reply = c.register("framing", 1, WAIT);
            assertNotNull(reply, "no register reply\n" + daemon.diagnostics());
            c.send(PskTlsTestClient.pokeXml(2));
            PskTlsTestClient.Frame pokeReply = c.await(PskTlsTestClient.replyTo(2), WAIT, null);
            assertNotNull(pokeReply);
            for (PskTlsTestClient.Frame f : List.of(reply, pokeReply)) {
                byte[] magic = new byte[] {(byte) 0xBD, (byte) 0xDB, (byte) 0xDA, (byte) 0xBA};
                assertArrayEquals(magic, java.util.Arrays.copyOf(f.header(), 4), "little-endian marker first");
                assertEquals(1, f.version());
                assertEquals(0, f.flags());
                assertEquals(40, f.payloadOffset());
                assertEquals(0, f.payloadCompressed(), "senders must not compress");
                assertEquals(40 + f.payload().length, f.sizeTotal());
                assertEquals(0, f.payload()[f.payload().length - 1], "payload ends with NUL");
                assertEquals(f.text().getBytes(StandardCharsets.UTF_8).length + 1, f.payloadUncompressed());
            }
            assertTrue(pokeReply.id() > reply.id(), "header ids must increase");
        }
    }

    @Test
    void pokeGivesReplyThenNotification() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertNotNull(c.register("poker", 1, WAIT));
            c.send(PskTlsTestClient.pokeXml(2));
            List<PskTlsTestClient.Frame> before = new ArrayList<>();
            PskTlsTestClient.Frame reply = c.await(PskTlsTestClient.replyTo(2), WAIT, before);
            assertNotNull(reply, "no poke reply\n" + daemon.diagnostics());
            assertEquals("0", reply.attr("lrmd_rc"), reply.text());
            assertEquals("reply", reply.attr("lrmd_remote_msg_type"));
            assertTrue(before.stream().noneMatch(PskTlsTestClient.notifyOf("lrmd_rsc_poke")),
                    "the poke notification must follow the reply: " + before);
            PskTlsTestClient.Frame note = c.await(PskTlsTestClient.notifyOf("lrmd_rsc_poke"), WAIT, null);
            assertNotNull(note, "no poke notification\n" + daemon.diagnostics());
            assertEquals("0", note.attr("lrmd_remote_msg_id"), note.text());
            assertEquals("notify", note.attr("lrmd_remote_msg_type"), note.text());
            assertEquals("0", note.attr("lrmd_rc"), note.text());
            assertEquals(reply.attr("lrmd_callid"), note.attr("lrmd_callid"), note.text());
        }
    }

    @Test
    void unknownOperationGivesMinus95AndConnectionStays() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertNotNull(c.register("unknown-op", 1, WAIT));
            c.send(PskTlsTestClient.opXml("no_such_operation", 2));
            PskTlsTestClient.Frame reply = c.await(PskTlsTestClient.replyTo(2), WAIT, null);
            assertNotNull(reply, "no reply to an unknown operation\n" + daemon.diagnostics());
            assertEquals("-95", reply.attr("lrmd_rc"), reply.text());
            c.send(PskTlsTestClient.pokeXml(3));
            assertNotNull(c.await(PskTlsTestClient.replyTo(3), WAIT, null),
                    "connection unusable after an unknown operation");
            assertTrue(!c.closedByPeer());
        }
    }

    @Test
    void callIdsIncreaseAcrossRequests() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            int first = Integer.parseInt(c.register("callids", 1, WAIT).attr("lrmd_callid"));
            c.send(PskTlsTestClient.pokeXml(2));
            int second = Integer.parseInt(c.await(PskTlsTestClient.replyTo(2), WAIT, null).attr("lrmd_callid"));
            assertTrue(second > first, "call ids " + first + " then " + second);
        }
    }

    @Test
    void bigEndianRequestIsAccepted() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            c.sendBigEndian(PskTlsTestClient.registerXml("big-endian", 5));
            PskTlsTestClient.Frame reply = c.await(PskTlsTestClient.replyTo(5), WAIT, null);
            assertNotNull(reply, "no reply to a big-endian framed register\n" + daemon.diagnostics());
            assertEquals("0", reply.attr("lrmd_rc"));
        }
    }

    @Test
    void headerAndPayloadInOneRecordAreAccepted() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            byte[] p = PskTlsTestClient.payload(PskTlsTestClient.registerXml("one-record", 6));
            byte[] h = PskTlsTestClient.header(p.length);
            byte[] both = new byte[h.length + p.length];
            System.arraycopy(h, 0, both, 0, h.length);
            System.arraycopy(p, 0, both, h.length, p.length);
            c.writeRecord(both);
            // Upstream stalls here until more bytes arrive (docs/protocol.md §3.1); a second
            // message nudges it, so the check is that the first one is answered at all.
            c.send(PskTlsTestClient.pokeXml(7));
            assertNotNull(c.await(PskTlsTestClient.replyTo(6), WAIT, null),
                    "no reply to a message sent as a single record\n" + daemon.diagnostics());
        }
    }

    @Test
    void handshakeOfAnotherClientNotifiesNamedClientsOnly() throws IOException {
        try (PskTlsTestClient named = PskTlsTestClient.connect(daemon);
             PskTlsTestClient unnamed = PskTlsTestClient.connect(daemon)) {
            assertNotNull(named.register("first", 1, WAIT));
            // Drain anything already queued (e.g. notifications about each other).
            while (named.next(Duration.ofMillis(300)) != null) {
                // discard
            }
            while (unnamed.next(Duration.ofMillis(50)) != null) {
                // discard
            }
            try (PskTlsTestClient second = PskTlsTestClient.connect(daemon)) {
                PskTlsTestClient.Frame note = named.await(PskTlsTestClient.notifyOf("lrmd_rsc_new_client"), WAIT, null);
                assertNotNull(note, "a named client was not told about a new client\n" + daemon.diagnostics());
                assertEquals("notify", note.attr("lrmd_remote_msg_type"), note.text());
                assertNull(unnamed.await(PskTlsTestClient.notifyOf("lrmd_rsc_new_client"), Duration.ofSeconds(1), null),
                        "a client that never sent a name must not receive notifications");
                assertTrue(!second.closedByPeer());
            }
        }
    }

    @Test
    void libraryClientSeesNewClientEvent() {
        try (LrmdClient.Background watcher = LrmdClient.start(daemon, "-w", "10000", "watch", "4")) {
            assertTrue(E2E.waitFor(() -> watcher.stdout().contains("connected=1"), Duration.ofSeconds(15),
                    Duration.ofMillis(50)), "watcher did not connect\n" + watcher.stdout());
            LrmdClient.Result other = LrmdClient.run(daemon, Duration.ofSeconds(30), "connect");
            assertTrue(other.ok(), other.describe());
            LrmdClient.Result w = watcher.await(Duration.ofSeconds(20));
            assertTrue(w.ok(), w.describe());
            assertTrue(w.getInt("new_client_events") >= 1, "no new_client event\n" + w.describe());
        }
    }

    @Test
    void libraryRegisterInfoUnregisterRoundTrip() {
        Duration t = Duration.ofSeconds(30);
        String rsc = "e2e-rsc-" + ProcessHandle.current().pid();
        LrmdClient.Result none = LrmdClient.run(daemon, t, "info", rsc);
        assertTrue(none.ok(), none.describe());
        assertEquals("0", none.get("found"), none.describe());

        LrmdClient.Result reg = LrmdClient.run(daemon, t, "register", rsc, "ocf", "pacemaker", "Dummy");
        assertTrue(reg.ok(), reg.describe() + "\n" + daemon.diagnostics());

        LrmdClient.Result info = LrmdClient.run(daemon, t, "info", rsc);
        assertTrue(info.ok(), info.describe());
        assertEquals("1", info.get("found"), info.describe());
        assertEquals(rsc, info.get("rsc_id"));
        assertEquals("ocf", info.get("class"));
        assertEquals("pacemaker", info.get("provider"));
        assertEquals("Dummy", info.get("type"));

        LrmdClient.Result unreg = LrmdClient.run(daemon, t, "unregister", rsc);
        assertTrue(unreg.ok(), unreg.describe());
        LrmdClient.Result gone = LrmdClient.run(daemon, t, "info", rsc);
        assertEquals("0", gone.get("found"), gone.describe());
    }

    /** start, probe, recurring monitor (two results, then cancel), stop, probe: ocf:pacemaker:Dummy. */
    @Test
    void libraryRunsDummyAgentLifecycle() {
        java.nio.file.Path agent = java.nio.file.Path.of("/usr/lib/ocf/resource.d/pacemaker/Dummy");
        assertTrue(java.nio.file.Files.isExecutable(agent),
                agent + " is missing: install the pacemaker package (scripts/test.sh does)");
        Duration t = Duration.ofSeconds(60);
        String rsc = "e2e-dummy-" + ProcessHandle.current().pid();

        LrmdClient.Result start = LrmdClient.run(daemon, t, "-w", "30000", "exec", rsc, "ocf", "pacemaker", "Dummy",
                "start", "0", "20000");
        assertOp(start, 0, "start");
        LrmdClient.Result probe = LrmdClient.run(daemon, t, "-w", "30000", "exec", rsc, "-", "-", "-",
                "monitor", "0", "20000");
        assertOp(probe, 0, "probe of a started resource");
        LrmdClient.Result recurring = LrmdClient.run(daemon, t, "-w", "30000", "-c", "2", "-k", "exec", rsc,
                "-", "-", "-", "monitor", "1000", "20000");
        assertOp(recurring, 0, "recurring monitor");
        assertEquals(2, recurring.getInt("exec_results"), recurring.describe());
        assertEquals(0, recurring.getInt("cancel_rc"), recurring.describe());
        LrmdClient.Result stop = LrmdClient.run(daemon, t, "-w", "30000", "exec", rsc, "-", "-", "-",
                "stop", "0", "20000");
        assertOp(stop, 0, "stop");
        LrmdClient.Result after = LrmdClient.run(daemon, t, "-w", "30000", "exec", rsc, "-", "-", "-",
                "monitor", "0", "20000");
        assertOp(after, 7, "probe of a stopped resource (OCF not running)");
        LrmdClient.run(daemon, t, "unregister", rsc);
    }

    private static void assertOp(LrmdClient.Result r, int expectedRc, String what) {
        assertTrue(r.ok(), what + " did not complete\n" + r.describe() + "\n" + daemon.diagnostics());
        assertEquals(expectedRc, r.getInt("exec_rc"), what + "\n" + r.describe());
        assertEquals(0, r.getInt("exec_op_status"), what + " (PCMK_EXEC_DONE)\n" + r.describe());
    }

    @Test
    void libraryExecOfMissingAgentReportsNotInstalled() {
        LrmdClient.Result r = LrmdClient.run(daemon, Duration.ofSeconds(40), "-w", "20000", "exec",
                "e2e-missing", "ocf", "jremoted-e2e-none", "NoSuchAgent", "start", "0", "20000");
        assertTrue(r.ok(), "no result for an operation on a missing agent\n" + r.describe() + "\n"
                + daemon.diagnostics());
        assertEquals(5, r.getInt("exec_rc"), "OCF not installed\n" + r.describe());
        assertEquals(7, r.getInt("exec_op_status"), "PCMK_EXEC_NOT_INSTALLED\n" + r.describe());
    }
}
