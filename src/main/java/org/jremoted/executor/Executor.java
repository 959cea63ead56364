package org.jremoted.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.RunningAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jremoted.support.LoopScheduler;
import org.jremoted.protocol.LegacyRc;

/**
 * The executor's state: registered resources, their operation queues, recurring operations and
 * running agents (docs/executor.md §3, §5, §6).
 *
 * <p>Every method must be called on the daemon loop thread. Agent results arrive on other threads
 * and are moved onto the loop before they touch any state. Operations are never started from
 * inside a request handler but from a task posted to the loop, so a request's reply always goes
 * out before any completion notification of the operation it queued.
 */
public final class Executor {
    private static final Logger log = LoggerFactory.getLogger(Executor.class);

    static final String STONITH_REASON = "Fencing resources cannot run on Pacemaker Remote nodes";
    /**
     * How long after its timeout a run may stay silent before we give up on the runner: the
     * runner enforces the timeout itself, this only keeps a broken runner from wedging a resource.
     */
    public static final long DEFAULT_SAFETY_GRACE_MS = 30_000;

    private final LoopScheduler loop;
    private final AgentResolver agents;
    private final CompletionListener listener;
    private final long safetyGraceMs;
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    /**
     * Runs that outlived their resource's registration (unregistered or replaced while executing),
     * by resource id: a re-registered resource of the same id must not run in parallel with them.
     */
    private final Map<String, Operation> orphans = new HashMap<>();

    public Executor(LoopScheduler loop, AgentResolver agents, CompletionListener listener) {
        this(loop, agents, listener, DEFAULT_SAFETY_GRACE_MS);
    }

    public Executor(LoopScheduler loop, AgentResolver agents, CompletionListener listener,
                    long safetyGraceMs) {
        this.loop = loop;
        this.agents = agents;
        this.listener = listener;
        this.safetyGraceMs = safetyGraceMs;
    }

    // ---------------------------------------------------------------- registration

    /** {@code lrmd_rsc_register}: always succeeds. */
    public void register(ResourceDefinition definition, int callOptions) {
        Resource existing = resources.get(definition.id());
        if (existing != null) {
            if (existing.definition.sameAgentAs(definition)) {
                // Upstream keeps the old entry untouched, call options included
                log.debug("Ignoring duplicate registration of resource {}", definition.id());
                return;
            }
            log.info("Replacing registration of resource {} ({} -> {})", definition.id(),
                    existing.definition, definition);
            remove(existing);
        }
        resources.put(definition.id(), new Resource(definition, callOptions));
        log.info("Registered resource {}", definition);
    }

    /** {@code lrmd_rsc_info}. */
    public Optional<ResourceDefinition> info(String resourceId) {
        Resource r = resources.get(resourceId);
        return r == null ? Optional.empty() : Optional.of(r.definition);
    }

    /**
     * {@code lrmd_rsc_unregister}: removes the resource at once. Returns {@link LegacyRc#EINPROGRESS}
     * when an action of it is still executing (its completion will say the resource was deleted),
     * else {@link LegacyRc#OK} (also for unknown ids).
     */
    public int unregister(String resourceId) {
        Resource r = resources.get(resourceId);
        if (r == null) {
            log.info("Resource {} to unregister is not registered", resourceId);
            return LegacyRc.OK;
        }
        log.info("Unregistering resource {}", resourceId);
        return remove(r) ? LegacyRc.EINPROGRESS : LegacyRc.OK;
    }

