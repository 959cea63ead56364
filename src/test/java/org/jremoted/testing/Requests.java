package org.jremoted.testing;

import org.jremoted.protocol.XmlNode;

/**
 * Executor requests as Pacemaker's client library builds them (docs/executor.md §1.2), for the
 * unit tests that feed a dispatcher directly. The end-to-end tests use the real library instead.
 */
public final class Requests {

    private Requests() {
    }

    /** An {@code lrmd_command} for {@code op}, numbered {@code msgId}; add attributes and calldata. */
    public static XmlNode.Builder command(String op, long msgId) {
        return XmlNode.builder("lrmd_command").attr("t", "lrmd").attr("lrmd_op", op)
                .attr("lrmd_remote_msg_id", msgId).attr("lrmd_remote_msg_type", "request");
    }

    /** A {@code register} (sign-on) with the client's name and protocol version. */
    public static XmlNode register(String clientName, String protocolVersion, long msgId) {
        return command("register", msgId).attr("lrmd_clientname", clientName)
                .attr("lrmd_protocol_version", protocolVersion).build();
    }

    /** The command with {@code rsc} as its calldata. */
    public static XmlNode withRsc(XmlNode.Builder command, XmlNode rsc) {
        return command.child(XmlNode.builder("lrmd_calldata").child(rsc).build()).build();
    }

    /** An {@code lrmd_rsc} element naming resource {@code id}. */
    public static XmlNode.Builder rsc(String id) {
        return XmlNode.builder("lrmd_rsc").attr("lrmd_origin", "test").attr("lrmd_rsc_id", id);
    }
}
