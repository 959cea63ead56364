package org.jremoted.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.testing.FakeLoop;
import org.jremoted.testing.FakeRunner;
import org.jremoted.protocol.XmlNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jremoted.protocol.LegacyRc;

class ExecutorTest {
    private static final long WALL_S = FakeLoop.WALL_ORIGIN_MS / 1000;

    private FakeLoop loop;
    private FakeRunner runner;
    private List<Completion> completions;
    private Executor executor;
    private int nextCallId;

    @BeforeEach
    void setUp() {
        loop = new FakeLoop();
        runner = new FakeRunner();
        completions = new ArrayList<>();
        executor = new Executor(loop, std -> std.equalsIgnoreCase("ocf") || std.equalsIgnoreCase("lsb")
                ? runner : null, completions::add, 1000);
        nextCallId = 100;
    }

    private void registerOcf(String id, int callOptions) {
        executor.register(new ResourceDefinition(id, "ocf", "pacemaker", "Dummy"), callOptions);
    }

    private ExecRequest request(String id, String action, long interval, long delay, int options) {
        XmlNode params = XmlNode.builder("attributes").attr("CRM_meta_timeout", "20000").build();
        return new ExecRequest(id, action, interval, 20000, delay, "ud:" + action, params,
                Map.of("CRM_meta_timeout", "20000"), ++nextCallId, options, "client-1");
    }

    private int exec(String id, String action, long interval) {
        return executor.exec(request(id, action, interval, 0, ExecRequest.NOTIFY_CHANGES_ONLY));
    }

    private Completion last() {
        return completions.get(completions.size() - 1);
    }

    @Test
    void execStartsOnlyFromTheLoopAndReportsTheResult() {
        registerOcf("d1", 3);
        int callId = exec("d1", "monitor", 0);
        assertEquals(nextCallId, callId);
        assertTrue(runner.runs().isEmpty(), "must not start inside the request handler");

        loop.runPending();
        FakeRunner.Run run = runner.last();
        assertEquals("d1", run.action.resourceId());
        assertEquals("ocf", run.action.standard());
        assertEquals("pacemaker", run.action.provider());
        assertEquals("Dummy", run.action.type());
        assertEquals("monitor", run.action.action());
        assertEquals(20000, run.action.timeoutMs());
        assertEquals(Map.of("CRM_meta_timeout", "20000"), run.action.parameters());

        loop.advance(3);
        run.complete(new AgentResult(7, ExecutionStatus.DONE, "out", "why"));
        assertTrue(completions.isEmpty(), "result must hop onto the loop first");
        loop.runPending();

        Completion c = last();
        assertEquals(1, completions.size());
        assertEquals("d1", c.resourceId());
        assertEquals("monitor", c.action());
        assertEquals(7, c.exitStatus());
        assertEquals(ExecutionStatus.DONE, c.executionStatus());
        assertEquals(callId, c.callId());
        assertFalse(c.resourceDeleted());
        assertEquals(WALL_S, c.runTime());
        assertEquals(WALL_S, c.rcChangeTime());
        assertEquals(3, c.execTimeMs());
        assertEquals(0, c.queueTimeMs());
        assertEquals("ud:monitor", c.userData());
        assertEquals("out", c.output());
        assertEquals("why", c.exitReason());
        assertEquals("20000", c.parameterNode().attr("CRM_meta_timeout"));
        assertEquals("client-1", c.clientId());
        assertFalse(c.originatorOnly());
    }

    @Test
    void successfulFirstResultHasNoRcChangeTime() {
        registerOcf("d1", 0);
        exec("d1", "start", 0);
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        assertEquals(0, last().rcChangeTime());
        assertEquals(WALL_S, last().runTime());
    }

