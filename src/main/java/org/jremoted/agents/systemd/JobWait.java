package org.jremoted.agents.systemd;

import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues a start, stop or reload job and waits for it the 3.0.1 way (docs/agents.md §5.5): the
 * job's {@code JobRemoved} signal decides; the job object is polled as the fallback for a missed
 * signal, and once it is gone without one, the unit's settled {@code ActiveState} decides as in
 * 2.1.5. Called on worker threads; the signal arrives on dbus-java's thread.
 */
final class JobWait {

    private static final Logger log = LoggerFactory.getLogger(JobWait.class);

    /** After a job object vanished, how long a late JobRemoved may still take to be handled. */
    static final long SIGNAL_GRACE_MS = 200;

    private final SystemdApi api;

    JobWait(SystemdApi api) {
        this.api = api;
    }

    /** {@code method} ({@code StartUnit}, ...) on the run's unit, then wait for the job. */
    void queueAndWait(SystemdRun run, String method) throws SystemdException {
        String j = api.queueJob(method, run.unit);
        run.job = j;
        log.debug("systemd {} of {} queued as {}", run.action.action(), run.unit, j);
        api.jobResult(j).whenComplete((r, e) -> {
            if (e == null) {
                run.finish(SystemdResults.ofJob(run.action.action(), run.unit, r));
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof SystemdException se) {
                run.fail(se);
            } else {
                run.finish(SystemdResults.error(cause.toString()));
            }
        });
        if (!run.finished()) {
            run.schedule(() -> pollJob(run), run.pollDelay());
        }
    }

    /** The fallback for a JobRemoved that never arrives. */
    private void pollJob(SystemdRun run) throws SystemdException {
        if (api.jobExists(run.job)) {
            run.schedule(() -> pollJob(run), run.pollDelay());
            return;
        }
        // Gone: the signal normally is already here or being handled right now.
        run.schedule(() -> settleFromState(run), SIGNAL_GRACE_MS);
    }

    private void settleFromState(SystemdRun run) throws SystemdException {
        String state = api.unitProperty(api.loadUnit(run.unit), "ActiveState");
        if (state.equals("activating") || state.equals("deactivating")) {
            run.schedule(() -> settleFromState(run), run.pollDelay());
            return;
        }
        log.warn("No JobRemoved signal for systemd {} job {} of {}; judging by its state '{}'",
                run.action.action(), run.job, run.unit, state);
        run.finish(SystemdResults.ofSettledState(run.action.action(), run.verb, run.unit, state));
    }
}
