package org.jremoted.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code src/test/c/lrmd-client}, our scripted client built on
 * Pacemaker's own client library, against a daemon under test.
 *
 * <p>The binary is built on first use; a build failure fails the calling test
 * with the compiler's output (the suite must never pass by skipping the real
 * client).
 */
final class LrmdClient {

    private static Path binary;

    private LrmdClient() {
    }

    static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        Path outDir = E2E.buildDir().resolve("e2e-client");
        Path source = E2E.projectHome().resolve("src/test/c");
        Path bin = outDir.resolve("lrmd-client");
        E2E.ProcResult r = E2E.run(List.of("make", "-C", source.toString(), "OUT=" + outDir), Map.of(),
                Duration.ofMinutes(3), outDir);
        if (r.timedOut() || r.exitCode() != 0 || !Files.isExecutable(bin)) {
            fail("building the Pacemaker client-library test client (make -C " + source + ") failed; "
                    + "see the compiler output below (it needs build-essential, pkg-config, pacemaker-dev "
                    + "and libglib2.0-dev, which scripts/test.sh installs)\n" + r.describe());
        }
        binary = bin;
        return bin;
    }

    /** What one run printed, keyed by the key=value lines. */
    record Result(E2E.ProcResult proc, Map<String, String> values, List<String> lines) {
        boolean ok() {
            return !proc.timedOut() && proc.exitCode() == 0 && "1".equals(values.get("ok"));
        }

        String get(String key) {
            return values.get(key);
        }

        int getInt(String key) {
            String v = values.get(key);
            if (v == null) {
                fail("lrmd-client printed no '" + key + "'\n" + proc.describe());
            }
            return Integer.parseInt(v);
        }

        String describe() {
            return proc.describe();
        }
    }

    /** Environment the client library needs for this daemon, plus extras. */
    static Map<String, String> env(DaemonUnderTest daemon, Path keyFile, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PCMK_authkey_location", keyFile.toString());
        env.put("PCMK_remote_port", Integer.toString(daemon.port()));
        env.putAll(extra);
        return env;
    }

    static Result run(DaemonUnderTest daemon, Duration timeout, String... args) {
        return run(daemon, daemon.keyFile(), Map.of(), timeout, args);
    }

    static Result run(DaemonUnderTest daemon, Path keyFile, Map<String, String> extraEnv, Duration timeout,
                      String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-H", daemon.host(),
                "-p", Integer.toString(daemon.port())));
        Collections.addAll(cmd, args);
        Map<String, String> env = new LinkedHashMap<>(env(daemon, keyFile, extraEnv));
        // An inherited priority string would silently change what the test means.
        env.putIfAbsent("PCMK_tls_priorities", null);
        E2E.ProcResult r = E2E.run(cmd, env, timeout, daemon.runDir().resolve("clients"));
        return parse(r);
    }

    static Result parse(E2E.ProcResult r) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = r.stdout().lines().toList();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.substring(0, eq).contains(" ")) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Result(r, values, lines);
    }

    /** A client left running in the background (the watch scenario). */
    static final class Background implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;
        private final List<String> command;
        private final long started = System.nanoTime();

        private Background(Process process, Path out, Path err, List<String> command) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.command = command;
        }

        String stdout() {
            try {
                return Files.readString(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Result await(Duration timeout) {
            boolean done;
            try {
                done = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (!done) {
                process.destroyForcibly();
            }
            try {
                return parse(new E2E.ProcResult(command, done ? process.exitValue() : -1, !done,
                        Files.readString(out), Files.readString(err),
                        Duration.ofNanos(System.nanoTime() - started)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    static Background start(DaemonUnderTest daemon, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-H", daemon.host(),
                "-p", Integer.toString(daemon.port())));
        Collections.addAll(cmd, args);
        return start(daemon, cmd);
    }

    /**
     * A client of the daemon's local executor endpoint ({@code -L}), run in the daemon's network
     * namespace (where its libqb names are), left running in the background.
     */
    static Background startLocal(DaemonUnderTest daemon, String... args) {
        List<String> cmd = new ArrayList<>();
        if (daemon.netns() != null) {
            cmd.addAll(List.of("ip", "netns", "exec", daemon.netns()));
        }
        cmd.addAll(List.of(binary().toString(), "-L"));
        Collections.addAll(cmd, args);
        return start(daemon, cmd);
    }

    private static Background start(DaemonUnderTest daemon, List<String> cmd) {
        Path dir = daemon.runDir().resolve("clients");
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, "bg-", ".out");
            Path err = Files.createTempFile(dir, "bg-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env(daemon, daemon.keyFile(), Map.of()));
            pb.environment().remove("PCMK_tls_priorities");
            return new Background(pb.start(), out, err, List.copyOf(cmd));
        } catch (IOException e) {
            return fail("cannot start " + cmd + ": " + e);
        }
    }
}
