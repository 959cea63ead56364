package org.jremoted.proxy;

import java.util.ArrayList;
import java.util.List;
import org.jremoted.protocol.Client;

/**
 * Clients that registered as IPC providers, newest first: new proxy sessions and the shutdown
 * request go to the most recently registered one. Loop thread only.
 */
public final class IpcProviders {
    private final List<Client> providers = new ArrayList<>();
    private Runnable changed = () -> { };

    /** Called after every change of the list (the local IPC endpoints accept only while one exists). */
    public void onChange(Runnable listener) {
        this.changed = listener;
    }

    /** A client (re-)registered as provider; it becomes the current one. */
    public void add(Client client) {
        providers.remove(client);
        providers.add(0, client);
        changed.run();
    }

    /** The client is gone; true if it was a provider. */
    public boolean remove(Client client) {
        boolean removed = providers.remove(client);
        if (removed) {
            changed.run();
        }
        return removed;
    }

    /** The provider new sessions bind to, or null when none is connected. */
    public Client current() {
        return providers.isEmpty() ? null : providers.get(0);
    }

    public boolean isEmpty() {
        return providers.isEmpty();
    }

    public boolean contains(Client client) {
        return providers.contains(client);
    }

    /** Snapshot, newest first. */
    public List<Client> all() {
        return List.copyOf(providers);
    }
}
