package org.jremoted.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The daemon loads only what its configuration and traffic use (docs/benchmarks.md, "Loading only
 * what is used"): a TLS-PSK session without compressed messages loads no X.509 certificate
 * handling, no bzip2, no JFR, no JNA (no agent ran) and, the daemon started without arguments, no
 * command-line parser; a
 * compressed message does load bzip2 (which shows that the class log this test reads would show
 * it). The JVM's own class-loading log is the witness.
 */
@Timeout(120)
class ClassLoadingE2ETest {

    /**
     * X.509/PKIX certificate handling: BouncyCastle's certificate packages and ours; not the
     * settings holder, which is read to learn whether X.509 mode is on at all.
     */
    private static final Pattern X509 = Pattern.compile(
            " (org\\.bouncycastle\\.(cert|pkix|openssl|operator|x509)\\.|org\\.jremoted\\.[a-z.]*\\.(X509(?!Settings\\b)\\w*|PemFiles|CaOnlyTrustManager)\\b)");
    private static final Pattern COMPRESSION = Pattern.compile(" org\\.apache\\.commons\\.compress\\.");
    private static final Pattern TLS = Pattern.compile(" org\\.bouncycastle\\.tls\\.");
    private static final Pattern PICOCLI = Pattern.compile(" picocli\\.");
    /** JFR's event metadata (~80 classes, ~1.8 MiB); {@code FlightRecorder.isAvailable()} alone is cheap. */
    private static final Pattern JFR = Pattern.compile(" jdk\\.jfr\\.(internal\\.MetadataRepository|AnnotationElement)\\b");
    private static final Pattern JNA = Pattern.compile(" com\\.sun\\.jna\\.");

    private DaemonUnderTest daemon;

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void aPskSessionWithoutCompressionLoadsNeitherX509NorBzip2NorTheCommandLineParserNorJfrNorJna() throws IOException {
        List<String> loaded = session("classes-psk", false);
        assertTrue(loaded.stream().anyMatch(l -> TLS.matcher(l).find()),
                "the class log shows no TLS classes: not the log of a PSK session?\n" + daemon.diagnostics());
        assertEquals("", matching(loaded, X509), "X.509 classes loaded in PSK mode");
        assertEquals("", matching(loaded, COMPRESSION), "bzip2 classes loaded without a compressed message");
        assertEquals("", matching(loaded, PICOCLI), "picocli loaded for a daemon started without arguments");
        assertEquals("", matching(loaded, JFR), "JFR metadata loaded (Netty's events: -Dio.netty.jfr.enabled=false in bin/jremoted)");
        assertEquals("", matching(loaded, JNA), "JNA loaded before any agent ran (bin/jremoted sets umask 0026 first)");
    }

    @Test
    void aCompressedMessageLoadsBzip2WhenItArrives() throws IOException {
        List<String> loaded = session("classes-bzip2", true);
        assertFalse(matching(loaded, COMPRESSION).isEmpty(),
                "a compressed register was answered, yet no commons-compress class is in the log\n"
                        + daemon.diagnostics());
        assertEquals("", matching(loaded, X509), "X.509 classes loaded in PSK mode");
    }

    @Test
    void theLauncherMapsTheDaemonsClassesFromItsClassDataArchive() throws IOException {
        // bin/jremoted makes the archive from packaging/jremoted.classlist on the first start
        // (docs/benchmarks.md, "Class-data archive"); a class list gone stale after classes were
        // renamed shows here too: rerun packaging/make-classlist.sh.
        List<String> loaded = session("classes-cds", false);
        long ours = loaded.stream().filter(l -> l.contains(" org.jremoted.")).count();
        long fromArchive = loaded.stream()
                .filter(l -> l.contains(" org.jremoted.") && l.endsWith("source: shared objects file")).count();
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" org.jremoted.cli.Main source: shared objects file")),
                "the entry point was not mapped from a class-data archive\n" + daemon.diagnostics());
        assertTrue(fromArchive * 10 >= ours * 9, "only " + fromArchive + " of the " + ours
                + " jremoted classes came from the archive: is packaging/jremoted.classlist stale?");
    }

    /** Starts a daemon logging its class loading, registers one client (compressed or not), stops it. */
    private List<String> session(String label, boolean compressed) throws IOException {
        assumeFalse(E2E.isCDaemon(), "the C daemon has no JVM class log");
        Path classLog = Files.createDirectories(E2E.buildDir().resolve("e2e-runs"))
                .resolve(label + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".classes.log");
        daemon = DaemonUnderTest.start(label,
                Map.of("JREMOTED_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog));
        try (PskTlsTestClient c = PskTlsTestClient.connect(daemon)) {
            if (compressed) {
                sendCompressed(c, PskTlsTestClient.registerXml("classes", 1));
                assertNotNull(c.await(PskTlsTestClient.replyTo(1), Duration.ofSeconds(10), null),
                        "no reply to a compressed register\n" + daemon.diagnostics());
            } else {
                assertNotNull(c.register("classes", 1, Duration.ofSeconds(10)),
                        "no register reply\n" + daemon.diagnostics());
            }
            c.send(PskTlsTestClient.pokeXml(2));
            assertNotNull(c.await(PskTlsTestClient.replyTo(2), Duration.ofSeconds(10), null),
                    "no poke reply\n" + daemon.diagnostics());
        }
        DaemonUnderTest.Stop stop = daemon.stop(Duration.ofSeconds(15));
        assertTrue(stop.exited(), "daemon still running after SIGTERM\n" + daemon.diagnostics());
        assertTrue(Files.isRegularFile(classLog), "the daemon wrote no class log " + classLog
                + " (JREMOTED_JAVA_OPTS not passed on?)\n" + daemon.diagnostics());
        return Files.readAllLines(classLog, StandardCharsets.UTF_8);
    }

    private static String matching(List<String> lines, Pattern p) {
        return lines.stream().filter(l -> p.matcher(l).find()).limit(20).collect(Collectors.joining("\n"));
    }

    /** One message with a bzip2 payload, framed as docs/protocol.md §3 describes. */
    private static void sendCompressed(PskTlsTestClient c, String xml) throws IOException {
        byte[] text = PskTlsTestClient.payload(xml);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(packed)) {
            bz.write(text);
        }
        byte[] payload = packed.toByteArray();
        ByteBuffer h = ByteBuffer.allocate(PskTlsTestClient.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(PskTlsTestClient.ENDIAN_MAGIC).putInt(1).putLong(1).putLong(0)
                .putInt(PskTlsTestClient.HEADER_SIZE + payload.length).putInt(PskTlsTestClient.HEADER_SIZE)
                .putInt(payload.length).putInt(text.length);
        c.writeRecord(h.array());
        c.writeRecord(payload);
    }
}
