package org.jremoted.agents.classes;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.RunningAction;
import org.jremoted.agents.exec.LsbAgent;
import org.jremoted.agents.systemd.SystemdAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code service} class (docs/agents.md §4): for every action, {@code service:<name>} becomes
 * {@code lsb} when {@code /etc/init.d/<name>} exists, else {@code systemd} when systemd knows the
 * unit (loaded or masked), else {@code lsb} again — which then fails as not installed. Upstart is
 * not supported, so its step is skipped.
 *
 * <p>The systemd question is a D-Bus round trip, so it is asked on a systemd worker thread and the
 * chosen class's run is started from there; {@link #start} itself never waits.
 */
public final class ServiceAgent implements AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(ServiceAgent.class);

    private final LsbAgent lsb;
    private final Supplier<SystemdAgent> systemd;

    /** @param systemd the systemd class, asked for only when a service has no init script */
    public ServiceAgent(LsbAgent lsb, Supplier<SystemdAgent> systemd) {
        this.lsb = lsb;
        this.systemd = systemd;
    }

    @Override
    public RunningAction start(AgentAction action) {
        if (lsb.scriptExists(action.type())) {
            return lsb.start(as(action, "lsb"));
        }
        Deferred deferred = new Deferred();
        SystemdAgent units = systemd.get();
        units.unitExists(action.type()).whenComplete((exists, failure) -> {
            AgentRunner chosen;
            AgentAction concrete;
            if (Boolean.TRUE.equals(exists)) {
                chosen = units;
                concrete = as(action, "systemd");
            } else {
                log.info("Assuming resource class lsb for agent {} for {}", action.type(), action.resourceId());
                chosen = lsb;
                concrete = as(action, "lsb");
            }
            deferred.begin(chosen, concrete);
        });
        return deferred;
    }

    private static AgentAction as(AgentAction a, String standard) {
        return new AgentAction(a.resourceId(), standard, a.provider(), a.type(), a.action(), a.intervalMs(),
                a.timeoutMs(), a.parameters());
    }

    /** A run whose class is known only after the systemd lookup. */
    private static final class Deferred implements RunningAction {
        private final CompletableFuture<AgentResult> result = new CompletableFuture<>();
        private RunningAction delegate;
        private boolean cancelled;

        void begin(AgentRunner runner, AgentAction action) {
            RunningAction run;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                try {
                    run = runner.start(action);
                } catch (RuntimeException e) {
                    log.error("Could not start {} of {}", action.action(), action.resourceId(), e);
                    result.complete(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                            "Could not execute agent: " + e.getMessage()));
                    return;
                }
                delegate = run;
            }
            run.result().whenComplete((r, e) -> {
                if (r != null) {
                    result.complete(r);
                } else {
                    result.complete(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                            "Internal error while executing the agent"));
                }
            });
        }

        @Override
        public CompletableFuture<AgentResult> result() {
            return result;
        }

        @Override
        public void cancel() {
            RunningAction d;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                d = delegate;
            }
            if (d != null) {
                d.cancel();
            } else {
                result.complete(new AgentResult(ExitStatus.OK, ExecutionStatus.CANCELLED, null, null));
            }
        }
    }
}
