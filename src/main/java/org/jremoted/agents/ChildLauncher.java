package org.jremoted.agents;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts agent processes the way pacemaker-remoted forks them (agents.md §1.3), with a single
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
 * they need no guessing from exit codes. {@link #start} never blocks on the agent: it costs one
 * vfork-style clone plus one exec.
 */
public final class ChildLauncher {

    private static final Logger log = LoggerFactory.getLogger(ChildLauncher.class);

    /** Linux MAX_ARG_STRLEN: one argv/envp string, including its NUL. */
    static final int MAX_ARG_STRLEN = 32 * 4096;
    private static final long STK_LIM_THREE_QUARTERS = 8L * 1024 * 1024 / 4 * 3;

    private static volatile ScheduledExecutorService timers;
    private static volatile ExecutorService results;
    private static volatile ExecutorService spawner;
    private static volatile boolean closefromMissing;
    private static final Memory DEV_NULL = Posix.cString("/dev/null");
    private static final Memory BIN_SH = Posix.cString("/bin/sh");
    private static final Memory EMPTY_SIGSET = new Memory(Posix.SIGSET_SIZE);
    /** Every signal, including glibc's internal 32/33, which sigfillset() leaves out. */
    private static final Memory ALL_SIGNALS = new Memory(Posix.SIGSET_SIZE);

    static {
        Posix.C.sigemptyset(EMPTY_SIGSET);
        ALL_SIGNALS.setMemory(0, Posix.SIGSET_SIZE, (byte) 0xff);
    }

    /**
     * Native structures reused by every spawn. Only the single {@code agent-spawn} thread spawns,
     * so one set is enough; a thread-local keeps that true even if a second spawner appeared.
     * Allocating them per spawn (JNA {@code Memory} objects freed by a cleaner after a GC) made
     * the heap and the native heap grow with the number of agents run: at 200 monitors a second
     * the heap reached ~40 MiB, most of it cleaner bookkeeping waiting for a full GC.
     */
    private static final class Scratch {
        final Memory actions = new Memory(Posix.FILE_ACTIONS_SIZE);
        final Memory attr = new Memory(Posix.SPAWNATTR_SIZE);
        final IntByReference pid = new IntByReference();
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ChildSettings settings;
    private final Memory workingDirectory;
    private final Map<String, String> baseEnvironment;

    public ChildLauncher(ChildSettings settings) {
        this.settings = settings;
        this.workingDirectory = settings.workingDirectory() == null ? null
                : Posix.cString(settings.workingDirectory().toString());
        Map<String, String> env = new LinkedHashMap<>(settings.baseEnvironment());
        if (settings.workingDirectory() != null) {
            // What a shell started there would see; an inherited PWD would name the JVM's directory.
            env.put("PWD", settings.workingDirectory().toString());
        }
        this.baseEnvironment = env;
        if (settings.umask() >= 0) {
            // umask is per process: children inherit the JVM's, as agents inherit the C daemon's.
            int previous = Posix.C.umask(settings.umask());
            if (previous != settings.umask()) {
                log.debug("Process umask changed from {} to {}", Integer.toOctalString(previous),
                        Integer.toOctalString(settings.umask()));
            }
        }
        ChildMonitor.shared();
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

    static ExecutorService results() {
        ExecutorService e = results;
        if (e == null) {
            synchronized (ChildLauncher.class) {
                e = results;
                if (e == null) {
                    AtomicInteger n = new AtomicInteger();
                    results = e = Executors.newFixedThreadPool(2, r -> {
                        Thread th = new Thread(r, "agent-results-" + n.incrementAndGet());
                        th.setDaemon(true);
                        return th;
                    });
                }
            }
        }
        return e;
    }

    /**
     * Start a child and return at once: the spawn itself happens on the launcher thread, because
     * with vfork semantics the spawning thread waits until the child has exec'd, which on a busy
     * host occasionally takes milliseconds. Failures to start are reported through the child's
     * outcome, never thrown.
     */
    public ChildProcess start(ChildProcess.Request request) {
        ChildProcess child = new ChildProcess(request, settings.outputLimitBytes());
        spawner().execute(() -> {
            try {
                spawn(child, request);
            } catch (RuntimeException | Error e) {
                log.error("Could not start {}", request.description(), e);
                child.spawnFailed(0, "Internal error starting agent: " + e);
            }
        });
        return child;
    }

    private static ExecutorService spawner() {
        ExecutorService e = spawner;
        if (e == null) {
            synchronized (ChildLauncher.class) {
                e = spawner;
                if (e == null) {
                    spawner = e = Executors.newSingleThreadExecutor(r -> {
                        Thread th = new Thread(r, "agent-spawn");
                        th.setDaemon(true);
                        return th;
                    });
                }
            }
        }
        return e;
    }

    private void spawn(ChildProcess child, ChildProcess.Request request) {
        if (!child.beginSpawn()) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
        env.putAll(request.environment());
        List<byte[]> envBytes = new ArrayList<>(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                // setenv() refuses such names; the C daemon silently goes without them.
                log.warn("Not passing environment variable with invalid name '{}' to {}", name,
                        request.description());
                continue;
            }
            String value = e.getValue() == null ? "" : e.getValue();
            int nul = value.indexOf('\0');
            if (nul >= 0) {
                value = value.substring(0, nul);
            }
            byte[] entry = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
            if (entry.length + 1 > MAX_ARG_STRLEN) {
                child.spawnFailed(Posix.E2BIG, "Environment variable " + name + " is too large ("
                        + entry.length + " bytes, Linux allows at most " + (MAX_ARG_STRLEN - 1)
                        + " per variable including its name)");
                return;
            }
            envBytes.add(entry);
        }
        String path = request.executable().toString();
        List<byte[]> argvBytes = new ArrayList<>();
        argvBytes.add(path.getBytes(StandardCharsets.UTF_8));
        for (String a : request.arguments()) {
            argvBytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        String tooBig = checkTotalSize(path, argvBytes, envBytes);
        if (tooBig != null) {
            child.spawnFailed(Posix.E2BIG, tooBig);
            return;
        }

        int[] out = new int[2];
        int[] err = new int[2];
        if (Posix.C.pipe2(out, Posix.O_CLOEXEC) != 0) {
            int errno = Posix.errno();
            child.spawnFailed(errno, "Could not create pipe: " + Posix.describeErrno(errno));
            return;
        }
        if (Posix.C.pipe2(err, Posix.O_CLOEXEC) != 0) {
            int errno = Posix.errno();
            Posix.C.close(out[0]);
            Posix.C.close(out[1]);
            child.spawnFailed(errno, "Could not create pipe: " + Posix.describeErrno(errno));
            return;
        }
        // Only our read ends are non-blocking; the agent's write ends stay blocking. A fresh read
        // end has no status flags (O_CLOEXEC is a descriptor flag), so no F_GETFL is needed.
        Posix.C.fcntl(out[0], Posix.F_SETFL, Posix.O_NONBLOCK);
        Posix.C.fcntl(err[0], Posix.F_SETFL, Posix.O_NONBLOCK);

        Scratch scratch = SCRATCH.get();
        Memory actions = scratch.actions;
        Memory attr = scratch.attr;
        Posix.C.posix_spawn_file_actions_init(actions);
        Posix.C.posix_spawnattr_init(attr);
        int pid = -1;
        int spawnError;
        // argv and envp in one native block, freed as soon as posix_spawn returns (the child has
        // exec'd or failed by then: glibc's posix_spawn waits for that).
        Memory strings = null;
        try {
            Posix.C.posix_spawn_file_actions_addopen(actions, 0, DEV_NULL, Posix.O_RDONLY, 0);
            Posix.C.posix_spawn_file_actions_adddup2(actions, out[1], 1);
            Posix.C.posix_spawn_file_actions_adddup2(actions, err[1], 2);
            closeInheritedDescriptors(actions);
            if (workingDirectory != null) {
                Posix.C.posix_spawn_file_actions_addchdir_np(actions, workingDirectory);
            }
            int flags = Posix.POSIX_SPAWN_SETPGROUP | Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF;
            Posix.C.posix_spawnattr_setpgroup(attr, 0);
            Posix.C.posix_spawnattr_setsigmask(attr, EMPTY_SIGSET);
            // Every signal back to default, including glibc's internal 32/33, which sigfillset()
            // leaves out and which posix_spawn would otherwise leave ignored in the agent.
            Posix.C.posix_spawnattr_setsigdefault(attr, ALL_SIGNALS);
            if (Posix.C.sched_getscheduler(0) > Posix.SCHED_OTHER) {
                Memory param = new Memory(16);
                param.clear();
                Posix.C.posix_spawnattr_setschedpolicy(attr, Posix.SCHED_OTHER);
                Posix.C.posix_spawnattr_setschedparam(attr, param);
                flags |= Posix.POSIX_SPAWN_SETSCHEDULER;
            }
            Posix.C.posix_spawnattr_setflags(attr, (short) flags);

            // Room for "/bin/sh" in front of argv, for the ENOEXEC retry below.
            byte[] shell = "/bin/sh".getBytes(StandardCharsets.UTF_8);
            strings = packStrings(shell, argvBytes, envBytes);
            long argvAt = (envBytes.size() + 1L) * Native.POINTER_SIZE;
            Pointer envp = strings;
            long base = Pointer.nativeValue(strings);
            Pointer argvWithShell = new Pointer(base + argvAt);
            Pointer argv = new Pointer(base + argvAt + Native.POINTER_SIZE);
            IntByReference pidRef = scratch.pid;
            spawnError = Posix.C.posix_spawn(pidRef, argv.getPointer(0), actions, attr, argv, envp);
            if (spawnError == Posix.ENOEXEC) {
                // execvp(), which upstream uses, runs a file without a #! line with /bin/sh.
                spawnError = Posix.C.posix_spawn(pidRef, BIN_SH, actions, attr, argvWithShell, envp);
            }
            if (spawnError == 0) {
                pid = pidRef.getValue();
            }
        } finally {
            Posix.C.posix_spawn_file_actions_destroy(actions);
            Posix.C.posix_spawnattr_destroy(attr);
            Posix.C.close(out[1]);
            Posix.C.close(err[1]);
            if (strings != null) {
                strings.close();
            }
        }
        if (pid <= 0) {
            Posix.C.close(out[0]);
            Posix.C.close(err[0]);
            String detail = path + ": " + Posix.describeErrno(spawnError);
            if (spawnError == Posix.ENOENT && workingDirectory != null
                    && !Files.isDirectory(settings.workingDirectory())) {
                detail = settings.workingDirectory() + ": " + Posix.describeErrno(spawnError);
                spawnError = Posix.EINVAL;
            }
            log.info("Could not execute {}: {}", request.description(), detail);
            child.spawnFailed(spawnError, detail);
            return;
        }
        child.spawned(pid, out[0], err[0]);
        ChildMonitor.shared().register(child);
        child.armTimer();
    }

    /**
     * One native block: the envp pointer array (NULL-terminated), then {@code shell} and the argv
     * pointers (NULL-terminated, so that argv starts one slot after the shell), then every string
     * with its NUL.
     */
    static Memory packStrings(byte[] shell, List<byte[]> argv, List<byte[]> env) {
        int pointerSize = Native.POINTER_SIZE;
        long pointers = (env.size() + 1L + 1L + argv.size() + 1L) * pointerSize;
        long total = pointers + shell.length + 1L;
        for (byte[] b : argv) {
            total += b.length + 1L;
        }
        for (byte[] b : env) {
            total += b.length + 1L;
        }
        Memory block = new Memory(total);
        long base = Pointer.nativeValue(block);
        long text = pointers;
        long slot = 0;
        for (byte[] b : env) {
            text = putString(block, base, slot++, text, b);
        }
        block.setPointer(slot++ * pointerSize, null);
        text = putString(block, base, slot++, text, shell);
        for (byte[] b : argv) {
            text = putString(block, base, slot++, text, b);
        }
        block.setPointer(slot * pointerSize, null);
        return block;
    }

    private static long putString(Memory block, long base, long slot, long offset, byte[] bytes) {
        block.write(offset, bytes, 0, bytes.length);
        block.setByte(offset + bytes.length, (byte) 0);
        block.setPointer(slot * Native.POINTER_SIZE, new Pointer(base + offset));
        return offset + bytes.length + 1;
    }

    /** The kernel's total limit for argv + envp at exec (fs/exec.c), checked to give a clear message. */
    private static String checkTotalSize(String path, List<byte[]> argv, List<byte[]> env) {
        long stack = stackLimit();
        long limit = stack < 0 ? STK_LIM_THREE_QUARTERS : Math.min(STK_LIM_THREE_QUARTERS, stack / 4);
        limit = Math.max(limit, MAX_ARG_STRLEN);
        long total = (long) (argv.size() + env.size()) * Native.POINTER_SIZE
                + path.getBytes(StandardCharsets.UTF_8).length + 1;
        for (byte[] b : argv) {
            total += b.length + 1;
        }
        for (byte[] b : env) {
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

    private static void closeInheritedDescriptors(Memory actions) {
        if (!closefromMissing) {
            try {
                Posix.C.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                return;
            } catch (UnsatisfiedLinkError e) {
                // glibc before 2.34
                closefromMissing = true;
            }
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (fd > 2) {
                    Posix.C.posix_spawn_file_actions_addclose(actions, fd);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Could not list open descriptors: {}", e.toString());
        }
    }
}
