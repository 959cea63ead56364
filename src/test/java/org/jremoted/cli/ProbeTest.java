package org.jremoted.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Probe outcomes that need no daemon; the daemon cases are in src/test/ops/run.sh. */
class ProbeTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(new StringWriter()));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void refusedPortExits3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path key = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        StringWriter err = new StringWriter();
        assertEquals(Probe.REFUSED, run(err, "probe", "127.0.0.1", "-p", Integer.toString(port), "-k", key.toString()));
        assertTrue(err.toString().contains("refused"), err.toString());
    }

    @Test
    void missingAndEmptyKeysExit6() throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(Probe.KEY_UNREADABLE, run(err, "probe", "127.0.0.1", "-k", dir.resolve("none").toString()));
        Path empty = Files.createFile(dir.resolve("empty"));
        assertEquals(Probe.KEY_UNREADABLE, run(new StringWriter(), "probe", "127.0.0.1", "-k", empty.toString()));
    }

    @Test
    void serverThatClosesWithoutTlsExits8() throws Exception {
        Path key = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        try (ServerSocket s = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (var c = s.accept()) {
                    c.getOutputStream().write("SSH-2.0-test\r\n".getBytes());
                } catch (Exception ignored) {
                    // the test's assertion tells what went wrong
                }
            });
            t.start();
            StringWriter err = new StringWriter();
            int rc = run(err, "probe", "127.0.0.1", "-p", Integer.toString(s.getLocalPort()), "-k", key.toString());
            t.join(5000);
            assertEquals(Probe.HANDSHAKE_FAILED, rc, err.toString());
        }
    }

    @Test
    void badUsageExits64() {
        assertEquals(64, run(new StringWriter(), "probe"));
        assertEquals(64, run(new StringWriter(), "probe", "h", "--tls", "1.1"));
    }
}
