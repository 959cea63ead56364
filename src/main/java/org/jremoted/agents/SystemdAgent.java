package org.jremoted.agents;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jremoted.agents.systemd.DbusSystemd;
import org.jremoted.agents.systemd.DropIn;
import org.jremoted.agents.systemd.SystemdApi;
import org.jremoted.agents.systemd.SystemdException;
import org.jremoted.agents.systemd.UnitNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code systemd} class (docs/agents.md §5): units driven over D-Bus, never by forking
 * {@code systemctl}.
 *
 * <p>Every D-Bus call is made on a small pool of worker threads; {@link #start} only queues work
 * and returns, so the daemon loop never waits for the bus. The result completes from a worker,
 * from a {@code JobRemoved} signal, or from the action's own timer (timeout + 5 s), whichever
 * comes first; the others are then ignored. Start, stop and reload wait for their systemd job the
 * 3.0.1 way (job tracking through {@code JobRemoved}); a poll of the job object every
 * min(2 s, timeout/10) is the fallback for a missed signal, in which case the unit's state
 * decides, as 2.1.5's polling did.
 */
public final class SystemdAgent implements AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(SystemdAgent.class);

    /** Extra time systemd actions get beyond their timeout (docs/agents.md §5.6). */
    public static final long TIMEOUT_GRACE_MS = 5000;
    static final long MAX_POLL_MS = 2000;
    static final long MIN_POLL_MS = 100;
    /** After a job object vanished, how long a late JobRemoved may still take to be handled. */
    static final long SIGNAL_GRACE_MS = 200;
    private static final int WORKERS = 8;

    private static volatile ExecutorService sharedWorkers;
    private static volatile ScheduledExecutorService sharedTimers;

    private final SystemdApi api;
    private final DropIn dropIn;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    /** Recurring monitors currently seeing a pending unit: since when (3.0.1 rule, docs/agents.md §5.5). */
    private final Map<String, Long> pendingSince = new ConcurrentHashMap<>();

    /** The daemon's systemd class: the system bus (connected on first use), {@code /run/systemd/system}. */
    public SystemdAgent() {
        this(new DbusSystemd(), new DropIn(DropIn.DEFAULT_ROOT));
    }

    public SystemdAgent(SystemdApi api, DropIn dropIn) {
        this(api, dropIn, workers(), timers());
    }

    SystemdAgent(SystemdApi api, DropIn dropIn, ExecutorService workers, ScheduledExecutorService timers) {
        this.api = api;
        this.dropIn = dropIn;
        this.workers = workers;
        this.timers = timers;
    }

    private static ExecutorService workers() {
        ExecutorService w = sharedWorkers;
        if (w == null) {
            synchronized (SystemdAgent.class) {
                w = sharedWorkers;
                if (w == null) {
                    AtomicInteger n = new AtomicInteger();
                    ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(), r -> {
                                Thread t = new Thread(r, "systemd-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
                    pool.allowCoreThreadTimeOut(true);
                    sharedWorkers = w = pool;
                }
            }
        }
        return w;
    }

    private static ScheduledExecutorService timers() {
        ScheduledExecutorService t = sharedTimers;
        if (t == null) {
            synchronized (SystemdAgent.class) {
                t = sharedTimers;
                if (t == null) {
                    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread th = new Thread(r, "systemd-timer");
                        th.setDaemon(true);
                        return th;
                    });
                    s.setRemoveOnCancelPolicy(true);
                    sharedTimers = t = s;
                }
            }
        }
        return t;
    }

    public DropIn dropIn() {
        return dropIn;
    }

    // ---------------------------------------------------------------- existence (service class)

    /**
     * Whether systemd knows the unit ({@code LoadState} {@code loaded} or {@code masked}), asked on
     * a worker thread. False, never an exception, when systemd cannot be asked.
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

    // ---------------------------------------------------------------- actions

    @Override
    public RunningAction start(AgentAction action) {
        if (isBlank(action.resourceId()) || isBlank(action.type()) || isBlank(action.action())) {
            return OcfAgent.Running.done(AgentResult.error(ExitStatus.UNKNOWN_ERROR,
                    ExecutionStatus.ERROR_FATAL, OcfAgent.MISSING_INFORMATION));
        }
        Run run = new Run(action);
        if (action.timeoutMs() > 0) {
            run.timer = timers.schedule(run::timedOut, action.timeoutMs() + TIMEOUT_GRACE_MS, TimeUnit.MILLISECONDS);
        }
        submit(run, run::begin);
        return run;
    }

    private void submit(Run run, Step step) {
        try {
            workers.execute(() -> {
                if (run.finished()) {
                    return;
                }
                try {
                    step.run();
                } catch (SystemdException e) {
                    run.finish(failure(run, e));
                } catch (RuntimeException | Error e) {
                    log.error("systemd {} of {} failed", run.action.action(), run.unit, e);
                    run.finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                            "Internal error: " + e));
                }
            });
        } catch (RuntimeException e) {
            run.finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                    "Could not queue systemd action: " + e));
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws SystemdException;
    }

    /** One systemd action in progress. */
    private final class Run implements RunningAction {
        final AgentAction action;
        final String type;
        final String unit;
        final String verb;
        final CompletableFuture<AgentResult> result = new CompletableFuture<>();
        /** Set before the clean-up, which completes the result only once it is done. */
        private final AtomicBoolean finished = new AtomicBoolean();
        volatile Future<?> timer;
        volatile Future<?> poll;
        volatile String job;

        Run(AgentAction action) {
            this.action = action;
            this.type = action.type();
            this.verb = action.action().toLowerCase(Locale.ROOT);
            this.unit = UnitNames.unitName(type, verb.equals("meta-data"));
        }

        @Override
        public CompletableFuture<AgentResult> result() {
            return result;
        }

        @Override
        public void cancel() {
            // The systemd job (if any) is left alone: only our interest in it ends.
            finish(new AgentResult(ExitStatus.OK, ExecutionStatus.CANCELLED, null, null));
        }

        void timedOut() {
            finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT,
                    action.action() + " action for systemd unit " + type + " did not complete in time"));
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

        void begin() throws SystemdException {
            if (!UnitNames.plausible(type)) {
                finish(AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                        "systemd unit " + type + " not found"));
                return;
            }
            switch (verb) {
                case "monitor", "status" -> monitor();
                case "start" -> startUnit();
                case "stop" -> stopUnit();
                case "reload" -> queueAndWait("ReloadUnit");
                case "restart" -> {
                    // Upstream reports success once systemd accepted the job (docs/agents.md §5.3).
                    api.queueJob("RestartUnit", unit);
                    finish(new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, null, null));
                }
                case "meta-data" -> metaData();
                default -> finish(AgentResult.error(ExitStatus.UNIMPLEMENT_FEATURE, ExecutionStatus.ERROR,
                        "Action " + action.action() + " not implemented for systemd resources"));
            }
        }

        // ------------------------------------------------------------ monitor

        void monitor() throws SystemdException {
            String path = api.loadUnit(unit);
            String state;
            try {
                state = api.unitProperty(path, "ActiveState");
            } catch (SystemdException e) {
                if (e.kind() == SystemdException.Kind.NO_BUS || e.kind() == SystemdException.Kind.NO_SYSTEMD) {
                    throw e;
                }
                finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                        "Could not get state for unit " + type + " from DBus"));
                return;
            }
            AgentResult r = stateResult(state);
            String key = action.resourceId() + "_" + action.intervalMs();
            if (r.executionStatus() != ExecutionStatus.PENDING) {
                pendingSince.remove(key);
                finish(r);
                return;
            }
            if (action.intervalMs() == 0) {
                // A probe must say where the unit ends up, not that it is on its way (3.0.1).
                schedule(this::monitor, pollDelay());
                return;
            }
            long now = System.nanoTime();
            long since = pendingSince.computeIfAbsent(key, k -> now);
            if (action.timeoutMs() > 0 && (now - since) / 1_000_000 > action.timeoutMs()) {
                pendingSince.remove(key);
                finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT,
                        "systemd unit " + type + " has been " + state + " for longer than "
                                + AgentResults.readableInterval(action.timeoutMs())));
                return;
            }
            finish(r);
        }

        // ------------------------------------------------------------ start / stop / reload

        void startUnit() throws SystemdException {
            String path = api.loadUnit(unit);
            String loadState = api.unitProperty(path, "LoadState");
            if ("not-found".equals(loadState)) {
                finish(AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                        "systemd unit " + type + " not found"));
                return;
            }
            boolean changed;
            try {
                changed = dropIn.write(type, unit);
            } catch (IOException e) {
                finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                        "Could not write systemd drop-in " + dropIn.path(unit) + ": " + e.getMessage()));
                return;
            }
            if (changed || "true".equals(api.unitProperty(path, "NeedDaemonReload"))) {
                daemonReload();
            }
            queueAndWait("StartUnit");
        }

        void stopUnit() throws SystemdException {
            boolean removed = false;
            try {
                removed = dropIn.remove(unit);
            } catch (IOException e) {
                log.warn("Could not remove systemd drop-in {}: {}", dropIn.path(unit), e.getMessage());
            }
            if (removed) {
                daemonReload();
            }
            queueAndWait("StopUnit");
        }

        void daemonReload() throws SystemdException {
            try {
                api.reload();
            } catch (SystemdException e) {
                if (e.kind() == SystemdException.Kind.NO_BUS || e.kind() == SystemdException.Kind.NO_SYSTEMD) {
                    throw e;
                }
                // Upstream only logs this: the unit still runs, just without our ordering.
                log.warn("systemd daemon-reload for {} failed: {}", unit, e.getMessage());
            }
        }

        void queueAndWait(String method) throws SystemdException {
            String j = api.queueJob(method, unit);
            job = j;
            log.debug("systemd {} of {} queued as {}", action.action(), unit, j);
            api.jobResult(j).whenComplete((r, e) -> {
                if (e != null) {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    finish(cause instanceof SystemdException se ? failure(this, se)
                            : AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, cause.toString()));
                } else {
                    finish(jobResultToAgentResult(r));
                }
            });
            if (!finished()) {
                schedule(this::pollJob, pollDelay());
            }
        }

        AgentResult jobResultToAgentResult(String r) {
            if ("done".equals(r)) {
                return new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, null, null);
            }
            if ("timeout".equals(r)) {
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT,
                        "systemd " + action.action() + " job for " + unit + " timed out");
            }
            return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                    "systemd " + action.action() + " job for " + unit + " failed with result '" + r + "'");
        }

        /** The fallback for a JobRemoved that never arrives. */
        void pollJob() throws SystemdException {
            String j = job;
            if (api.jobExists(j)) {
                schedule(this::pollJob, pollDelay());
                return;
            }
            // Gone: the signal normally is already here or being handled right now.
            schedule(this::settleFromState, SIGNAL_GRACE_MS);
        }

        void settleFromState() throws SystemdException {
            String state = api.unitProperty(api.loadUnit(unit), "ActiveState");
            boolean stopping = verb.equals("stop");
            if (state.equals("activating") || state.equals("deactivating")) {
                schedule(this::settleFromState, pollDelay());
                return;
            }
            log.warn("No JobRemoved signal for systemd {} job {} of {}; judging by its state '{}'",
                    action.action(), job, unit, state);
            boolean running = state.equals("active") || state.equals("reloading");
            if (running != stopping) {
                finish(new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, null, null));
            } else {
                finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                        "systemd " + action.action() + " job for " + unit + " ended with the unit " + state));
            }
        }

        long pollDelay() {
            long t = action.timeoutMs() > 0 ? action.timeoutMs() / 10 : MAX_POLL_MS;
            return Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, t));
        }

        void schedule(Step step, long delayMs) {
            if (finished()) {
                return;
            }
            try {
                poll = timers.schedule(() -> submit(this, step), delayMs, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                finish(AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                        "Could not schedule systemd check: " + e));
            }
        }

        // ------------------------------------------------------------ meta-data

        void metaData() throws SystemdException {
            String description;
            try {
                description = api.unitProperty(api.loadUnit(unit), "Description");
            } catch (SystemdException e) {
                if (e.kind() == SystemdException.Kind.NO_BUS || e.kind() == SystemdException.Kind.NO_SYSTEMD) {
                    throw e;
                }
                description = unit;
            }
            finish(new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, metaDataXml(type, description), null));
        }
    }

    /** ActiveState → result (docs/agents.md §5.3). */
    static AgentResult stateResult(String state) {
        switch (state) {
            case "active", "reloading":
                return new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, null, null);
            case "activating", "deactivating":
                return new AgentResult(ExitStatus.PENDING, ExecutionStatus.PENDING, null, null);
            default:
                return new AgentResult(ExitStatus.NOT_RUNNING, ExecutionStatus.DONE, null, state);
        }
    }

    /** A failed call → result (docs/agents.md §5.1, §5.3). */
    private static AgentResult failure(Run run, SystemdException e) {
        switch (e.kind()) {
            case NO_BUS, NO_SYSTEMD:
                log.warn("systemd {} of {}: {}", run.action.action(), run.unit, e.getMessage());
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, e.getMessage());
            case NO_SUCH_UNIT:
                if (run.verb.equals("stop")) {
                    // An unknown unit is as stopped as it gets.
                    return new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, null, null);
                }
                return AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                        "systemd unit " + run.type + " not found");
            default:
                log.warn("systemd {} of {}: {}", run.action.action(), run.unit, e.getMessage());
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                        "Unable to invoke systemd DBus method (" + e.getMessage() + ")");
        }
    }

    static String metaDataXml(String type, String description) {
        String t = xmlEscape(type);
        String d = xmlEscape(description);
        return "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
                + "<resource-agent name=\"" + t + "\" version=\"1.0\">\n"
                + "  <version>1.1</version>\n"
                + "  <longdesc lang=\"en\">\n" + d + "\n  </longdesc>\n"
                + "  <shortdesc lang=\"en\">systemd unit file for " + t + "</shortdesc>\n"
                + "  <parameters/>\n"
                + "  <actions>\n"
                + "    <action name=\"start\"     timeout=\"100s\" />\n"
                + "    <action name=\"stop\"      timeout=\"100s\" />\n"
                + "    <action name=\"status\"    timeout=\"100s\" />\n"
                + "    <action name=\"monitor\"   timeout=\"100s\" interval=\"60s\"/>\n"
                + "    <action name=\"meta-data\" timeout=\"5s\" />\n"
                + "  </actions>\n"
                + "  <special tag=\"systemd\"/>\n"
                + "</resource-agent>\n";
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }
}
