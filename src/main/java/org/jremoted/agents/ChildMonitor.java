package org.jremoted.agents;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that reads every agent's stdout/stderr pipes as data arrives and notices when agents
 * exit — the equivalent of the C daemon's main loop for child processes.
 *
 * <p>Exit detection uses a pidfd per child (Linux 5.3+), polled together with the pipes and an
 * eventfd that wakes the loop when a child is added. A readable pidfd means the child is a zombie;
 * it is reaped by its owner under the owner's lock ({@link ChildProcess#reap()}), so a kill decided
 * concurrently can never reach a recycled PID. After the exit the pipes are drained once more
 * without blocking and closed, exactly like upstream: a daemonised grandchild that still holds the
 * write end delays nothing (it gets EPIPE from then on).
 *
 * <p>On kernels without pidfd, exit detection falls back to one pooled thread per child blocked in
 * {@code waitid(WNOWAIT)}, which only observes the exit and hands the child back to this loop.
 */
final class ChildMonitor {

    private static final Logger log = LoggerFactory.getLogger(ChildMonitor.class);
    private static final int CHUNK = 65536;
    private static final int FINAL_DRAIN_CHUNKS = 32;

    private static volatile ChildMonitor shared;

    private final ConcurrentLinkedQueue<ChildProcess> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ChildProcess> exited = new ConcurrentLinkedQueue<>();
    private final List<ChildProcess> children = new ArrayList<>();
    private final int wakeFd;
    private final boolean pidfdSupported;
    private final Memory wakeValue = new Memory(8);
    private final Memory buffer = new Memory(CHUNK);
    private volatile ExecutorService waiters;
    private volatile boolean stopping;
    private final Thread ioThread;

    static ChildMonitor shared() {
        ChildMonitor m = shared;
        if (m == null) {
            synchronized (ChildMonitor.class) {
                m = shared;
                if (m == null) {
                    m = new ChildMonitor();
                    shared = m;
                }
            }
        }
        return m;
    }

    private ChildMonitor() {
        int probe = (int) Posix.C.syscall(Posix.SYS_PIDFD_OPEN, ProcessHandle.current().pid(), 0L);
        int probeErrno = Posix.errno();
        if (probe >= 0) {
            Posix.C.close(probe);
        }
        pidfdSupported = probe >= 0;
        if (!pidfdSupported) {
            log.info("pidfd not available ({}); waiting for agent processes with one thread each",
                    Posix.describeErrno(probeErrno));
        }
        wakeFd = Posix.C.eventfd(0, Posix.EFD_CLOEXEC | Posix.EFD_NONBLOCK);
        if (wakeFd < 0) {
            throw new IllegalStateException("eventfd failed: " + Posix.describeErrno(Posix.errno()));
        }
        wakeValue.setLong(0, 1);
        Thread t = new Thread(this::loop, "agent-io");
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
        wake();
        try {
            ioThread.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Start watching a freshly spawned child (its pipes and its exit). */
    void register(ChildProcess child) {
        int pidfd = -1;
        if (pidfdSupported) {
            pidfd = (int) Posix.C.syscall(Posix.SYS_PIDFD_OPEN, (long) child.pid(), 0L);
            if (pidfd < 0) {
                log.warn("pidfd_open({}) failed: {}", child.pid(), Posix.describeErrno(Posix.errno()));
            }
        }
        child.pidfd = pidfd;
        added.add(child);
        if (pidfd < 0) {
            waiters().execute(() -> waitBlocking(child));
        }
        wake();
    }

    private void wake() {
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
            if (rc == 0 || Posix.errno() != Posix.EINTR) {
                break;
            }
        }
        exited.add(child);
        wake();
    }

    private void loop() {
        Memory fds = new Memory(8L * 64);
        Memory drain = new Memory(8);
        // Parallel to the pollfd array: which child and which descriptor role each slot is.
        List<ChildProcess> owners = new ArrayList<>();
        List<Integer> roles = new ArrayList<>();
        while (!stopping) {
            try {
                ChildProcess c;
                while ((c = added.poll()) != null) {
                    children.add(c);
                }
                while ((c = exited.poll()) != null) {
                    if (children.contains(c)) {
                        handleExit(c);
                    }
                }
                owners.clear();
                roles.clear();
                for (ChildProcess child : children) {
                    if (child.stdout.fd >= 0) {
                        owners.add(child);
                        roles.add(1);
                    }
                    if (child.stderr.fd >= 0) {
                        owners.add(child);
                        roles.add(2);
                    }
                    if (child.pidfd >= 0) {
                        owners.add(child);
                        roles.add(0);
                    }
                }
                int count = owners.size() + 1;
                if (fds.size() < 8L * count) {
                    fds = new Memory(8L * count * 2);
                }
                setPollFd(fds, 0, wakeFd);
                for (int i = 0; i < owners.size(); i++) {
                    ChildProcess owner = owners.get(i);
                    int role = roles.get(i);
                    setPollFd(fds, i + 1, role == 0 ? owner.pidfd : role == 1 ? owner.stdout.fd : owner.stderr.fd);
                }
                int n = Posix.C.poll(fds, count, -1);
                if (stopping) {
                    return;
                }
                if (n < 0) {
                    int errno = Posix.errno();
                    if (errno != Posix.EINTR) {
                        log.error("poll on agent descriptors failed: {}", Posix.describeErrno(errno));
                        Thread.sleep(100);
                    }
                    continue;
                }
                if (revents(fds, 0) != 0) {
                    Posix.C.read(wakeFd, drain, 8);
                }
                // Pipes first, so data written just before the exit is read before finishing.
                for (int i = 0; i < owners.size(); i++) {
                    int role = roles.get(i);
                    if (role != 0 && revents(fds, i + 1) != 0) {
                        ChildProcess owner = owners.get(i);
                        readAvailable(owner, role == 1 ? owner.stdout : owner.stderr, 1);
                    }
                }
                for (int i = 0; i < owners.size(); i++) {
                    if (roles.get(i) == 0 && revents(fds, i + 1) != 0) {
                        ChildProcess owner = owners.get(i);
                        Posix.C.close(owner.pidfd);
                        owner.pidfd = -1;
                        handleExit(owner);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("Agent I/O loop failure", e);
            }
        }
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
                if (errno == Posix.EINTR) {
                    continue;
                }
                if (errno != Posix.EAGAIN) {
                    log.warn("Reading output of {} failed: {}", child.description(), Posix.describeErrno(errno));
                    capture.close();
                }
                return;
            }
        }
    }

    private static void setPollFd(Memory fds, int index, int fd) {
        long off = 8L * index;
        fds.setInt(off, fd);
        fds.setShort(off + 4, (short) Posix.POLLIN);
        fds.setShort(off + 6, (short) 0);
    }

    private static int revents(Memory fds, int index) {
        return fds.getShort(8L * index + 6);
    }
}
