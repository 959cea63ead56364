package org.jremoted.proxy;

import static org.jremoted.protocol.Attributes.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jremoted.ipc.LocalConnection;
import org.jremoted.ipc.LocalEndpoint;
import org.jremoted.ipc.LocalIpcLink;
import org.jremoted.ipc.LocalIpcListener;
import org.jremoted.ipc.PcmkIpcCodec;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.MalformedMessageException;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlLimits;
import org.jremoted.protocol.XmlNode;
import org.jremoted.support.LogThrottle;
import org.jremoted.support.LoopScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPC proxy (docs/proxy.md §3–§4): tunnels local libqb clients of {@code cib_ro}, {@code cib_rw},
 * {@code cib_shm}, {@code attrd}, {@code stonith-ng} and {@code crmd} over the TLS connection of
 * the IPC provider that was current when they connected, and takes every {@code ipc_fwd} the
 * cluster sends, the answers to our shutdown request included (as upstream's remoted_proxy.c does).
 * The libqb side lives in another process reached through {@link LocalIpcLink}; {@code lrmd}
 * clients never get here ({@link org.jremoted.ipc.LocalClients} gives them to the dispatcher).
 * Loop thread only.
 */
public final class IpcProxy implements ProxyListener, LocalIpcListener {
    private static final Logger log = LoggerFactory.getLogger(IpcProxy.class);
    /** Local users can send bad messages as often as they reconnect. */
    private static final LogThrottle BAD_MESSAGE = new LogThrottle();
    private static final LogThrottle REFUSED = new LogThrottle();

    /**
     * How long a local request waits for the cluster before we give up on the session. The C
     * daemon waits forever; tools that wait on events rather than on a reply would then hang.
     */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

    private final LoopScheduler loop;
    private final IpcProviders providers;
    private final ShutdownCoordinator shutdown;
    private final int bufferSize;
    private final long requestTimeoutMs;
    private final int maxMessage;
    private final XmlLimits xmlLimits;
    private LocalIpcLink link;

    private SchemaDownload schemas;
    private Client schemasProvider;
    private final Map<Integer, Session> byConnection = new HashMap<>();
    private final Map<String, Session> bySession = new LinkedHashMap<>();

    /** One proxied local client, bound to one provider for life. */
    private static final class Session {
        final LocalConnection connection;
        final String id;
        final String clientName;
        final Client provider;
        final PcmkIpcCodec.Assembler assembler;
        PcmkIpcCodec.Dialect dialect = PcmkIpcCodec.Dialect.V2_1;
        int pendingRequest;
        int lastEvent;
        LoopScheduler.Timer timeout;
        boolean providerGone;
        boolean closing;

        Session(LocalConnection connection, String id, Client provider, int maxMessage) {
            this.assembler = new PcmkIpcCodec.Assembler(maxMessage);
            this.connection = connection;
            this.id = id;
            this.provider = provider;
            this.clientName = "proxy-" + connection.endpoint().channel() + "-" + connection.pid() + "-"
                    + id.substring(0, 8);
        }

        void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel();
                timeout = null;
            }
        }
    }

    /**
     * @param shutdown         takes the cluster's answers to our shutdown request
     * @param bufferSize       IPC buffer size for messages to local clients ({@code PCMK_ipc_buffer})
     * @param requestTimeoutMs how long a proxied request may stay unanswered; 0 = forever
     * @param maxMessage       the largest message a local client may send (JREMOTED_MAX_MESSAGE_SIZE)
     */
    public IpcProxy(LoopScheduler loop, IpcProviders providers, ShutdownCoordinator shutdown, int bufferSize,
                    long requestTimeoutMs, int maxMessage) {
        this.shutdown = shutdown;
        this.maxMessage = maxMessage;
        this.xmlLimits = XmlLimits.forMaxMessage(maxMessage);
        this.loop = loop;
        this.providers = providers;
        this.bufferSize = bufferSize;
        this.requestTimeoutMs = requestTimeoutMs;
        providers.onChange(this::providersChanged);
    }

    /** Where Pacemaker 3.0 clusters' newer CIB schemas go (docs/proxy.md §7); null: never fetched. */
    public void fetchSchemasInto(SchemaDownload download) {
        this.schemas = download;
    }

    @Override
    public void providerRegistered(Client provider, String protocolVersion) {
        if (schemas == null || !SchemaDownload.wanted(true, protocolVersion)) {
            return;
        }
        schemasProvider = provider;
        schemas.start(loop.monotonicNanos()).forEach(provider::send);
        if (schemas.session() != null) {
            loop.schedule(() -> schemas.expireIfOverdue(loop.monotonicNanos()).ifPresent(destroy -> {
                if (schemasProvider != null && providers.contains(schemasProvider)) {
                    schemasProvider.send(destroy);
                }
            }), SchemaDownload.TIME_LIMIT_MS + 1000);
        }
    }

    /** Our own session for the schema download, which no local client owns. */
    private boolean schemaTraffic(Client from, String op, String id, XmlNode message) {
        if (schemas == null || !schemas.owns(id)) {
            return false;
        }
        if (IPC_OP_RESPONSE.equals(op)) {
            schemas.response(payload(message).orElse(XmlNode.builder("none").build())).forEach(from::send);
        } else if (IPC_OP_DESTROY.equals(op)) {
            schemas.destroyed();
        } else {
            // Only asynchronous CIB calls are answered with events; ours are synchronous.
            log.debug("Ignoring IPC proxy {} on schema download session {}", op, id);
        }
        return true;
    }

    /** The process owning the libqb endpoints. */
    @Override
    public void attach(LocalIpcLink link) {
        this.link = link;
        link.providerAvailable(!providers.isEmpty());
    }

    /** Number of live proxied sessions (for tests and status). */
    public int sessionCount() {
        return bySession.size();
    }

    private void providersChanged() {
        if (link != null) {
            link.providerAvailable(!providers.isEmpty());
        }
    }

    // ------------------------------------------------------------ local side

    @Override
    public void ready() {
        log.info("Local IPC endpoints published: lrmd, cib_ro, cib_rw, cib_shm, attrd, stonith-ng, pacemakerd, crmd");
    }

    /** A local client of a proxied endpoint connected ({@code lrmd} ones never get here). */
    @Override
    public void connected(LocalConnection c) {
        newSession(c);
    }

    private void newSession(LocalConnection c) {
        Client provider = providers.current();
        if (provider == null) {
            // The helper refuses these itself; this covers a provider lost in between
            refused(c.endpoint(), c.uid(), c.gid());
            link.disconnect(c.id());
            return;
        }
        Session s = new Session(c, UUID.randomUUID().toString(), provider, maxMessage);
        byConnection.put(c.id(), s);
        bySession.put(s.id, s);
        log.debug("Accepted IPC proxy connection (session {}) from uid {} gid {} on channel {}", s.id,
                c.uid(), c.gid(), c.endpoint().channel());
        provider.send(ProxyMessages.newSession(s.id, c.endpoint().channel()));
    }

    @Override
    public void refused(LocalEndpoint endpoint, int uid, int gid) {
        REFUSED.warn(log, "Cannot proxy IPC connection from uid {} gid {} to {} because not connected to cluster", uid, gid,
                endpoint.channel());
    }

    @Override
    public void request(int connection, byte[] raw) {
        Session s = byConnection.get(connection);
        if (s == null || s.closing) {
            return;
        }
        PcmkIpcCodec.Message m;
        XmlNode payload;
        try {
            m = s.assembler.add(raw);
            if (m == null) {
                return;
            }
            payload = XmlCodec.parse(m.text(), xmlLimits);
        } catch (PcmkIpcCodec.MalformedIpcException | MalformedMessageException e) {
            BAD_MESSAGE.warn(log, "Disconnecting IPC proxy client {}: bad message ({})", s.clientName, e.getMessage());
            closeLocal(s);
            return;
        }
        if (s.providerGone || !providers.contains(s.provider)) {
            log.info("Disconnecting IPC proxy client {}: its cluster connection is gone", s.clientName);
            closeLocal(s);
            return;
        }
        s.dialect = m.dialect();
        // Marked proxied so the cluster answers through events, asynchronously (docs/proxy.md §4)
        int flags = m.flags() | PcmkIpcCodec.FLAG_PROXIED;
        s.pendingRequest = m.id();
        s.cancelTimeout();
        if ((m.flags() & PcmkIpcCodec.FLAG_CLIENT_RESPONSE) != 0 && requestTimeoutMs > 0) {
            int requestId = m.id();
            s.timeout = loop.schedule(() -> requestTimedOut(s, requestId), requestTimeoutMs);
        }
        s.provider.send(ProxyMessages.request(s.id, s.clientName, s.connection.aclUser(), m.id(), flags, payload));
    }

    private void requestTimedOut(Session s, int requestId) {
        s.timeout = null;
        if (byConnection.get(s.connection.id()) != s || s.pendingRequest != requestId) {
            return;
        }
        log.warn("No answer from the cluster to request {} of IPC proxy client {} within {} ms; disconnecting it",
                requestId, s.clientName, requestTimeoutMs);
        closeLocal(s);
    }

    @Override
    public void closed(int connection) {
        Session s = byConnection.remove(connection);
        if (s == null) {
            return;
        }
        bySession.remove(s.id);
        s.cancelTimeout();
        if (!s.providerGone && providers.contains(s.provider)) {
            s.provider.send(ProxyMessages.destroy(s.id));
        }
        log.debug("IPC proxy client {} (session {}) disconnected", s.clientName, s.id);
    }

    @Override
    public void lost(String reason) {
        log.warn("Local IPC connections dropped: {}", reason);
        for (Integer connection : new ArrayList<>(byConnection.keySet())) {
            closed(connection);
        }
    }

    private void closeLocal(Session s) {
        s.closing = true;
        s.cancelTimeout();
        link.disconnect(s.connection.id());
    }

    // ------------------------------------------------------------ cluster side

    @Override
    public void forwarded(Client from, XmlNode message) {
        String op = message.attr(IPC_OP);
        if (IPC_OP_SHUTDOWN_ACK.equals(op)) {
            shutdown.acknowledged();
            return;
        }
        if (IPC_OP_SHUTDOWN_NACK.equals(op)) {
            shutdown.refused();
            return;
        }
        String id = message.attr(IPC_SESSION);
        if (schemaTraffic(from, op, id, message)) {
            return;
        }
        Session s = id == null ? null : bySession.get(id);
        if (s == null) {
            log.info("Cannot route IPC proxy {} to unknown session {}", op, id);
            if (id != null) {
                from.send(ProxyMessages.destroy(id));
            }
            return;
        }
        if (op == null) {
            log.error("IPC proxy message without {} for session {}", IPC_OP, id);
            return;
        }
        switch (op) {
            case IPC_OP_EVENT -> deliver(s, payload(message), ++s.lastEvent, PcmkIpcCodec.FLAG_SERVER_EVENT, false);
            case IPC_OP_RESPONSE -> {
                int msgId = message.intAttr(IPC_MSG_ID, 0);
                if (msgId != s.pendingRequest) {
                    log.warn("Response {} for IPC proxy client {} does not match its pending request {}", msgId,
                            s.clientName, s.pendingRequest);
                }
                s.pendingRequest = 0;
                s.cancelTimeout();
                deliver(s, payload(message), msgId, 0, true);
            }
            case IPC_OP_DESTROY -> {
                log.debug("Cluster closed IPC proxy session {} ({})", id, s.clientName);
                closeLocal(s);
            }
            default -> log.error("Unknown IPC proxy operation {} for session {}", op, id);
        }
    }

    private static Optional<XmlNode> payload(XmlNode message) {
        return ProxyMessages.payload(message);
    }

    private void deliver(Session s, Optional<XmlNode> payload, int msgId, int flags, boolean response) {
        if (s.closing) {
            return;
        }
        if (payload.isEmpty()) {
            log.error("IPC proxy {} for session {} carries no message", response ? IPC_OP_RESPONSE : IPC_OP_EVENT, s.id);
            return;
        }
        byte[] text = XmlCodec.writeUtf8(payload.get());
        List<byte[]> parts;
        try {
            parts = PcmkIpcCodec.encode(s.dialect, msgId, flags, text, bufferSize);
        } catch (PcmkIpcCodec.MalformedIpcException e) {
            log.error("Cannot relay to IPC proxy client {}: {}", s.clientName, e.getMessage());
            closeLocal(s);
            return;
        }
        for (byte[] part : parts) {
            if (response) {
                link.respond(s.connection.id(), part);
            } else {
                link.event(s.connection.id(), part);
            }
        }
    }

    @Override
    public void clientDisconnected(Client client, boolean wasProvider) {
        if (client == schemasProvider) {
            schemasProvider = null;
            if (schemas != null) {
                schemas.destroyed();
            }
        }
        for (Session s : new ArrayList<>(bySession.values())) {
            if (s.provider == client) {
                s.providerGone = true;
                log.info("ipc proxy connection for client {} destroyed because cluster node disconnected",
                        s.clientName);
                closeLocal(s);
            }
        }
        // Last, after the provider list and the sessions are settled: this may end the daemon.
        shutdown.clientDisconnected();
    }
}
