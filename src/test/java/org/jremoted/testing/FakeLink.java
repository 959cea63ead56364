package org.jremoted.testing;

import java.util.ArrayList;
import java.util.List;
import org.jremoted.ipc.LocalIpcLink;

/** Records what the proxy and the local clients ask of the libqb side. */
public final class FakeLink implements LocalIpcLink {
public final List<Boolean> availability = new ArrayList<>();
public final List<String> calls = new ArrayList<>();
public final List<byte[]> messages = new ArrayList<>();

    @Override
    public void providerAvailable(boolean available) {
        availability.add(available);
    }

    @Override
    public void respond(int connection, byte[] message) {
        calls.add("respond " + connection);
        messages.add(message);
    }

    @Override
    public void event(int connection, byte[] message) {
        calls.add("event " + connection);
        messages.add(message);
    }

    @Override
    public void disconnect(int connection) {
        calls.add("disconnect " + connection);
    }
}
