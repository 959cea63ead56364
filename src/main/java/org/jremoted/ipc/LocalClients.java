package org.jremoted.ipc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.MalformedMessageException;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlLimits;
import org.jremoted.protocol.XmlNode;
import org.jremoted.support.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts what the endpoint process reports: connections to {@code lrmd} become
 * {@link LocalExecutorClient}s served by the same {@link Dispatcher} as TLS clients (decoded here,
 * as the transport decodes TLS traffic); {@code pacemakerd} is refused, as the C daemon does; every
 * other endpoint goes to the IPC proxy, which tunnels it to the cluster. Loop thread only.
 */
public final class LocalClients implements LocalIpcListener {
    private static final Logger log = LoggerFactory.getLogger(LocalClients.class);
    /** Local users can send bad messages as often as they reconnect. */
    private static final LogThrottle BAD_MESSAGE = new LogThrottle();

    private final Dispatcher executor;
    private final LocalIpcListener proxied;
    private final int bufferSize;
    private final int maxMessage;
    private final Map<Integer, LocalExecutorClient> executorClients = new HashMap<>();
    private LocalIpcLink link;

    /**
     * @param executor   who serves {@code lrmd} clients: the daemon's dispatcher (as the status
     *                   server sees it, so local clients are listed too)
     * @param proxied    who serves the proxied endpoints: the IPC proxy
     * @param bufferSize IPC buffer size for messages to local clients ({@code PCMK_ipc_buffer})
     * @param maxMessage the largest message a privileged local client may send
     */
    public LocalClients(Dispatcher executor, LocalIpcListener proxied, int bufferSize, int maxMessage) {
        this.executor = executor;
        this.proxied = proxied;
        this.bufferSize = bufferSize;
        this.maxMessage = maxMessage;
    }

    @Override
    public void attach(LocalIpcLink link) {
        this.link = link;
        proxied.attach(link);
    }

    /** Number of connected {@code lrmd} clients (for tests). */
    public int executorClientCount() {
        return executorClients.size();
    }

    @Override
    public void ready() {
        proxied.ready();
    }

    @Override
    public void connected(LocalConnection c) {
        switch (c.endpoint()) {
            case LRMD -> {
                LocalExecutorClient client = new LocalExecutorClient(c, link, bufferSize, maxMessage);
                executorClients.put(c.id(), client);
                executor.connected(client);
            }
            case PACEMAKERD -> link.disconnect(c.id());
            default -> proxied.connected(c);
        }
    }

    @Override
    public void refused(LocalEndpoint endpoint, int uid, int gid) {
        proxied.refused(endpoint, uid, gid);
    }

    @Override
    public void request(int connection, byte[] raw) {
        LocalExecutorClient client = executorClients.get(connection);
        if (client == null) {
            proxied.request(connection, raw);
            return;
        }
        XmlNode message;
        try {
            PcmkIpcCodec.Message m = client.assembler().add(raw);
            if (m == null) {
                return;
            }
            message = XmlCodec.parse(m.text(), XmlLimits.forMaxMessage(client.assembler().maxMessage()));
            client.requestReceived(m);
        } catch (PcmkIpcCodec.MalformedIpcException | MalformedMessageException e) {
            BAD_MESSAGE.warn(log, "Disconnecting local executor client {}: bad message ({})", client.peer(),
                    e.getMessage());
            client.close();
            return;
        }
        executor.received(client, message);
    }

    @Override
    public void closed(int connection) {
        LocalExecutorClient client = executorClients.remove(connection);
        if (client != null) {
            executor.disconnected(client);
        } else {
            proxied.closed(connection);
        }
    }

    @Override
    public void lost(String reason) {
        proxied.lost(reason);
        for (Integer connection : new ArrayList<>(executorClients.keySet())) {
            closed(connection);
        }
    }
}
