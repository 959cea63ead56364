package org.jremoted.support;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The daemon loop as the executor needs it: run a task on the loop, run one later, and read the
 * clocks. A small interface instead of {@link ScheduledExecutorService} so tests can drive time by
 * hand.
 */
public interface LoopScheduler {

    /** Run the task on the loop thread after the current task; callable from any thread. */
    void execute(Runnable task);

    /** Run the task on the loop thread after at least {@code delayMs}. */
    Timer schedule(Runnable task, long delayMs);

    /** Wall-clock time, epoch milliseconds (for {@code lrmd_run_time} and friends). */
    long wallClockMillis();

    /** Monotonic time in nanoseconds (for durations). */
    long monotonicNanos();

    /** A pending timer. */
    interface Timer {
        /** Stop it from firing; harmless once it has fired. */
        void cancel();
    }

    /** Adapter for the real loop (a Netty EventLoop is a ScheduledExecutorService). */
    static LoopScheduler of(ScheduledExecutorService loop) {
        return new LoopScheduler() {
            @Override
            public void execute(Runnable task) {
                try {
                    loop.execute(task);
                } catch (RejectedExecutionException e) {
                    // The daemon is exiting; a late agent result has nowhere to go
                    LoggerFactory.getLogger(LoopScheduler.class).debug("Loop gone, dropping task", e);
                }
            }

            @Override
            public Timer schedule(Runnable task, long delayMs) {
                try {
                    ScheduledFuture<?> f = loop.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException e) {
                    LoggerFactory.getLogger(LoopScheduler.class).debug("Loop gone, dropping timer", e);
                    return () -> { };
                }
            }

            @Override
            public long wallClockMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public long monotonicNanos() {
                return System.nanoTime();
            }
        };
    }
}
