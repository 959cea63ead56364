package org.jremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jremoted.cli.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatusServerTest {
    @TempDir
    Path tmp;

    private static StatusSnapshot empty() {
        return new StatusSnapshot(42, 0, 1000, List.of(), List.of(), List.of());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void anExistingDirectoryKeepsItsModeAndTheSocketIsPrivate() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwt".replace('t', 'x')));
        String before = mode(tmp);
        Path socket = tmp.resolve("x.sock");
        try (StatusServer server = StatusServer.start(socket, Runnable::run, StatusServerTest::empty)) {
            assertNotNull(server);
            assertEquals(before, mode(tmp), "a shared directory such as /tmp must not be locked");
            assertEquals("rw-------", mode(socket));
        }
    }

    @Test
    void aDirectoryTheDaemonCreatesIsPrivate() throws Exception {
        Path socket = tmp.resolve("run/jremoted/status.sock");
        try (StatusServer server = StatusServer.start(socket, Runnable::run, StatusServerTest::empty)) {
            assertNotNull(server);
            assertEquals("rwx------", mode(socket.getParent()));
        }
    }

    @Test
    void theStatusCommandPrintsWhatTheDaemonAnswers() throws Exception {
        Path socket = tmp.resolve("s.sock");
        try (StatusServer server = StatusServer.start(socket, Runnable::run, StatusServerTest::empty)) {
            StringWriter out = new StringWriter();
            CommandLine cmd = new CommandLine(new Status());
            cmd.setOut(new PrintWriter(out));
            int rc = cmd.execute("--json", "--socket", socket.toString());
            assertEquals(0, rc, out.toString());
            assertTrue(out.toString().contains("\"pid\""), out.toString());
        }
    }
}
