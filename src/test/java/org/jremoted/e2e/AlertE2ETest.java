package org.jremoted.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code lrmd_alert_exec} (docs/executor.md §3, docs/agents.md §8) sent by Pacemaker's own client library
 * ({@code exec_alert}): the reply only acknowledges the launch, so every effect of the alert is
 * observed through what the agent itself leaves behind and through the daemon log.
 */
@Timeout(120)
class AlertE2ETest {

    private static final String ALERT_USER = "hacluster";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** Bound on an alert agent leaving its record; alerts start at once, but CI may be busy. */
    private static final Duration RECORD_WAIT = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofMillis(50);
    /** The user-defined alert variable that names the file the recording agent writes. */
    private static final String TOKEN = "ALERT_E2E_TOKEN";

    private static DaemonUnderTest daemon;
    /** Agents live here; 0755 so that hacluster can reach and run them. */
    private static Path alertDir;
    /** Where the agents write, owned by hacluster. */
    private static Path outDir;
    private static Path recorder;

    @BeforeAll
    static void setUp() throws IOException {
        UserPrincipal hacluster;
        try {
            hacluster = Path.of("/").getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(ALERT_USER);
        } catch (UserPrincipalNotFoundException e) {
            fail("user " + ALERT_USER + " does not exist on this machine, so alert agents cannot run as it: "
                    + "install the pacemaker package (scripts/test.sh does)");
            return;
        }
        LrmdClient.binary();
        // Not under build.dir: that may sit below a directory hacluster cannot enter (/root/...).
        alertDir = Files.createTempDirectory(Path.of("/tmp"), "jremoted-alert-e2e-");
        Files.setPosixFilePermissions(alertDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        outDir = Files.createDirectory(alertDir.resolve("out"));
        Files.setPosixFilePermissions(outDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setOwner(outDir, hacluster);
        // /proc/$$/environ is the environment exactly as exec'd: the shell's own view would
        // drop names it cannot hold as variables (such as ones starting with a digit).
        recorder = agent("record", """
                out="%s/record-$%s"
                { printf 'e2e.user=%%s\\0e2e.args=%%s\\0' "$(id -un)" "$#"; cat /proc/$$/environ; } > "$out.tmp" \\
                    && mv "$out.tmp" "$out"
                """.formatted(outDir, TOKEN));
        daemon = DaemonUnderTest.start("alert");
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (alertDir != null) {
                try (Stream<Path> all = Files.walk(alertDir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** (a) The request's attributes arrive verbatim as the environment of an agent run as hacluster. */
    @Test
    void alertAgentRunsAsHaclusterWithAttributesAsEnvironment() {
        String token = UUID.randomUUID().toString();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("CRM_alert_kind", "node");
        params.put("CRM_alert_node", "remote-e2e-1");
        params.put("CRM_alert_nodeid", "3");
        params.put("CRM_alert_desc", "member");
        params.put("CRM_alert_version", "2.1.5");
        // Blanks, quotes and XML metacharacters must survive the request and the exec unchanged.
        params.put("CRM_alert_recipient", "/var/log/alerts x&y <z> \"q\" 'a' $HOME");
        params.put("CRM_alert_timestamp", "2024-01-02 03:04:05.678");
        params.put("CRM_alert_timestamp_epoch", "1704164645");
        params.put("CRM_alert_timestamp_usec", "678000");
        params.put("CRM_notify_kind", "node");
        // Names that are not XML names travel as <param name= value=/> children (docs/executor.md §1.5).
        params.put("1st_user_variable", "digits first");
        params.put(TOKEN, token);

        LrmdClient.Result r = alert("e2e-env", recorder, 10000, params);
        assertTrue(r.ok(), "alert not accepted\n" + r.describe() + "\n" + daemon.diagnostics());
        assertEquals(0, r.getInt("alert_rc"), r.describe());

        Map<String, String> env = awaitRecord(token);
        assertEquals(ALERT_USER, env.get("e2e.user"), "the alert agent must run as " + ALERT_USER + ": " + relevant(env));
        assertEquals("0", env.get("e2e.args"), "alert agents get no arguments: " + relevant(env));
        params.forEach((name, value) ->
                assertEquals(value, env.get(name), "environment variable " + name + " of the alert agent: " + relevant(env)));
        String sequence = env.get("CRM_alert_node_sequence");
        assertNotNull(sequence, "the daemon must add CRM_alert_node_sequence: " + relevant(env));
        assertTrue(Long.parseLong(sequence) > 0, "CRM_alert_node_sequence=" + sequence);
        // A request carrying legacy CRM_notify_* names gets the legacy duplicate as well (2.1.5).
        assertEquals(sequence, env.get("CRM_notify_node_sequence"), "CRM_notify_node_sequence: " + relevant(env));
        assertTrue(env.keySet().stream().noneMatch(k -> k.startsWith("OCF_RESKEY_")),
                "alert agents get no OCF_RESKEY_* variables: " + env.keySet());
    }

    /** (a) Every alert gets the next CRM_alert_node_sequence of this daemon. */
    @Test
    void nodeSequenceGrowsFromAlertToAlert() {
        long first = sequenceOf(alertAndAwait("e2e-seq-1"));
        long second = sequenceOf(alertAndAwait("e2e-seq-2"));
        assertTrue(second > first, "CRM_alert_node_sequence " + first + " then " + second);
    }

    /** (b) A missing agent is still "launched" (rc 0); the daemon only logs the failure. */
    @Test
    void missingAgentIsAcknowledgedAndDaemonCarriesOn() {
        Path missing = alertDir.resolve("no-such-alert-agent");
        String id = "e2e-missing-" + UUID.randomUUID();
        LrmdClient.Result r = alert(id, missing, 10000, Map.of("CRM_alert_kind", "node"));
        assertTrue(r.ok(), "an alert with a missing agent must still be acknowledged\n" + r.describe()
                + "\n" + daemon.diagnostics());
        assertEquals(0, r.getInt("alert_rc"), r.describe());
        assertLogged(line -> line.contains("Could not send alert") && (E2E.isCDaemon() || line.contains(id)),
                "a 'Could not send alert' line for " + id);
        assertDaemonAnswers();
    }

    /** (c) An agent that outlives its timeout is killed with its process group. */
    @Test
    void alertAgentOverrunningItsTimeoutIsKilled() throws IOException {
        Path pids = outDir.resolve("slow.pids");
        Path after = outDir.resolve("slow.after");
        // The sleep runs in the background so that the agent's own process group holds two
        // processes: killing only the shell would leave the sleep behind.
        Path slow = agent("slow", """
                sleep 60 &
                echo "$$ $!" > "%1$s.tmp" && mv "%1$s.tmp" "%1$s"
                wait
                touch "%2$s"
                """.formatted(pids, after));
        String id = "e2e-slow-" + UUID.randomUUID();
        List<Long> started = new ArrayList<>();
        try {
            // 2 s, not 1: liblrmd waits for the reply with the alert's timeout, counted in whole
            // seconds of time(), so a 1 s timeout that crosses a second boundary leaves it 0 ms
            // and the library reports ETIME (-62) although the daemon answered at once.
            LrmdClient.Result r = alert(id, slow, 2000, Map.of("CRM_alert_kind", "node"));
            assertTrue(r.ok(), r.describe() + "\n" + daemon.diagnostics());
            assertEquals(0, r.getInt("alert_rc"), r.describe());
            assertTrue(E2E.waitFor(() -> Files.exists(pids), RECORD_WAIT, STEP),
                    "the slow alert agent never started\n" + daemon.diagnostics());
            for (String pid : Files.readString(pids).trim().split("\\s+")) {
                started.add(Long.parseLong(pid));
            }
            // Without a kill the agent would run for a minute; 2 s timeout plus a generous margin.
            assertTrue(E2E.waitFor(() -> started.stream().noneMatch(AlertE2ETest::alive), Duration.ofSeconds(20),
                    STEP), "agent shell and its sleep " + started + " still run long after the 2 s timeout\n"
                    + daemon.diagnostics());
            assertFalse(Files.exists(after), "the agent got past its sleep: it was not killed");
            if (!E2E.isCDaemon()) {
                assertLogged(line -> line.contains("Alert " + id + " (" + slow + ") timed out"),
                        "a 'timed out' line for " + id);
            }
            assertDaemonAnswers();
        } finally {
            // Leftovers of a failed run (processes this test caused) must not outlive it.
            started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /**
     * (d) The client library does not validate id or path. A NULL leaves the attribute out of the
     * request, which the daemon rejects with -22 (EINVAL); an empty string is sent as an empty
     * attribute, which counts as present, so the alert is launched (and an empty path then fails
     * to run, which is only logged).
     */
    @Test
    void absentIdOrPathIsRejectedButEmptyOnesAreLaunched() {
        String rejectedToken = UUID.randomUUID().toString();
        LrmdClient.Result noId = alert("-", recorder, 10000, Map.of(TOKEN, rejectedToken));
        assertFalse(noId.ok(), noId.describe());
        assertEquals(-22, noId.getInt("alert_rc"), "exec_alert without an id\n" + noId.describe());
        LrmdClient.Result noPath = LrmdClient.run(daemon, CLIENT_TIMEOUT, "alert", "e2e-no-path", "-", "10000");
        assertFalse(noPath.ok(), noPath.describe());
        assertEquals(-22, noPath.getInt("alert_rc"), "exec_alert without a path\n" + noPath.describe());

        String emptyIdToken = UUID.randomUUID().toString();
        LrmdClient.Result emptyId = alert("", recorder, 10000, Map.of(TOKEN, emptyIdToken));
        assertTrue(emptyId.ok(), emptyId.describe() + "\n" + daemon.diagnostics());
        assertEquals(0, emptyId.getInt("alert_rc"), "exec_alert with an empty id\n" + emptyId.describe());
        awaitRecord(emptyIdToken);
        // Alerts start as soon as they are accepted, so had the id-less one been launched
        // before, its record would be there by now.
        assertFalse(Files.exists(recordFile(rejectedToken)), "the alert rejected with -22 ran anyway");

        LrmdClient.Result emptyPath = LrmdClient.run(daemon, CLIENT_TIMEOUT, "alert", "e2e-empty-path", "",
                "10000");
        assertTrue(emptyPath.ok(), emptyPath.describe() + "\n" + daemon.diagnostics());
        assertEquals(0, emptyPath.getInt("alert_rc"), "exec_alert with an empty path\n" + emptyPath.describe());
        assertDaemonAnswers();
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Path agent(String name, String body) {
        Path script = alertDir.resolve(name + ".sh");
        try {
            Files.writeString(script, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    private static LrmdClient.Result alert(String id, Path path, int timeoutMs, Map<String, String> params) {
        List<String> args = new ArrayList<>(List.of("alert", id, path.toString(), Integer.toString(timeoutMs)));
        params.forEach((k, v) -> args.add(k + "=" + v));
        return LrmdClient.run(daemon, CLIENT_TIMEOUT, args.toArray(String[]::new));
    }

    private static Map<String, String> alertAndAwait(String id) {
        String token = UUID.randomUUID().toString();
        LrmdClient.Result r = alert(id, recorder, 10000, Map.of(TOKEN, token, "CRM_alert_kind", "node"));
        assertTrue(r.ok(), r.describe() + "\n" + daemon.diagnostics());
        return awaitRecord(token);
    }

    private static long sequenceOf(Map<String, String> env) {
        String s = env.get("CRM_alert_node_sequence");
        assertNotNull(s, "no CRM_alert_node_sequence: " + relevant(env));
        return Long.parseLong(s);
    }

    private static Path recordFile(String token) {
        return outDir.resolve("record-" + token);
    }

    /** Waits for the recording agent's output and parses its NUL-separated NAME=VALUE entries. */
    private static Map<String, String> awaitRecord(String token) {
        Path file = recordFile(token);
        if (!E2E.waitFor(() -> Files.exists(file), RECORD_WAIT, STEP)) {
            fail("the alert agent left no record " + file + " within " + RECORD_WAIT.toSeconds() + " s; "
                    + "files there: " + listing(outDir) + "\n" + daemon.diagnostics());
        }
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String entry : Files.readString(file, StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    /** The part of an agent's environment the tests look at (the rest is the daemon's own). */
    private static Map<String, String> relevant(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("e2e.") || k.startsWith("CRM_") || k.startsWith("OCF_") || k.equals(TOKEN)
                    || Character.isDigit(k.charAt(0))) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
        } catch (IOException e) {
            return "(cannot list " + dir + ": " + e + ")";
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Alert results are only logged, so the log is where a failure to run shows. */
    private static void assertLogged(java.util.function.Predicate<String> line, String what) {
        boolean seen = E2E.waitFor(() -> {
            try (Stream<String> lines = Files.lines(daemon.logFile(), StandardCharsets.UTF_8)) {
                return lines.anyMatch(line);
            } catch (IOException | UncheckedIOException e) {
                return false;
            }
        }, RECORD_WAIT, Duration.ofMillis(100));
        assertTrue(seen, "daemon log lacks " + what + "\n" + daemon.diagnostics());
    }

    private static void assertDaemonAnswers() {
        assertTrue(daemon.isAlive(), "daemon died\n" + daemon.diagnostics());
        LrmdClient.Result poke = LrmdClient.run(daemon, CLIENT_TIMEOUT, "poke");
        assertTrue(poke.ok(), "daemon no longer answers\n" + poke.describe() + "\n" + daemon.diagnostics());
    }
}
