package org.jremoted.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeygenTest {
    @TempDir
    Path dir;

    @Test
    void writesFourKibibytesWithMode0640() throws Exception {
        Path key = dir.resolve("sub/authkey");
        assertFalse(Keygen.write(key, false, new SecureRandom()));
        assertEquals(4096, Files.size(key));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        try (var files = Files.list(key.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        Path key = dir.resolve("authkey");
        Keygen.write(key, false, new SecureRandom());
        byte[] before = Files.readAllBytes(key);
        assertThrows(FileAlreadyExistsException.class, () -> Keygen.write(key, false, new SecureRandom()));
        assertTrue(Arrays.equals(before, Files.readAllBytes(key)));
        assertTrue(Keygen.write(key, true, new SecureRandom()));
        assertFalse(Arrays.equals(before, Files.readAllBytes(key)));
    }

    @Test
    void exitCodes() {
        Path key = dir.resolve("k");
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        cmd.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertEquals(0, cmd.execute("keygen", "--path", key.toString()));
        assertEquals(1, cmd.execute("keygen", "--path", key.toString()));
        assertEquals(0, cmd.execute("keygen", "--path", key.toString(), "--force"));
        assertEquals(64, cmd.execute("keygen", "--bogus"));
    }
}
