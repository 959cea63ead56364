package org.jremoted.agents.systemd;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.RunningAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One systemd action in progress: its steps, each run on a worker thread (a D-Bus round trip
 * may block), the timer that ends it at timeout + 5 s (docs/agents.md §5.6), and its single
 * completion. Whoever completes it first — a step, a {@code JobRemoved} signal, the timer or a
 * cancel — wins; the others find it {@linkplain #finished() finished} and do nothing. Any thread.
 */
final class SystemdRun implements RunningAction {

    private static final Logger log = LoggerFactory.getLogger(SystemdRun.class);

    static final long MAX_POLL_MS = 2000;
    static final long MIN_POLL_MS = 100;

    /** Work on a worker thread; a {@link SystemdException} ends the run with its mapped result. */
    @FunctionalInterface
    interface Step {
        void run() throws SystemdException;
    }

    final AgentAction action;
    final String type;
    final String unit;
    /** The action in lower case, as the class compares it. */
    final String verb;
    private final SystemdApi api;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final CompletableFuture<AgentResult> result = new CompletableFuture<>();
    /** Set before the clean-up, which completes the result only once it is done. */
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Future<?> timer;
    private volatile Future<?> poll;
    /** The systemd job being waited for, if any. */
    volatile String job;

    SystemdRun(AgentAction action, SystemdApi api, ExecutorService workers, ScheduledExecutorService timers) {
        this.action = action;
        this.type = action.type();
        this.verb = action.action().toLowerCase(Locale.ROOT);
        this.unit = UnitNames.unitName(type, verb.equals("meta-data"));
        this.api = api;
        this.workers = workers;
        this.timers = timers;
    }

    /** Arm the timer and queue the first step. */
    void begin(long graceMs, Step first) {
        if (action.timeoutMs() > 0) {
            timer = timers.schedule(() -> finish(SystemdResults.timedOut(action.action(), type)),
                    action.timeoutMs() + graceMs, TimeUnit.MILLISECONDS);
        }
        submit(first);
    }

    @Override
    public CompletableFuture<AgentResult> result() {
        return result;
    }

    @Override
    public void cancel() {
        // The systemd job (if any) is left alone: only our interest in it ends.
        finish(SystemdResults.cancelled());
    }

    boolean finished() {
        return finished.get();
    }

    void finish(AgentResult r) {
        // Timers and the job are dealt with before whoever waits for the result wakes up.
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        Future<?> p = poll;
        if (p != null) {
            p.cancel(false);
        }
        String j = job;
        if (j != null) {
            api.abandonJob(j);
        }
        result.complete(r);
    }

    /** End with the result a failed call maps to. */
    void fail(SystemdException e) {
        if (e.kind() != SystemdException.Kind.NO_SUCH_UNIT) {
            log.warn("systemd {} of {}: {}", action.action(), unit, e.getMessage());
        }
        finish(SystemdResults.ofFailure(e, verb, type));
    }

    /** Run {@code step} on a worker thread unless the run is over by then. */
    void submit(Step step) {
        try {
            workers.execute(() -> {
                if (finished()) {
                    return;
                }
                try {
                    step.run();
                } catch (SystemdException e) {
                    fail(e);
                } catch (RuntimeException | Error e) {
                    log.error("systemd {} of {} failed", action.action(), unit, e);
                    finish(SystemdResults.error("Internal error: " + e));
                }
            });
        } catch (RuntimeException e) {
            finish(SystemdResults.error("Could not queue systemd action: " + e));
        }
    }

    /** {@link #submit} after a delay. */
    void schedule(Step step, long delayMs) {
        if (finished()) {
            return;
        }
        try {
            poll = timers.schedule(() -> submit(step), delayMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            finish(SystemdResults.error("Could not schedule systemd check: " + e));
        }
    }

    /** How often a pending unit or job is asked about again: min(2 s, timeout/10), at least 0.1 s. */
    long pollDelay() {
        long t = action.timeoutMs() > 0 ? action.timeoutMs() / 10 : MAX_POLL_MS;
        return Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, t));
    }
}
