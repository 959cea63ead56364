package org.jremoted.daemon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlNode;

/**
 * Passes the transport's events on unchanged and remembers who is connected, for {@code jremoted
 * status}. Loop thread only, like every {@link Dispatcher}.
 */
public final class ClientTracker implements Dispatcher {
    /** One connected client as {@code jremoted status} shows it. */
    public record ClientInfo(String id, String name, String peer, boolean remote, Instant since) {
    }

    private final Dispatcher delegate;
    private final Map<String, Connected> clients = new LinkedHashMap<>();

    private record Connected(Client client, Instant since) {
    }

    public ClientTracker(Dispatcher delegate) {
        this.delegate = delegate;
    }

    @Override
    public void connected(Client client) {
        clients.put(client.id(), new Connected(client, Instant.now()));
        delegate.connected(client);
    }

    @Override
    public void received(Client client, XmlNode message) {
        delegate.received(client, message);
    }

    @Override
    public void disconnected(Client client) {
        clients.remove(client.id());
        delegate.disconnected(client);
    }

    /** Snapshot of the connected clients, in connection order. */
    public List<ClientInfo> clients() {
        List<ClientInfo> list = new ArrayList<>(clients.size());
        for (Connected c : clients.values()) {
            list.add(new ClientInfo(c.client().id(), c.client().name(), c.client().peer(), c.client().isRemote(),
                    c.since()));
        }
        return list;
    }
}
