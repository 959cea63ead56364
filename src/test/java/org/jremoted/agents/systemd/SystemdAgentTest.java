package org.jremoted.agents.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.RunningAction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The systemd class's logic against a scripted systemd (the nspawn suite in src/test/systemd runs
 * it against a real one), plus the real D-Bus client on this host, which has no system bus.
 */
class SystemdAgentTest {

    @TempDir
    Path tmp;
    FakeSystemd fake;
    SystemdAgent agent;

    @BeforeEach
    void setUp() {
        fake = new FakeSystemd();
        agent = new SystemdAgent(fake, new DropIn(tmp.resolve("run-systemd")));
    }

    private static AgentAction action(String type, String name, long intervalMs, long timeoutMs) {
        return new AgentAction("rsc1", "systemd", null, type, name, intervalMs, timeoutMs, Map.of());
    }

    private static AgentResult run(AgentRunner r, AgentAction a) throws Exception {
        return r.start(a).result().get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "foo, foo.service, foo.service",
        "foo.service, foo.service, foo.service",
        "foo.socket, foo.socket, foo.socket",
        "foo.mount, foo.mount, foo.mount",
        "foo.timer, foo.timer, foo.timer",
        "foo.path, foo.path, foo.path",
        "foo.target, foo.target.service, foo.target.service",
        "foo@bar, foo@bar.service, foo@bar.service",
        "foo@bar.service, foo@bar.service, foo@bar.service",
        "foo@.service, foo@pacemaker.service, foo@pacemaker.service",
        "foo@, foo@.service, foo@pacemaker.service",
    })
    void unitNames(String type, String forAction, String forExistence) {
        assertEquals(forAction, UnitNames.unitName(type, false));
        assertEquals(forExistence, UnitNames.unitName(type, true));
    }

    @ParameterizedTest(name = "ActiveState {0} -> rc {1} status {2}")
    @CsvSource({"active,0,0", "reloading,0,0", "inactive,7,0", "failed,7,0", "activating,193,-1",
        "deactivating,193,-1", "maintenance,7,0"})
    void monitorMapsActiveState(String state, int rc, int status) throws Exception {
        fake.activeState.put("foo.service", state);
        AgentResult r = run(agent, action("foo", "monitor", 10000, 20000));
        assertEquals(rc, r.exitStatus());
        assertEquals(status, r.executionStatus().code());
        if (rc == 7) {
            assertEquals(state, r.exitReason());
        }
        assertEquals(List.of("LoadUnit foo.service"), fake.calls);
    }

    @Test
    void probeOfAnActivatingUnitWaitsUntilItSettles() throws Exception {
        fake.activeState.put("foo.service", "activating");
        CompletableFuture<AgentResult> f = agent.start(action("foo", "monitor", 0, 2000)).result();
        Thread.sleep(500);
        assertFalse(f.isDone(), "a probe must not report a pending unit");
        fake.activeState.put("foo.service", "active");
        AgentResult r = f.get(10, TimeUnit.SECONDS);
        assertEquals(0, r.exitStatus());
        assertEquals(ExecutionStatus.DONE, r.executionStatus());
    }

    @Test
    void recurringMonitorPendingLongerThanItsTimeoutTimesOut() throws Exception {
        fake.activeState.put("foo.service", "deactivating");
        assertEquals(ExecutionStatus.PENDING, run(agent, action("foo", "monitor", 1000, 300)).executionStatus());
        Thread.sleep(400);
        AgentResult r = run(agent, action("foo", "monitor", 1000, 300));
        assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus());
        assertEquals(ExecutionStatus.TIMEOUT, r.executionStatus());
    }

    @Test
    void startWritesTheDropInReloadsAndWaitsForTheJob() throws Exception {
        AgentResult r = run(agent, action("foo", "start", 0, 20000));
        assertEquals(0, r.exitStatus());
        assertEquals(ExecutionStatus.DONE, r.executionStatus());
        Path file = tmp.resolve("run-systemd/foo.service.d/50-pacemaker.conf");
        assertEquals("[Unit]\nDescription=Cluster Controlled foo\n"
                + "Before=pacemaker.service pacemaker_remote.service\n\n[Service]\nRestart=no\n",
                Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(List.of("LoadUnit foo.service", "Reload", "StartUnit foo.service"), fake.calls);

        // Unchanged drop-in: no second daemon-reload
        fake.calls.clear();
        assertEquals(0, run(agent, action("foo", "start", 0, 20000)).exitStatus());
        assertEquals(List.of("LoadUnit foo.service", "StartUnit foo.service"), fake.calls);

        fake.calls.clear();
        assertEquals(0, run(agent, action("foo", "stop", 0, 20000)).exitStatus());
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(file.getParent()));
        assertEquals(List.of("Reload", "StopUnit foo.service"), fake.calls);

        // Nothing to remove: no reload
        fake.calls.clear();
        assertEquals(0, run(agent, action("foo", "stop", 0, 20000)).exitStatus());
        assertEquals(List.of("StopUnit foo.service"), fake.calls);
    }

    @Test
    void dropInOfOtherUnitTypesHasNoServiceSection() throws Exception {
        assertEquals(0, run(agent, action("foo.socket", "start", 0, 20000)).exitStatus());
        assertEquals("[Unit]\nDescription=Cluster Controlled foo.socket\n"
                + "Before=pacemaker.service pacemaker_remote.service\n",
                Files.readString(tmp.resolve("run-systemd/foo.socket.d/50-pacemaker.conf")));
    }

    @ParameterizedTest(name = "job result {0}")
    @CsvSource({"failed,4", "canceled,4", "dependency,4", "skipped,4", "timeout,2"})
    void failedJobs(String result, int status) throws Exception {
        fake.jobOutcome = result;
        AgentResult r = run(agent, action("foo", "start", 0, 20000));
        assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus());
        assertEquals(status, r.executionStatus().code());
        assertEquals(result.equals("timeout") ? "systemd start job for foo.service timed out"
                : "systemd start job for foo.service failed with result '" + result + "'", r.exitReason());
    }

    @Test
    void unknownUnitStartIsNotInstalledAndStopSucceeds() throws Exception {
        fake.loadState.put("nosuch.service", "not-found");
        AgentResult start = run(agent, action("nosuch", "start", 0, 20000));
        assertEquals(ExitStatus.NOT_INSTALLED, start.exitStatus());
        assertEquals(ExecutionStatus.NOT_INSTALLED, start.executionStatus());
        assertEquals("systemd unit nosuch not found", start.exitReason());
        assertFalse(Files.exists(tmp.resolve("run-systemd/nosuch.service.d")), "drop-in for a missing unit");

        fake.failJobs = new SystemdException(SystemdException.Kind.NO_SUCH_UNIT,
                "org.freedesktop.systemd1.NoSuchUnit", "Unit nosuch.service not loaded.", null);
        AgentResult stop = run(agent, action("nosuch", "stop", 0, 20000));
        assertEquals(0, stop.exitStatus());
        assertEquals(ExecutionStatus.DONE, stop.executionStatus());
    }

    @Test
    void otherDbusErrorsAreGenericErrors() throws Exception {
        fake.failJobs = new SystemdException(SystemdException.Kind.FAILED, "org.freedesktop.systemd1.UnitMasked",
                "Unit foo.service is masked.", null);
        AgentResult r = run(agent, action("foo", "start", 0, 20000));
        assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus());
        assertEquals(ExecutionStatus.ERROR, r.executionStatus());
        assertTrue(r.exitReason().startsWith("Unable to invoke systemd DBus method"), r.exitReason());
    }

    @Test
    void startOutlastingItsTimeoutIsReportedAtTimeoutPlusGrace() throws Exception {
        fake.jobOutcome = null;
        long t0 = System.nanoTime();
        AgentResult r = run(agent, action("foo", "start", 0, 300));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus());
        assertEquals(ExecutionStatus.TIMEOUT, r.executionStatus());
        assertEquals("start action for systemd unit foo did not complete in time", r.exitReason());
        assertTrue(ms >= 300 + SystemdAgent.TIMEOUT_GRACE_MS - 50 && ms < 300 + SystemdAgent.TIMEOUT_GRACE_MS + 3000,
                "took " + ms + " ms");
        assertTrue(fake.abandoned.contains("/job/1"), fake.abandoned.toString());
    }

    @Test
    void missedJobRemovedFallsBackToPollingTheUnit() throws Exception {
        fake.jobOutcome = null;
        CompletableFuture<AgentResult> f = agent.start(action("foo", "start", 0, 2000)).result();
        Thread.sleep(300);
        assertFalse(f.isDone());
        fake.activeState.put("foo.service", "active");
        fake.jobObjectsExist = false;
        AgentResult r = f.get(5, TimeUnit.SECONDS);
        assertEquals(0, r.exitStatus());

        fake.jobObjectsExist = true;
        CompletableFuture<AgentResult> stop = agent.start(action("foo", "stop", 0, 2000)).result();
        Thread.sleep(300);
        fake.jobObjectsExist = false; // the job vanished, the unit still runs: the stop did not work
        AgentResult s = stop.get(5, TimeUnit.SECONDS);
        assertEquals(ExitStatus.UNKNOWN_ERROR, s.exitStatus());
        assertEquals(ExecutionStatus.ERROR, s.executionStatus());
    }

    @Test
    void lostConnectionWhileWaitingIsAnErrorNotAHang() throws Exception {
        fake.jobOutcome = null;
        CompletableFuture<AgentResult> f = agent.start(action("foo", "start", 0, 60000)).result();
        Thread.sleep(200);
        fake.jobs.get("/job/1").completeExceptionally(new SystemdException(SystemdException.Kind.NO_BUS, null,
                "D-Bus connection lost", null));
        AgentResult r = f.get(5, TimeUnit.SECONDS);
        assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus());
        assertEquals(ExecutionStatus.ERROR, r.executionStatus());
        assertEquals("D-Bus connection lost", r.exitReason());
    }

    @Test
    void cancelAbandonsTheWait() throws Exception {
        fake.jobOutcome = null;
        RunningAction running = agent.start(action("foo", "start", 0, 60000));
        Thread.sleep(200);
        running.cancel();
        AgentResult r = running.result().get(5, TimeUnit.SECONDS);
        assertEquals(ExecutionStatus.CANCELLED, r.executionStatus());
    }

    @Test
    void restartMetaDataAndUnsupportedActions() throws Exception {
        assertEquals(0, run(agent, action("foo", "restart", 0, 20000)).exitStatus());
        assertTrue(fake.calls.contains("RestartUnit foo.service"));
        AgentResult md = run(agent, action("foo@", "meta-data", 0, 20000));
        assertEquals(0, md.exitStatus());
        assertTrue(md.output().contains("Test unit foo@pacemaker.service"), md.output());
        assertTrue(md.output().contains("<resource-agent name=\"foo@\""), md.output());
        AgentResult bad = run(agent, action("foo", "promote", 0, 20000));
        assertEquals(ExitStatus.UNIMPLEMENT_FEATURE, bad.exitStatus());
        assertEquals(ExecutionStatus.ERROR, bad.executionStatus());
        assertEquals("Action promote not implemented for systemd resources", bad.exitReason());
    }

    @Test
    void noBusIsAPromptClearError() throws Exception {
        fake.failAll = new SystemdException(SystemdException.Kind.NO_BUS, null,
                "No DBus connection (system bus unavailable)", null);
        for (String a : new String[] {"start", "stop", "monitor"}) {
            AgentResult r = run(agent, action("foo", a, 0, 20000));
            assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus(), a);
            assertEquals(ExecutionStatus.ERROR, r.executionStatus(), a);
            assertTrue(r.exitReason().startsWith("No DBus connection"), r.exitReason());
        }
    }

    /** This host runs no systemd and no system bus: the real client must say so quickly. */
    @Test
    void realClientWithoutSystemBusFailsFast() throws Exception {
        Path missing = tmp.resolve("no-such-bus-socket");
        SystemdAgent real = new SystemdAgent(new DbusSystemd("unix:path=" + missing),
                new DropIn(tmp.resolve("run-systemd")));
        for (String a : new String[] {"start", "monitor", "stop"}) {
            long t0 = System.nanoTime();
            AgentResult r = run(real, action("foo", a, 0, 20000));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus(), a);
            assertEquals(ExecutionStatus.ERROR, r.executionStatus(), a);
            assertTrue(r.exitReason().startsWith("No DBus connection"), r.exitReason());
            assertTrue(r.exitReason().contains(missing.toString()), r.exitReason());
            assertTrue(ms < 2000, a + " took " + ms + " ms");
        }
    }

    /** A socket file nobody listens on (a stale bus): one connection attempt, no retries. */
    @Test
    void realClientWithDeadBusSocketFailsFast() throws Exception {
        Path sock = tmp.resolve("dead.sock");
        try (java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock));
        SystemdAgent real = new SystemdAgent(new DbusSystemd("unix:path=" + sock), new DropIn(tmp));
        long t0 = System.nanoTime();
        AgentResult r = run(real, action("foo", "monitor", 0, 20000));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ExecutionStatus.ERROR, r.executionStatus());
        assertTrue(r.exitReason().startsWith("No DBus connection"), r.exitReason());
        assertTrue(ms < 3000, "took " + ms + " ms");
    }
}
