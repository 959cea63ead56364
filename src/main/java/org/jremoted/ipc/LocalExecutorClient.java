package org.jremoted.ipc;

import java.nio.charset.StandardCharsets;
import org.jremoted.protocol.Attributes;
import org.jremoted.protocol.AbstractClient;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local process using the executor API through the {@code lrmd} endpoint (docs/executor.md, local
 * client rules). Replies go back as the libqb response to its current request; notifications as
 * server events. Privileged only when running as root or {@code hacluster}. Loop thread only.
 */
final class LocalExecutorClient extends AbstractClient {
    private static final Logger log = LoggerFactory.getLogger(LocalExecutorClient.class);

    private final LocalConnection connection;
    private final LocalIpcLink link;
    private final int bufferSize;
    private final PcmkIpcCodec.Assembler assembler;
    private PcmkIpcCodec.Dialect dialect = PcmkIpcCodec.Dialect.V2_1;
    private int pendingRequest;
    private int lastEvent;
    private boolean closed;

    /**
     * @param maxMessage the largest message a privileged client may send; an unprivileged one
     *                   gets {@link PcmkIpcCodec#UNPRIVILEGED_MAX_MESSAGE_SIZE}, decided from the
     *                   socket's credentials before its first byte is decoded
     */
    LocalExecutorClient(LocalConnection connection, LocalIpcLink link, int bufferSize, int maxMessage) {
        this.connection = connection;
        this.link = link;
        this.bufferSize = bufferSize;
        this.assembler = new PcmkIpcCodec.Assembler(
                isPrivileged() ? maxMessage : PcmkIpcCodec.UNPRIVILEGED_MAX_MESSAGE_SIZE);
    }

    LocalConnection connection() {
        return connection;
    }

    PcmkIpcCodec.Assembler assembler() {
        return assembler;
    }

    /** A complete request arrived: its reply will answer this id, in this dialect. */
    void requestReceived(PcmkIpcCodec.Message request) {
        pendingRequest = request.id();
        dialect = request.dialect();
    }

    @Override
    public boolean isRemote() {
        return false;
    }

    @Override
    public boolean isPrivileged() {
        return connection.uid() == 0 || "hacluster".equals(connection.user());
    }

    @Override
    public String peer() {
        return "local pid " + connection.pid() + " uid " + connection.uid();
    }

    @Override
    public void send(XmlNode message) {
        if (closed) {
            return;
        }
        byte[] text = XmlCodec.write(message).getBytes(StandardCharsets.UTF_8);
        boolean reply = Attributes.REPLY.equals(message.name()) && pendingRequest != 0;
        int msgId = reply ? pendingRequest : ++lastEvent;
        int flags = reply ? 0 : PcmkIpcCodec.FLAG_SERVER_EVENT;
        if (reply) {
            pendingRequest = 0;
        }
        try {
            for (byte[] part : PcmkIpcCodec.encode(dialect, msgId, flags, text, bufferSize)) {
                if (reply) {
                    link.respond(connection.id(), part);
                } else {
                    link.event(connection.id(), part);
                }
            }
        } catch (PcmkIpcCodec.MalformedIpcException e) {
            log.error("Cannot send {} to local executor client {}: {}", message.name(), peer(), e.getMessage());
            close();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            link.disconnect(connection.id());
        }
    }
}
