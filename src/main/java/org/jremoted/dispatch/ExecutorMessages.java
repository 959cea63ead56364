package org.jremoted.dispatch;

import static org.jremoted.protocol.Attributes.*;

import java.util.List;
import org.jremoted.executor.Completion;
import org.jremoted.executor.RecurringOperation;
import org.jremoted.executor.ResourceDefinition;
import org.jremoted.executor.ResourceRecurring;
import org.jremoted.protocol.Messages;
import org.jremoted.protocol.XmlNode;

/**
 * Builders for the replies and notifications that carry executor state (docs/executor.md §1.3,
 * §5): resource definitions, recurring operations, completions. Attributes in upstream order.
 * Pure functions: any thread.
 */
final class ExecutorMessages {

    private ExecutorMessages() {
    }

    /** Reply to {@code lrmd_rsc_info}: the definition when known, else rc -19 and nothing else. */
    public static XmlNode resourceInfoReply(int rc, int callId, ResourceDefinition definition,
                                            XmlNode request) {
        return Messages.reply(ORIGIN_RSC_INFO, rc, callId, b -> {
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
        return Messages.reply(ORIGIN_GET_RECURRING, rc, callId, b -> {
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

}
