package org.jremoted.agents.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.RunningAction;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs real shell-script agents from a private OCF tree through {@link OcfAgent}. */
class OcfAgentTest {

    @TempDir
    Path tmp;

    private Path root;
    private Path agents;
    private Path cwd;
    private OcfAgent ocf;
    private final List<Long> leftovers = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("ocf");
        agents = root.resolve("resource.d");
        Files.createDirectories(agents.resolve("test"));
        cwd = Files.createDirectories(tmp.resolve("cores"));
        ocf = agent(settings(ChildSettings.OUTPUT_LIMIT));
    }

    @AfterEach
    void killLeftovers() {
        for (long pid : leftovers) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private ChildSettings settings(long limit) {
        Map<String, String> inherited = new HashMap<>();
        inherited.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        inherited.put("INHERITED_VAR", "from daemon");
        inherited.put("NOTIFY_SOCKET", "/run/systemd/notify");
        inherited.put("PWD", "/somewhere/else");
        Map<String, String> env = ChildSettings.daemonEnvironment(inherited, "/var/log/test.log", null, true);
        return new ChildSettings(env, cwd, ChildSettings.DAEMON_UMASK, limit, tmp);
    }

    private OcfAgent agent(ChildSettings s) {
        return new OcfAgent(new ChildLauncher(s), List.of(tmp.resolve("empty"), agents), root,
                tmp.resolve("secrets"));
    }

    private Path script(String type, String body) throws IOException {
        Path p = agents.resolve("test").resolve(type);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static AgentAction action(String type, String name, long timeoutMs, Map<String, String> params) {
        return new AgentAction("rsc1", "ocf", "test", type, name, 0, timeoutMs, params);
    }

    private static AgentResult await(RunningAction r) throws Exception {
        return r.result().get(60, TimeUnit.SECONDS);
    }

    private AgentResult run(String type, Map<String, String> params) throws Exception {
        return await(ocf.start(action(type, "monitor", 20000, params)));
    }

    @Test
    void environmentArgumentsAndProcessSetup() throws Exception {
        Path dump = tmp.resolve("dump");
        // The agent ends by exec'ing sleep, so its process state can be inspected from outside
        // without the shell's own fork/wait bookkeeping (saved fds, blocked signals) in the way.
        Path script = script("envdump", """
                cat /proc/$$/environ > "$OCF_RESKEY_dump.env"
                echo "$1" > "$OCF_RESKEY_dump.arg"
                echo $$ > "$OCF_RESKEY_dump.pid"
                exec sleep 1000""");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("dump", dump.toString());
        params.put("with space", "a value with spaces");
        params.put("utf", "grüße ✓");
        params.put("1digit", "x");
        params.put("CRM_meta_timeout", "20000");
        params.put("crm_feature_set", "3.16.2");
        params.put("OCF_CHECK_LEVEL", "10");
        RunningAction running = ocf.start(new AgentAction("clone1:0", "ocf", "test", "envdump", "start", 0,
                0, params));
        long pid = readPid(Path.of(dump + ".pid"));
        Path proc = Path.of("/proc/" + pid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(proc.resolve("cmdline")).startsWith("sleep")) {
            assertTrue(System.nanoTime() < deadline, "agent never exec'd sleep");
            Thread.sleep(10);
        }
        String stat = Files.readString(proc.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(String.valueOf(pid), fields[2], "the agent leads its own process group");
        String status = Files.readString(proc.resolve("status"));
        assertTrue(status.contains("\nUmask:\t0026\n"), status);
        assertTrue(status.matches("(?s).*\nSigBlk:\\s+0+\n.*"), "signals blocked in the agent: " + status);
        assertTrue(status.matches("(?s).*\nSigIgn:\\s+0+\n.*"), "signals ignored in the agent: " + status);
        assertEquals(cwd.toRealPath(), Files.readSymbolicLink(proc.resolve("cwd")));
        try (var fds = Files.list(proc.resolve("fd"))) {
            for (Path fdPath : fds.toList()) {
                int fd = Integer.parseInt(fdPath.getFileName().toString());
                String target;
                try {
                    target = Files.readSymbolicLink(fdPath).toString();
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                if (fd == 0) {
                    assertEquals("/dev/null", target);
                } else if (fd <= 2) {
                    assertTrue(target.startsWith("pipe:"), fd + " -> " + target);
                } else {
                    assertEquals(script.toString(), target, "descriptor leaked into the agent: " + fd + " -> " + target);
                }
            }
        }
        running.cancel();
        assertEquals(new AgentResult(0, ExecutionStatus.CANCELLED, null, null), await(running));

        Map<String, String> env = new HashMap<>();
        for (String entry : Files.readString(Path.of(dump + ".env"), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        assertEquals(dump.toString(), env.get("OCF_RESKEY_dump"));
        assertEquals("a value with spaces", env.get("OCF_RESKEY_with space"));
        assertEquals("grüße ✓", env.get("OCF_RESKEY_utf"));
        assertEquals("x", env.get("OCF_RESKEY_1digit"));
        assertEquals("20000", env.get("OCF_RESKEY_CRM_meta_timeout"));
        assertEquals("3.16.2", env.get("OCF_RESKEY_crm_feature_set"));
        assertEquals("10", env.get("OCF_CHECK_LEVEL"));
        assertFalse(env.containsKey("OCF_RESKEY_OCF_CHECK_LEVEL"));
        assertEquals("1", env.get("OCF_RA_VERSION_MAJOR"));
        assertEquals("1", env.get("OCF_RA_VERSION_MINOR"));
        assertEquals(root.toString(), env.get("OCF_ROOT"));
        assertEquals("ocf-exit-reason:", env.get("OCF_EXIT_REASON_PREFIX"));
        assertEquals("clone1:0", env.get("OCF_RESOURCE_INSTANCE"));
        assertEquals("envdump", env.get("OCF_RESOURCE_TYPE"));
        assertEquals("test", env.get("OCF_RESOURCE_PROVIDER"));
        assertEquals("pacemaker-remoted", env.get("PCMK_service"));
        assertEquals("from daemon", env.get("INHERITED_VAR"));
        assertEquals("/var/log/test.log", env.get("HA_LOGFILE"));
        assertEquals("/var/log/test.log", env.get("HA_DEBUGLOG"));
        assertEquals("daemon", env.get("HA_LOGFACILITY"));
        assertEquals(cwd.toString(), env.get("PWD"));
        assertFalse(env.containsKey("NOTIFY_SOCKET"));
        assertFalse(env.containsKey("HA_RSCTMP"));

        assertEquals("start", Files.readString(Path.of(dump + ".arg")).trim());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 137, 189, 190, 191, 192, 200, 255})
    void exitCodeMapping(int code) throws Exception {
        script("exit" + code, "exit " + code);
        AgentResult r = run("exit" + code, Map.of());
        int expected = (code <= 9 || code == 190 || code == 191) ? code : 1;
        assertEquals(expected, r.exitStatus());
        assertEquals(ExecutionStatus.DONE, r.executionStatus(), "a normal exit, even with 137, is not a signal");
        assertNull(r.exitReason());
    }

    @Test
    void exitReasonLastLineWinsAndStderrIsTheOutput() throws Exception {
        script("reason", """
                echo to-stdout
                echo 'ocf-exit-reason:first reason' >&2
                echo 'some text ocf-exit-reason:second reason' >&2
                echo trailing >&2
                exit 6""");
        AgentResult r = run("reason", Map.of());
        assertEquals(6, r.exitStatus());
        assertEquals("second reason", r.exitReason());
        assertEquals("ocf-exit-reason:first reason\nsome text ocf-exit-reason:second reason\ntrailing\n", r.output());
    }

    @Test
    void exitReasonTruncatedTo128Bytes() throws Exception {
        String longReason = "x".repeat(200);
        script("longreason", "printf 'ocf-exit-reason:" + longReason + "' >&2; exit 1");
        AgentResult r = run("longreason", Map.of());
        assertEquals("x".repeat(128), r.exitReason());
    }

    @Test
    void emptyExitReasonIgnoredAndStdoutUsedWithoutStderr() throws Exception {
        script("stdoutonly", "echo hello; exit 0");
        AgentResult r = run("stdoutonly", Map.of());
        assertEquals("hello\n", r.output());
        assertNull(r.exitReason());

        script("emptyreason", "echo 'ocf-exit-reason:' >&2; exit 1");
        assertNull(run("emptyreason", Map.of()).exitReason());

        script("silent", "exit 0");
        assertNull(run("silent", Map.of()).output());
    }

    @Test
    void outputIsCappedAndTheRestDiscarded() throws Exception {
        OcfAgent small = agent(settings(1000));
        script("chatty", "head -c 50000 /dev/zero | tr '\\0' a; echo 'ocf-exit-reason:r' >&2; exit 0");
        AgentResult r = await(small.start(action("chatty", "monitor", 20000, Map.of())));
        assertEquals(0, r.exitStatus());
        assertEquals("ocf-exit-reason:r\n", r.output(), "stderr still preferred");

        script("chatty2", "head -c 50000 /dev/zero | tr '\\0' a; exit 0");
        r = await(small.start(action("chatty2", "monitor", 20000, Map.of())));
        assertEquals("a".repeat(1000), r.output());
    }

    @Test
    void defaultCapIsTenMebibytes() throws Exception {
        script("huge", "head -c 12000000 /dev/zero | tr '\\0' b; exit 3");
        AgentResult r = run("huge", Map.of());
        assertEquals(3, r.exitStatus());
        assertEquals(10 * 1024 * 1024, r.output().length());
    }

    private long readPid(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String s = Files.readString(file).trim();
                if (!s.isEmpty()) {
                    long pid = Long.parseLong(s);
                    leftovers.add(pid);
                    return pid;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("agent did not write " + file);
    }

    /** Gone, or a zombie waiting for whoever inherited it. */
    private static boolean dead(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        }
    }

    private static boolean eventuallyDead(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (dead(pid)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void aTimeoutAtTheLargestLongMeansNeverRatherThanAnImmediateTimeout() throws Exception {
        script("slowish", "sleep 0.3; exit 0");
        AgentResult r = await(ocf.start(action("slowish", "start", Long.MAX_VALUE, Map.of())));
        assertEquals(ExecutionStatus.DONE, r.executionStatus(), r.toString());
        assertEquals(0, r.exitStatus());
    }

    @Test
    void timeoutKillsTheWholeProcessGroup() throws Exception {
        Path pids = tmp.resolve("pids");
        script("hang", """
                sleep 1000 &
                echo $! > "$OCF_RESKEY_dir/child"
                echo $$ > "$OCF_RESKEY_dir/agent"
                echo partial output
                echo 'ocf-exit-reason:not to be parsed' >&2
                wait""");
        Files.createDirectories(pids);
        AgentResult r = await(ocf.start(action("hang", "start", 1500, Map.of("dir", pids.toString()))));
        assertEquals(new AgentResult(1, ExecutionStatus.TIMEOUT, "ocf-exit-reason:not to be parsed\n",
                "Resource agent did not complete within 1.500s"), r);
        long agent = readPid(pids.resolve("agent"));
        long child = readPid(pids.resolve("child"));
        assertTrue(eventuallyDead(agent), "agent still alive");
        assertTrue(eventuallyDead(child), "grandchild in the agent's process group still alive");
    }

    @Test
    void onFailBlockKillsOnlyTheAgent() throws Exception {
        Path pids = Files.createDirectories(tmp.resolve("pids"));
        script("hangblock", """
                sleep 1000 &
                echo $! > "$OCF_RESKEY_dir/child"
                echo $$ > "$OCF_RESKEY_dir/agent"
                wait""");
        AgentResult r = await(ocf.start(action("hangblock", "start", 1000,
                Map.of("dir", pids.toString(), "CRM_meta_on_fail", "Block"))));
        assertEquals(ExecutionStatus.TIMEOUT, r.executionStatus());
        assertEquals("Resource agent did not complete within 1000ms", r.exitReason());
        long agent = readPid(pids.resolve("agent"));
        long child = readPid(pids.resolve("child"));
        assertTrue(eventuallyDead(agent));
        assertFalse(dead(child), "with on-fail=block the rest of the group is left alone");
    }

    @Test
    void cancelKillsTheGroupAndReportsCancelled() throws Exception {
        Path pids = Files.createDirectories(tmp.resolve("pids"));
        script("longmonitor", """
                sleep 1000 &
                echo $! > "$OCF_RESKEY_dir/child"
                echo $$ > "$OCF_RESKEY_dir/agent"
                wait""");
        RunningAction running = ocf.start(new AgentAction("rsc1", "ocf", "test", "longmonitor", "monitor", 10000,
                0, Map.of("dir", pids.toString())));
        long agent = readPid(pids.resolve("agent"));
        long child = readPid(pids.resolve("child"));
        assertFalse(running.result().isDone());
        running.cancel();
        AgentResult r = await(running);
        assertEquals(new AgentResult(0, ExecutionStatus.CANCELLED, null, null), r);
        assertTrue(eventuallyDead(agent));
        assertTrue(eventuallyDead(child));
        running.cancel(); // no effect after completion
    }

    @Test
    void cancelImmediatelyAfterStart() throws Exception {
        script("sleeper", "sleep 1000");
        RunningAction running = ocf.start(action("sleeper", "monitor", 0, Map.of()));
        running.cancel();
        AgentResult r = await(running);
        assertEquals(0, r.exitStatus());
        assertEquals(ExecutionStatus.CANCELLED, r.executionStatus());
    }

    @Test
    void deathBySignalIsAnError() throws Exception {
        script("segv", "echo before >&2; kill -SEGV $$; sleep 5");
        AgentResult r = run("segv", Map.of());
        assertEquals(new AgentResult(1, ExecutionStatus.ERROR, "before\n",
                "Resource agent interrupted by Segmentation fault signal"), r);
    }

    @Test
    void missingAgentIsNotInstalled() throws Exception {
        AgentResult r = run("NoSuchAgent", Map.of());
        assertEquals(AgentResult.error(5, ExecutionStatus.NOT_INSTALLED, "NoSuchAgent: No such file or directory"), r);
    }

    @Test
    void agentFoundInLaterSearchPathDirectory() throws Exception {
        Path other = tmp.resolve("other");
        Files.createDirectories(other.resolve("prov"));
        Path p = other.resolve("prov").resolve("second");
        Files.writeString(p, "#!/bin/sh\nexit 8\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        OcfAgent two = new OcfAgent(new ChildLauncher(settings(1000)), List.of(agents, other), root, tmp);
        AgentResult r = await(two.start(new AgentAction("r", "ocf", "prov", "second", "monitor", 0, 20000, Map.of())));
        assertEquals(8, r.exitStatus());
    }

    @Test
    void nonExecutableAgentCannotBeExecuted() throws Exception {
        Path p = script("noexec", "exit 0");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        AgentResult r = run("noexec", Map.of());
        assertEquals(AgentResult.error(4, ExecutionStatus.DONE, "Child process was unable to execute file"), r);
    }

    @Test
    void brokenInterpreterIsNotInstalled() throws Exception {
        Path p = agents.resolve("test").resolve("badinterp");
        Files.writeString(p, "#!/no/such/interpreter\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        AgentResult r = run("badinterp", Map.of());
        assertEquals(AgentResult.error(5, ExecutionStatus.DONE, "Child process was unable to execute file"), r);
    }

    @Test
    void scriptWithoutInterpreterLineRunsWithShell() throws Exception {
        Path p = agents.resolve("test").resolve("nohashbang");
        Files.writeString(p, "echo \"$1 via sh\"\nexit 7\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        AgentResult r = run("nohashbang", Map.of());
        assertEquals(new AgentResult(7, ExecutionStatus.DONE, "monitor via sh\n", null), r);
    }

    @Test
    void namesThatEscapeTheSearchPathAreRejected() throws Exception {
        // A real agent reachable through "..", to prove rejection is not just "not found".
        script("target", "exit 0");
        for (String[] pt : new String[][] {{"..", "resource.d/test/target"}, {"test/../test", "target"},
                {"test", "../test/target"}, {"test", ".."}, {".", "target"}, {"test", "a/b"}}) {
            AgentResult r = await(ocf.start(new AgentAction("r", "ocf", pt[0], pt[1], "monitor", 0, 20000,
                    Map.of())));
            assertEquals(5, r.exitStatus(), String.join("/", pt));
            assertEquals(ExecutionStatus.ERROR_FATAL, r.executionStatus(), String.join("/", pt));
            assertTrue(r.exitReason().startsWith("Invalid OCF agent name"), r.exitReason());
        }
    }

    @Test
    void parameterTooLargeForTheEnvironmentIsAClearError() throws Exception {
        script("ok", "exit 0");
        AgentResult r = run("ok", Map.of("big", "v".repeat(200 * 1024)));
        assertEquals(1, r.exitStatus());
        assertEquals(ExecutionStatus.ERROR, r.executionStatus());
        assertNotNull(r.exitReason());
        assertTrue(r.exitReason().contains("OCF_RESKEY_big") && r.exitReason().contains("too large"), r.exitReason());
        // Just under the single-variable limit still runs.
        int fits = ChildLauncher.MAX_ARG_STRLEN - 1 - "OCF_RESKEY_big=".length();
        assertEquals(0, run("ok", Map.of("big", "v".repeat(fits))).exitStatus());
    }

    @Test
    void daemonisedGrandchildHoldingStdoutDoesNotDelayTheResult() throws Exception {
        Path pidFile = tmp.resolve("daemon.pid");
        script("daemonizer", """
                sleep 1000 &
                echo $! > "$OCF_RESKEY_pidfile"
                echo started
                exit 0""");
        long t0 = System.nanoTime();
        AgentResult r = await(ocf.start(action("daemonizer", "start", 60000, Map.of("pidfile", pidFile.toString()))));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        long daemon = readPid(pidFile);
        assertEquals(new AgentResult(0, ExecutionStatus.DONE, "started\n", null), r);
        assertFalse(dead(daemon), "the grandchild is expected to be still running");
        assertTrue(elapsedMs < 30000, "result took " + elapsedMs + " ms");
    }

    @Test
    void manyConcurrentAgentsEachGetTheirOwnResult() throws Exception {
        script("echoer", """
                i=0
                while [ $i -lt 200 ]; do echo "$OCF_RESOURCE_INSTANCE line $i"; i=$((i+1)); done
                echo "ocf-exit-reason:$OCF_RESOURCE_INSTANCE" >&2
                exit $OCF_RESKEY_rc""");
        List<RunningAction> running = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            running.add(ocf.start(new AgentAction("r" + i, "ocf", "test", "echoer", "monitor", 0, 60000,
                    Map.of("rc", String.valueOf(i % 10)))));
        }
        for (int i = 0; i < 40; i++) {
            AgentResult r = await(running.get(i));
            assertEquals(i % 10, r.exitStatus());
            assertEquals("r" + i, r.exitReason());
        }
    }

    @Test
    void spawnSetupFollowsEachAgentsPipesAndWorkingDirectory() throws Exception {
        // The spawn set-up is kept while the pipe numbers and the directory stay the same: overlap
        // two agents so that the second gets other pipe numbers, then alternate launchers with
        // different directories, and check each agent's output and directory.
        script("where", "sleep \"$OCF_RESKEY_nap\"; pwd -P; echo \"$OCF_RESOURCE_INSTANCE\" >&2");
        Path otherCwd = Files.createDirectories(tmp.resolve("other-cores"));
        OcfAgent other = new OcfAgent(new ChildLauncher(settings(ChildSettings.OUTPUT_LIMIT)
                .withWorkingDirectory(otherCwd)), List.of(agents), root, tmp.resolve("secrets"));
        for (int round = 0; round < 3; round++) {
            RunningAction slow = ocf.start(new AgentAction("slow" + round, "ocf", "test", "where", "monitor", 0,
                    20000, Map.of("nap", "0.3")));
            RunningAction quick = ocf.start(new AgentAction("quick" + round, "ocf", "test", "where", "monitor",
                    0, 20000, Map.of("nap", "0")));
            assertEquals("quick" + round + "\n", await(quick).output(), "stderr of the quick agent");
            assertEquals("slow" + round + "\n", await(slow).output(), "stderr of the slow agent");
            script("whereonly", "pwd -P");
            for (OcfAgent a : List.of(ocf, other, ocf)) {
                Path expected = (a == ocf ? cwd : otherCwd).toRealPath();
                AgentResult r = await(a.start(new AgentAction("alone" + round, "ocf", "test", "whereonly",
                        "monitor", 0, 20000, Map.of())));
                assertEquals(expected + "\n", r.output());
            }
        }
    }

    @Test
    void startReturnsImmediately() throws Exception {
        script("slowish", "sleep 2; exit 0");
        long t0 = System.nanoTime();
        RunningAction r = ocf.start(action("slowish", "monitor", 20000, Map.of()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 50, "start() took " + ms + " ms");
        assertFalse(r.result().isDone());
        assertEquals(0, await(r).exitStatus());
    }

    @Test
    void cibSecretsAreSubstituted() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("secrets").resolve("rsc1"));
        Files.writeString(dir.resolve("passwd"), "s3cret  \nsecond line\n");
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest("s3cret".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(dir.resolve("passwd.sign"), md5 + "\n");
        script("secret", "printf '%s' \"$OCF_RESKEY_passwd\"; exit 0");
        assertEquals("s3cret", run("secret", Map.of("passwd", "lrm://")).output());

        Files.writeString(dir.resolve("passwd.sign"), "0123\n");
        assertEquals(new AgentResult(2, ExecutionStatus.DONE, null, "Unable to load CIB secrets"),
                run("secret", Map.of("passwd", "lrm://")));
        AgentResult stop = await(ocf.start(action("secret", "stop", 20000, Map.of("passwd", "lrm://"))));
        assertEquals("lrm://", stop.output(), "stop proceeds with the unsubstituted value");
    }

    @Test
    void realPacemakerDummyAgent() throws Exception {
        Path dummy = Path.of("/usr/lib/ocf/resource.d/pacemaker/Dummy");
        assertTrue(Files.isExecutable(dummy), "needs the pacemaker package (apt-get install pacemaker)");
        OcfAgent real = new OcfAgent(new ChildLauncher(settings(ChildSettings.OUTPUT_LIMIT)),
                List.of(Path.of("/usr/lib/ocf/resource.d")), Path.of("/usr/lib/ocf"), tmp);
        Map<String, String> params = Map.of("state", tmp.resolve("dummy.state").toString(),
                "CRM_meta_timeout", "20000");
        java.util.function.Function<String, AgentResult> op = name -> {
            try {
                return await(real.start(new AgentAction("dummy1", "ocf", "pacemaker", "Dummy", name, 0, 20000, params)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(7, op.apply("monitor").exitStatus(), "probe before start");
        assertEquals(0, op.apply("start").exitStatus());
        assertEquals(0, op.apply("monitor").exitStatus());
        assertEquals(0, op.apply("stop").exitStatus());
        AgentResult after = op.apply("monitor");
        assertEquals(7, after.exitStatus());
        assertEquals(ExecutionStatus.DONE, after.executionStatus());
        AgentResult meta = op.apply("meta-data");
        assertEquals(0, meta.exitStatus());
        assertTrue(meta.output().contains("<resource-agent name=\"Dummy\""), meta.output());
    }
}
