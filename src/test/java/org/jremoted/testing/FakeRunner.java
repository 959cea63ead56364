package org.jremoted.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.RunningAction;

/** Records every started action; the test completes each one by hand. */
public final class FakeRunner implements AgentRunner {

    /** One started action. */
    public static final class Run implements RunningAction {
        public final AgentAction action;
        private final CompletableFuture<AgentResult> result = new CompletableFuture<>();
        private int cancelCalls;

        Run(AgentAction action) {
            this.action = action;
        }

        @Override
        public CompletableFuture<AgentResult> result() {
            return result;
        }

        @Override
        public synchronized void cancel() {
            cancelCalls++;
        }

        public synchronized int cancelCalls() {
            return cancelCalls;
        }

        public void complete(int exitStatus) {
            result.complete(new AgentResult(exitStatus, ExecutionStatus.DONE, null, null));
        }

        public void complete(AgentResult r) {
            result.complete(r);
        }

        public boolean isDone() {
            return result.isDone();
        }
    }

    private final List<Run> runs = new ArrayList<>();

    @Override
    public synchronized RunningAction start(AgentAction action) {
        Run run = new Run(action);
        runs.add(run);
        return run;
    }

    public synchronized List<Run> runs() {
        return List.copyOf(runs);
    }

    public synchronized Run last() {
        if (runs.isEmpty()) {
            throw new AssertionError("no action was started");
        }
        return runs.get(runs.size() - 1);
    }

    /** Runs not completed yet. */
    public synchronized List<Run> active() {
        return runs.stream().filter(r -> !r.isDone()).toList();
    }
}