    /** Drop a resource: waiting operations are finalised as cancelled. True if one is executing. */
    private boolean remove(Resource r) {
        String id = r.definition.id();
        resources.remove(id);
        List<Operation> queued = new ArrayList<>(r.queue);
        r.queue.clear();
        for (Operation op : queued) {
            op.resourceDeleted = true;
            finishCancelled(op);
        }
        for (Operation op : new ArrayList<>(r.recurring)) {
            if (op.state == Operation.State.WAITING_INTERVAL) {
                op.resourceDeleted = true;
                finishCancelled(op);
            }
        }
        if (r.active != null) {
            r.active.resourceDeleted = true;
            orphans.put(id, r.active);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- exec

    /**
     * {@code lrmd_rsc_exec}: queue the operation (or merge it into an identical recurring one).
     * Returns the request's call id, or {@link LegacyRc#ENODEV} for an unregistered resource.
     */
    public int exec(ExecRequest request) {
        Resource r = resources.get(request.resourceId());
        if (r == null) {
            return LegacyRc.ENODEV;
        }
        if (request.intervalMs() > 0) {
            Operation dup = findDuplicate(r, request);
            if (dup != null) {
                merge(dup, request);
                return request.callId();
            }
        }
        if ("stop".equalsIgnoreCase(request.action())) {
            // The recurring ops' cancellations must reach the cluster before the stop's reply
            cancelRecurring(r, null);
        }
        Operation op = new Operation(r, request);
        op.queuedAtNanos = loop.monotonicNanos();
        if (op.isRecurring()) {
            r.recurring.add(op);
        }
        if (op.startDelayMs > 0) {
            op.delayPending = true;
            op.delayTimer = loop.schedule(() -> delayElapsed(op), op.startDelayMs);
        }
        r.queue.add(op);
        log.debug("Queued {}", op);
        postProcessing(r);
        return request.callId();
    }

    private Operation findDuplicate(Resource r, ExecRequest request) {
        for (Operation op : r.recurring) {
            if (op.state != Operation.State.FINISHED && !op.cancelRequested
                    && op.matches(request.action(), request.intervalMs())) {
                return op;
            }
        }
        return null;
    }

    private void merge(Operation dup, ExecRequest request) {
        log.info("Merging duplicate recurring operation {} into call {}", dup, request.callId());
        dup.callId = request.callId();
        dup.userData = request.userData();
        dup.clientId = request.clientId();
        // The requester waits for a result of its own call id, so the next one is always sent
        dup.anyNotified = false;
        if (dup.state == Operation.State.WAITING_INTERVAL) {
            cancelTimer(dup.intervalTimer);
            dup.intervalTimer = null;
            requeue(dup);
        }
    }

    private void requeue(Operation op) {
        op.state = Operation.State.QUEUED;
        op.queuedAtNanos = loop.monotonicNanos();
        op.resource.queue.add(op);
        postProcessing(op.resource);
    }

    private void delayElapsed(Operation op) {
        op.delayPending = false;
        op.delayTimer = null;
        postProcessing(op.resource);
    }

    private void intervalElapsed(Operation op) {
        if (op.state != Operation.State.WAITING_INTERVAL) {
            return;
        }
        op.intervalTimer = null;
        requeue(op);
    }

    // ---------------------------------------------------------------- cancel

    /**
     * {@code lrmd_rsc_cancel}: {@link LegacyRc#OK} if a queued operation or a recurring one
     * matched, {@link LegacyRc#EOPNOTSUPP} if nothing cancellable did, {@link LegacyRc#ENODEV}
     * for an unknown resource.
     */
    public int cancel(String resourceId, String action, long intervalMs) {
        Resource r = resources.get(resourceId);
        if (r == null) {
            return LegacyRc.ENODEV;
        }
        for (Operation op : r.queue) {
            if (op.matches(action, intervalMs)) {
                r.queue.remove(op);
                finishCancelled(op);
                // It may have held the head of the queue (a start delay): what waited behind it
                // runs now. Upstream only looks again at the next request for the resource.
                postProcessing(r);
                return LegacyRc.OK;
            }
        }
        for (Operation op : r.recurring) {
            if (op.state == Operation.State.WAITING_INTERVAL && op.matches(action, intervalMs)) {
                finishCancelled(op);
                return LegacyRc.OK;
            }
        }
        for (Operation op : r.recurring) {
            if (op.state == Operation.State.RUNNING && op.matches(action, intervalMs)) {
                killForCancel(op);
                return LegacyRc.OK;
            }
        }
        log.info("Nothing to cancel for {}_{}_{}", resourceId, action, intervalMs);
        return LegacyRc.EOPNOTSUPP;
    }

    /** Cancel the resource's recurring operations, or only those a given client requested. */
    private void cancelRecurring(Resource r, String onlyClientId) {
        for (Operation op : new ArrayList<>(r.recurring)) {
            if (onlyClientId != null && !onlyClientId.equals(op.clientId)) {
                continue;
            }
            switch (op.state) {
                case QUEUED -> {
                    r.queue.remove(op);
                    finishCancelled(op);
                }
                case WAITING_INTERVAL -> finishCancelled(op);
                case RUNNING -> killForCancel(op);
                default -> { }
            }
        }
    }

    private void killForCancel(Operation op) {
        if (op.cancelRequested) {
            return;
        }
        log.info("Cancelling running {}", op);
        op.cancelRequested = true;
        if (op.running != null) {
            op.running.cancel();
        }
    }

    /** Finalise an operation that is not running as cancelled and notify. */
    private void finishCancelled(Operation op) {
        cancelTimer(op.delayTimer);
        cancelTimer(op.intervalTimer);
        op.delayTimer = null;
        op.intervalTimer = null;
        op.delayPending = false;
        op.state = Operation.State.FINISHED;
        op.resource.recurring.remove(op);
        log.info("Cancelled {}", op);
        listener.completed(completion(op, op.lastExitStatus, ExecutionStatus.CANCELLED, 0, 0, 0,
                null, null, op.resourceDeleted));
    }

    // ---------------------------------------------------------------- clients

    /**
     * A client went away. A remote (TLS) client that was the last client of any kind makes every
     * drop-recurring resource lose its recurring operations; a local client only its own ones.
     * Queued commands stay.
     */
    public void clientDisconnected(String clientId, boolean remote, boolean noClientsLeft) {
        if (remote && !noClientsLeft) {
            return;
        }
        for (Resource r : new ArrayList<>(resources.values())) {
            if (r.dropsRecurringOnDisconnect()) {
                cancelRecurring(r, remote ? null : clientId);
            }
        }
    }

    private static boolean isMonitor(Operation op) {
        return "monitor".equalsIgnoreCase(op.action) || "status".equalsIgnoreCase(op.action);
    }

    private void logFinished(Operation op, int exitStatus, ExecutionStatus status, String reason,
                             long execTimeMs) {
        String id = op.resource.definition.id();
        String why = reason == null ? "" : ": " + reason;
        if (status == ExecutionStatus.DONE) {
            String line = "{} {} (call {}) exited with status {} (execution time {}ms, queue time {}ms){}";
            Object[] args = {id, op.action, op.callId, exitStatus, execTimeMs, op.queueTimeMs, why};
            if (isMonitor(op) && exitStatus == ExitStatus.OK) {
                log.debug(line, args);
            } else {
                log.info(line, args);
            }
        } else {
            log.info("{} {} (call {}) ended with execution status {} and exit status {}{}", id, op.action,
                    op.callId, status, exitStatus, why);
        }
    }

    // ---------------------------------------------------------------- listing

    /** The operations executing right now, one at most per resource. */
    public List<ActiveOperation> inFlight() {
        List<ActiveOperation> result = new ArrayList<>();
        long now = loop.monotonicNanos();
        for (Resource r : resources.values()) {
            Operation op = r.active;
            if (op != null && op.state == Operation.State.RUNNING) {
                result.add(new ActiveOperation(r.definition.id(), op.action, op.intervalMs, op.callId,
                        Math.max(0, (now - op.runStartNanos) / 1_000_000)));
            }
        }
        return result;
    }

    /**
     * {@code lrmd_get_recurring}: every resource (or only the one named) with its live recurring
     * operations. Empty when the named resource is unknown.
     */
    public Optional<List<ResourceRecurring>> recurring(String resourceIdOrNull) {
        List<Resource> considered = new ArrayList<>();
        if (resourceIdOrNull == null) {
            considered.addAll(resources.values());
        } else {
            Resource r = resources.get(resourceIdOrNull);
            if (r == null) {
                return Optional.empty();
            }
            considered.add(r);
        }
        List<ResourceRecurring> result = new ArrayList<>();
        for (Resource r : considered) {
            List<RecurringOperation> ops = new ArrayList<>();
            for (Operation op : r.recurring) {
                if (op.state != Operation.State.FINISHED && !op.cancelRequested) {
                    ops.add(new RecurringOperation(op.action, op.intervalMs, op.timeoutMs));
                }
            }
            result.add(new ResourceRecurring(r.definition.id(), ops));
        }
        return Optional.of(result);
    }

    // ---------------------------------------------------------------- running

    private void postProcessing(Resource r) {
        if (r.processingPosted) {
            return;
        }
        r.processingPosted = true;
        loop.execute(() -> {
            r.processingPosted = false;
            processQueue(r);
        });
    }

    private void processQueue(Resource r) {
        String id = r.definition.id();
        if (resources.get(id) != r || r.active != null || orphans.containsKey(id)) {
            return;
        }
        Operation head = r.queue.peek();
        if (head == null || head.delayPending) {
            return;
        }
        r.queue.poll();
        start(head);
    }

    private void start(Operation op) {
        Resource r = op.resource;
        ResourceDefinition d = r.definition;
        r.active = op;
        op.state = Operation.State.RUNNING;
        op.runStartMillis = loop.wallClockMillis();
        op.runStartNanos = loop.monotonicNanos();
        op.queueTimeMs = Math.max(0, (op.runStartNanos - op.queuedAtNanos) / 1_000_000);
        int generation = ++op.runGeneration;
        // Upstream's wording, which operators grep for; monitors would flood the log at info.
        if (isMonitor(op)) {
            log.debug("executing - rsc:{} action:{} call_id:{}", d.id(), op.action, op.callId);
        } else {
            log.info("executing - rsc:{} action:{} call_id:{}", d.id(), op.action, op.callId);
        }

        AgentAction action = new AgentAction(d.id(), d.standard(), d.provider(), d.type(), op.action,
                op.intervalMs, op.timeoutMs, op.parameters);
        // Checked here once for every class, so that no runner has to (docs/agents.md §1.2).
        AgentResult immediate = action.missingInformation();
        AgentRunner runner = null;
        if (immediate == null && "stonith".equalsIgnoreCase(d.standard())) {
            immediate = stonithResult(op);
        } else if (immediate == null) {
            runner = agents.runnerFor(d.standard());
            if (runner == null) {
                immediate = AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                        d.type() + ": No such file or directory");
            }
        }
        if (immediate != null) {
            AgentResult result = immediate;
            loop.execute(() -> runFinished(op, generation, result, null));
            return;
        }
        RunningAction running;
        try {
            running = runner.start(action);
        } catch (RuntimeException e) {
            log.error("Could not start {}", op, e);
            AgentResult result = AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                    "Could not execute agent: " + e.getMessage());
            loop.execute(() -> runFinished(op, generation, result, null));
            return;
        }
        op.running = running;
        if (op.timeoutMs > 0) {
            // Saturating: a timeout near Long.MAX_VALUE from the wire must not wrap into the past
            // (found by RequestDispatcherFuzzTest)
            long safetyMs = op.timeoutMs > Long.MAX_VALUE - safetyGraceMs ? Long.MAX_VALUE : op.timeoutMs + safetyGraceMs;
            op.safetyTimer = loop.schedule(() -> safetyExpired(op, generation), safetyMs);
        }
        running.result().whenComplete((result, failure) ->
                loop.execute(() -> runFinished(op, generation, result, failure)));
    }

