package org.jremoted.protocol;

/**
 * One connected executor client as the protocol layer sees it: a TLS peer (a cluster node's
 * controller) or, later, a local IPC peer. All methods are called on the daemon loop thread.
 */
public interface Client {

    /** Server-generated UUID, fixed when the connection was accepted ({@code lrmd_clientid}). */
    String id();

    /** Self-declared name ({@code lrmd_clientname}); null until the client sends one. */
    String name();

    /** Adopted from the first request that carries {@code lrmd_clientname}. */
    void setName(String name);

    /** True for TLS clients: every TLS client is privileged and may become an IPC provider. */
    boolean isRemote();

    /**
     * May use every operation (docs/executor.md §3): every TLS client, and local IPC clients running
     * as root or {@code hacluster}. Others may only register and poke.
     */
    default boolean isPrivileged() {
        return isRemote();
    }

    /** Remote address for log lines. */
    String peer();

    /** Queue one message for this client; never blocks. Messages go out in call order. */
    void send(XmlNode message);

    /** Close the connection (orderly: TLS close_notify, then TCP close). */
    void close();
}
