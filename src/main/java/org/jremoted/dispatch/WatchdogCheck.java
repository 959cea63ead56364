package org.jremoted.dispatch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jremoted.protocol.Values;

/**
 * The watchdog sanity check behind {@code lrmd_check} (docs/executor.md §3.1): if the cluster relies on
 * watchdog self-fencing of this node, sbd must be running with a watchdog timeout the cluster's
 * value covers; otherwise this node cannot fence itself and must not stay up.
 */
public final class WatchdogCheck {
    private static final Logger log = LoggerFactory.getLogger(WatchdogCheck.class);

    /** CRM_EX_FATAL: do not restart. */
    public static final int EXIT_FATAL = 100;

    private final long sbdWatchdogTimeoutMs;
    private final BooleanSupplier sbdRunning;
    private final IntConsumer exit;

    /**
     * @param sbdWatchdogTimeoutMs {@code SBD_WATCHDOG_TIMEOUT} in ms, 0 when unset
     * @param sbdRunning           whether sbd is active (see {@link #sbdRunning()})
     * @param exit                 orderly exit with the given code
     */
    public WatchdogCheck(long sbdWatchdogTimeoutMs, BooleanSupplier sbdRunning, IntConsumer exit) {
        this.sbdWatchdogTimeoutMs = Math.max(0, sbdWatchdogTimeoutMs);
        this.sbdRunning = sbdRunning;
        this.exit = exit;
    }

    /** Check the cluster's {@code stonith-watchdog-timeout} (may be null). True if we keep running. */
    public boolean check(String watchdogTimeout) {
        if (watchdogTimeout == null) {
            return true;
        }
        OptionalLong parsed = Values.durationMs(watchdogTimeout);
        long timeoutMs = parsed.orElse(0);
        if (timeoutMs < 0) {
            // Negative means "derive it from sbd's own timeout"
            timeoutMs = 2 * sbdWatchdogTimeoutMs;
        }
        if (timeoutMs <= 0) {
            return true;
        }
        if (!sbdRunning.getAsBoolean()) {
            log.error("Shutting down: stonith-watchdog-timeout configured ({}) but SBD not active",
                    watchdogTimeout);
            exit.accept(EXIT_FATAL);
            return false;
        }
        if (timeoutMs < sbdWatchdogTimeoutMs) {
            log.error("Shutting down: stonith-watchdog-timeout ({}) too short (must be >{}ms)",
                    watchdogTimeout, sbdWatchdogTimeoutMs);
            exit.accept(EXIT_FATAL);
            return false;
        }
        log.info("Watchdog configuration (stonith-watchdog-timeout {}) is valid", watchdogTimeout);
        return true;
    }

    /** sbd counts as running if its pid file names a live /usr/sbin/sbd or a process is named sbd. */
    public static boolean sbdRunning() {
        try {
            Path pidFile = Path.of("/run/sbd.pid");
            if (Files.isReadable(pidFile)) {
                String pid = Files.readString(pidFile).trim();
                if (pid.matches("\\d+")) {
                    Path exe = Path.of("/proc", pid, "exe");
                    if (Files.exists(exe) && Files.readSymbolicLink(exe).toString().equals("/usr/sbin/sbd")) {
                        return true;
                    }
                }
            }
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path p : procs) {
                    try {
                        if (Files.readString(p.resolve("comm")).trim().equals("sbd")) {
                            return true;
                        }
                    } catch (IOException e) {
                        // the process went away while we looked
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not determine whether sbd is running: {}", e.toString());
        }
        return false;
    }
}
