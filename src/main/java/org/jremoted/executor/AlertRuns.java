package org.jremoted.executor;

import java.util.Map;
import org.jremoted.support.Saturating;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.exec.AlertAgent;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.RunningAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's alert bookkeeping ({@code lrmd_alert_exec}, docs/executor.md §3, docs/agents.md §8): the
 * per-daemon {@code CRM_alert_node_sequence} counter, the alerts still running, and the drain at
 * shutdown. Results are only logged: the protocol has no notification for alerts.
 */
public final class AlertRuns {
    private static final Logger log = LoggerFactory.getLogger(AlertRuns.class);

    /** Extra time granted beyond the longest alert timeout when draining at shutdown. */
    public static final long DRAIN_GRACE_MS = 5000;

    private final Supplier<AlertAgent> agentSupplier;
    private volatile AlertAgent agent;
    private final AtomicLong sequence = new AtomicLong();
    private final Set<RunningAction> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong longestTimeoutMs = new AtomicLong();
    private volatile boolean draining;

    /** Alerts run by the daemon's {@link AlertAgent}, created on first use. */
    public AlertRuns() {
        this(AlertAgent::new);
    }

    public AlertRuns(Supplier<AlertAgent> agentSupplier) {
        this.agentSupplier = agentSupplier;
    }

    private AlertAgent agent() {
        AlertAgent a = agent;
        if (a == null) {
            synchronized (this) {
                a = agent;
                if (a == null) {
                    agent = a = agentSupplier.get();
                }
            }
        }
        return a;
    }

    /**
     * Launch one alert; never blocks. Once draining has begun, new alerts are accepted and
     * ignored, as upstream does while it exits.
     */
    public void exec(String alertId, String path, long requestedTimeoutMs, Map<String, String> attributes) {
        long timeoutMs = Saturating.wireMillis(requestedTimeoutMs);
        if (draining) {
            log.info("Ignoring alert {} ({}): shutting down", alertId, path);
            return;
        }
        long seq = sequence.incrementAndGet();
        RunningAction run;
        try {
            run = agent().run(alertId, path, timeoutMs, AlertAgent.environment(attributes, seq));
        } catch (RuntimeException e) {
            log.error("Could not send alert {} ({})", alertId, path, e);
            return;
        }
        longestTimeoutMs.accumulateAndGet(Math.max(0, timeoutMs), Math::max);
        inFlight.add(run);
        run.result().whenComplete((result, failure) -> {
            inFlight.remove(run);
            report(alertId, path, result, failure);
        });
    }

    private static void report(String alertId, String path, AgentResult r, Throwable failure) {
        if (r == null) {
            log.error("Alert {} ({}) failed internally", alertId, path, failure);
        } else if (r.executionStatus() == ExecutionStatus.DONE) {
            if (r.exitStatus() != 0) {
                log.info("Alert {} ({}) exited with status {}{}", alertId, path, r.exitStatus(),
                        r.output() == null ? "" : ": " + r.output().strip());
            } else {
                log.debug("Alert {} ({}) completed", alertId, path);
            }
        } else if (r.executionStatus() == ExecutionStatus.TIMEOUT) {
            log.warn("Alert {} ({}) timed out: {}", alertId, path, r.exitReason());
        } else {
            log.info("Could not send alert {} ({}): {}", alertId, path, r.exitReason());
        }
    }

    /** Alerts launched and not finished yet. */
    public int inFlightCount() {
        return inFlight.size();
    }

    /** The sequence number the last alert got (0 before the first). */
    public long lastSequence() {
        return sequence.get();
    }

    /**
     * Stop launching alerts and complete once every running one has finished, or after the
     * longest alert timeout seen plus {@link #DRAIN_GRACE_MS}, whichever comes first
     * (docs/agents.md §8). Meant for the daemon's exit path; never completes exceptionally.
     */
    public CompletableFuture<Void> drain() {
        draining = true;
        CompletableFuture<?>[] running = inFlight.stream().map(RunningAction::result)
                .toArray(CompletableFuture[]::new);
        if (running.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("Waiting for {} alert(s) to finish before exiting", running.length);
        return CompletableFuture.allOf(running)
                .handle((v, e) -> (Void) null)
                .completeOnTimeout(null, longestTimeoutMs.get() + DRAIN_GRACE_MS, TimeUnit.MILLISECONDS);
    }
}
