package org.jremoted.testing;

import java.util.ArrayList;
import java.util.List;
import org.jremoted.protocol.AbstractClient;
import org.jremoted.protocol.XmlNode;

/** A connection that records what the daemon sends it. */
public class FakeClient extends AbstractClient {
    private final boolean remote;
    private boolean closed;
    public final List<XmlNode> sent = new ArrayList<>();

    public FakeClient(boolean remote) {
        this.remote = remote;
    }

    public FakeClient() {
        this(true);
    }

    @Override
    public boolean isRemote() {
        return remote;
    }

    @Override
    public String peer() {
        return "192.0.2.1:40000";
    }

    @Override
    public void send(XmlNode message) {
        sent.add(message);
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }

    /** Everything sent so far, then forget it. */
    public List<XmlNode> take() {
        List<XmlNode> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }
}
