package org.jremoted.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jremoted.executor.Completion;
import org.jremoted.executor.CompletionListener;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.XmlNode;

/**
 * The executor clients connected now, in connection order, and who gets which notification
 * (docs/executor.md §6.5): clients that never named themselves get none; a completion marked
 * for its originator goes to that client only. The executor reports its completions here.
 * Loop thread only.
 */
public final class ConnectedClients implements CompletionListener {
    private final Map<String, Client> clients = new LinkedHashMap<>();

    void add(Client client) {
        clients.put(client.id(), client);
    }

    /** True if the client was connected. */
    boolean remove(Client client) {
        return clients.remove(client.id()) != null;
    }

    boolean contains(Client client) {
        return clients.containsKey(client.id());
    }

    boolean isEmpty() {
        return clients.isEmpty();
    }

    Collection<Client> all() {
        return clients.values();
    }

    /** Every client that has a name. */
    void notifyNamed(XmlNode notification) {
        for (Client c : new ArrayList<>(clients.values())) {
            if (c.name() != null) {
                c.send(notification);
            }
        }
    }

    @Override
    public void completed(Completion completion) {
        XmlNode notification = ExecutorMessages.completionNotify(completion);
        if (completion.originatorOnly()) {
            Client requester = clients.get(completion.clientId());
            if (requester != null && requester.name() != null) {
                requester.send(notification);
            }
            return;
        }
        notifyNamed(notification);
    }
}
