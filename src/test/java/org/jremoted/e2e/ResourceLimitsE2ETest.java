package org.jremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authenticated peers that send the largest, the most inflating or the densest messages the
 * protocol allows, or stop reading, cost at most their own connection (docs/hardening.md). Each
 * of these made the daemon exit with an OutOfMemoryError before the memory budget existed. The
 * daemon runs with its default limits and launcher, as installed.
 */
@Timeout(180)
class ResourceLimitsE2ETest {
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final Duration REPLY_WITHIN = Duration.ofSeconds(20);
    private static DaemonUnderTest daemon;
    private static int msgId = 1;

    @BeforeAll
    static void startDaemon() {
        LrmdClient.binary();
        daemon = DaemonUnderTest.start("limits");
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static void assertServing(String after) throws IOException {
        assertTrue(daemon.isAlive(), "daemon died after " + after + "\n" + daemon.diagnostics());
        LrmdClient.Result r = LrmdClient.run(daemon, Duration.ofSeconds(30), "-w", "10000", "poke");
        assertTrue(r.ok(), "a library client failed after " + after + "\n" + r.describe() + "\n"
                + daemon.diagnostics());
    }

    private static String padded(int msg, int wireSize) {
        String head = "<lrmd_command lrmd_origin=\"e2e\" lrmd_op=\"lrmd_rsc_poke\" lrmd_remote_msg_id=\"" + msg
                + "\" lrmd_remote_msg_type=\"request\" t=\"lrmd\" pad=\"";
        String tail = "\"/>";
        int padding = wireSize - PskTlsTestClient.HEADER_SIZE - 1 - head.length() - tail.length();
        return head + "x".repeat(padding) + tail;
    }

    @Test
    void aMessageOfExactlyTheMaximumSizeIsReceivedAndAnswered() throws IOException {
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertNotNull(c.register("e2e-big", msgId++, REPLY_WITHIN), daemon.diagnostics());
            int id = msgId++;
            String xml = padded(id, MAX_MESSAGE);
            assertEquals(MAX_MESSAGE, PskTlsTestClient.HEADER_SIZE + xml.length() + 1);
            c.send(xml);
            PskTlsTestClient.Frame reply = c.await(PskTlsTestClient.replyTo(id), REPLY_WITHIN, null);
            assertNotNull(reply, "no reply to a message of exactly " + MAX_MESSAGE + " bytes\n" + daemon.diagnostics());
            assertEquals("0", reply.attr("lrmd_rc"));
        }
        assertServing("a message of the maximum size");
    }

    @Test
    void aTinyCompressedPayloadClaimingTheMaximumCostsOnlyThatMessage() throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(packed)) {
            bz.write(new byte[MAX_MESSAGE - 40]);
        }
        byte[] p = packed.toByteArray();
        assertTrue(p.length < 1000, "a bomb of " + p.length + " bytes");
        ByteBuffer h = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(PskTlsTestClient.ENDIAN_MAGIC).putInt(1).putLong(1).putLong(0)
                .putInt(40 + p.length).putInt(40).putInt(p.length).putInt(MAX_MESSAGE - 40);
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertNotNull(c.register("e2e-bomb", msgId++, REPLY_WITHIN), daemon.diagnostics());
            for (int i = 0; i < 5; i++) {
                c.writeRecord(h.array());
                c.writeRecord(p);
            }
            int id = msgId++;
            c.send(PskTlsTestClient.pokeXml(id));
            assertNotNull(c.await(PskTlsTestClient.replyTo(id), REPLY_WITHIN, null),
                    "the connection that sent the bombs is still served\n" + daemon.diagnostics());
        }
        assertServing("five compressed bombs");
    }

    @Test
    void aDenseMessageOfAMillionAttributesIsDroppedAndTheDaemonServesOn() throws IOException {
        StringBuilder sb = new StringBuilder(10_000_000).append("<lrmd_command lrmd_op=\"lrmd_rsc_poke\">");
        for (int e = 0; e < 100; e++) {
            sb.append("<e");
            for (int a = 0; a < 10_000; a++) {
                sb.append(" at").append(a).append("=\"\"");
            }
            sb.append("/>");
        }
        String dense = sb.append("</lrmd_command>").toString();
        assertTrue(dense.length() > 9_000_000 && dense.length() < MAX_MESSAGE);
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            assertNotNull(c.register("e2e-dense", msgId++, REPLY_WITHIN), daemon.diagnostics());
            for (int i = 0; i < 3; i++) {
                c.send(dense);
            }
            int id = msgId++;
            c.send(PskTlsTestClient.pokeXml(id));
            assertNotNull(c.await(PskTlsTestClient.replyTo(id), REPLY_WITHIN, null),
                    "a valid request after the dense ones is answered\n" + daemon.diagnostics());
        }
        assertTrue(daemon.log().contains("attributes"), "the drop is logged with its reason");
        assertServing("three messages of a million attributes");
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhileOthersAreServed() throws Exception {
        try (PskTlsTestClient deaf = PskTlsTestClient.connect(daemon)) {
            assertNotNull(deaf.register("e2e-deaf", msgId++, REPLY_WITHIN), daemon.diagnostics());
            deaf.pauseReading(true);
            // Each poke earns a reply and a notification; ~100 MB of them are never read.
            String pad = "y".repeat(2000);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean closed = false;
            for (int i = 0; i < 60_000 && System.nanoTime() < deadline; i++) {
                try {
                    deaf.send("<lrmd_command lrmd_op=\"lrmd_rsc_poke\" lrmd_remote_msg_id=\"" + (1_000_000 + i)
                            + "\" lrmd_remote_msg_type=\"request\" t=\"lrmd\" pad=\"" + pad + "\"/>");
                } catch (IOException e) {
                    closed = true; // the daemon hung up on us: what is expected
                    break;
                }
            }
            assertServing("a client that stopped reading");
            deaf.pauseReading(false);
            assertTrue(closed || deaf.awaitClosed(Duration.ofSeconds(60)),
                    "the client that stopped reading was not disconnected\n" + daemon.diagnostics());
        }
        String log = daemon.log();
        assertTrue(log.contains("Disconnecting remote client"), "one line says why");
        long lines = log.lines().filter(l -> l.contains("Disconnecting remote client")).count();
        assertTrue(lines <= 2, lines + " lines about one client");
    }
}
