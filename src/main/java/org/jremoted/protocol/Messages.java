package org.jremoted.protocol;

import static org.jremoted.protocol.Attributes.*;

import java.util.function.Consumer;

/**
 * Builders for the executor protocol's replies and notifications that need nothing but the wire
 * names (docs/executor.md §1.2, §1.3, §3), with attributes in upstream order so captures of ours
 * and of the C daemon compare line by line. Replies carrying executor state are built in
 * {@code org.jremoted.dispatch.ExecutorMessages}, proxy envelopes in
 * {@code org.jremoted.proxy.ProxyMessages}. Pure functions: any thread.
 */
public final class Messages {

    private Messages() {
    }

    /** {@code lrmd_remote_msg_id} of a request: missing or non-numeric reads as 0. */
    public static long remoteMsgId(XmlNode request) {
        return request.longAttr(REMOTE_MSG_ID, 0);
    }

    /** A reply without operation-specific content. */
    public static XmlNode reply(String origin, int rc, int callId, XmlNode request) {
        return reply(origin, rc, callId, b -> { }, request);
    }

    /** A reply; {@code extras} adds the operation-specific attributes and children. */
    public static XmlNode reply(String origin, int rc, int callId, Consumer<XmlNode.Builder> extras,
                                XmlNode request) {
        XmlNode.Builder b = XmlNode.builder(REPLY)
                .attr(ORIGIN, origin)
                .attr(RC, rc)
                .attr(CALL_ID, callId);
        extras.accept(b);
        return b.attr(REMOTE_MSG_ID, remoteMsgId(request))
                .attr(REMOTE_MSG_TYPE, MSG_TYPE_REPLY)
                .build();
    }

    /** Reply to {@code register}; {@code nodeStartState} may be null. */
    public static XmlNode registerReply(int rc, int callId, String clientId, long uptimeSeconds,
                                        String nodeStartState, XmlNode request) {
        return reply(ORIGIN_SIGNON, rc, callId, b -> b
                .attr(OP, OP_REGISTER)
                .attr(CLIENT_ID, clientId)
                .attr(PROTOCOL_VERSION, SERVER_PROTOCOL_VERSION)
                .attr(UPTIME, uptimeSeconds)
                .attr(NODE_START_STATE, nodeStartState), request);
    }

    /** Notification after register/unregister/poke; {@code resourceId} may be null. */
    public static XmlNode genericNotify(int rc, int callId, String op, String resourceId) {
        return notify(XmlNode.builder(NOTIFY)
                .attr(ORIGIN, ORIGIN_GENERIC_NOTIFY)
                .attr(RC, rc)
                .attr(CALL_ID, callId)
                .attr(OP, op)
                .attr(RSC_ID, resourceId));
    }

    /** Tells existing clients that another one connected (a controller then drops its link). */
    public static XmlNode newClientNotify() {
        return notify(XmlNode.builder(NOTIFY)
                .attr(ORIGIN, ORIGIN_NEW_CLIENT)
                .attr(OP, OP_NEW_CLIENT));
    }

    /** Adds the notification marks every unsolicited message carries. */
    public static XmlNode notify(XmlNode.Builder b) {
        return b.attr(REMOTE_MSG_ID, 0).attr(REMOTE_MSG_TYPE, MSG_TYPE_NOTIFY).build();
    }
}
