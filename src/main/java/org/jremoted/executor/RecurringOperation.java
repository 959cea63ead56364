package org.jremoted.executor;

/** One live recurring operation as {@code lrmd_get_recurring} lists it. */
public record RecurringOperation(String action, long intervalMs, long timeoutMs) {
}
