package org.jremoted.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlNode;

/**
 * A dispatcher that writes down what a transport reports ("connected REMOTE PRIVILEGED",
 * "received OP", "disconnected") and may answer each message.
 */
public final class RecordingDispatcher implements Dispatcher {
    public final List<String> seen = new ArrayList<>();
    private final BiConsumer<Client, XmlNode> answer;

    public RecordingDispatcher() {
        this((client, message) -> { });
    }

    /** @param answer run for every message after it was written down */
    public RecordingDispatcher(BiConsumer<Client, XmlNode> answer) {
        this.answer = answer;
    }

    @Override
    public void connected(Client client) {
        seen.add("connected " + client.isRemote() + " " + client.isPrivileged());
    }

    @Override
    public void received(Client client, XmlNode message) {
        seen.add("received " + message.attr("lrmd_op"));
        answer.accept(client, message);
    }

    @Override
    public void disconnected(Client client) {
        seen.add("disconnected");
    }
}
