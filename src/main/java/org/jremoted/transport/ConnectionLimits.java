package org.jremoted.transport;

/**
 * How many connections the listener keeps at once (docs/hardening.md, "Connections").
 *
 * @param maxPending          connections accepted but not yet authenticated, all sources together
 * @param maxPendingPerSource the same, from one source address
 * @param maxClients          authenticated TLS clients at once
 */
public record ConnectionLimits(int maxPending, int maxPendingPerSource, int maxClients) {
    public static final int DEFAULT_MAX_PENDING = 256;
    public static final int DEFAULT_MAX_PENDING_PER_SOURCE = 128;
    public static final int DEFAULT_MAX_CLIENTS = 32;

    public static final ConnectionLimits DEFAULTS =
            new ConnectionLimits(DEFAULT_MAX_PENDING, DEFAULT_MAX_PENDING_PER_SOURCE, DEFAULT_MAX_CLIENTS);

    public ConnectionLimits {
        if (maxPending < 1 || maxPendingPerSource < 1 || maxClients < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        maxPendingPerSource = Math.min(maxPendingPerSource, maxPending);
    }
}
