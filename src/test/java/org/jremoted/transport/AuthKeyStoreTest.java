package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthKeyStoreTest {
    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void keyIsTheWholeFileAsRawBytes() throws Exception {
        byte[] raw = {0, '\n', (byte) 0xff, ' ', 'k', '\r', '\n'};
        Path k = Files.write(dir.resolve("authkey"), raw);
        assertArrayEquals(raw, new AuthKeyStore(k, List.of(), now::get).key());
    }

    @Test
    void replacedKeyIsUsedOnlyAfterTheCacheExpires() throws Exception {
        Path k = Files.writeString(dir.resolve("authkey"), "first");
        AuthKeyStore store = new AuthKeyStore(k, List.of(), now::get);
        assertArrayEquals("first".getBytes(), store.key());
        Files.writeString(k, "second");
        now.addAndGet(59_000_000_000L);
        assertArrayEquals("first".getBytes(), store.key());
        now.addAndGet(2_000_000_000L);
        assertArrayEquals("second".getBytes(), store.key());
    }

    @Test
    void missingOrEmptyKeyIsNullAndLookedUpAgainAtOnce() throws Exception {
        Path k = dir.resolve("authkey");
        AuthKeyStore store = new AuthKeyStore(k, List.of(), now::get);
        assertNull(store.key());
        Files.writeString(k, "");
        now.addAndGet(61_000_000_000L);
        assertNull(store.key());
        Files.writeString(k, "now");
        assertArrayEquals("now".getBytes(), store.key());
    }

    @Test
    void unreadableConfiguredKeyFallsBackToDefaults() throws Exception {
        Path fallback = Files.writeString(dir.resolve("default"), "fallback");
        AuthKeyStore store = new AuthKeyStore(dir.resolve("missing"), List.of(fallback), now::get);
        assertArrayEquals("fallback".getBytes(), store.key());
    }
}
