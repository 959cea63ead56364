package org.jremoted.proxy;

import org.jremoted.protocol.Client;
import org.jremoted.protocol.XmlNode;

/**
 * Receives all IPC-proxy traffic the cluster sends ({@code ipc_fwd}: response, event, destroy, and
 * the answers to our shutdown request) and hears of provider registrations and disconnections.
 * Called on the loop thread, before the dispatcher sends the request's reply.
 */
public interface ProxyListener {

    /** One {@code lrmd_ipc_proxy} message with {@code lrmd_op="ipc_fwd"} from a client. */
    void forwarded(Client from, XmlNode message);

    /** A client registered as IPC provider, announcing this protocol version. */
    default void providerRegistered(Client provider, String protocolVersion) {
    }

    /**
     * A client disconnected (after it was removed from the provider list and the executor was
     * told); during a graceful shutdown the last provider leaving ends the daemon.
     */
    default void clientDisconnected(Client client, boolean wasProvider) {
    }
}
