package org.jremoted.executor.fakes;

import java.util.ArrayList;
import java.util.List;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.RequestDispatcher;
import org.jremoted.protocol.WatchdogCheck;
import org.jremoted.protocol.XmlNode;
import org.jremoted.proxy.IpcProviders;
import org.jremoted.proxy.ProxyListener;
import org.jremoted.proxy.ShutdownCoordinator;

/** A dispatcher wired to fakes the way the daemon wires it to the real parts. */
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
    public final RequestDispatcher dispatcher;

    public DispatcherHarness(FakeLoop loop, FakeRunner runner) {
        this(loop, runner, null, 0);
    }

    public DispatcherHarness(FakeLoop loop, FakeRunner runner, String nodeStartState, long sbdTimeoutMs) {
        this.loop = loop;
        this.runner = runner;
        shutdown = new ShutdownCoordinator(loop, providers, () -> listenerClosed++, exits::add,
                ShutdownCoordinator.DEFAULT_ANSWER_TIMEOUT_MS);
        ProxyListener proxy = new ProxyListener() {
            @Override
            public void forwarded(Client from, XmlNode message) {
                proxied.add(message);
            }

            @Override
            public void clientDisconnected(Client client, boolean wasProvider) {
                disconnectedFromProxy.add(client.id() + ":" + wasProvider);
            }
        };
        WatchdogCheck watchdog = new WatchdogCheck(sbdTimeoutMs, () -> sbdRunning, exits::add);
        dispatcher = new RequestDispatcher(loop,
                std -> std.equalsIgnoreCase("ocf") || std.equalsIgnoreCase("lsb") ? runner : null,
                providers, proxy, shutdown, watchdog, nodeStartState, 1000);
    }
}
