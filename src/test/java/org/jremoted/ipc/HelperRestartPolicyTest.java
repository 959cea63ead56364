package org.jremoted.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.jremoted.ipc.HelperRestartPolicy.Report;
import org.jremoted.ipc.HelperRestartPolicy.Restart;
import org.junit.jupiter.api.Test;

class HelperRestartPolicyTest {
    private static final String TAKEN = "IPC name attrd is already held by another process in this network namespace";

    private final HelperRestartPolicy policy = new HelperRestartPolicy();
    private long now;

    /** A helper that starts after the previous delay and ends {@code runMs} later. */
    private Restart failAfter(long runMs, String reason, boolean published) {
        policy.started();
        if (published) {
            policy.ready(now);
        }
        now += runMs;
        Restart r = policy.ended(now, reason);
        now += r.delayMs();
        return r;
    }

    @Test
    void delaysDoubleFromFiveSecondsUpToFiveMinutes() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delays.add(failAfter(10, TAKEN, false).delayMs());
        }
        assertEquals(List.of(5_000L, 10_000L, 20_000L, 40_000L, 80_000L, 160_000L, 300_000L, 300_000L, 300_000L,
                300_000L), delays);
    }

    @Test
    void theDelayNeverOverflowsHoweverLongTheSeries() {
        Restart r = null;
        for (int i = 0; i < 200; i++) {
            r = failAfter(10, TAKEN, false);
        }
        assertEquals(300_000L, r.delayMs());
        assertEquals(200, r.failuresInRow());
    }

    @Test
    void aHelperThatServedForAMinuteStartsANewSeries() {
        failAfter(10, TAKEN, false);
        failAfter(10, TAKEN, false);
        assertEquals(20_000L, failAfter(10, TAKEN, false).delayMs());
        Restart afterHealthy = failAfter(60_000, "helper exited (status 134)", true);
        assertEquals(5_000L, afterHealthy.delayMs());
        assertEquals(1, afterHealthy.failuresInRow());
        assertEquals(Report.NEW, afterHealthy.report());
    }

    @Test
    void aHelperThatPublishedButDiedSoonKeepsBackingOff() {
        assertEquals(5_000L, failAfter(100, "helper exited (status 134)", true).delayMs());
        assertEquals(10_000L, failAfter(59_999, "helper exited (status 134)", true).delayMs());
        assertEquals(20_000L, failAfter(59_999, "helper exited (status 134)", true).delayMs());
    }

    @Test
    void aHelperThatRanLongWithoutPublishingIsNotHealthy() {
        failAfter(10, TAKEN, false);
        assertEquals(10_000L, failAfter(120_000, TAKEN, false).delayMs());
    }

    @Test
    void theSameReasonIsReportedOnceThenQuietlyThenAsAnHourlyReminder() {
        List<Report> reports = new ArrayList<>();
        Restart reminder = null;
        // 5+10+20+40+80+160 s, then every 300 s: the 18th failure is the first an hour after the first
        for (int i = 0; i < 30; i++) {
            Restart r = failAfter(0, TAKEN, false);
            reports.add(r.report());
            if (r.report() == Report.REMINDER && reminder == null) {
                reminder = r;
            }
        }
        assertEquals(Report.NEW, reports.get(0));
        assertEquals(Report.QUIET, reports.get(1));
        long reminders = reports.stream().filter(r -> r == Report.REMINDER).count();
        long loud = reports.stream().filter(r -> r != Report.QUIET).count();
        // 30 attempts span 5+10+20+40+80+160+23*300 s = 7215 s: two reminders after the first report
        assertEquals(2, reminders, reports.toString());
        assertEquals(3, loud);
        assertEquals(reminder.failuresInRow() - 2, reminder.quietSinceReport(),
                "the reminder counts the attempts that were not logged");
    }

    @Test
    void aDifferentReasonIsReportedAtOnce() {
        assertEquals(Report.NEW, failAfter(0, TAKEN, false).report());
        assertEquals(Report.QUIET, failAfter(0, TAKEN, false).report());
        Restart other = failAfter(0, "helper exited (status 134)", false);
        assertEquals(Report.NEW, other.report());
        assertEquals(20_000L, other.delayMs(), "a new reason does not reset the back-off");
        assertEquals(Report.NEW, failAfter(0, TAKEN, false).report());
    }

    @Test
    void readyTellsHowManyFailuresPrecededIt() {
        policy.started();
        assertEquals(0, policy.ready(now));
        failAfter(10, TAKEN, false);
        failAfter(10, TAKEN, false);
        policy.started();
        assertEquals(2, policy.ready(now));
    }

    @Test
    void nonsensicalSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HelperRestartPolicy(0, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new HelperRestartPolicy(10, 5, 0, 1));
    }
}
