package org.jremoted.ipc;

/** What the endpoint process reports; every method is called on the daemon loop thread. */
public interface LocalIpcListener {

    /** The link to answer through, given once before the first report. */
    default void attach(LocalIpcLink link) {
    }

    /** All endpoints are published. */
    void ready();

    /** A local client connected. */
    void connected(LocalConnection connection);

    /** A connection to a proxied endpoint was refused because no provider was connected. */
    void refused(LocalEndpoint endpoint, int uid, int gid);

    /** One libqb message (Pacemaker header included) from a local client. */
    void request(int connection, byte[] message);

    /** The local client is gone, whoever closed it. */
    void closed(int connection);

    /** The endpoint process is gone: every connection it had is closed without further notice. */
    void lost(String reason);
}
