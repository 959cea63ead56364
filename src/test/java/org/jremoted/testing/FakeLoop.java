package org.jremoted.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.jremoted.support.LoopScheduler;

/**
 * A deterministic daemon loop: tasks run only when the test says so, and time moves only when
 * the test advances it. {@link #execute} may be called from any thread.
 */
public final class FakeLoop implements LoopScheduler {
    /** An arbitrary wall-clock origin (2026-11-21), so epoch seconds are recognisable. */
    public static final long WALL_ORIGIN_MS = 1_795_304_616_000L;

    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final List<FakeTimer> timers = new ArrayList<>();
    private long nowMs;
    private long sequence;

    private final class FakeTimer implements Timer {
        final long dueMs;
        final long seq;
        final Runnable task;
        boolean cancelled;

        FakeTimer(long dueMs, long seq, Runnable task) {
            this.dueMs = dueMs;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public synchronized Timer schedule(Runnable task, long delayMs) {
        // Saturating, like the real loop: a delay near Long.MAX_VALUE means never, not the past
        FakeTimer t = new FakeTimer(nowMs + Math.min(Math.max(0, delayMs), Long.MAX_VALUE - nowMs), sequence++, task);
        timers.add(t);
        return t;
    }

    @Override
    public synchronized long wallClockMillis() {
        return WALL_ORIGIN_MS + nowMs;
    }

    @Override
    public synchronized long monotonicNanos() {
        return nowMs * 1_000_000L;
    }

    /** Virtual milliseconds since the start. */
    public synchronized long now() {
        return nowMs;
    }

    /** Run queued tasks (and tasks they queue) until none is left. */
    public void runPending() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    /** Move time forward, firing due timers in order and running the tasks they cause. */
    public void advance(long ms) {
        advance(ms, Long.MAX_VALUE);
    }

    /**
     * As {@link #advance(long)}, but stops once {@code maxTimers} timers have fired (time then
     * stands at the last one's due time): fuzzed inputs can ask for millisecond intervals over
     * years of virtual time. Returns the number of timers fired.
     */
    public long advance(long ms, long maxTimers) {
        long fired = 0;
        long target;
        synchronized (this) {
            target = nowMs + Math.min(ms, Long.MAX_VALUE - nowMs);
        }
        runPending();
        while (true) {
            FakeTimer due;
            synchronized (this) {
                due = timers.stream()
                        .filter(t -> !t.cancelled && t.dueMs <= target)
                        .min(Comparator.<FakeTimer>comparingLong(t -> t.dueMs).thenComparingLong(t -> t.seq))
                        .orElse(null);
                if (due == null) {
                    nowMs = Math.max(nowMs, target);
                    timers.removeIf(t -> t.cancelled);
                } else {
                    timers.remove(due);
                    nowMs = Math.max(nowMs, due.dueMs);
                }
            }
            if (due == null) {
                runPending();
                return fired;
            }
            due.task.run();
            runPending();
            if (++fired >= maxTimers) {
                return fired;
            }
        }
    }

    /** Timers armed and neither fired nor cancelled. */
    public synchronized long liveTimers() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }
}