    private static AgentResult stonithResult(Operation op) {
        if (op.intervalMs == 0 && "monitor".equalsIgnoreCase(op.action)) {
            // A probe: the device is simply not running here
            return new AgentResult(ExitStatus.NOT_RUNNING, ExecutionStatus.DONE, null, null);
        }
        return AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED, STONITH_REASON);
    }

    private void safetyExpired(Operation op, int generation) {
        if (op.runGeneration != generation || op.state != Operation.State.RUNNING) {
            return;
        }
        log.error("Agent runner reported nothing for {} {} ms after its timeout; abandoning the run",
                op, safetyGraceMs);
        op.safetyTimer = null;
        if (op.running != null) {
            op.running.cancel();
        }
        runFinished(op, generation, AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT,
                "Resource agent did not complete within " + readableDuration(op.timeoutMs)), null);
    }

    private void runFinished(Operation op, int generation, AgentResult result, Throwable failure) {
        if (op.runGeneration != generation || op.state != Operation.State.RUNNING) {
            log.debug("Ignoring late result of an abandoned run of {}", op);
            return;
        }
        cancelTimer(op.safetyTimer);
        op.safetyTimer = null;
        op.running = null;
        Resource r = op.resource;
        String id = r.definition.id();
        if (r.active == op) {
            r.active = null;
        }
        if (orphans.get(id) == op) {
            orphans.remove(id);
        }
        long execTimeMs = Math.max(0, (loop.monotonicNanos() - op.runStartNanos) / 1_000_000);
        if (result == null) {
            log.error("Agent runner failed for {}", op, failure);
            result = AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR,
                    "Internal error while executing the agent");
        }

        boolean cancelled = op.cancelRequested;
        int exitStatus;
        ExecutionStatus status;
        String output = null;
        String reason = null;
        if (cancelled) {
            exitStatus = ExitStatus.OK;
            status = ExecutionStatus.CANCELLED;
        } else {
            exitStatus = result.exitStatus();
            status = result.executionStatus();
            output = result.output();
            reason = result.exitReason();
            if (exitStatus != op.lastExitStatus) {
                op.rcChangeTime = loop.wallClockMillis() / 1000;
                op.lastExitStatus = exitStatus;
            }
        }
        boolean registered = resources.get(id) == r;
        boolean deleted = op.resourceDeleted || !registered;
        Completion completion = completion(op, exitStatus, status, op.runStartMillis / 1000,
                execTimeMs, op.queueTimeMs, output, reason, deleted);
        logFinished(op, exitStatus, status, reason, execTimeMs);

        boolean notify;
        if (!op.isRecurring() || cancelled || !op.anyNotified
                || !op.hasOption(ExecRequest.NOTIFY_CHANGES_ONLY)) {
            notify = true;
        } else {
            notify = exitStatus != op.lastNotifiedExitStatus
                    || status.code() != op.lastNotifiedExecutionStatus;
        }
        if (op.isRecurring() && !cancelled && !deleted) {
            op.state = Operation.State.WAITING_INTERVAL;
            op.intervalTimer = loop.schedule(() -> intervalElapsed(op), op.intervalMs);
        } else {
            op.state = Operation.State.FINISHED;
            r.recurring.remove(op);
        }
        if (notify) {
            op.anyNotified = true;
            op.lastNotifiedExitStatus = exitStatus;
            op.lastNotifiedExecutionStatus = status.code();
            listener.completed(completion);
        }
        Resource current = resources.get(id);
        if (current != null) {
            postProcessing(current);
        }
    }

    private Completion completion(Operation op, int exitStatus, ExecutionStatus status, long runTime,
                                  long execTimeMs, long queueTimeMs, String output, String reason,
                                  boolean deleted) {
        return new Completion(op.resource.definition.id(), op.action, op.intervalMs, op.timeoutMs,
                op.startDelayMs, exitStatus, status, op.callId, deleted, runTime, op.rcChangeTime,
                execTimeMs, queueTimeMs, op.userData, reason, output, op.parameterNode, op.clientId,
                op.hasOption(ExecRequest.NOTIFY_ORIGINATOR_ONLY));
    }

    private static void cancelTimer(LoopScheduler.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** Durations in exit reasons the way Pacemaker writes them: 2s, 1m30s, 1500ms. */
    static String readableDuration(long ms) {
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            b.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || b.length() == 0) {
            b.append(s).append('s');
        }
        return b.toString();
    }
}
