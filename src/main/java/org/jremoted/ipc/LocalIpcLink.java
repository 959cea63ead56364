package org.jremoted.ipc;

/** What the proxy asks of the process that owns the libqb endpoints. Callable from the loop thread; never blocks. */
public interface LocalIpcLink {

    /** Whether proxied endpoints should accept connections (refused at connect time otherwise). */
    void providerAvailable(boolean available);

    /** One complete libqb message as the response to the client's current request. */
    void respond(int connection, byte[] message);

    /** One complete libqb message as an unsolicited server event. */
    void event(int connection, byte[] message);

    /** Close the local client's connection; {@link LocalIpcListener#closed} follows. */
    void disconnect(int connection);
}
