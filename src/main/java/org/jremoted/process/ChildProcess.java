package org.jremoted.process;

import com.sun.jna.Memory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jremoted.support.Saturating;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent process started by {@link ChildLauncher}: its own process group, stdout/stderr
 * captured through pipes, an optional timeout, and an {@link Outcome} once it is gone.
 */
public final class ChildProcess {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
    /** Reused by the reaping thread: a JNA buffer per reap is freed only after a GC. */
    private static final ThreadLocal<Memory> WAIT_STATUS = ThreadLocal.withInitial(() -> new Memory(4));

    /**
     * What to run.
     *
     * @param executable       absolute path of the program
     * @param arguments        argv after argv[0] (argv[0] is the path, as upstream passes it)
     * @param environment      variables added on top of the daemon's base environment
     * @param timeoutMs        SIGKILL after this long; 0 or less: no timeout
     * @param killProcessGroup on timeout or cancel kill the whole process group (false: only the
     *                         agent's own PID, for {@code CRM_meta_on_fail=block})
     * @param description      for log lines, e.g. "rsc1 monitor"
     */
    public record Request(Path executable, List<String> arguments, Map<String, String> environment,
                          long timeoutMs, boolean killProcessGroup, String description) {
        public Request {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }
    }

    /** How a child's life ended. */
    public enum Ending {
        /** exited on its own; {@link Outcome#exitCode()} is meaningful */
        EXITED,
        /** killed by a signal we did not send; {@link Outcome#signal()} is meaningful */
        SIGNALLED,
        /** killed by us because the timeout expired */
        TIMED_OUT,
        /** killed by us because of {@link #cancel()} */
        CANCELLED,
        /** never ran; {@link Outcome#errno()} and {@link Outcome#detail()} say why */
        NOT_STARTED
    }

    /**
     * The end of one child.
     *
     * @param errno  for NOT_STARTED: the Linux errno (e.g. ENOENT, EACCES, E2BIG), 0 if none applies
     * @param detail for NOT_STARTED: a readable reason
     * @param stdout captured standard output (possibly truncated), never null
     * @param stderr captured standard error (possibly truncated), never null
     */
    public record Outcome(Ending ending, int exitCode, int signal, int errno, String detail,
                          String stdout, String stderr) {

        static Outcome notStarted(int errno, String detail) {
            return new Outcome(Ending.NOT_STARTED, -1, 0, errno, detail, "", "");
        }
    }

    /** One captured stream; touched only by the {@link ChildMonitor} thread. */
    static final class Capture {
        final String name;
        final long limit;
        int fd;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private long discarded;
        private byte[] chunk = new byte[0];

        Capture(String name, int fd, long limit) {
            this.name = name;
            this.fd = fd;
            this.limit = limit;
        }

        void append(Memory buffer, int length) {
            long room = Math.max(0, limit - data.size());
            int keep = (int) Math.min(room, length);
            if (keep > 0) {
                if (chunk.length < keep) {
                    chunk = new byte[Math.max(keep, 4096)];
                }
                buffer.read(0, chunk, 0, keep);
                data.write(chunk, 0, keep);
            }
            discarded += length - keep;
        }

        void close() {
            if (fd >= 0) {
                Posix.C.close(fd);
                fd = -1;
            }
        }

        long discarded() {
            return discarded;
        }

        /**
         * The text kept. NUL bytes are dropped (the C daemon handles output as C strings, and XML
         * cannot carry them); invalid UTF-8 becomes U+FFFD.
         */
        String text() {
            byte[] bytes = data.toByteArray();
            int n = 0;
            for (byte b : bytes) {
                if (b != 0) {
                    bytes[n++] = b;
                }
            }
            return new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
    }

    private final Request request;
    private final long limit;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private volatile long startedNanos;
    /** Set once by the spawn thread before the child is handed to {@link ChildMonitor}. */
    Capture stdout;
    Capture stderr;
    /** Owned by {@link ChildMonitor}. */
    int pidfd = -1;
    /** Owned by {@link ChildMonitor}: System.nanoTime() at which the child is killed; 0 for none. */
    long deadlineNanos;
    /** Owned by {@link ChildMonitor}: System.nanoTime() from which its pipes are polled. */
    long watchPipesAtNanos;

    // Guarded by this: the PID (-1 until spawned) and whether it may still be signalled, and why we killed it.
    private int pid = -1;
    private boolean reaped;
    private int waitStatus;
    private Ending killedFor;

    ChildProcess(Request request, long limit) {
        this.request = request;
        this.limit = limit;
    }

    /** Called by the spawn thread first; false when the child was cancelled before it could start. */
    boolean beginSpawn() {
        synchronized (this) {
            if (killedFor == null) {
                return true;
            }
            reaped = true;
        }
        outcome.complete(new Outcome(Ending.CANCELLED, -1, 0, 0, null, "", ""));
        return false;
    }

    /** The spawn failed: the child never ran. */
    void spawnFailed(int errno, String detail) {
        synchronized (this) {
            reaped = true;
        }
        outcome.complete(Outcome.notStarted(errno, detail));
    }

