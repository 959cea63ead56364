package org.jremoted.agents.systemd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of the systemd class, shared by every {@link SystemdAgent}: a pool of up to
 * {@link #WORKERS} {@code systemd-N} threads that make the blocking D-Bus calls (idle ones end
 * after a minute), and one {@code systemd-timer} for action timeouts and polls. Each is created on
 * first use (class holders), so a daemon that runs no systemd resource has neither.
 */
final class SystemdThreads {

    static final int WORKERS = 8;

    private SystemdThreads() {
    }

    private static final class Workers {
        static final ExecutorService POOL = workerPool();
    }

    private static final class Timer {
        static final ScheduledExecutorService POOL = timerPool();
    }

    static ExecutorService workers() {
        return Workers.POOL;
    }

    static ScheduledExecutorService timers() {
        return Timer.POOL;
    }

    private static ExecutorService workerPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "systemd-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ScheduledExecutorService timerPool() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "systemd-timer");
            th.setDaemon(true);
            return th;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }
}
