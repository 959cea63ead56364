package org.jremoted.agents.classes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.exec.LsbAgent;
import org.jremoted.agents.systemd.DropIn;
import org.jremoted.agents.systemd.FakeSystemd;
import org.jremoted.agents.systemd.SystemdAgent;
import org.jremoted.agents.systemd.SystemdException;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service class against a scripted systemd and real init scripts. */
class ServiceAgentTest {

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
        return new AgentAction("rsc1", "service", null, type, name, intervalMs, timeoutMs, Map.of());
    }

    private static AgentResult run(AgentRunner r, AgentAction a) throws Exception {
        return r.start(a).result().get(30, TimeUnit.SECONDS);
    }

    @Test
    void serviceClassPrefersInitScriptThenSystemdThenAssumesLsb() throws Exception {
        Path initDir = Files.createDirectory(tmp.resolve("init.d"));
        Path marker = tmp.resolve("lsb-ran");
        Path script = initDir.resolve("both");
        Files.writeString(script, "#!/bin/sh\necho \"$1\" >> " + marker + "\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        ChildSettings settings = new ChildSettings(new HashMap<>(Map.of("PATH", "/usr/bin:/bin")), tmp,
                ChildSettings.DAEMON_UMASK, ChildSettings.OUTPUT_LIMIT, tmp);
        LsbAgent lsb = new LsbAgent(new ChildLauncher(settings), initDir);
        ServiceAgent service = new ServiceAgent(lsb, () -> agent);

        // both an init script and a unit: LSB
        assertEquals(0, run(service, action("both", "monitor", 0, 5000)).exitStatus());
        assertEquals("status\n", Files.readString(marker));
        assertTrue(fake.calls.isEmpty(), fake.calls.toString());

        // only a unit: systemd
        assertEquals(0, run(service, action("unitonly", "start", 0, 5000)).exitStatus());
        assertTrue(fake.calls.contains("StartUnit unitonly.service"), fake.calls.toString());

        // a masked unit still counts as existing
        fake.loadState.put("masked.service", "masked");
        fake.calls.clear();
        run(service, action("masked", "stop", 0, 5000));
        assertTrue(fake.calls.contains("StopUnit masked.service"), fake.calls.toString());

        // neither: LSB, not installed
        fake.loadState.put("neither.service", "not-found");
        AgentResult r = run(service, action("neither", "start", 0, 5000));
        assertEquals(ExitStatus.NOT_INSTALLED, r.exitStatus());
        assertEquals(ExecutionStatus.NOT_INSTALLED, r.executionStatus());
        assertEquals(initDir.resolve("neither") + ": No such file or directory", r.exitReason());

        // systemd unreachable: LSB assumed, same clear result
        fake.failAll = new SystemdException(SystemdException.Kind.NO_BUS, null, "No DBus connection", null);
        assertEquals(ExitStatus.NOT_INSTALLED, run(service, action("unitonly", "start", 0, 5000)).exitStatus());
    }
}