    /** The child runs; a cancel that arrived while it was being spawned takes effect now. */
    void spawned(int newPid, int stdoutFd, int stderrFd) {
        stdout = new Capture("stdout", stdoutFd, limit);
        stderr = new Capture("stderr", stderrFd, limit);
        long now = System.nanoTime();
        startedNanos = now;
        watchPipesAtNanos = now + TimeUnit.MILLISECONDS.toNanos(ChildMonitor.PIPE_WATCH_DELAY_MS);
        if (request.timeoutMs() > 0) {
            long deadline = Saturating.add(now, TimeUnit.MILLISECONDS.toNanos(request.timeoutMs()));
            deadlineNanos = deadline == 0 ? 1 : deadline;
        }
        Ending pending;
        synchronized (this) {
            pid = newPid;
            pending = killedFor;
            if (pending != null) {
                signal();
            }
        }
        if (pending != null) {
            scheduleWillNotDie();
        }
    }

    /** The agent's PID (which is also its process group id); -1 while not (or never) started. */
    public synchronized int pid() {
        return pid;
    }

    public String description() {
        return request.description();
    }

    /**
     * Completes once, after the child has exited and its output was read, on the {@code agent-io}
     * thread: callbacks must be quick and must not block (hand real work to another thread).
     */
    public CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    /**
     * Kill the child (its process group unless the request said otherwise) because its operation
     * was cancelled. Does nothing once the child has exited or was already killed for a timeout.
     */
    public void cancel() {
        kill(Ending.CANCELLED);
    }

    /** Called by the monitor when the deadline has passed. */
    void timeout() {
        if (kill(Ending.TIMED_OUT)) {
            log.warn("{} (PID {}) timed out after {}ms", request.description(), pid(), request.timeoutMs());
        }
    }

    private boolean kill(Ending why) {
        synchronized (this) {
            if (reaped || killedFor != null) {
                return false;
            }
            killedFor = why;
            if (pid < 0) {
                // Still being spawned: spawned() sends the signal.
                return true;
            }
            signal();
        }
        scheduleWillNotDie();
        return true;
    }

    /** Caller holds the lock. The PID cannot have been recycled: it stays ours until reap() runs under this lock. */
    private void signal() {
        if (request.killProcessGroup()) {
            if (Posix.C.kill(-pid, Posix.SIGKILL) != 0) {
                Posix.C.kill(pid, Posix.SIGKILL);
            }
        } else {
            Posix.C.kill(pid, Posix.SIGKILL);
        }
    }

    private void scheduleWillNotDie() {
        ChildLauncher.timers().schedule(() -> {
            synchronized (this) {
                if (!reaped) {
                    log.error("{} (PID {}) will not die!", request.description(), pid);
                }
            }
        }, 5, TimeUnit.SECONDS);
    }

    /** Called by the monitor once the child is a zombie; true when it was reaped now. */
    boolean reap() {
        synchronized (this) {
            if (reaped) {
                return true;
            }
            Memory status = WAIT_STATUS.get();
            int rc;
            do {
                rc = Posix.C.waitpid(pid, status, Posix.WNOHANG);
            } while (rc < 0 && Posix.errno() == Errno.EINTR);
            if (rc == 0) {
                return false;
            }
            if (rc < 0) {
                log.error("Could not collect the exit status of {} (PID {}): {}", request.description(), pid,
                        Errno.describe(Posix.errno()));
                waitStatus = -1;
            } else {
                waitStatus = status.getInt(0);
            }
            reaped = true;
            return true;
        }
    }

    /** Called by the monitor after the final read of both pipes. */
    void finish() {
        Ending killed;
        int st;
        synchronized (this) {
            killed = killedFor;
            st = waitStatus;
        }
        for (Capture c : List.of(stdout, stderr)) {
            if (c.discarded() > 0) {
                log.warn("Truncated {} {} to {} bytes (discarded {})", request.description(), c.name,
                        c.limit, c.discarded());
            }
        }
        String out = stdout.text();
        String err = stderr.text();
        Outcome o;
        if (killed != null) {
            o = new Outcome(killed, -1, Posix.SIGKILL, 0, null, out, err);
        } else if (st == -1) {
            o = new Outcome(Ending.EXITED, -1, 0, 0, null, out, err);
        } else if ((st & 0x7f) == 0) {
            o = new Outcome(Ending.EXITED, (st >> 8) & 0xff, 0, 0, null, out, err);
        } else {
            o = new Outcome(Ending.SIGNALLED, -1, st & 0x7f, 0, null, out, err);
        }
        if (log.isDebugEnabled()) {
            log.debug("{} (PID {}) ended: {} exit {} signal {} after {}ms", request.description(), pid(), o.ending(),
                    o.exitCode(), o.signal(), (System.nanoTime() - startedNanos) / 1_000_000);
        }
        // On the I/O thread: the executor's callback only hands the result to its loop, and a pool
        // in between would cost one more thread wake-up per operation.
        outcome.complete(o);
    }
}
