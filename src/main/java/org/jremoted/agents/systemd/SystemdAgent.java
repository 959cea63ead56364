package org.jremoted.agents.systemd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.RunningAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code systemd} class (docs/agents.md §5): units driven over D-Bus, never by forking
 * {@code systemctl}. This class decides which steps an action takes; {@link SystemdRun} runs them
 * and completes the action once, {@link UnitMonitor} answers monitors, {@link UnitOverrides} handles
 * the drop-in around start and stop, {@link JobWait} waits for systemd's jobs, and
 * {@link SystemdResults} says what each outcome means for the cluster.
 *
 * <p>Every D-Bus call is made on a small pool of worker threads ({@link SystemdThreads});
 * {@link #start} only queues work and returns, so the daemon loop never waits for the bus.
 * Any thread may call it.
 */
public final class SystemdAgent implements AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(SystemdAgent.class);

    /** Extra time systemd actions get beyond their timeout (docs/agents.md §5.6). */
    public static final long TIMEOUT_GRACE_MS = 5000;

    private final SystemdApi api;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final UnitMonitor monitor;
    private final UnitOverrides overrides;
    private final JobWait jobs;

    /** The daemon's systemd class: the system bus (connected on first use), {@code /run/systemd/system}. */
    public SystemdAgent() {
        this(new DbusSystemd(), new DropIn(DropIn.DEFAULT_ROOT));
    }

    public SystemdAgent(SystemdApi api, DropIn dropIn) {
        this(api, dropIn, SystemdThreads.workers(), SystemdThreads.timers());
    }

    SystemdAgent(SystemdApi api, DropIn dropIn, ExecutorService workers, ScheduledExecutorService timers) {
        this.api = api;
        this.workers = workers;
        this.timers = timers;
        this.monitor = new UnitMonitor(api);
        this.overrides = new UnitOverrides(api, dropIn);
        this.jobs = new JobWait(api);
    }

    public DropIn dropIn() {
        return overrides.dropIn();
    }

    /**
     * Whether systemd knows the unit ({@code LoadState} {@code loaded} or {@code masked}), asked on
     * a worker thread (the {@code service} class, docs/agents.md §4). False, never an exception,
     * when systemd cannot be asked.
     */
    public CompletableFuture<Boolean> unitExists(String type) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        if (!UnitNames.plausible(type)) {
            f.complete(false);
            return f;
        }
        workers.execute(() -> {
            try {
                String path = api.loadUnit(UnitNames.unitName(type, true));
                String state = api.unitProperty(path, "LoadState");
                f.complete("loaded".equals(state) || "masked".equals(state));
            } catch (SystemdException | RuntimeException e) {
                log.debug("Cannot tell whether systemd unit {} exists: {}", type, e.getMessage());
                f.complete(false);
            }
        });
        return f;
    }

    @Override
    public RunningAction start(AgentAction action) {
        SystemdRun run = new SystemdRun(action, api, workers, timers);
        run.begin(TIMEOUT_GRACE_MS, firstStep(run));
        return run;
    }

    /** docs/agents.md §5.3: what each action does. */
    private SystemdRun.Step firstStep(SystemdRun run) {
        if (!UnitNames.plausible(run.type)) {
            return () -> run.finish(SystemdResults.notFound(run.type));
        }
        return switch (run.verb) {
            case "monitor", "status" -> () -> monitor.check(run);
            case "start" -> () -> {
                if (overrides.beforeStart(run)) {
                    jobs.queueAndWait(run, "StartUnit");
                }
            };
            case "stop" -> () -> {
                overrides.beforeStop(run);
                jobs.queueAndWait(run, "StopUnit");
            };
            case "reload" -> () -> jobs.queueAndWait(run, "ReloadUnit");
            case "restart" -> () -> {
                // Upstream reports success once systemd accepted the job.
                api.queueJob("RestartUnit", run.unit);
                run.finish(SystemdResults.ok());
            };
            case "meta-data" -> () -> metaData(run);
            default -> () -> run.finish(SystemdResults.notImplemented(run.action.action()));
        };
    }

    private void metaData(SystemdRun run) throws SystemdException {
        String description;
        try {
            description = api.unitProperty(api.loadUnit(run.unit), "Description");
        } catch (SystemdException e) {
            if (SystemdResults.unreachable(e)) {
                throw e;
            }
            description = run.unit;
        }
        run.finish(SystemdResults.metaData(run.type, description));
    }
}
