package org.jremoted.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared plumbing of the end-to-end suite: where things live, how the daemon
 * under test is chosen, and bounded process execution.
 *
 * <p>The daemon command comes from the system property {@code jremoted.daemon}
 * or the environment variable {@code JREMOTED_DAEMON} (a command line split on
 * blanks), defaulting to {@code <project>/bin/jremoted}; pointing it at the C
 * {@code pacemaker-remoted} runs the very same tests against the reference.
 */
final class E2E {

    private static final AtomicInteger RUN_COUNTER = new AtomicInteger();

    private E2E() {
    }

    /** Project root: Surefire passes it, a run from the IDE uses the cwd. */
    static Path projectHome() {
        String home = System.getProperty("jremoted.home");
        return Path.of(home != null && !home.isBlank() ? home : ".").toAbsolutePath().normalize();
    }

    /**
     * The Maven build directory ({@code build.dir}), found from where the test
     * classes were loaded so that engineers building into private directories
     * do not share (and race on) the compiled client.
     */
    static Path buildDir() {
        try {
            Path classes = Path.of(E2E.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (classes.getFileName() != null && classes.getFileName().toString().equals("test-classes")) {
                return classes.getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the conventional location
        }
        return projectHome().resolve("target");
    }

    static String setting(String property, String envVar) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(envVar);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    static List<String> daemonCommand() {
        String configured = setting("jremoted.daemon", "JREMOTED_DAEMON");
        if (configured == null) {
            return List.of(projectHome().resolve("bin/jremoted").toString());
        }
        return List.of(configured.split("\\s+"));
    }

    /** True when the daemon under test is the upstream C daemon. */
    static boolean isCDaemon() {
        String first = daemonCommand().get(0);
        return Path.of(first).getFileName().toString().equals("pacemaker-remoted");
    }

    /**
     * Whether to run the daemon in a private network namespace. The C daemon
     * publishes abstract unix sockets (lrmd, cib_rw, ...) that are unique per
     * namespace, so two of them in one namespace collide; by default it gets
     * its own namespace, jremoted runs on loopback.
     */
    static boolean useNetns() {
        String v = setting("jremoted.e2e.netns", "JREMOTED_E2E_NETNS");
        if (v == null || v.equalsIgnoreCase("auto")) {
            return isCDaemon();
        }
        return Boolean.parseBoolean(v);
    }

    /** A fresh directory for one daemon run, kept after the run for post-mortems. */
    static Path newRunDir(String label) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = buildDir().resolve("e2e-runs").resolve(label + "-" + stamp + "-" + ProcessHandle.current().pid()
                + "-" + RUN_COUNTER.incrementAndGet());
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    static boolean canConnect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Polls until the condition holds; false if the deadline passed first. */
    static boolean waitFor(BooleanSupplier condition, Duration timeout, Duration step) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(step);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(" + file + " does not exist)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Outcome of one bounded child process. */
    record ProcResult(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr,
                      Duration elapsed) {
        String describe() {
            return "command " + command + (timedOut ? " TIMED OUT" : " exited " + exitCode)
                    + " after " + elapsed.toMillis() + " ms\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Runs a command to completion within the timeout (killed if it overruns),
     * stdin from /dev/null, output captured through files so a chatty child can
     * never block on a full pipe.
     */
    static ProcResult run(List<String> command, Map<String, String> env, Duration timeout, Path workDir) {
        Path out;
        Path err;
        try {
            Files.createDirectories(workDir);
            out = Files.createTempFile(workDir, "proc-", ".out");
            err = Files.createTempFile(workDir, "proc-", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // A null value removes an inherited variable.
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return fail("cannot start " + command + ": " + e);
        }
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        try {
            return new ProcResult(List.copyOf(command), finished ? p.exitValue() : -1, !finished,
                    Files.readString(out), Files.readString(err), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command that must succeed (used for setup such as ip netns). */
    static void runChecked(Path workDir, String... command) {
        ProcResult r = run(Arrays.asList(command), Map.of(), Duration.ofSeconds(30), workDir);
        if (r.timedOut() || r.exitCode() != 0) {
            fail("setup step failed: " + r.describe());
        }
    }
}
