package org.jremoted.process;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread ({@code agent-io}) that runs an agent's life after {@link ChildLauncher#start} queued
 * it: it spawns the agent, reads its stdout/stderr pipes as data arrives, enforces its timeout,
 * notices its exit and completes its outcome — the equivalent of the C daemon's main loop for
 * child processes.
 *
 * <p>Everything happens on this thread so that an operation crosses as few threads as possible:
 * the caller (the daemon loop) hands the spawn over once, and the outcome's callbacks run here,
 * which for the executor means one more hand-over back to its loop. Each hand-over is a wake-up
 * that costs 30–80 µs of latency and kernel time on a small VM. Spawning here rather than on the
 * caller's thread keeps the caller from waiting for the exec (vfork semantics: ~0.2 ms, several ms
 * on a loaded host).
 *
 * <p>While a spawn is in progress this thread can do nothing else, so there are up to two of them
 * ({@link #forSpawn}): a spawn goes to the first one unless that one has a spawn queued or in
 * progress. One agent at a time only ever uses the first; when agents are started faster than
 * one thread can spawn them (hundreds a second, on a host where an exec takes milliseconds), the
 * second spawns while the first reaps, instead of exits waiting behind spawns. Each child is
 * watched by the thread that spawned it, and each pass of a thread makes at most one spawn before
 * it looks at its children again.
 *
 * <p>Exit detection uses a pidfd per child (Linux 5.3+), polled together with the pipes and an
 * eventfd that wakes the loop when work is queued. A readable pidfd means the child is a zombie;
 * it is reaped by its owner under the owner's lock ({@link ChildProcess#reap()}), so a kill decided
 * concurrently can never reach a recycled PID. After the exit the pipes are drained once more
 * without blocking and closed, exactly like upstream: a daemonised grandchild that still holds the
 * write end delays nothing (it gets EPIPE from then on). Timeouts are the poll timeout: the nearest
 * deadline of the children being watched.
 *
 * <p>A child's pipes are watched only from {@link #PIPE_WATCH_DELAY_MS} after its start; before
 * that, only its pidfd is. Most agent runs (monitors of a no-op or Dummy agent, probes) are over
 * sooner and write little, and their output is then read in one go after the exit. Watching
 * their pipes too meant one more wake-up per run: the pipes report end-of-file when the agent
 * closes its descriptors, a moment before the exit makes the pidfd readable, so the thread
 * usually woke up twice. An agent that writes more than a pipe holds (64 KiB) in its first
 * milliseconds waits at most that long for the first read.
 *
 * <p>On kernels without pidfd, exit detection falls back to one pooled thread per child blocked in
 * {@code waitid(WNOWAIT)}, which only observes the exit and hands the child back to this loop.
 */
final class ChildMonitor {

    private static final Logger log = LoggerFactory.getLogger(ChildMonitor.class);
    private static final int CHUNK = 65536;
    private static final int FINAL_DRAIN_CHUNKS = 32;
    /** How long after its start a child's pipes are read only once it has exited (see above). */
    static final long PIPE_WATCH_DELAY_MS = 10;
    private static final int ROLE_PIDFD = 0;
    private static final int ROLE_STDOUT = 1;
    private static final int ROLE_STDERR = 2;

    /** Created on first use and never stopped (daemon threads). */
    // Class holders: the JVM starts each monitor thread once, on first use, thread-safely.
    private static final class Primary {
        static final ChildMonitor INSTANCE = new ChildMonitor("agent-io");
    }

    private static final class Secondary {
        static final ChildMonitor INSTANCE = new ChildMonitor("agent-io-2");
    }

    /** Work for this thread: spawns queued by {@link ChildLauncher#start}. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Spawns queued or in progress here. */
    private final AtomicInteger spawnsPending = new AtomicInteger();
    private final ConcurrentLinkedQueue<ChildProcess> exited = new ConcurrentLinkedQueue<>();
    /** Set while a wake-up is on its way, so that a burst of submissions writes the eventfd once. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final List<ChildProcess> children = new ArrayList<>();
    private final int wakeFd;
    private final boolean pidfdSupported;
    private final Memory wakeValue = new Memory(8);
    private final Memory buffer = new Memory(CHUNK);
    private volatile ExecutorService waiters;
    private volatile boolean stopping;
    private final Thread ioThread;
    // Owned by the I/O thread: the pollfd array and, parallel to it (slot i + 1), which child and
    // which of its descriptors each slot is.
    private PollSet fds = new PollSet(64);
    private ChildProcess[] owners = new ChildProcess[64];
    private int[] roles = new int[64];
    private final Memory drain = new Memory(8);

    /** The first monitor thread, started if needed. */
    static ChildMonitor shared() {
        return Primary.INSTANCE;
    }

    /** Where the next spawn goes: see the class comment. */
    static ChildMonitor forSpawn() {
        ChildMonitor first = shared();
        int busy = first.spawnsPending.get();
        if (busy == 0) {
            return first;
        }
        ChildMonitor second = Secondary.INSTANCE;
        return second.spawnsPending.get() < busy ? second : first;
    }

    private ChildMonitor(String threadName) {
        int probe = Posix.pidfdOpen((int) ProcessHandle.current().pid());
        int probeErrno = Posix.errno();
        if (probe >= 0) {
            Posix.C.close(probe);
        }
        pidfdSupported = probe >= 0;
        if (!pidfdSupported) {
            log.info("pidfd not available ({}); waiting for agent processes with one thread each",
                    Errno.describe(probeErrno));
        }
        wakeFd = Posix.C.eventfd(0, Posix.EFD_CLOEXEC | Posix.EFD_NONBLOCK);
        if (wakeFd < 0) {
            throw new IllegalStateException("eventfd failed: " + Errno.describe(Posix.errno()));
        }
        wakeValue.setLong(0, 1);
        Thread t = new Thread(this::loop, threadName);
        t.setDaemon(true);
        ioThread = t;
        t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopForExit, "agent-io-stop"));
    }

    /**
     * At JVM exit, take the I/O thread out of its poll(). The JVM's final step waits up to 300 ms
     * (30 x 10 ms) for threads running native code to come back before it gives up and exits, and
     * an idle monitor sits in poll() forever: every daemon shutdown took 300 ms longer than the C
     * daemon's for that alone. Agents keep running, as they do when the C daemon exits.
     */
    private void stopForExit() {
        stopping = true;
        wakeFd();
        try {
            ioThread.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Run {@code spawn} on this thread, soon, counted as a spawn (see {@link #forSpawn}). */
    void spawnSoon(Runnable spawn) {
        spawnsPending.incrementAndGet();
        execute(() -> {
            try {
                spawn.run();
            } finally {
                spawnsPending.decrementAndGet();
            }
        });
    }

    /** Run {@code task} on the I/O thread, soon; callable from any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != ioThread) {
            wake();
        }
    }

    /**
     * Start watching a freshly spawned child (its pipes, its exit and its deadline). Called on
     * the I/O thread by the spawn; from another thread the child is handed over.
     */
    void register(ChildProcess child) {
        if (Thread.currentThread() != ioThread) {
            execute(() -> register(child));
            return;
        }
        int pidfd = -1;
        if (pidfdSupported) {
            pidfd = Posix.pidfdOpen(child.pid());
            if (pidfd < 0) {
                log.warn("pidfd_open({}) failed: {}", child.pid(), Errno.describe(Posix.errno()));
            }
        }
        child.pidfd = pidfd;
        children.add(child);
        if (pidfd < 0) {
            waiters().execute(() -> waitBlocking(child));
        }
    }

    private void wake() {
        if (!wakePending.getAndSet(true)) {
            wakeFd();
        }
    }

    private void wakeFd() {
        Posix.C.write(wakeFd, wakeValue, 8);
    }

    private ExecutorService waiters() {
        ExecutorService w = waiters;
        if (w == null) {
            synchronized (this) {
                w = waiters;
                if (w == null) {
                    AtomicInteger n = new AtomicInteger();
                    w = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "agent-waiter-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    waiters = w;
                }
            }
        }
        return w;
    }

    private void waitBlocking(ChildProcess child) {
        Memory info = new Memory(128);
        while (true) {
            int rc = Posix.C.waitid(Posix.P_PID, child.pid(), info, Posix.WEXITED | Posix.WNOWAIT);
            if (rc == 0 || Posix.errno() != Errno.EINTR) {
                break;
            }
        }
        exited.add(child);
        wake();
    }

    private void loop() {
        while (!stopping) {
            try {
                pass();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("Agent I/O loop failure", e);
            }
        }
    }

    /**
     * One pass: queued work, then one poll() and what it reported. A method of its own so that
     * the JIT compiles it after a few dozen passes; a loop body would wait for on-stack
     * replacement, thousands of iterations.
     */
    private void pass() throws InterruptedException {
        // One task per pass: the children's events must not wait behind a queue of spawns.
        Runnable task = tasks.poll();
        if (task != null) {
            runTask(task);
        }
        ChildProcess c;
        while ((c = exited.poll()) != null) {
            if (children.contains(c)) {
                handleExit(c);
            }
        }
        long now = System.nanoTime();
        long wait = expireDeadlines(now);
        int needed = children.size() * 3;
        if (owners.length < needed) {
            owners = new ChildProcess[needed * 2];
            roles = new int[needed * 2];
        }
        int slots = 0;
        for (int i = 0; i < children.size(); i++) {
            ChildProcess child = children.get(i);
            long pipesIn = child.watchPipesAtNanos - now;
            if (pipesIn > 0 && child.pidfd >= 0) {
                wait = Math.min(wait, pipesIn);
            } else {
                if (child.stdout.fd >= 0) {
                    owners[slots] = child;
                    roles[slots++] = ROLE_STDOUT;
                }
                if (child.stderr.fd >= 0) {
                    owners[slots] = child;
                    roles[slots++] = ROLE_STDERR;
                }
            }
            if (child.pidfd >= 0) {
                owners[slots] = child;
                roles[slots++] = ROLE_PIDFD;
            }
        }
        int timeoutMs = wait == Long.MAX_VALUE ? -1 : (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000);
        if (fds.capacity() < slots + 1) {
            fds = new PollSet((slots + 1) * 2);
        }
        fds.set(0, wakeFd);
        for (int i = 0; i < slots; i++) {
            ChildProcess owner = owners[i];
            int role = roles[i];
            fds.set(i + 1, role == ROLE_PIDFD ? owner.pidfd
                    : role == ROLE_STDOUT ? owner.stdout.fd : owner.stderr.fd);
        }
        int n = Posix.C.poll(fds.memory, slots + 1, tasks.isEmpty() ? timeoutMs : 0);
        if (stopping) {
            return;
        }
        if (n < 0) {
            int errno = Posix.errno();
            if (errno != Errno.EINTR) {
                log.error("poll on agent descriptors failed: {}", Errno.describe(errno));
                Thread.sleep(100);
            }
            return;
        }
        if (fds.revents(0) != 0) {
            Posix.C.read(wakeFd, drain, 8);
            // After the read: a submission from now on writes the eventfd again.
            wakePending.set(false);
        }
        if (n > 0) {
            // Pipes first, so data written just before the exit is read before finishing.
            for (int i = 0; i < slots; i++) {
                int role = roles[i];
                if (role != ROLE_PIDFD && fds.revents(i + 1) != 0) {
                    ChildProcess owner = owners[i];
                    readAvailable(owner, role == ROLE_STDOUT ? owner.stdout : owner.stderr, 1);
                }
            }
            for (int i = 0; i < slots; i++) {
                if (roles[i] == ROLE_PIDFD && fds.revents(i + 1) != 0) {
                    ChildProcess owner = owners[i];
                    Posix.C.close(owner.pidfd);
                    owner.pidfd = -1;
                    handleExit(owner);
                }
            }
        }
        Arrays.fill(owners, 0, slots, null);
    }

    private static void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("Agent I/O task failed", e);
        }
    }

    /**
     * Kill the children whose timeout has passed; returns the nanoseconds until the next deadline,
     * or Long.MAX_VALUE when no child has one.
     */
    private long expireDeadlines(long now) {
        long nearest = Long.MAX_VALUE;
        for (int i = 0; i < children.size(); i++) {
            ChildProcess child = children.get(i);
            long deadline = child.deadlineNanos;
            if (deadline == 0) {
                continue;
            }
            long left = deadline - now;
            if (left <= 0) {
                child.deadlineNanos = 0;
                child.timeout();
            } else if (left < nearest) {
                nearest = left;
            }
        }
        return nearest;
    }

    private void handleExit(ChildProcess child) {
        if (!child.reap()) {
            // Not a zombie after all (should not happen); keep watching it.
            if (child.pidfd < 0) {
                waiters().execute(() -> waitBlocking(child));
            }
            return;
        }
        // Bounded: a grandchild that inherited the pipe may keep writing forever.
        readAvailable(child, child.stdout, FINAL_DRAIN_CHUNKS);
        readAvailable(child, child.stderr, FINAL_DRAIN_CHUNKS);
        child.stdout.close();
        child.stderr.close();
        children.remove(child);
        child.finish();
    }

    /** Read without blocking until the pipe is empty, at EOF, or {@code maxChunks} full reads were made. */
    private void readAvailable(ChildProcess child, ChildProcess.Capture capture, int maxChunks) {
        int chunks = 0;
        while (capture.fd >= 0) {
            long got = Posix.C.read(capture.fd, buffer, CHUNK);
            if (got > 0) {
                capture.append(buffer, (int) got);
                if (got < CHUNK || ++chunks >= maxChunks) {
                    return;
                }
            } else if (got == 0) {
                capture.close();
                return;
            } else {
                int errno = Posix.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    log.warn("Reading output of {} failed: {}", child.description(), Errno.describe(errno));
                    capture.close();
                }
                return;
            }
        }
    }

    /**
     * A native {@code struct pollfd} array written and read through a direct buffer view: plain
     * memory accesses instead of one JNI call per field, since the whole set is rebuilt for every
     * poll().
     */
    private static final class PollSet {
        final Memory memory;
        private final ByteBuffer view;

        PollSet(int capacity) {
            memory = new Memory(8L * capacity);
            view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
        }

        int capacity() {
            return (int) (memory.size() / 8);
        }

        void set(int index, int fd) {
            int off = 8 * index;
            view.putInt(off, fd);
            view.putShort(off + 4, (short) Posix.POLLIN);
            view.putShort(off + 6, (short) 0);
        }

        int revents(int index) {
            return view.getShort(8 * index + 6);
        }
    }
}
