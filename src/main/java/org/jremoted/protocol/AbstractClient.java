package org.jremoted.protocol;

import java.util.UUID;

/** What every kind of client has: the id the daemon gives it and the name it declares. */
public abstract class AbstractClient implements Client {
    private final String id = UUID.randomUUID().toString();
    private String name;

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void setName(String name) {
        this.name = name;
    }
}
