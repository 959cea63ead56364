package org.jremoted.executor.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.XmlNode;

/** A connection that records what the daemon sends it. */
public class FakeClient implements Client {
    private final String id = UUID.randomUUID().toString();
    private final boolean remote;
    private String name;
    private boolean closed;
    public final List<XmlNode> sent = new ArrayList<>();

    public FakeClient(boolean remote) {
        this.remote = remote;
    }

    public FakeClient() {
        this(true);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
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
