package org.jremoted.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that all connections together may hold in messages that are still arriving or being
 * inflated (docs/hardening.md, "Memory budget"). Each connection may hold
 * {@link #FREE_PER_CONNECTION} bytes without drawing on it, so that ordinary small requests from
 * the cluster never depend on what other connections do; every byte beyond that is reserved here
 * first and refused when the budget is spent. Any thread (atomic counter).
 */
public final class MessageBudget {
    /** What one connection may buffer without a reservation: far above any executor request. */
    public static final int FREE_PER_CONNECTION = 64 * 1024;

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public MessageBudget(long capacity) {
        this.capacity = capacity;
    }

    /** The budget the daemon uses: room for two messages of the largest size at once. */
    public static MessageBudget forMaxMessage(long maxMessageBytes) {
        return new MessageBudget(2 * maxMessageBytes);
    }

    /** Takes {@code bytes} from the budget, or nothing and false when it would be overdrawn. */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long now = used.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    public long used() {
        return used.get();
    }

    public long capacity() {
        return capacity;
    }
}
