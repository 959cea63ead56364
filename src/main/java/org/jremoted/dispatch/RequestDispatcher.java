package org.jremoted.dispatch;

import static org.jremoted.protocol.Attributes.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jremoted.executor.AlertRuns;
import org.jremoted.executor.ExecRequest;
import org.jremoted.executor.Executor;
import org.jremoted.executor.ResourceDefinition;
import org.jremoted.executor.ResourceRecurring;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.LegacyRc;
import org.jremoted.protocol.Messages;
import org.jremoted.protocol.Values;
import org.jremoted.protocol.XmlNode;
import org.jremoted.proxy.IpcProviders;
import org.jremoted.proxy.ProxyListener;
import org.jremoted.support.LogThrottle;
import org.jremoted.support.LoopScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves executor requests (docs/executor.md §1–§3): checks the client's privilege once, then
 * hands each operation to the executor, the alert runner, the watchdog check or the IPC proxy,
 * and answers. Every request is handled to completion, reply included, before the next one, so
 * replies leave in request order; notifications go out through {@link ConnectedClients} (§6.5).
 * Loop thread only.
 */
public final class RequestDispatcher implements Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    /** Lines a client can cause with every request it sends (docs/hardening.md, "Logs"). */
    private static final LogThrottle PEER_ERRORS = new LogThrottle();
    private static final LogThrottle UNPRIVILEGED = new LogThrottle();

    private final LoopScheduler loop;
    private final Executor executor;
    private final AlertRuns alerts;
    private final ConnectedClients clients;
    private final IpcProviders providers;
    private final ProxyListener proxy;
    private final WatchdogCheck watchdog;
    private final String nodeStartState;
    private final long startedNanos;
    private int lastCallId;

    /**
     * Everything comes from the composition root ({@code org.jremoted.daemon.Services}).
     *
     * @param clients        who is connected; the same object the executor reports completions to
     * @param proxy          takes every {@code ipc_fwd} and hears of providers coming and going
     * @param nodeStartState {@code PCMK_node_start_state}, null when unset
     */
    public RequestDispatcher(LoopScheduler loop, Executor executor, AlertRuns alerts, ConnectedClients clients,
                             IpcProviders providers, ProxyListener proxy, WatchdogCheck watchdog,
                             String nodeStartState) {
        this.loop = loop;
        this.executor = executor;
        this.alerts = alerts;
        this.clients = clients;
        this.providers = providers;
        this.proxy = proxy;
        this.watchdog = watchdog;
        this.nodeStartState = nodeStartState;
        this.startedNanos = loop.monotonicNanos();
    }

    // ---------------------------------------------------------------- Dispatcher

    @Override
    public void connected(Client client) {
        // A controller that gets this without expecting a migration drops its connection: that
        // is how a second cluster node takes a remote node over (docs/executor.md §2.1)
        XmlNode notice = Messages.newClientNotify();
        for (Client other : clients.all()) {
            if (other.name() != null) {
                other.send(notice);
            }
        }
        clients.add(client);
        if (client.isPrivileged()) {
            log.info("New remote client connection from {} (id {})", client.peer(), client.id());
        } else {
            // Any local user can connect to lrmd as often as it likes.
            UNPRIVILEGED.info(log, "New unprivileged local client connection from {} (id {})", client.peer(),
                    client.id());
        }
    }

    @Override
    public void received(Client client, XmlNode message) {
        if (!clients.contains(client)) {
            PEER_ERRORS.warn(log, "Ignoring message from unknown client {}", client.id());
            return;
        }
        String name = message.attr(CLIENT_NAME);
        if (client.name() == null && name != null) {
            client.setName(name);
        }
        int callId = nextCallId();
        String op = message.attr(OP);
        try {
            dispatch(client, message, op, callId);
        } catch (RuntimeException e) {
            // A bug must not leave the client waiting until it gives up on the connection
            log.error("Internal error processing {} request from {}", op, client.name(), e);
            client.send(Messages.reply(ORIGIN_MESSAGE, LegacyRc.EPROTO, callId, message));
        }
    }

    @Override
    public void disconnected(Client client) {
        if (!clients.remove(client)) {
            return;
        }
        boolean wasProvider = providers.remove(client);
        if (client.isPrivileged()) {
            log.info("Client {} ({}) disconnected", client.name(), client.id());
        } else {
            log.debug("Client {} ({}) disconnected", client.name(), client.id());
        }
        executor.clientDisconnected(client.id(), client.isRemote(), clients.isEmpty());
        // Last: during a graceful shutdown the proxy ends the daemon when the last provider left
        proxy.clientDisconnected(client, wasProvider);
    }

    // ---------------------------------------------------------------- requests

    private int nextCallId() {
        lastCallId = lastCallId == Integer.MAX_VALUE ? 1 : lastCallId + 1;
        return lastCallId;
    }

    private void dispatch(Client client, XmlNode msg, String op, int callId) {
        if (op == null) {
            PEER_ERRORS.warn(log, "Request without {} from {}", OP, client.name());
            replyPlain(client, msg, LegacyRc.EOPNOTSUPP, callId);
            return;
        }
        log.debug("Processing {} request {} from {}", op, callId, client.name());
        if (!client.isPrivileged() && !OP_REGISTER.equals(op) && !OP_POKE.equals(op)) {
            // Local clients not running as root/hacluster may only sign on and poke (docs/executor.md §3)
            PEER_ERRORS.warn(log, "Rejecting {} request from unprivileged client {} ({})", op, client.name(), client.peer());
            if (!OP_CHECK.equals(op)) {
                replyPlain(client, msg, LegacyRc.EACCES, callId);
            }
            return;
        }
        switch (op) {
            case OP_REGISTER -> register(client, msg, callId);
            case OP_RSC_REGISTER -> registerResource(client, msg, callId);
            case OP_RSC_INFO -> resourceInfo(client, msg, callId);
            case OP_RSC_UNREGISTER -> unregisterResource(client, msg, callId);
            case OP_RSC_EXEC -> exec(client, msg, callId);
            case OP_RSC_CANCEL -> cancel(client, msg, callId);
            case OP_GET_RECURRING -> recurring(client, msg, callId);
            case OP_POKE -> {
                replyPlain(client, msg, LegacyRc.OK, callId);
                clients.notifyNamed(Messages.genericNotify(LegacyRc.OK, callId, OP_POKE, null));
            }
            case OP_CHECK -> check(msg);
            case OP_ALERT_EXEC -> alert(client, msg, callId);
            case OP_IPC_FWD -> ipcForward(client, msg, callId);
            default -> {
                PEER_ERRORS.info(log, "Unsupported request {} from {}", op, client.name());
                replyPlain(client, msg, LegacyRc.EOPNOTSUPP, callId);
            }
        }
    }

    private void register(Client client, XmlNode msg, int callId) {
        String version = msg.attr(PROTOCOL_VERSION);
        int rc = LegacyRc.OK;
        if (!versionAcceptable(version)) {
            PEER_ERRORS.warn(log, "Client {} uses protocol version {}, below the minimum 1.0", client.name(), version);
            rc = LegacyRc.EPROTO;
        }
        if (Values.isTrue(msg.attr(IS_IPC_PROVIDER))) {
            // TLS peers are authenticated by the key; a local one may not relay cluster IPC
            if (client.isRemote()) {
                providers.add(client);
            } else {
                rc = LegacyRc.EACCES;
            }
        }
        long uptime = Math.max(0, (loop.monotonicNanos() - startedNanos) / 1_000_000_000L);
        client.send(Messages.registerReply(rc, callId, client.id(), uptime, nodeStartState, msg));
        if (rc == LegacyRc.OK && providers.contains(client)) {
            proxy.providerRegistered(client, version);
        }
    }

    private void registerResource(Client client, XmlNode msg, int callId) {
        Optional<XmlNode> rsc = msg.find(RSC);
        String id = rsc.map(r -> r.attr(RSC_ID)).orElse(null);
        if (id == null) {
            // The C client never sends this; upstream would store a nameless resource
            replyPlain(client, msg, LegacyRc.EINVAL, callId);
            return;
        }
        XmlNode r = rsc.get();
        executor.register(new ResourceDefinition(id, r.attr(CLASS), r.attr(PROVIDER), r.attr(TYPE)),
                msg.intAttr(CALL_OPTIONS, 0));
        replyPlain(client, msg, LegacyRc.OK, callId);
        clients.notifyNamed(Messages.genericNotify(LegacyRc.OK, callId, OP_RSC_REGISTER, id));
    }

    private void resourceInfo(Client client, XmlNode msg, int callId) {
        String id = msg.find(RSC).map(r -> r.attr(RSC_ID)).orElse(null);
        Optional<ResourceDefinition> def = id == null ? Optional.empty() : executor.info(id);
        client.send(ExecutorMessages.resourceInfoReply(def.isPresent() ? LegacyRc.OK : LegacyRc.ENODEV, callId,
                def.orElse(null), msg));
    }

    private void unregisterResource(Client client, XmlNode msg, int callId) {
        String id = msg.find(RSC).map(r -> r.attr(RSC_ID)).orElse(null);
        if (id == null) {
            replyPlain(client, msg, LegacyRc.ENODEV, callId);
            return;
        }
        int rc = executor.unregister(id);
        replyPlain(client, msg, rc, callId);
        clients.notifyNamed(Messages.genericNotify(rc, callId, OP_RSC_UNREGISTER, id));
    }

    private void exec(Client client, XmlNode msg, int callId) {
        Optional<XmlNode> found = msg.find(RSC);
        String id = found.map(r -> r.attr(RSC_ID)).orElse(null);
        if (id == null) {
            replyPlain(client, msg, LegacyRc.EINVAL, callId);
            return;
        }
        XmlNode rsc = found.get();
        XmlNode parameterNode = rsc.child(PARAMETERS).orElse(null);
        ExecRequest request = new ExecRequest(id, rsc.attr(RSC_ACTION),
                rsc.longAttr(RSC_INTERVAL, 0), rsc.longAttr(TIMEOUT, 0),
                rsc.longAttr(RSC_START_DELAY, 0), rsc.attr(RSC_USERDATA), parameterNode,
                parameters(parameterNode), callId, msg.intAttr(CALL_OPTIONS, 0), client.id());
        replyPlain(client, msg, executor.exec(request), callId);
    }

    private void cancel(Client client, XmlNode msg, int callId) {
        Optional<XmlNode> rsc = msg.find(RSC);
        String id = rsc.map(r -> r.attr(RSC_ID)).orElse(null);
        String action = rsc.map(r -> r.attr(RSC_ACTION)).orElse(null);
        if (id == null || action == null) {
            replyPlain(client, msg, LegacyRc.EINVAL, callId);
            return;
        }
        // Cancellation notifications go out inside this call, i.e. before the reply
        int rc = executor.cancel(id, action, rsc.get().longAttr(RSC_INTERVAL, 0));
        replyPlain(client, msg, rc, callId);
    }

    private void recurring(Client client, XmlNode msg, int callId) {
        String id = msg.find(RSC).map(r -> r.attr(RSC_ID)).orElse(null);
        Optional<List<ResourceRecurring>> list = executor.recurring(id);
        client.send(ExecutorMessages.recurringReply(list.isPresent() ? LegacyRc.OK : LegacyRc.ENODEV, callId,
                list.orElse(List.of()), msg));
    }

    private void check(XmlNode msg) {
        // No reply: the client does not wait for one
        String timeout = msg.child(CALLDATA)
                .flatMap(d -> d.children().stream().findFirst())
                .map(d -> d.attr(WATCHDOG))
                .orElse(null);
        watchdog.check(timeout);
    }

    private void alert(Client client, XmlNode msg, int callId) {
        Optional<XmlNode> alert = msg.find(ALERT);
        String id = alert.map(a -> a.attr(ALERT_ID)).orElse(null);
        String path = alert.map(a -> a.attr(ALERT_PATH)).orElse(null);
        if (id == null || path == null) {
            replyPlain(client, msg, LegacyRc.EINVAL, callId);
            return;
        }
        // Upstream answers 0 once launched, even for a missing file, and never reports a result
        XmlNode a = alert.get();
        alerts.exec(id, path, a.longAttr(TIMEOUT, 0), parameters(a.child(PARAMETERS).orElse(null)));
        replyPlain(client, msg, LegacyRc.OK, callId);
    }

    private void ipcForward(Client client, XmlNode msg, int callId) {
        // Sessions and the shutdown handshake alike: the proxy owns all of ipc_fwd
        proxy.forwarded(client, msg);
        replyPlain(client, msg, LegacyRc.OK, callId);
    }

    // ---------------------------------------------------------------- sending

    private static void replyPlain(Client client, XmlNode request, int rc, int callId) {
        client.send(Messages.reply(ORIGIN_MESSAGE, rc, callId, request));
    }

    // ---------------------------------------------------------------- helpers

    /** Dotted integers compared component-wise against the minimum 1.0; missing is too old. */
    static boolean versionAcceptable(String version) {
        if (version == null || version.isBlank()) {
            return false;
        }
        int[] minimum = {1, 0};
        String[] parts = version.trim().split("\\.");
        for (int i = 0; i < Math.max(parts.length, minimum.length); i++) {
            long have = i < parts.length ? leadingNumber(parts[i]) : 0;
            long want = i < minimum.length ? minimum[i] : 0;
            if (have != want) {
                return have > want;
            }
        }
        return true;
    }

    private static long leadingNumber(String s) {
        int end = 0;
        while (end < s.length() && end < 9 && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Long.parseLong(s.substring(0, end));
    }

    /** The agent's view of the parameters: XML attributes plus {@code <param name value>} children. */
    static Map<String, String> parameters(XmlNode parameterNode) {
        Map<String, String> map = new LinkedHashMap<>();
        if (parameterNode == null) {
            return map;
        }
        map.putAll(parameterNode.attributes());
        for (XmlNode child : parameterNode.children()) {
            if (PARAM.equals(child.name()) && child.attr(PARAM_NAME) != null) {
                map.put(child.attr(PARAM_NAME), child.attr(PARAM_VALUE) == null ? "" : child.attr(PARAM_VALUE));
            }
        }
        return map;
    }
}
