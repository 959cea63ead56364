package org.jremoted.proxy;

import static org.jremoted.protocol.Attributes.*;

import java.util.Optional;
import org.jremoted.protocol.Messages;
import org.jremoted.protocol.XmlNode;

/**
 * Every {@code lrmd_ipc_proxy} envelope the daemon sends to an IPC provider (docs/proxy.md §3,
 * §6, §7), built in one place with the attributes in upstream's order, and the reading of the
 * payload the cluster sends back. Pure functions: any thread.
 */
public final class ProxyMessages {

    private ProxyMessages() {
    }

    /** A local client connected to {@code channel}: the cluster opens its end of the session. */
    public static XmlNode newSession(String session, String channel) {
        return Messages.notify(XmlNode.builder(IPC_PROXY)
                .attr(IPC_OP, IPC_OP_NEW)
                .attr(IPC_SERVER, channel)
                .attr(IPC_SESSION, session));
    }

    /**
     * One libqb request of a local client, relayed to the cluster daemon behind the session.
     *
     * @param flags libqb request flags, sent unsigned
     */
    public static XmlNode request(String session, String clientName, String user, int msgId, int flags,
                                  XmlNode payload) {
        return Messages.notify(XmlNode.builder(IPC_PROXY)
                .attr(IPC_OP, IPC_OP_REQUEST)
                .attr(IPC_SESSION, session)
                .attr(IPC_CLIENT, clientName)
                .attr(IPC_USER, user)
                .attr(IPC_MSG_ID, msgId)
                .attr(IPC_MSG_FLAGS, Integer.toUnsignedString(flags))
                .child(XmlNode.builder(IPC_MSG).child(payload).build()));
    }

    /** Closes a proxy session on the cluster side. */
    public static XmlNode destroy(String session) {
        return Messages.notify(XmlNode.builder(IPC_PROXY)
                .attr(IPC_OP, IPC_OP_DESTROY)
                .attr(IPC_SESSION, session));
    }

    /** The daemon asks the cluster to stop its resources before it exits (docs/proxy.md §6). */
    public static XmlNode shutdownRequest() {
        return Messages.notify(XmlNode.builder(IPC_PROXY)
                .attr(IPC_OP, IPC_OP_SHUTDOWN_REQ)
                .attr(IPC_SESSION, "0"));
    }

    /** The message a {@code response} or {@code event} from the cluster carries, if any. */
    public static Optional<XmlNode> payload(XmlNode message) {
        return message.child(IPC_MSG).flatMap(m -> m.children().stream().findFirst());
    }
}
