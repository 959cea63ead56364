package org.jremoted.transport;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Admission of TCP connections, without I/O (docs/hardening.md, "Connections"). A connection is
 * <em>pending</em> from accept until its TLS handshake completes, then a <em>client</em>.
 *
 * <p>Pending connections are capped in total and per source address. When a cap is reached, the
 * oldest pending connection that has not sent a single byte yet is evicted to make room: a real
 * cluster node sends its ClientHello right after connecting, so it is never silent for long, while
 * a flood of connections that never speak only ever evicts itself. Only when every pending
 * connection in the way is mid-handshake is the new one refused. Authenticated clients are capped
 * separately; a connection beyond that cap is refused at once.
 *
 * <p>Loop thread only (the daemon has one event loop); {@code C} is the connection's handle.
 */
public final class ConnectionLimiter<C> {

    /** What to do with a new connection. */
    public sealed interface Admission<C> permits Admitted, Refused {
    }

    /** Keep it; close {@code evicted} first when present. */
    public record Admitted<C>(Optional<C> evicted) implements Admission<C> {
    }

    /** Close it at once, for {@code reason}. */
    public record Refused<C>(String reason) implements Admission<C> {
    }

    private static final class Pending {
        final String source;
        boolean spoke;

        Pending(String source) {
            this.source = source;
        }
    }

    private final ConnectionLimits limits;
    /** Insertion order = accept order, so the first silent entry is the oldest silent one. */
    private final LinkedHashMap<C, Pending> pending = new LinkedHashMap<>();
    private final Map<String, Integer> pendingBySource = new HashMap<>();
    private final Map<C, Boolean> clients = new HashMap<>();

    public ConnectionLimiter(ConnectionLimits limits) {
        this.limits = limits;
    }

    public Admission<C> admit(C connection, String source) {
        if (clients.size() >= limits.maxClients()) {
            return new Refused<>(clients.size() + " clients are connected, the most allowed");
        }
        Optional<C> evicted = Optional.empty();
        if (pendingBySource.getOrDefault(source, 0) >= limits.maxPendingPerSource()) {
            evicted = oldestSilent(source);
            if (evicted.isEmpty()) {
                return new Refused<>(limits.maxPendingPerSource() + " connections from " + source
                        + " are already authenticating");
            }
        } else if (pending.size() >= limits.maxPending()) {
            evicted = oldestSilent(null);
            if (evicted.isEmpty()) {
                return new Refused<>(limits.maxPending() + " connections are already authenticating");
            }
        }
        evicted.ifPresent(this::closed);
        pending.put(connection, new Pending(source));
        pendingBySource.merge(source, 1, Integer::sum);
        return new Admitted<>(evicted);
    }

    /** The connection sent its first byte: it is now in a handshake and no longer evictable. */
    public void spoke(C connection) {
        Pending p = pending.get(connection);
        if (p != null) {
            p.spoke = true;
        }
    }

    /**
     * The handshake completed.
     *
     * @return false when the client cap is full: the caller must close the connection
     */
    public boolean authenticated(C connection) {
        if (forgetPending(connection) == null && !clients.containsKey(connection)) {
            return false; // evicted or closed meanwhile
        }
        if (clients.size() >= limits.maxClients() && !clients.containsKey(connection)) {
            return false;
        }
        clients.put(connection, Boolean.TRUE);
        return true;
    }

    /** The connection is gone, in whatever state. */
    public void closed(C connection) {
        forgetPending(connection);
        clients.remove(connection);
    }

    public int pendingCount() {
        return pending.size();
    }

    public int clientCount() {
        return clients.size();
    }

    private Pending forgetPending(C connection) {
        Pending p = pending.remove(connection);
        if (p != null) {
            pendingBySource.computeIfPresent(p.source, (k, n) -> n <= 1 ? null : n - 1);
        }
        return p;
    }

    /** Oldest pending connection that never spoke, from {@code source} (any source when null). */
    private Optional<C> oldestSilent(String source) {
        Iterator<Map.Entry<C, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<C, Pending> e = it.next();
            Pending p = e.getValue();
            if (!p.spoke && (source == null || source.equals(p.source))) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }
}
