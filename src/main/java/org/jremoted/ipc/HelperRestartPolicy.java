package org.jremoted.ipc;

/**
 * When to start the local IPC helper again after it ended, and how loudly to say so: a state
 * machine without I/O (time is passed in), so the back-off is tested without waiting.
 *
 * <p>The delay starts at {@link #INITIAL_DELAY_MS} and doubles with every failure in a row up to
 * {@link #MAX_DELAY_MS}. A helper that published its endpoints and then ran for
 * {@link #HEALTHY_AFTER_MS} counts as healthy: its end starts a new series at the initial delay.
 * The reason of a failure is reported once per series (and again when it changes); repeats are
 * quiet except for one reminder per {@link #REMINDER_EVERY_MS}, so a condition that lasts (another
 * Pacemaker holding the names) costs a handful of log lines a day, not one per attempt.
 *
 * <p>Loop thread only.
 */
final class HelperRestartPolicy {
    static final long INITIAL_DELAY_MS = 5_000;
    static final long MAX_DELAY_MS = 300_000;
    static final long HEALTHY_AFTER_MS = 60_000;
    static final long REMINDER_EVERY_MS = 3_600_000;

    /** How a failure is to be logged. */
    enum Report {
        /** The first failure of a series, or a reason different from the one last reported. */
        NEW,
        /** The same reason again, after {@link #REMINDER_EVERY_MS} of quiet. */
        REMINDER,
        /** The same reason again: debug level only. */
        QUIET
    }

    /**
     * What to do after a helper ended.
     *
     * @param delayMs when to start the next helper
     * @param report how loudly to log {@code reason}
     * @param failuresInRow failures of this series, this one included
     * @param quietSinceReport failures not reported since the last report (for a reminder)
     */
    record Restart(long delayMs, Report report, int failuresInRow, int quietSinceReport) {
    }

    private final long initialDelayMs;
    private final long maxDelayMs;
    private final long healthyAfterMs;
    private final long reminderEveryMs;

    private int failuresInRow;
    private long readyAtMs = -1;
    private String reportedReason;
    private long reportedAtMs;
    private int quietSinceReport;

    HelperRestartPolicy() {
        this(INITIAL_DELAY_MS, MAX_DELAY_MS, HEALTHY_AFTER_MS, REMINDER_EVERY_MS);
    }

    HelperRestartPolicy(long initialDelayMs, long maxDelayMs, long healthyAfterMs, long reminderEveryMs) {
        if (initialDelayMs <= 0 || maxDelayMs < initialDelayMs || healthyAfterMs < 0 || reminderEveryMs <= 0) {
            throw new IllegalArgumentException("bad restart policy " + initialDelayMs + "/" + maxDelayMs + "/"
                    + healthyAfterMs + "/" + reminderEveryMs);
        }
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.healthyAfterMs = healthyAfterMs;
        this.reminderEveryMs = reminderEveryMs;
    }

    /** A helper process was started. */
    void started() {
        readyAtMs = -1;
    }

    /**
     * The running helper published its endpoints.
     *
     * @return the failures of the current series before this start (0: nothing to announce)
     */
    int ready(long nowMs) {
        readyAtMs = nowMs;
        return failuresInRow;
    }

    /** The running helper ended for {@code reason} (not at our request). */
    Restart ended(long nowMs, String reason) {
        if (readyAtMs >= 0 && nowMs - readyAtMs >= healthyAfterMs) {
            // It served for a while: whatever ends it now is a new story
            failuresInRow = 0;
            reportedReason = null;
            quietSinceReport = 0;
        }
        readyAtMs = -1;
        failuresInRow = failuresInRow == Integer.MAX_VALUE ? failuresInRow : failuresInRow + 1;
        long delay = initialDelayMs;
        for (int i = 1; i < failuresInRow && delay < maxDelayMs; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, maxDelayMs);

        Report report;
        int quiet = quietSinceReport;
        if (reportedReason == null || !reportedReason.equals(reason)) {
            report = Report.NEW;
            quiet = 0;
        } else if (nowMs - reportedAtMs >= reminderEveryMs) {
            report = Report.REMINDER;
        } else {
            quietSinceReport++;
            return new Restart(delay, Report.QUIET, failuresInRow, quietSinceReport);
        }
        reportedReason = reason;
        reportedAtMs = nowMs;
        quietSinceReport = 0;
        return new Restart(delay, report, failuresInRow, quiet);
    }
}