    @Test
    void oneActiveOperationPerResourceAndResourcesInParallel() {
        registerOcf("a", 0);
        registerOcf("b", 0);
        exec("a", "start", 0);
        exec("a", "monitor", 0);
        exec("b", "start", 0);
        loop.runPending();
        assertEquals(2, runner.active().size());
        assertEquals(List.of("a:start", "b:start"),
                runner.runs().stream().map(r -> r.action.resourceId() + ":" + r.action.action()).toList());

        loop.advance(50);
        runner.runs().get(0).complete(0);
        loop.runPending();
        FakeRunner.Run second = runner.last();
        assertEquals("a", second.action.resourceId());
        assertEquals("monitor", second.action.action());
        second.complete(0);
        loop.runPending();
        // The monitor waited 50 ms behind the start
        assertEquals(50, last().queueTimeMs());
    }

    @Test
    void startDelayHoldsTheOperationAndBlocksLaterOnes() {
        registerOcf("d1", 0);
        executor.exec(request("d1", "start", 0, 500, 0));
        exec("d1", "monitor", 0);
        loop.advance(499);
        assertTrue(runner.runs().isEmpty());
        loop.advance(1);
        assertEquals(1, runner.runs().size());
        assertEquals("start", runner.last().action.action());
        runner.last().complete(0);
        loop.runPending();
        assertEquals(500, last().queueTimeMs());
        assertEquals(500, last().startDelayMs());
        assertEquals("monitor", runner.last().action.action());
    }

    @Test
    void cancellingAnOperationHeldByAHugeStartDelayLetsTheOnesBehindItRun() {
        registerOcf("d1", 0);
        registerOcf("d2", 0);
        executor.exec(request("d1", "start", 0, Long.MAX_VALUE, 0));
        exec("d1", "monitor", 0);
        exec("d2", "monitor", 0);
        loop.advance(1000);
        assertEquals(List.of("d2:monitor"),
                runner.runs().stream().map(r -> r.action.resourceId() + ":" + r.action.action()).toList(),
                "only the delayed resource waits");
        assertEquals(LegacyRc.OK, executor.cancel("d1", "start", 0));
        loop.runPending();
        assertEquals("d1", runner.last().action.resourceId());
        assertEquals("monitor", runner.last().action.action());
    }

    @Test
    void recurringWithChangesOnlyNotifiesFirstAndChangedResults() {
        registerOcf("d1", 0);
        int callId = exec("d1", "monitor", 10000);
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        assertEquals(1, completions.size());

        // The next run starts an interval after the completion, not before
        loop.advance(9999);
        assertEquals(1, runner.runs().size());
        loop.advance(1);
        assertEquals(2, runner.runs().size());
        assertEquals(10000, runner.last().action.intervalMs());
        runner.last().complete(0);
        loop.runPending();
        assertEquals(1, completions.size(), "unchanged result must stay silent");

        loop.advance(10000);
        loop.advance(2);
        runner.last().complete(7);
        loop.runPending();
        assertEquals(2, completions.size());
        Completion failed = last();
        assertEquals(7, failed.exitStatus());
        assertEquals(callId, failed.callId());
        assertEquals(2, failed.execTimeMs());
        assertEquals(FakeLoop.WALL_ORIGIN_MS / 1000 + 20, failed.runTime());
        assertEquals((FakeLoop.WALL_ORIGIN_MS + 20002) / 1000, failed.rcChangeTime());

        loop.advance(10000);
        runner.last().complete(0);
        loop.runPending();
        assertEquals(3, completions.size());
        assertEquals(0, last().exitStatus());
    }

