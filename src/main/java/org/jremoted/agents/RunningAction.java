package org.jremoted.agents;

import java.util.concurrent.CompletableFuture;

/** An agent action in progress. */
public interface RunningAction {

    /**
     * Completes exactly once, on any thread, with the run's result (a timeout is a result with
     * {@link ExecutionStatus#TIMEOUT}, never an exceptional completion).
     */
    CompletableFuture<AgentResult> result();

    /**
     * Kill the action (its whole process group) because it was cancelled; {@link #result()} still
     * completes once the process is gone. Calling it again, or after completion, does nothing.
     */
    void cancel();

    /** An action that ended before it began: its result is known at once, and cancel does nothing. */
    static RunningAction done(AgentResult result) {
        CompletableFuture<AgentResult> f = CompletableFuture.completedFuture(result);
        return new RunningAction() {
            @Override
            public CompletableFuture<AgentResult> result() {
                return f;
            }

            @Override
            public void cancel() {
                // already over
            }
        };
    }
}
