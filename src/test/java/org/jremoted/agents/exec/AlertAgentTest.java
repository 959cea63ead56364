package org.jremoted.agents.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.executor.AlertRuns;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert agents (docs/agents.md §8) run for real: an agent that records what it was given. */
class AlertAgentTest {

    /** Every variable docs/agents.md §8 lists as sent by the cluster. */
    static final List<String> LISTED = List.of("CRM_alert_kind", "CRM_alert_node", "CRM_alert_desc",
            "CRM_alert_recipient", "CRM_alert_rsc", "CRM_alert_task", "CRM_alert_interval", "CRM_alert_status",
            "CRM_alert_target_rc", "CRM_alert_rc", "CRM_alert_version", "CRM_alert_timestamp",
            "CRM_alert_timestamp_epoch", "CRM_alert_timestamp_usec", "CRM_alert_exec_time",
            "CRM_alert_attribute_name", "CRM_alert_attribute_value", "CRM_alert_nodeid");

    @TempDir
    Path tmp;
    Path out;
    Path agentPath;
    AlertAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        // world-writable so the agent can record even after switching to hacluster
        Path dir = Files.createDirectory(tmp.resolve("rec"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        out = dir.resolve("seen");
        agentPath = tmp.resolve("alert.sh");
        Files.writeString(agentPath, "#!/bin/sh\n{ echo \"args=$#\"; echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G)\";"
                + " env; } > " + out + ".$CRM_alert_node_sequence\nexit ${ALERT_EXIT:-0}\n");
        Files.setPosixFilePermissions(agentPath, PosixFilePermissions.fromString("rwxr-xr-x"));
        ChildSettings settings = new ChildSettings(new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "KEEP", "me")),
                tmp, ChildSettings.DAEMON_UMASK, ChildSettings.OUTPUT_LIMIT, tmp);
        agent = new AlertAgent(new ChildLauncher(settings), AlertAgent.DEFAULT_USER);
    }

    private Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        for (String name : LISTED) {
            a.put(name, "value of " + name);
        }
        a.put("CRM_alert_desc", "a value with spaces, = and 'quotes'");
        a.put("my_custom_variable", "42");
        return a;
    }

    private static Map<String, String> readEnv(Path file) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void alertGetsEveryAttributeTheSequenceNumberAndNoArguments() throws Exception {
        AlertRuns runs = new AlertRuns(() -> agent);
        Map<String, String> attrs = attributes();
        runs.exec("alert1", agentPath.toString(), 10_000, attrs);
        runs.exec("alert1", agentPath.toString(), 10_000, attrs);
        runs.drain().get(20, TimeUnit.SECONDS);
        assertEquals(0, runs.inFlightCount());
        assertEquals(2, runs.lastSequence());
        for (int seq = 1; seq <= 2; seq++) {
            Path file = Path.of(out + "." + seq);
            assertTrue(Files.exists(file), "alert " + seq + " did not run");
            Map<String, String> env = readEnv(file);
            for (Map.Entry<String, String> e : attrs.entrySet()) {
                assertEquals(e.getValue(), env.get(e.getKey()), e.getKey());
            }
            assertEquals(Integer.toString(seq), env.get("CRM_alert_node_sequence"));
            assertFalse(env.containsKey("CRM_notify_node_sequence"), "3.0-style request got the 2.1 duplicate");
            assertEquals("0", env.get("args"));
            assertEquals("me", env.get("KEEP"), "the daemon environment is inherited");
            assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("OCF_")), "OCF variables given to an alert");
        }
    }

    @Test
    void alertRunsAsHaclusterWithoutSupplementaryGroups() throws Exception {
        AlertAgent.Credentials c = AlertAgent.lookUp("hacluster");
        org.junit.jupiter.api.Assumptions.assumeTrue(c != null && "root".equals(System.getProperty("user.name")),
                "needs root and a hacluster account");
        AgentResult r = agent.run("a", agentPath.toString(), 10_000,
                AlertAgent.environment(Map.of(), 7)).result().get(20, TimeUnit.SECONDS);
        assertEquals(0, r.exitStatus());
        Map<String, String> env = readEnv(Path.of(out + ".7"));
        assertEquals(c.uid() + " gid=" + c.gid() + " groups=" + c.gid(), env.get("uid"));
    }

    @Test
    void legacyClientsGetTheLegacySequenceToo() {
        Map<String, String> env = AlertAgent.environment(Map.of("CRM_notify_node", "n1", "CRM_alert_node", "n1"), 3);
        assertEquals("3", env.get("CRM_alert_node_sequence"));
        assertEquals("3", env.get("CRM_notify_node_sequence"));
    }

    @Test
    void nonZeroExitAndMissingAgentAreOnlyResults() throws Exception {
        Map<String, String> attrs = new HashMap<>(AlertAgent.environment(Map.of(), 9));
        attrs.put("ALERT_EXIT", "3");
        AgentResult r = agent.run("a", agentPath.toString(), 10_000, attrs).result().get(20, TimeUnit.SECONDS);
        assertEquals(3, r.exitStatus());
        assertEquals(ExecutionStatus.DONE, r.executionStatus());

        AgentResult missing = agent.run("a", tmp.resolve("nope").toString(), 10_000, Map.of())
                .result().get(20, TimeUnit.SECONDS);
        assertEquals(ExecutionStatus.NOT_INSTALLED, missing.executionStatus());
        assertTrue(missing.exitReason().endsWith("nope: No such file or directory"), missing.exitReason());

        AgentResult empty = agent.run("a", "", 10_000, Map.of()).result().get(20, TimeUnit.SECONDS);
        assertEquals(ExecutionStatus.NOT_INSTALLED, empty.executionStatus());
        assertEquals("empty alert path", empty.exitReason());
        AgentResult relative = agent.run("a", "bin/alert.sh", 10_000, Map.of()).result().get(20, TimeUnit.SECONDS);
        assertEquals("bin/alert.sh: Not an absolute path", relative.exitReason());
    }

    @Test
    void timeoutKillsTheAlert() throws Exception {
        Path slow = tmp.resolve("slow.sh");
        Files.writeString(slow, "#!/bin/sh\nsleep 300\n");
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        long t0 = System.nanoTime();
        AgentResult r = agent.run("slow", slow.toString(), 500, Map.of()).result().get(20, TimeUnit.SECONDS);
        assertEquals(ExecutionStatus.TIMEOUT, r.executionStatus());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
    }

    @Test
    void drainWaitsForRunningAlertsAndThenIgnoresNewOnes() throws Exception {
        Path slow = tmp.resolve("slow.sh");
        Files.writeString(slow, "#!/bin/sh\nsleep 1\n");
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        AlertRuns runs = new AlertRuns(() -> agent);
        runs.exec("slow", slow.toString(), 10_000, Map.of());
        long t0 = System.nanoTime();
        runs.drain().get(20, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 500, "drain returned before the alert finished (" + ms + " ms)");
        runs.exec("late", agentPath.toString(), 10_000, Map.of());
        assertEquals(1, runs.lastSequence(), "an alert was launched while draining");
        Thread.sleep(700);
        assertFalse(Files.exists(Path.of(out + ".2")));
    }
}
