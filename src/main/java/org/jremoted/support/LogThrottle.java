package org.jremoted.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Lets one log line that a peer can trigger again and again through at most {@link #BURST} times
 * per period, and says in the next line that gets through how many were held back (docs/hardening.md, "Logs").
 * Without it a flood of bad connections or a client that stops reading writes a line per event:
 * hundreds of thousands of lines in seconds, filling the disk the cluster's own logs live on.
 *
 * <p>One instance per call site. Any thread: the counters are guarded by the instance's monitor,
 * which is only held for a few arithmetic operations.
 */
public final class LogThrottle {
    /** The period used by the daemon's call sites. */
    public static final long DEFAULT_PERIOD_MS = 10_000;
    /**
     * Lines let through per period before holding back: a few distinct events close together
     * (two peers failing at once) all stay visible, a flood costs this many lines per period.
     */
    public static final int BURST = 5;

    private static final List<LogThrottle> ALL = new CopyOnWriteArrayList<>();

    private final long periodNanos;
    private final LongSupplier nanoClock;
    private long periodStartNanos;
    private int inPeriod;
    private boolean started;
    private long suppressed;

    public LogThrottle() {
        this(DEFAULT_PERIOD_MS, System::nanoTime);
    }

    /** @param nanoClock monotonic time in nanoseconds (injected so tests need not sleep) */
    public LogThrottle(long periodMs, LongSupplier nanoClock) {
        this.periodNanos = periodMs * 1_000_000L;
        this.nanoClock = nanoClock;
        ALL.add(this);
    }

    /** Forgets what every throttle has let through, so that a test starts from a quiet log. */
    public static void resetAll() {
        for (LogThrottle t : ALL) {
            synchronized (t) {
                t.started = false;
                t.inPeriod = 0;
                t.suppressed = 0;
            }
        }
    }

    /**
     * Decides whether the caller may log now.
     *
     * @return -1 when the line must be held back; otherwise how many lines were held back since
     *         the last one that got through (0 for none)
     */
    public synchronized long admit() {
        long now = nanoClock.getAsLong();
        if (!started || now - periodStartNanos >= periodNanos) {
            started = true;
            periodStartNanos = now;
            inPeriod = 0;
        }
        if (inPeriod >= BURST) {
            suppressed++;
            return -1;
        }
        inPeriod++;
        long held = suppressed;
        suppressed = 0;
        return held;
    }

    /** Logs at warning level if the period allows, with a count of the lines held back. */
    public void warn(Logger log, String format, Object... args) {
        long held = admit();
        if (held >= 0) {
            log.warn(format + suffix(held), args);
        }
    }

    /** Logs at info level if the period allows, with a count of the lines held back. */
    public void info(Logger log, String format, Object... args) {
        long held = admit();
        if (held >= 0) {
            log.info(format + suffix(held), args);
        }
    }

    private String suffix(long held) {
        return held == 0 ? "" : " (" + held + " more like this held back)";
    }
}
