package org.jremoted.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pre-shared key, looked up the way pacemaker-remoted 2.1.5 does: the configured location
 * first, then the default locations. A key that was read is used for 60 s and then read again,
 * so an administrator can replace the file without restarting the daemon.
 */
public final class AuthKeyStore {
    public static final Path DEFAULT_LOCATION = Path.of("/etc/pacemaker/authkey");
    public static final Path COROSYNC_LOCATION = Path.of("/etc/corosync/authkey");
    static final long CACHE_NANOS = 60_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(AuthKeyStore.class);

    private final Path configured;
    private final List<Path> candidates;
    private final LongSupplier nanoClock;
    private byte[] cachedKey;
    private long cachedAt;

    public AuthKeyStore(Path configured) {
        this(configured, List.of(DEFAULT_LOCATION, COROSYNC_LOCATION), System::nanoTime);
    }

    AuthKeyStore(Path configured, List<Path> defaults, LongSupplier nanoClock) {
        this.configured = configured;
        List<Path> all = new ArrayList<>();
        if (configured != null) {
            all.add(configured);
        }
        for (Path p : defaults) {
            if (!p.equals(configured)) {
                all.add(p);
            }
        }
        this.candidates = List.copyOf(all);
        this.nanoClock = nanoClock;
    }

    /** The key for a new handshake, or null while no readable, non-empty key file exists. */
    public synchronized byte[] key() {
        long now = nanoClock.getAsLong();
        if (cachedKey != null && now - cachedAt < CACHE_NANOS) {
            return cachedKey;
        }
        // Only a key that was read is cached: while none exists, every handshake looks again.
        cachedKey = read();
        cachedAt = now;
        return cachedKey;
    }

    /** Where keys are looked for, in order (for log lines and the start-up check). */
    public List<Path> candidates() {
        return candidates;
    }

    private byte[] read() {
        for (Path p : candidates) {
            try {
                byte[] k = Files.readAllBytes(p);
                if (k.length == 0) {
                    log.warn("Pacemaker Remote key {} is empty", p);
                    continue;
                }
                if (configured != null && !p.equals(configured)) {
                    log.warn("Could not read Pacemaker Remote key from {}, using {} instead",
                            configured, p);
                }
                return k;
            } catch (IOException e) {
                log.debug("Pacemaker Remote key {} not readable: {}", p, e.toString());
            }
        }
        return null;
    }
}