    @Test
    void changesOnlyComparesTheExecutionStatusToo() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 1000);
        loop.runPending();
        runner.last().complete(new AgentResult(1, ExecutionStatus.DONE, null, null));
        loop.runPending();
        loop.advance(1000);
        runner.last().complete(new AgentResult(1, ExecutionStatus.TIMEOUT, null, "slow"));
        loop.runPending();
        assertEquals(2, completions.size());
        assertEquals(ExecutionStatus.TIMEOUT, last().executionStatus());
    }

    @Test
    void recurringWithoutChangesOnlyNotifiesEveryRun() {
        registerOcf("d1", 0);
        executor.exec(request("d1", "monitor", 1000, 0, 0));
        for (int i = 0; i < 3; i++) {
            loop.runPending();
            runner.last().complete(0);
            loop.advance(1000);
        }
        assertEquals(3, completions.size());
    }

    @Test
    void duplicateRecurringExecIsMergedAndRunsAtOnce() {
        registerOcf("d1", 0);
        int first = exec("d1", "monitor", 10000);
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        assertEquals(1, completions.size());

        loop.advance(3000);
        int second = exec("d1", "MONITOR", 10000);
        assertTrue(second > first);
        loop.runPending();
        assertEquals(2, runner.runs().size(), "the waiting op runs immediately");
        runner.last().complete(0);
        loop.runPending();
        assertEquals(2, completions.size(), "first result after a merge is always notified");
        assertEquals(second, last().callId());
        assertEquals("ud:MONITOR", last().userData());
        assertEquals(1, executor.recurring("d1").orElseThrow().get(0).operations().size());
    }

    @Test
    void stopCancelsRecurringOperationsBeforeItIsQueued() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 10000);
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        completions.clear();

        exec("d1", "stop", 0);
        // Synchronously, i.e. before the dispatcher sends the stop's reply
        assertEquals(1, completions.size());
        assertEquals(ExecutionStatus.CANCELLED, last().executionStatus());
        assertEquals(10000, last().intervalMs());
        assertEquals(0, last().runTime());

        loop.runPending();
        assertEquals("stop", runner.last().action.action());
        runner.last().complete(0);
        loop.advance(60000);
        assertEquals(2, runner.runs().size(), "the monitor must not run again");
    }

    @Test
    void stopKillsARunningRecurringOperation() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 10000);
        loop.runPending();
        FakeRunner.Run monitor = runner.last();
        exec("d1", "stop", 0);
        assertEquals(1, monitor.cancelCalls());
        assertTrue(completions.isEmpty());
        monitor.complete(new AgentResult(0, ExecutionStatus.CANCELLED, null, null));
        loop.runPending();
        assertEquals(ExecutionStatus.CANCELLED, completions.get(0).executionStatus());
        assertEquals("stop", runner.last().action.action());
    }

    @Test
    void cancelQueuedOperationNotifiesSynchronously() {
        registerOcf("d1", 0);
        exec("d1", "start", 0);
        int queued = exec("d1", "monitor", 0);
        loop.runPending();
        assertEquals(LegacyRc.OK, executor.cancel("d1", "Monitor", 0));
        assertEquals(1, completions.size());
        Completion c = last();
        assertEquals(queued, c.callId());
        assertEquals(ExecutionStatus.CANCELLED, c.executionStatus());
        assertEquals(0, c.exitStatus());
        assertEquals(0, c.runTime());
        assertEquals(0, c.execTimeMs());
        assertEquals(0, c.queueTimeMs());
        assertNull(c.output());
        assertNull(c.exitReason());
        runner.last().complete(0);
        loop.runPending();
        assertEquals(1, runner.runs().size(), "cancelled op never runs");
    }

    @Test
    void cancelRecurringBetweenRunsCarriesLastResult() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 5000);
        loop.runPending();
        runner.last().complete(7);
        loop.runPending();
        long rcChange = last().rcChangeTime();
        assertEquals(LegacyRc.OK, executor.cancel("d1", "monitor", 5000));
        Completion c = last();
        assertEquals(2, completions.size());
        assertEquals(7, c.exitStatus());
        assertEquals(ExecutionStatus.CANCELLED, c.executionStatus());
        assertEquals(rcChange, c.rcChangeTime());
        loop.advance(20000);
        assertEquals(1, runner.runs().size());
        assertEquals(List.of(), executor.recurring("d1").orElseThrow().get(0).operations());
    }

    @Test
    void cancelRunningRecurringKillsAndNotifiesAfterExit() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 5000);
        loop.runPending();
        FakeRunner.Run run = runner.last();
        assertEquals(LegacyRc.OK, executor.cancel("d1", "monitor", 5000));
        assertEquals(1, run.cancelCalls());
        assertTrue(completions.isEmpty());
        run.complete(new AgentResult(0, ExecutionStatus.CANCELLED, null, null));
        loop.runPending();
        assertEquals(1, completions.size());
        assertEquals(ExecutionStatus.CANCELLED, last().executionStatus());
        loop.advance(20000);
        assertEquals(1, runner.runs().size(), "not rescheduled");
    }

    @Test
    void cancelWithoutMatchIsNotSupported() {
        registerOcf("d1", 0);
        exec("d1", "start", 0);
        loop.runPending();
        assertEquals(LegacyRc.EOPNOTSUPP, executor.cancel("d1", "start", 0), "executing one-shot op");
        assertEquals(LegacyRc.EOPNOTSUPP, executor.cancel("d1", "monitor", 10000));
        assertEquals(LegacyRc.ENODEV, executor.cancel("nosuch", "monitor", 10000));
        assertEquals(0, runner.last().cancelCalls());
    }

    @Test
    void monitorMatchesStatusForLsbButNotForOcf() {
        executor.register(new ResourceDefinition("svc", "lsb", null, "ntp"), 0);
        registerOcf("d1", 0);
        exec("svc", "status", 5000);
        exec("d1", "status", 5000);
        assertEquals(LegacyRc.OK, executor.cancel("svc", "monitor", 5000));
        assertEquals(LegacyRc.EOPNOTSUPP, executor.cancel("d1", "monitor", 5000));
    }

    @Test
    void unregisterCancelsQueuedAndMarksExecutingAsDeleted() {
        registerOcf("d1", 0);
        int running = exec("d1", "start", 0);
        int queued = exec("d1", "monitor", 0);
        loop.runPending();
        assertEquals(LegacyRc.EINPROGRESS, executor.unregister("d1"));
        assertTrue(executor.info("d1").isEmpty());
        assertEquals(1, completions.size());
        assertEquals(queued, last().callId());
        assertTrue(last().resourceDeleted());
        assertEquals(ExecutionStatus.CANCELLED, last().executionStatus());

        runner.last().complete(0);
        loop.runPending();
        assertEquals(running, last().callId());
        assertTrue(last().resourceDeleted());
        assertEquals(ExecutionStatus.DONE, last().executionStatus());

        assertEquals(LegacyRc.OK, executor.unregister("d1"), "unknown id");
        assertEquals(LegacyRc.ENODEV, exec("d1", "start", 0));
    }

    @Test
    void unregisteredRecurringOperationIsNotRescheduled() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 1000);
        loop.runPending();
        assertEquals(LegacyRc.EINPROGRESS, executor.unregister("d1"));
        runner.last().complete(0);
        loop.advance(5000);
        assertEquals(1, runner.runs().size());
        assertTrue(last().resourceDeleted());
    }

    @Test
    void reRegisteredResourceWaitsForTheOrphanedRun() {
        registerOcf("d1", 0);
        exec("d1", "start", 0);
        loop.runPending();
        FakeRunner.Run old = runner.last();
        executor.unregister("d1");
        registerOcf("d1", 0);
        exec("d1", "stop", 0);
        loop.runPending();
        assertEquals(1, runner.runs().size(), "two agents of one resource id must not overlap");
        old.complete(0);
        loop.runPending();
        assertEquals(2, runner.runs().size());
        assertEquals("stop", runner.last().action.action());
    }

    @Test
    void duplicateRegistrationIsANoOpAndADifferentOneReplaces() {
        registerOcf("d1", 0);
        exec("d1", "monitor", 1000);
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        executor.register(new ResourceDefinition("d1", "OCF", "Pacemaker", "dummy"), 1);
        assertTrue(completions.size() == 1, "duplicate registration must not touch operations");
        assertEquals(1, executor.recurring("d1").orElseThrow().get(0).operations().size());

        executor.register(new ResourceDefinition("d1", "ocf", "heartbeat", "Dummy"), 0);
        assertEquals(2, completions.size());
        assertEquals(ExecutionStatus.CANCELLED, last().executionStatus());
        assertTrue(last().resourceDeleted());
        assertEquals("heartbeat", executor.info("d1").orElseThrow().provider());
        assertEquals(List.of(), executor.recurring("d1").orElseThrow().get(0).operations());
    }

    @Test
    void lastRemoteClientGoneCancelsRecurringOfDropResourcesOnly() {
        registerOcf("drop3", 3);
        registerOcf("drop1", 1);
        registerOcf("keep", 0);
        exec("drop3", "monitor", 1000);
        exec("drop1", "monitor", 1000);
        exec("keep", "monitor", 1000);
        loop.runPending();
        runner.runs().forEach(r -> r.complete(0));
        loop.runPending();
        completions.clear();

        executor.clientDisconnected("client-1", true, false);
        assertTrue(completions.isEmpty(), "other clients remain");

        executor.clientDisconnected("client-1", true, true);
        assertEquals(List.of("drop3", "drop1"), completions.stream().map(Completion::resourceId).toList());
        assertTrue(completions.stream().allMatch(c -> c.executionStatus() == ExecutionStatus.CANCELLED));
        assertTrue(executor.info("drop3").isPresent(), "registrations survive");
        loop.advance(1000);
        assertEquals(List.of("keep"), runner.active().stream().map(r -> r.action.resourceId()).toList());
    }

    @Test
    void localClientGoneCancelsOnlyItsOwnRecurringOperations() {
        registerOcf("d1", 1);
        executor.exec(new ExecRequest("d1", "monitor", 1000, 0, 0, null, null, Map.of(), 1, 0, "local"));
        executor.exec(new ExecRequest("d1", "monitor", 2000, 0, 0, null, null, Map.of(), 2, 0, "other"));
        executor.clientDisconnected("local", false, true);
        assertEquals(1, completions.size());
        assertEquals(1, last().callId());
        assertEquals(List.of(new RecurringOperation("monitor", 2000, 0)),
                executor.recurring("d1").orElseThrow().get(0).operations());
    }

    @Test
    void queuedCommandsSurviveDisconnects() {
        registerOcf("d1", 3);
        exec("d1", "start", 0);
        executor.clientDisconnected("client-1", true, true);
        loop.runPending();
        assertEquals("start", runner.last().action.action());
    }

    @Test
    void recurringListingCoversResourcesWithoutOperations() {
        registerOcf("a", 0);
        registerOcf("b", 0);
        exec("b", "monitor", 10000);
        List<ResourceRecurring> all = executor.recurring(null).orElseThrow();
        assertEquals(List.of(new ResourceRecurring("a", List.of()),
                new ResourceRecurring("b", List.of(new RecurringOperation("monitor", 10000, 20000)))), all);
        assertTrue(executor.recurring("nosuch").isEmpty());
    }

    @Test
    void stonithProbeIsNotRunningAndOtherActionsAreNotInstalled() {
        executor.register(new ResourceDefinition("fence", "stonith", null, "fence_xvm"), 0);
        exec("fence", "monitor", 0);
        exec("fence", "start", 0);
        loop.runPending();
        assertTrue(runner.runs().isEmpty());
        assertEquals(2, completions.size());
        assertEquals(7, completions.get(0).exitStatus());
        assertEquals(ExecutionStatus.DONE, completions.get(0).executionStatus());
        assertEquals(5, completions.get(1).exitStatus());
        assertEquals(ExecutionStatus.NOT_INSTALLED, completions.get(1).executionStatus());
        assertEquals("Fencing resources cannot run on Pacemaker Remote nodes", completions.get(1).exitReason());
    }

    @Test
    void unknownClassAndMissingInformationFailWithoutARunner() {
        executor.register(new ResourceDefinition("x", "nagios", null, "check_x"), 0);
        executor.register(new ResourceDefinition("y", "ocf", null, "Dummy"), 0);
        exec("x", "start", 0);
        exec("y", "start", 0);
        loop.runPending();
        assertTrue(runner.runs().isEmpty());
        assertEquals(5, completions.get(0).exitStatus());
        assertEquals(ExecutionStatus.NOT_INSTALLED, completions.get(0).executionStatus());
        assertEquals("check_x: No such file or directory", completions.get(0).exitReason());
        assertEquals(1, completions.get(1).exitStatus());
        assertEquals(ExecutionStatus.ERROR_FATAL, completions.get(1).executionStatus());
        assertEquals("Required agent or action information missing", completions.get(1).exitReason());
    }

    @Test
    void silentRunnerIsAbandonedAfterTimeoutPlusGrace() {
        registerOcf("d1", 0);
        exec("d1", "start", 0);
        exec("d1", "monitor", 0);
        loop.runPending();
        FakeRunner.Run stuck = runner.last();
        loop.advance(20000 + 999);
        assertTrue(completions.isEmpty());
        loop.advance(1);
        assertEquals(1, stuck.cancelCalls());
        assertEquals(ExecutionStatus.TIMEOUT, last().executionStatus());
        assertEquals(1, last().exitStatus());
        assertEquals("Resource agent did not complete within 20s", last().exitReason());
        assertEquals("monitor", runner.last().action.action(), "the resource is not wedged");
        stuck.complete(0);
        loop.runPending();
        assertEquals(1, completions.size(), "late result ignored");
    }

    @Test
    void aTimeoutNearTheLargestNumberIsHeldToPacemakersRangeInsteadOfTimingTheRunOutAtOnce() {
        registerOcf("d1", 0);
        executor.exec(new ExecRequest("d1", "start", 0, Long.MAX_VALUE, 0, "ud", null, Map.of(), ++nextCallId,
                0, "client-1"));
        loop.runPending();
        FakeRunner.Run run = runner.last();
        // Held to an int of milliseconds, as Pacemaker holds it: about 24.8 days.
        loop.advance(Integer.MAX_VALUE - 1000L);
        assertTrue(completions.isEmpty(), "timed out early: " + completions);
        assertEquals(0, run.cancelCalls());
        run.complete(0);
        loop.runPending();
        assertEquals(ExecutionStatus.DONE, last().executionStatus());
        assertEquals(Integer.MAX_VALUE, last().timeoutMs());
    }

    @Test
    void runnerFailureBecomesAnErrorResult() {
        executor = new Executor(loop, std -> action -> {
            throw new IllegalStateException("boom");
        }, completions::add);
        registerOcf("d1", 0);
        exec("d1", "start", 0);
        loop.runPending();
        assertEquals(ExecutionStatus.ERROR, last().executionStatus());
        assertEquals(1, last().exitStatus());
    }

    @Test
    void originatorOnlyOptionIsCarried() {
        registerOcf("d1", 0);
        executor.exec(request("d1", "start", 0, 0, ExecRequest.NOTIFY_ORIGINATOR_ONLY));
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        assertTrue(last().originatorOnly());
        assertSame(completions.get(0), last());
    }

    @Test
    void readableDurations() {
        assertEquals("2s", Executor.readableDuration(2000));
        assertEquals("1m30s", Executor.readableDuration(90000));
        assertEquals("1500ms", Executor.readableDuration(1500));
        assertEquals("1h", Executor.readableDuration(3600000));
        assertEquals("0s", Executor.readableDuration(0));
    }
}
