package org.jremoted.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One running daemon (jremoted or the C pacemaker-remoted) with its own key,
 * port and log file, started in the foreground and stopped with SIGTERM.
 *
 * <p>In network-namespace mode the daemon runs in a namespace of its own that
 * is joined to the host by a veth pair, so the test JVM and the command-line
 * clients reach it at a private 10.231.x.y address without entering the
 * namespace.
 */
final class DaemonUnderTest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonUnderTest.class);
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path runDir;
    private final Path keyFile;
    private final byte[] key;
    private final Path logFile;
    private final String host;
    private final int port;
    private final String netns;
    private final Process process;

    private DaemonUnderTest(Path runDir, Path keyFile, byte[] key, Path logFile, String host, int port,
                            String netns, Process process) {
        this.runDir = runDir;
        this.keyFile = keyFile;
        this.key = key;
        this.logFile = logFile;
        this.host = host;
        this.port = port;
        this.netns = netns;
        this.process = process;
    }

    /** Starts a daemon and waits (bounded) until it accepts TCP connections. */
    static DaemonUnderTest start(String label) {
        return start(label, Map.of());
    }

    static DaemonUnderTest start(String label, Map<String, String> extraEnv) {
        return start(label, extraEnv, E2E.useNetns());
    }

    /**
     * @param inNetns in a network namespace of its own, whatever the run's setting: for tests that
     *                use the local IPC endpoints, whose names are global to a namespace
     */
    static DaemonUnderTest start(String label, Map<String, String> extraEnv, boolean inNetns) {
        Path runDir = E2E.newRunDir(label);
        byte[] key = new byte[256];
        new SecureRandom().nextBytes(key);
        Path keyFile = runDir.resolve("authkey");
        try {
            Files.write(keyFile, key);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path logFile = runDir.resolve("daemon.log");

        String netns = null;
        String host = "127.0.0.1";
        if (inNetns) {
            int a = ThreadLocalRandom.current().nextInt(256);
            int b = ThreadLocalRandom.current().nextInt(64) * 4;
            netns = "jre2e-" + ProcessHandle.current().pid() + "-" + a + "-" + b;
            host = setUpNetns(runDir, netns, a, b);
        }
        int port = netns != null ? 3121 : E2E.freePort(host);

        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        command.addAll(E2E.daemonCommand());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(runDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(runDir.resolve("daemon.stdout").toFile())
                .redirectError(runDir.resolve("daemon.stderr").toFile());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PCMK_remote_port", Integer.toString(port));
        env.put("PCMK_remote_address", host);
        env.put("PCMK_authkey_location", keyFile.toString());
        env.put("PCMK_logfile", logFile.toString());
        if (!E2E.isCDaemon() && System.getenv("JREMOTED_JAR") == null) {
            // bin/jremoted looks for <project>/target/jremoted.jar; a build into
            // another build.dir must still test the jar it just built.
            Path jar = E2E.buildDir().resolve("jremoted.jar");
            if (Files.isRegularFile(jar)) {
                env.put("JREMOTED_JAR", jar.toString());
            }
        }
        env.putAll(extraEnv);
        pb.environment().putAll(env);
        // The tests decide about TLS versions per client; never inherit ours.
        pb.environment().remove("PCMK_tls_priorities");
        LOG.info("starting daemon {} with {} (run dir {})", command, env, runDir);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            if (netns != null) {
                tearDownNetns(runDir, netns);
            }
            return fail("cannot start the daemon " + command + ": " + e
                    + " (set -Djremoted.daemon=... or JREMOTED_DAEMON to choose another daemon)");
        }
        DaemonUnderTest d = new DaemonUnderTest(runDir, keyFile, key, logFile, host, port, netns, p);
        String h = host;
        boolean up = E2E.waitFor(() -> !p.isAlive() || E2E.canConnect(h, port), START_TIMEOUT,
                Duration.ofMillis(50));
        if (!up || !p.isAlive()) {
            String why = !p.isAlive() ? "exited with " + p.exitValue() + " before listening"
                    : "did not listen on " + host + ":" + port + " within " + START_TIMEOUT.toSeconds() + " s";
            String diag = d.diagnostics();
            d.close();
            fail("daemon " + command + " " + why + "\n" + diag);
        }
        LOG.info("daemon listening on {}:{} (pid {})", host, port, p.pid());
        return d;
    }

    /** Creates namespace + veth pair; returns the daemon-side address. */
    private static String setUpNetns(Path runDir, String netns, int a, int b) {
        String hostIf = "je" + a + "x" + b + "h";
        String nsIf = "je" + a + "x" + b + "n";
        String hostAddr = "10.231." + a + "." + (b + 1);
        String nsAddr = "10.231." + a + "." + (b + 2);
        try {
            E2E.runChecked(runDir, "ip", "netns", "add", netns);
            E2E.runChecked(runDir, "ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
            E2E.runChecked(runDir, "ip", "link", "set", nsIf, "netns", netns);
            E2E.runChecked(runDir, "ip", "addr", "add", hostAddr + "/30", "dev", hostIf);
            E2E.runChecked(runDir, "ip", "link", "set", hostIf, "up");
            E2E.runChecked(runDir, "ip", "netns", "exec", netns, "ip", "addr", "add", nsAddr + "/30", "dev", nsIf);
            E2E.runChecked(runDir, "ip", "netns", "exec", netns, "ip", "link", "set", nsIf, "up");
            E2E.runChecked(runDir, "ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up");
        } catch (AssertionError e) {
            tearDownNetns(runDir, netns);
            E2E.run(List.of("ip", "link", "del", hostIf), Map.of(), Duration.ofSeconds(10), runDir);
            throw e;
        }
        return nsAddr;
    }

    private static void tearDownNetns(Path runDir, String netns) {
        // Deleting the namespace destroys its veth end, which takes the peer with it.
        E2E.run(List.of("ip", "netns", "del", netns), Map.of(), Duration.ofSeconds(10), runDir);
    }

    /** The daemon's network namespace, null when it runs in ours. */
    String netns() {
        return netns;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    byte[] key() {
        return key.clone();
    }

    Path keyFile() {
        return keyFile;
    }

    Path runDir() {
        return runDir;
    }

    Path logFile() {
        return logFile;
    }

    long pid() {
        return process.pid();
    }

    /** The whole detail log so far (empty when it cannot be read). */
    String log() {
        try {
            return java.nio.file.Files.readString(logFile, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Log tails for assertion messages, so a failure explains itself. */
    String diagnostics() {
        return "--- daemon log (" + logFile + ") ---\n" + E2E.tail(logFile, 40)
                + "\n--- daemon stderr ---\n" + E2E.tail(runDir.resolve("daemon.stderr"), 40)
                + "\n--- daemon stdout ---\n" + E2E.tail(runDir.resolve("daemon.stdout"), 20);
    }

    /** Outcome of a SIGTERM: how long the daemon took to exit and with what. */
    record Stop(boolean exited, int exitCode, Duration elapsed) {
    }

    /**
     * Sends SIGTERM (Process.destroy on Linux) and waits; escalates to SIGKILL
     * after the timeout so no daemon outlives the test class.
     */
    Stop stop(Duration timeout) {
        if (!process.isAlive()) {
            return new Stop(true, process.exitValue(), Duration.ZERO);
        }
        List<ProcessHandle> children = process.descendants().toList();
        long start = System.nanoTime();
        process.destroy();
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (!exited) {
            LOG.warn("daemon pid {} ignored SIGTERM for {} ms, killing it", process.pid(), elapsed.toMillis());
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Agents the daemon started must not outlive it either.
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        return new Stop(exited, exited ? process.exitValue() : -1, elapsed);
    }

    @Override
    public void close() {
        try {
            stop(STOP_TIMEOUT);
        } finally {
            if (netns != null) {
                tearDownNetns(runDir, netns);
            }
        }
    }
}
