package org.jremoted.protocol;

import static org.jremoted.protocol.Attributes.*;

import java.util.List;
import java.util.function.Consumer;
import org.jremoted.executor.Completion;
import org.jremoted.executor.RecurringOperation;
import org.jremoted.executor.ResourceDefinition;
import org.jremoted.executor.ResourceRecurring;

/**
 * Builders for every message the daemon sends (docs/executor.md §1.2, §1.3, §3, §5; docs/proxy.md §3), with
 * attributes in upstream order so captures of ours and of the C daemon compare line by line.
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

    /** Reply to {@code lrmd_rsc_info}: the definition when known, else rc -19 and nothing else. */
    public static XmlNode resourceInfoReply(int rc, int callId, ResourceDefinition definition,
                                            XmlNode request) {
        return reply(ORIGIN_RSC_INFO, rc, callId, b -> {
            if (definition != null) {
                b.attr(RSC_ID, definition.id())
                        .attr(CLASS, definition.standard())
                        .attr(PROVIDER, definition.provider())
                        .attr(TYPE, definition.type());
            }
        }, request);
    }

    /** Reply to {@code lrmd_get_recurring}: one {@code lrmd_rsc} per resource considered. */
    public static XmlNode recurringReply(int rc, int callId, List<ResourceRecurring> resources,
                                         XmlNode request) {
        return reply(ORIGIN_GET_RECURRING, rc, callId, b -> {
            for (ResourceRecurring r : resources) {
                XmlNode.Builder rsc = XmlNode.builder(RSC).attr(RSC_ID, r.resourceId());
                for (RecurringOperation op : r.operations()) {
                    rsc.child(XmlNode.builder(RSC_OP)
                            .attr(RSC_ACTION, op.action())
                            .attr(RSC_INTERVAL, op.intervalMs())
                            .attr(TIMEOUT, op.timeoutMs())
                            .build());
                }
                b.child(rsc.build());
            }
        }, request);
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

    /** The completion notification of one run (docs/executor.md §5). */
    public static XmlNode completionNotify(Completion c) {
        XmlNode.Builder b = XmlNode.builder(NOTIFY)
                .attr(ORIGIN, ORIGIN_COMPLETE_NOTIFY)
                .attr(TIMEOUT, c.timeoutMs())
                .attr(RSC_INTERVAL, c.intervalMs())
                .attr(RSC_START_DELAY, c.startDelayMs())
                .attr(EXEC_RC, c.exitStatus())
                .attr(EXEC_OP_STATUS, c.executionStatus().code())
                .attr(CALL_ID, c.callId())
                .attr(RSC_DELETED, c.resourceDeleted() ? 1 : 0)
                .attr(RUN_TIME, c.runTime())
                .attr(RCCHANGE_TIME, c.rcChangeTime())
                .attr(EXEC_TIME, c.execTimeMs())
                .attr(QUEUE_TIME, c.queueTimeMs())
                .attr(OP, OP_RSC_EXEC)
                .attr(RSC_ID, c.resourceId())
                .attr(RSC_ACTION, c.action())
                .attr(RSC_USERDATA, c.userData())
                .attr(RSC_EXIT_REASON, c.exitReason())
                .attr(RSC_OUTPUT, c.output())
                .attr(REMOTE_MSG_ID, 0)
                .attr(REMOTE_MSG_TYPE, MSG_TYPE_NOTIFY);
        if (c.parameterNode() != null) {
            b.child(c.parameterNode());
        }
        return b.build();
    }

    /** The daemon asks the cluster to stop its resources before it exits (docs/proxy.md §6). */
    public static XmlNode shutdownRequest() {
        return notify(XmlNode.builder(IPC_PROXY)
                .attr(IPC_OP, IPC_OP_SHUTDOWN_REQ)
                .attr(IPC_SESSION, "0"));
    }

    /** Closes a proxy session on the cluster side. */
    public static XmlNode proxyDestroy(String session) {
        return notify(XmlNode.builder(IPC_PROXY)
                .attr(IPC_OP, "destroy")
                .attr(IPC_SESSION, session));
    }

    private static XmlNode notify(XmlNode.Builder b) {
        return b.attr(REMOTE_MSG_ID, 0).attr(REMOTE_MSG_TYPE, MSG_TYPE_NOTIFY).build();
    }
}
