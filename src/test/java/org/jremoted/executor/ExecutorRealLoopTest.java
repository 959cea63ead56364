package org.jremoted.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.RunningAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jremoted.support.LoopScheduler;

/** The executor on a real Netty loop, with agent results completing on a foreign thread. */
class ExecutorRealLoopTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ScheduledExecutorService agentThreads = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() throws Exception {
        agentThreads.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Every run finishes 20 ms later on another thread, first with rc 0, then 7, then 0 again. */
    private AgentRunner slowRunner(List<Boolean> completedOnLoopThread) {
        int[] count = {0};
        return action -> {
            completedOnLoopThread.add(loop.inEventLoop());
            int rc = count[0]++ == 1 ? 7 : 0;
            CompletableFuture<AgentResult> f = new CompletableFuture<>();
            agentThreads.schedule(() -> f.complete(new AgentResult(rc, ExecutionStatus.DONE, null, null)),
                    20, TimeUnit.MILLISECONDS);
            return new RunningAction() {
                @Override
                public CompletableFuture<AgentResult> result() {
                    return f;
                }

                @Override
                public void cancel() {
                }
            };
        };
    }

    @Test
    void resultsHopBackOntoTheLoopAndRecurringRunsFollow() throws Exception {
        LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
        List<Boolean> startedOnLoop = new CopyOnWriteArrayList<>();
        List<Boolean> deliveredOnLoop = new CopyOnWriteArrayList<>();
        AgentRunner runner = slowRunner(startedOnLoop);
        Executor executor = new Executor(LoopScheduler.of(loop), std -> runner, c -> {
            deliveredOnLoop.add(loop.inEventLoop());
            completions.add(c);
        });
        long t0 = System.nanoTime();
        int callId = loop.submit(() -> {
            executor.register(new ResourceDefinition("d1", "ocf", "pacemaker", "Dummy"), 0);
            return executor.exec(new ExecRequest("d1", "monitor", 100, 5000, 0, "ud", null, Map.of(), 7,
                    ExecRequest.NOTIFY_CHANGES_ONLY, "c"));
        }).get(5, TimeUnit.SECONDS);
        assertEquals(7, callId);

        Completion first = completions.poll(5, TimeUnit.SECONDS);
        Completion failed = completions.poll(5, TimeUnit.SECONDS);
        Completion recovered = completions.poll(5, TimeUnit.SECONDS);
        assertEquals(0, first.exitStatus());
        assertEquals(7, failed.exitStatus());
        assertEquals(0, recovered.exitStatus());
        // Three runs of ~20 ms with two 100 ms pauses between them
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(250));
        assertTrue(first.execTimeMs() >= 15, "exec time measured: " + first.execTimeMs());

        assertEquals(0, loop.submit(() -> executor.cancel("d1", "monitor", 100)).get(5, TimeUnit.SECONDS));
        Completion cancelled = completions.poll(5, TimeUnit.SECONDS);
        assertEquals(ExecutionStatus.CANCELLED, cancelled.executionStatus());
        assertTrue(startedOnLoop.stream().allMatch(b -> b), "agents are started from the loop");
        assertTrue(deliveredOnLoop.stream().allMatch(b -> b), "completions are delivered on the loop");
    }
}
