package org.jremoted.process;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts agent processes the way pacemaker-remoted forks them (docs/agents.md §1.3), with a single
 * {@code posix_spawn} through JNA:
 * <ul>
 *   <li>new process group led by the agent ({@code POSIX_SPAWN_SETPGROUP}, pgid = pid), so a
 *       timeout can SIGKILL everything the agent started;</li>
 *   <li>all signal dispositions reset to default (SIGPIPE included) and an empty signal mask;</li>
 *   <li>a real-time scheduling policy of the JVM is not inherited;</li>
 *   <li>stdin {@code /dev/null}, stdout/stderr pipes read by {@link ChildMonitor}, every other
 *       descriptor closed;</li>
 *   <li>working directory and umask of the daemon ({@link ChildSettings});</li>
 *   <li>environment = daemon base environment + the class's variables, encoded as UTF-8.</li>
 * </ul>
 * glibc's posix_spawn reports exec failures (ENOENT, EACCES, E2BIG, ...) as its return value, so
 * they need no guessing from exit codes. {@link #start} never blocks on the agent: the spawn (one
 * vfork-style clone plus one exec) happens on the {@link ChildMonitor} thread, which then watches
 * the child.
 *
 * <p>A launcher costs nothing until its first {@link #start}: no thread, no native memory (only
 * the umask is set at once, and only if it differs). The {@code agent-io} thread starts with the
 * first agent. {@link #start} may be called from any thread.
 */
public final class ChildLauncher {

    private static final Logger log = LoggerFactory.getLogger(ChildLauncher.class);

    /** Linux MAX_ARG_STRLEN: one argv/envp string, including its NUL. */
    public static final int MAX_ARG_STRLEN = ChildEnvironment.MAX_ARG_STRLEN;
    private static final long STK_LIM_THREE_QUARTERS = 8L * 1024 * 1024 / 4 * 3;

    private static volatile ScheduledExecutorService timers;

    private final ChildSettings settings;
    /** The base environment agents get, in order (the settings' plus PWD). */
    private final Map<String, String> baseEnvironment;
    /** Made by the first spawn; see {@link #prepared()}. */
    private volatile Prepared prepared;

    /** What every spawn hands to libc, in native memory. */
    private record Prepared(Memory workingDirectory, ChildEnvironment environment) {
    }

    public ChildLauncher(ChildSettings settings) {
        this.settings = settings;
        Map<String, String> env = new LinkedHashMap<>(settings.baseEnvironment());
        if (settings.workingDirectory() != null) {
            // What a shell started there would see; an inherited PWD would name the JVM's directory.
            env.put("PWD", settings.workingDirectory().toString());
        }
        this.baseEnvironment = env;
        // umask is per process: children inherit the JVM's, as agents inherit the C daemon's. It is
        // set now, not at the first spawn, because it also governs the files the daemon creates.
        if (settings.umask() >= 0 && currentUmask() != settings.umask()) {
            int previous = Posix.C.umask(settings.umask());
            log.debug("Process umask changed from {} to {}", Integer.toOctalString(previous),
                    Integer.toOctalString(settings.umask()));
        }
    }

    /**
     * The process's umask as {@code /proc/self/status} shows it (Linux 4.7+), or -1 when it cannot
     * be read. Reading it takes no native call, so a daemon started with the right umask loads no
     * native code before its first agent.
     */
    static int currentUmask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("Cannot read the umask from /proc/self/status: {}", e.toString());
        }
        return -1;
    }

    /**
     * The working directory and the base environment in native memory, made by the first spawn
     * (on an {@code agent-io} thread) and kept: a daemon that runs no agent allocates no native
     * memory, so JNA does not start its cleaner thread.
     */
    private Prepared prepared() {
        Prepared p = prepared;
        if (p == null) {
            synchronized (this) {
                p = prepared;
                if (p == null) {
                    Memory dir = settings.workingDirectory() == null ? null
                            : Posix.cString(settings.workingDirectory().toString());
                    p = new Prepared(dir, new ChildEnvironment(baseEnvironment));
                    prepared = p;
                }
            }
        }
        return p;
    }

    public ChildSettings settings() {
        return settings;
    }

    static ScheduledExecutorService timers() {
        ScheduledExecutorService t = timers;
        if (t == null) {
            synchronized (ChildLauncher.class) {
                t = timers;
                if (t == null) {
                    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread th = new Thread(r, "agent-timer");
                        th.setDaemon(true);
                        return th;
                    });
                    s.setRemoveOnCancelPolicy(true);
                    timers = t = s;
                }
            }
        }
        return t;
    }

    /**
     * Start a child and return at once: the spawn itself happens on an {@code agent-io} thread,
     * because with vfork semantics the spawning thread waits until the child has exec'd, which on
     * a busy host occasionally takes milliseconds. Failures to start are reported through the
     * child's outcome, never thrown.
     */
    public ChildProcess start(ChildProcess.Request request) {
        ChildProcess child = new ChildProcess(request, settings.outputLimitBytes());
        ChildMonitor monitor = ChildMonitor.forSpawn();
        monitor.spawnSoon(() -> {
            try {
                spawn(child, request, monitor);
            } catch (RuntimeException | Error e) {
                log.error("Could not start {}", request.description(), e);
                child.spawnFailed(0, "Internal error starting agent: " + e);
            }
        });
        return child;
    }

    private void spawn(ChildProcess child, ChildProcess.Request request, ChildMonitor monitor) {
        if (!child.beginSpawn()) {
            return;
        }
        Prepared spawnInputs = prepared();
        Memory workingDirectory = spawnInputs.workingDirectory();
        ChildEnvironment.Entries env = spawnInputs.environment().forRequest(child, request);
        if (env == null) {
            return;
        }
        String path = request.executable().toString();
        List<byte[]> argvBytes = new ArrayList<>(1 + request.arguments().size());
        argvBytes.add(path.getBytes(StandardCharsets.UTF_8));
        for (String a : request.arguments()) {
            argvBytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        String tooBig = checkTotalSize(argvBytes, env);
        if (tooBig != null) {
            child.spawnFailed(Errno.E2BIG, tooBig);
            return;
        }

        Spawner spawner = Spawner.current();
        int[] pipes = spawner.pipes();
        if (pipes == null) {
            int errno = spawner.pipeErrno();
            child.spawnFailed(errno, "Could not create pipe: " + Errno.describe(errno));
            return;
        }
        int pid;
        try {
            pid = spawner.spawn(argvBytes, env, pipes[1], pipes[3], workingDirectory);
        } catch (RuntimeException | Error e) {
            Posix.C.close(pipes[0]);
            Posix.C.close(pipes[2]);
            throw e;
        } finally {
            Posix.C.close(pipes[1]);
            Posix.C.close(pipes[3]);
        }
        if (pid <= 0) {
            int spawnError = -pid;
            Posix.C.close(pipes[0]);
            Posix.C.close(pipes[2]);
            String detail = path + ": " + Errno.describe(spawnError);
            if (spawnError == Errno.ENOENT && workingDirectory != null
                    && !Files.isDirectory(settings.workingDirectory())) {
                detail = settings.workingDirectory() + ": " + Errno.describe(spawnError);
                spawnError = Errno.EINVAL;
            }
            log.info("Could not execute {}: {}", request.description(), detail);
            child.spawnFailed(spawnError, detail);
            return;
        }
        child.spawned(pid, pipes[0], pipes[2]);
        monitor.register(child);
    }

    /** The kernel's total limit for argv + envp at exec (fs/exec.c), checked to give a clear message. */
    private static String checkTotalSize(List<byte[]> argv, ChildEnvironment.Entries env) {
        long stack = stackLimit();
        long limit = stack < 0 ? STK_LIM_THREE_QUARTERS : Math.min(STK_LIM_THREE_QUARTERS, stack / 4);
        limit = Math.max(limit, MAX_ARG_STRLEN);
        // The path is copied once more as the exec filename.
        long total = (long) (argv.size() + env.size()) * Native.POINTER_SIZE + argv.get(0).length + 1
                + env.textBytes();
        for (byte[] b : argv) {
            total += b.length + 1;
        }
        if (total > limit) {
            return "Agent environment and arguments are too large (" + total + " bytes, the limit is " + limit + ")";
        }
        return null;
    }

    private static volatile long stackLimit;
    private static volatile long stackLimitReadAt;

    /** RLIMIT_STACK, read again at most once a second (it only changes if someone calls setrlimit). */
    private static long stackLimit() {
        long now = System.nanoTime();
        if (stackLimitReadAt == 0 || now - stackLimitReadAt > 1_000_000_000L) {
            stackLimit = Posix.stackLimit();
            stackLimitReadAt = now == 0 ? 1 : now;
        }
        return stackLimit;
    }
}
