package org.jremoted.e2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The daemon loads nothing its configuration does not use (issue 16): dbus-java and our systemd
 * class are loaded only once a systemd resource runs, and the agent threads start with the first
 * agent. The JVM lists every class it loads ({@code -Xlog:class+load}, passed through
 * {@code JREMOTED_JAVA_OPTS}), and Linux names every thread ({@code /proc/PID/task/N/comm}).
 * The last step runs a systemd resource and checks that D-Bus does show up then, so the test
 * cannot pass because the class list stayed empty.
 */
@Timeout(180)
class LazyLoadingE2ETest {

    private static final Duration T = Duration.ofSeconds(60);
    private static final String DBUS = "org.freedesktop.dbus.";
    private static final String OUR_SYSTEMD = "org.jremoted.agents.systemd.";

    @Test
    void dbusAndTheAgentThreadsAreLoadedOnlyWhenSomethingNeedsThem() throws IOException {
        assumeFalse(E2E.isCDaemon(), "class loading is a question about jremoted's JVM");
        LrmdClient.binary();
        Path dir = E2E.newRunDir("lazy-loading-files");
        Path classLog = dir.resolve("classes.log");
        Path script = dir.resolve("lazy-lsb");
        Files.writeString(script, "#!/bin/sh\n# LSB status 3: not running\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (DaemonUnderTest daemon = DaemonUnderTest.start("lazy-loading",
                Map.of("JREMOTED_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog))) {
            assertOk(LrmdClient.run(daemon, T, "connect"), "sign-on", daemon);
            assertTrue(Files.size(classLog) > 0, "the JVM wrote no class list to " + classLog);
            List<String> idle = threads(daemon);
            assertFalse(idle.stream().anyMatch(n -> n.startsWith("agent-io")),
                    "an agent thread runs before any agent: " + idle);
            assertFalse(idle.stream().anyMatch(n -> n.startsWith("systemd-")), idle.toString());

            LrmdClient.Result ocf = LrmdClient.run(daemon, T, "-w", "30000", "exec", "lazy-ocf", "ocf", "pacemaker",
                    "Dummy", "monitor", "0", "20000");
            assertOk(ocf, "ocf probe", daemon);
            assertEquals(7, ocf.getInt("exec_rc"), ocf.describe());
            LrmdClient.Result lsb = LrmdClient.run(daemon, T, "-w", "30000", "exec", "lazy-lsb", "lsb", "-",
                    script.toString(), "monitor", "0", "20000");
            assertOk(lsb, "lsb probe", daemon);
            assertEquals(7, lsb.getInt("exec_rc"), lsb.describe());
            // service: with an init script is LSB, decided without asking systemd
            LrmdClient.Result service = LrmdClient.run(daemon, T, "-w", "30000", "exec", "lazy-service", "service",
                    "-", script.toString(), "monitor", "0", "20000");
            assertOk(service, "service probe", daemon);
            assertEquals(7, service.getInt("exec_rc"), service.describe());

            List<String> afterAgents = loaded(classLog, DBUS, OUR_SYSTEMD);
            assertEquals(List.of(), afterAgents, "D-Bus or systemd classes loaded although no systemd resource ran");
            List<String> running = threads(daemon);
            assertTrue(running.stream().anyMatch(n -> n.startsWith("agent-io")), running.toString());
            assertFalse(running.stream().anyMatch(n -> n.startsWith("systemd-")), running.toString());

            // Whether this host has a system bus or not, the systemd class answers, and needs D-Bus.
            LrmdClient.Result systemd = LrmdClient.run(daemon, T, "-w", "30000", "exec", "lazy-systemd", "systemd",
                    "-", "jremoted-lazy-loading-none", "monitor", "0", "20000");
            assertOk(systemd, "systemd probe", daemon);
            assertFalse(loaded(classLog, DBUS).isEmpty(), "no dbus-java class after a systemd resource ran: "
                    + "the class list does not show what it should");
            assertFalse(loaded(classLog, OUR_SYSTEMD).isEmpty(), "no systemd class after a systemd resource ran");
        }
    }

    private static void assertOk(LrmdClient.Result r, String what, DaemonUnderTest daemon) {
        assertTrue(r.ok(), what + " did not complete\n" + r.describe() + "\n" + daemon.diagnostics());
    }

    /** Classes in the JVM's class+load log whose names start with one of the prefixes. */
    private static List<String> loaded(Path classLog, String... prefixes) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(classLog)) {
            // [0.383s][info][class,load] com.example.Name source: ...
            int at = line.indexOf("] ", line.indexOf("class,load"));
            if (at < 0) {
                continue;
            }
            String name = line.substring(at + 2).split(" ", 2)[0];
            for (String p : prefixes) {
                if (name.startsWith(p)) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    /** The daemon's thread names as Linux shows them (Java names, cut to 15 bytes). */
    private static List<String> threads(DaemonUnderTest daemon) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(daemon.pid()),
                "task"))) {
            for (Path task : tasks) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }
}
