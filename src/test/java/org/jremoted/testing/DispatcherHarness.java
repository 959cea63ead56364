package org.jremoted.testing;

import java.util.ArrayList;
import java.util.List;
import org.jremoted.dispatch.ConnectedClients;
import org.jremoted.dispatch.RequestDispatcher;
import org.jremoted.dispatch.WatchdogCheck;
import org.jremoted.executor.AlertRuns;
import org.jremoted.executor.Executor;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.XmlNode;
import org.jremoted.proxy.IpcProviders;
import org.jremoted.proxy.IpcProxy;
import org.jremoted.proxy.ProxyListener;
import org.jremoted.proxy.ShutdownCoordinator;

/**
 * A dispatcher wired to fakes the way the composition root ({@code daemon.Services}) wires it to
 * the real parts: the real executor, IPC proxy and shutdown handshake, with {@link FakeLoop} time
 * and {@link FakeRunner} agents. What reaches the proxy is recorded on the way.
 */
public final class DispatcherHarness {
    public final FakeLoop loop;
    public final FakeRunner runner;
    public final IpcProviders providers = new IpcProviders();
    public final List<Integer> exits = new ArrayList<>();
    public final List<XmlNode> proxied = new ArrayList<>();
    public final List<String> disconnectedFromProxy = new ArrayList<>();
    public int listenerClosed;
    public boolean sbdRunning;
    public final ShutdownCoordinator shutdown;
    public final IpcProxy proxy;
    public final Executor executor;
    public final RequestDispatcher dispatcher;

    public DispatcherHarness(FakeLoop loop, FakeRunner runner) {
        this(loop, runner, null, 0);
    }

    public DispatcherHarness(FakeLoop loop, FakeRunner runner, String nodeStartState, long sbdTimeoutMs) {
        this.loop = loop;
        this.runner = runner;
        shutdown = new ShutdownCoordinator(loop, providers, () -> listenerClosed++, exits::add,
                ShutdownCoordinator.DEFAULT_ANSWER_TIMEOUT_MS);
        proxy = new IpcProxy(loop, providers, shutdown, 131072, IpcProxy.DEFAULT_REQUEST_TIMEOUT_MS, 1 << 20);
        ProxyListener recording = new ProxyListener() {
            @Override
            public void forwarded(Client from, XmlNode message) {
                proxied.add(message);
                proxy.forwarded(from, message);
            }

            @Override
            public void providerRegistered(Client provider, String protocolVersion) {
                proxy.providerRegistered(provider, protocolVersion);
            }

            @Override
            public void clientDisconnected(Client client, boolean wasProvider) {
                disconnectedFromProxy.add(client.id() + ":" + wasProvider);
                proxy.clientDisconnected(client, wasProvider);
            }
        };
        ConnectedClients clients = new ConnectedClients();
        executor = new Executor(loop,
                std -> std.equalsIgnoreCase("ocf") || std.equalsIgnoreCase("lsb") ? runner : null, clients, 1000);
        WatchdogCheck watchdog = new WatchdogCheck(sbdTimeoutMs, () -> sbdRunning, exits::add);
        dispatcher = new RequestDispatcher(loop, executor, new AlertRuns(), clients, providers, recording,
                watchdog, nodeStartState);
    }
}
