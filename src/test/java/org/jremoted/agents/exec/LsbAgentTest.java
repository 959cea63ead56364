package org.jremoted.agents.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.classes.ServiceAgent;
import org.jremoted.agents.exec.LsbAgent;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lsb class against real init scripts written by the test (docs/agents.md §3). */
class LsbAgentTest {

    @TempDir
    Path tmp;
    Path initDir;
    LsbAgent lsb;

    @BeforeEach
    void setUp() throws Exception {
        initDir = Files.createDirectory(tmp.resolve("init.d"));
        ChildSettings settings = new ChildSettings(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), tmp,
                ChildSettings.DAEMON_UMASK, ChildSettings.OUTPUT_LIMIT, tmp);
        lsb = new LsbAgent(new ChildLauncher(settings), initDir);
    }

    private Path script(String name, String body) throws Exception {
        Path p = initDir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static AgentAction action(String type, String name, long intervalMs, long timeoutMs,
                                      Map<String, String> params) {
        return new AgentAction("rsc1", "lsb", null, type, name, intervalMs, timeoutMs, params);
    }

    private static AgentResult run(AgentRunner r, AgentAction a) throws Exception {
        return r.start(a).result().get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "status exit {0} -> rc {1}")
    @CsvSource({"0,0", "1,7", "2,7", "3,7", "4,1", "150,5", "151,4", "9,1", "5,1", "7,1"})
    void statusExitCodesAreMappedTheLsbWay(int exit, int rc) throws Exception {
        script("svc", "exit " + exit);
        AgentResult monitor = run(lsb, action("svc", "monitor", 10000, 5000, Map.of()));
        assertEquals(rc, monitor.exitStatus());
        assertEquals(ExecutionStatus.DONE, monitor.executionStatus());
        assertEquals(rc, run(lsb, action("svc", "status", 0, 5000, Map.of())).exitStatus());
    }

    @ParameterizedTest(name = "start exit {0} -> rc {1}")
    @CsvSource({"0,0", "1,1", "3,3", "6,6", "7,7", "8,1", "9,1", "150,1"})
    void otherActionsKeepZeroToSevenOnly(int exit, int rc) throws Exception {
        script("svc", "exit " + exit);
        AgentResult r = run(lsb, action("svc", "start", 0, 5000, Map.of()));
        assertEquals(rc, r.exitStatus());
        assertEquals(ExecutionStatus.DONE, r.executionStatus());
    }

    @Test
    void monitorIsRunAsStatusWithoutParametersOrOcfVariables() throws Exception {
        Path out = tmp.resolve("seen");
        script("svc", "echo \"$# $1\" > " + out + "; env > " + out + ".env; exit 0");
        AgentResult r = run(lsb, action("svc", "monitor", 0, 5000, Map.of("ip", "10.0.0.1",
                "CRM_meta_timeout", "5000")));
        assertEquals(0, r.exitStatus());
        assertEquals("1 status", Files.readString(out).strip());
        String env = Files.readString(tmp.resolve("seen.env"));
        assertFalse(env.contains("OCF_"), env);
        assertFalse(env.contains("10.0.0.1"), env);
    }

    @Test
    void otherActionsArePassedAsRequested() throws Exception {
        Path out = tmp.resolve("seen");
        script("svc", "echo \"$1\" >> " + out);
        for (String a : new String[] {"start", "stop", "restart", "force-reload"}) {
            assertEquals(0, run(lsb, action("svc", a, 0, 5000, Map.of())).exitStatus());
        }
        assertEquals("start\nstop\nrestart\nforce-reload\n", Files.readString(out));
    }

    @Test
    void exitReasonIsNeverParsedButOutputIsKept() throws Exception {
        script("svc", "echo 'ocf-exit-reason:nope' >&2; exit 1");
        AgentResult r = run(lsb, action("svc", "start", 0, 5000, Map.of()));
        assertEquals(1, r.exitStatus());
        assertNull(r.exitReason());
        assertEquals("ocf-exit-reason:nope\n", r.output());
    }

    @Test
    void missingScriptIsNotInstalledWithItsPath() throws Exception {
        for (String a : new String[] {"monitor", "start", "stop"}) {
            AgentResult r = run(lsb, action("nosuchsvc", a, 0, 5000, Map.of()));
            assertEquals(ExitStatus.NOT_INSTALLED, r.exitStatus(), a);
            assertEquals(ExecutionStatus.NOT_INSTALLED, r.executionStatus(), a);
            assertEquals(initDir.resolve("nosuchsvc") + ": No such file or directory", r.exitReason(), a);
        }
    }

    @Test
    void absoluteTypeIsUsedAsItIs() throws Exception {
        Path elsewhere = tmp.resolve("elsewhere");
        Files.writeString(elsewhere, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(7, run(lsb, action(elsewhere.toString(), "monitor", 0, 5000, Map.of())).exitStatus());
    }

    @Test
    void namesThatLeaveTheInitDirectoryAreRefused() throws Exception {
        AgentResult r = run(lsb, action("../../bin/true", "start", 0, 5000, Map.of()));
        assertEquals(ExitStatus.NOT_INSTALLED, r.exitStatus());
        assertEquals(ExecutionStatus.ERROR_FATAL, r.executionStatus());
    }

    @Test
    void nonExecutableScriptCannotRun() throws Exception {
        Path p = script("svc", "exit 0");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(ExitStatus.INSUFFICIENT_PRIV, run(lsb, action("svc", "monitor", 0, 5000, Map.of())).exitStatus());
        assertEquals(ExitStatus.INSUFFICIENT_PRIV, run(lsb, action("svc", "start", 0, 5000, Map.of())).exitStatus());
    }

    @Test
    void timeoutKillsTheWholeProcessGroup() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        script("svc", "sleep 300 & echo $! > " + pidFile + "; wait");
        long t0 = System.nanoTime();
        AgentResult r = run(lsb, action("svc", "start", 0, 700, Map.of()));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
        assertEquals(ExitStatus.UNKNOWN_ERROR, r.exitStatus());
        assertEquals(ExecutionStatus.TIMEOUT, r.executionStatus());
        assertEquals("Resource agent did not complete within 700ms", r.exitReason());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.currentTimeMillis() + 5000;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "grandchild survived");
    }

    /** A pid-file daemon as distributions write them: start/stop are idempotent, status follows LSB. */
    @Test
    void pidFileDaemonLifeCycle() throws Exception {
        Path pidFile = tmp.resolve("daemon.pid");
        script("daemon", String.join("\n",
                "PIDFILE=" + pidFile,
                "running() { [ -f $PIDFILE ] && kill -0 \"$(cat $PIDFILE)\" 2>/dev/null; }",
                "case \"$1\" in",
                "  start) running && exit 0; setsid sleep 300 >/dev/null 2>&1 </dev/null & echo $! > $PIDFILE; exit 0;;",
                "  stop) running && kill \"$(cat $PIDFILE)\"; rm -f $PIDFILE; exit 0;;",
                "  status) running && exit 0; [ -f $PIDFILE ] && exit 1; exit 3;;",
                "  *) exit 3;;",
                "esac"));
        assertEquals(7, run(lsb, action("daemon", "monitor", 0, 5000, Map.of())).exitStatus());
        assertEquals(0, run(lsb, action("daemon", "start", 0, 5000, Map.of())).exitStatus());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertEquals(0, run(lsb, action("daemon", "start", 0, 5000, Map.of())).exitStatus());
        assertEquals(pid, Long.parseLong(Files.readString(pidFile).strip()), "second start started another");
        assertEquals(0, run(lsb, action("daemon", "monitor", 10000, 5000, Map.of())).exitStatus());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.currentTimeMillis() + 5000;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        // dead with its pid file left: LSB 1, reported as not running
        assertEquals(7, run(lsb, action("daemon", "monitor", 0, 5000, Map.of())).exitStatus());
        assertEquals(0, run(lsb, action("daemon", "stop", 0, 5000, Map.of())).exitStatus());
        assertEquals(0, run(lsb, action("daemon", "stop", 0, 5000, Map.of())).exitStatus());
        assertEquals(7, run(lsb, action("daemon", "monitor", 0, 5000, Map.of())).exitStatus());
    }
}
