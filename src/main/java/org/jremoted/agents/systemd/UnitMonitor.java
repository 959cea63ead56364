package org.jremoted.agents.systemd;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;

/**
 * {@code monitor} and {@code status} of a unit (docs/agents.md §5.3): its {@code ActiveState},
 * with the 3.0.1 rules for a unit in transition — a probe asks again until the unit has settled,
 * and a recurring monitor that keeps seeing it pending for longer than its timeout reports a
 * timeout. Remembers, per recurring monitor, since when it has seen the unit pending. Called on
 * worker threads.
 */
final class UnitMonitor {

    private final SystemdApi api;
    /** Recurring monitors currently seeing a pending unit: since when (System.nanoTime()). */
    private final Map<String, Long> pendingSince = new ConcurrentHashMap<>();

    UnitMonitor(SystemdApi api) {
        this.api = api;
    }

    void check(SystemdRun run) throws SystemdException {
        String path = api.loadUnit(run.unit);
        String state;
        try {
            state = api.unitProperty(path, "ActiveState");
        } catch (SystemdException e) {
            if (SystemdResults.unreachable(e)) {
                throw e;
            }
            run.finish(SystemdResults.error("Could not get state for unit " + run.type + " from DBus"));
            return;
        }
        AgentResult r = SystemdResults.ofState(state);
        long intervalMs = run.action.intervalMs();
        long timeoutMs = run.action.timeoutMs();
        String key = run.action.resourceId() + "_" + intervalMs;
        if (r.executionStatus() != ExecutionStatus.PENDING) {
            pendingSince.remove(key);
            run.finish(r);
            return;
        }
        if (intervalMs == 0) {
            // A probe must say where the unit ends up, not that it is on its way (3.0.1).
            run.schedule(() -> check(run), run.pollDelay());
            return;
        }
        long now = System.nanoTime();
        long since = pendingSince.computeIfAbsent(key, k -> now);
        if (timeoutMs > 0 && (now - since) / 1_000_000 > timeoutMs) {
            pendingSince.remove(key);
            run.finish(SystemdResults.pendingTooLong(run.type, state, timeoutMs));
            return;
        }
        run.finish(r);
    }
}
