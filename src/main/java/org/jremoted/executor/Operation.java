package org.jremoted.executor;

import java.util.Locale;
import java.util.Map;
import org.jremoted.agents.RunningAction;
import org.jremoted.protocol.XmlNode;
import org.jremoted.support.LoopScheduler;

/**
 * Life-cycle state of one requested operation. A recurring operation is one object for all its
 * runs (same call id). Only touched on the loop thread.
 */
final class Operation {

    enum State { QUEUED, RUNNING, WAITING_INTERVAL, FINISHED }

    final Resource resource;
    final String action;
    final long intervalMs;
    final long timeoutMs;
    final long startDelayMs;
    final int callOptions;
    final XmlNode parameterNode;
    final Map<String, String> parameters;

    // A duplicate recurring request takes these over
    int callId;
    String userData;
    String clientId;
    boolean firstResultNotified;

    State state = State.QUEUED;
    /** Queued with a start delay that has not elapsed yet: blocks the resource's queue. */
    boolean delayPending;
    LoopScheduler.Timer delayTimer;
    LoopScheduler.Timer intervalTimer;
    LoopScheduler.Timer safetyTimer;
    RunningAction running;
    /** Bumped whenever a run is abandoned so that a late result of it is ignored. */
    int runGeneration;
    boolean cancelRequested;
    boolean resourceDeleted;

    long queuedAtNanos;
    long runStartMillis;
    long runStartNanos;
    long queueTimeMs;

    int lastExitStatus;
    long rcChangeTime;
    boolean anyNotified;
    int lastNotifiedExitStatus;
    int lastNotifiedExecutionStatus;

    Operation(Resource resource, ExecRequest request) {
        this.resource = resource;
        this.action = request.action();
        this.intervalMs = request.intervalMs();
        this.timeoutMs = request.timeoutMs();
        this.startDelayMs = request.startDelayMs();
        this.callOptions = request.callOptions();
        this.parameterNode = request.parameterNode();
        this.parameters = request.parameters();
        this.callId = request.callId();
        this.userData = request.userData();
        this.clientId = request.clientId();
    }

    boolean isRecurring() {
        return intervalMs > 0;
    }

    boolean hasOption(int option) {
        return (callOptions & option) != 0;
    }

    /** Matches a cancel or duplicate request: action case-insensitively, monitor = status where the class says so. */
    boolean matches(String otherAction, long otherIntervalMs) {
        return intervalMs == otherIntervalMs
                && normalized(action).equals(normalized(otherAction));
    }

    private String normalized(String a) {
        if (a == null) {
            return "";
        }
        String lower = a.toLowerCase(Locale.ROOT);
        if (lower.equals("monitor") && resource.definition.monitorIsStatus()) {
            return "status";
        }
        return lower;
    }

    @Override
    public String toString() {
        return resource.definition.id() + "_" + action + "_" + intervalMs + " (call " + callId + ")";
    }
}
