package org.jremoted.agents.exec;

import java.util.concurrent.CompletableFuture;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.RunningAction;
import org.jremoted.process.ChildProcess;

/**
 * A {@link RunningAction} over one agent process: the class's result derived from the child's
 * outcome, and a cancel that kills the child. Used by every fork/exec class (ocf, lsb, alerts).
 * Any thread.
 */
final class RunningChild implements RunningAction {
    private final CompletableFuture<AgentResult> result;
    private final ChildProcess child;

    RunningChild(CompletableFuture<AgentResult> result, ChildProcess child) {
        this.result = result;
        this.child = child;
    }

    @Override
    public CompletableFuture<AgentResult> result() {
        return result;
    }

    @Override
    public void cancel() {
        child.cancel();
    }
}
