package org.jremoted.daemon;

import java.util.function.IntConsumer;
import org.jremoted.agents.classes.AgentClasses;
import org.jremoted.process.ChildSettings;
import org.jremoted.agents.exec.OcfAgent;
import org.jremoted.dispatch.ConnectedClients;
import org.jremoted.dispatch.RequestDispatcher;
import org.jremoted.dispatch.WatchdogCheck;
import org.jremoted.executor.AlertRuns;
import org.jremoted.executor.Executor;
import org.jremoted.ipc.LocalClients;
import org.jremoted.ipc.LocalIpc;
import org.jremoted.ipc.LocalIpcListener;
import org.jremoted.proxy.IpcProviders;
import org.jremoted.proxy.IpcProxy;
import org.jremoted.proxy.SchemaDownload;
import org.jremoted.proxy.ShutdownCoordinator;
import org.jremoted.support.LoopScheduler;

/**
 * The composition root: the one place the daemon's parts are built and connected, from the
 * {@link Config} read once at start-up. Agent classes; the executor and the alert runner; the
 * dispatcher that serves both kinds of executor client, seen through the {@link ClientTracker}
 * that {@code jremoted status} reads (TLS clients through {@code RemoteServer}, local {@code lrmd}
 * clients through {@link LocalClients}); the IPC proxy with the graceful-shutdown handshake and the
 * schema download; the local IPC endpoints. {@link Daemon} adds the listener and the status server.
 * Built on the main thread before the loop runs anything; used on the loop thread afterwards.
 */
final class Services {
    private final ClientTracker clients;
    private final Executor executor;
    private final AlertRuns alerts;
    private final ShutdownCoordinator shutdown;
    private final AgentClasses agentClasses;
    private final LocalClients localClients;
    private final LocalIpc localIpc;
    private Runnable stopAccepting = () -> { };

    private Services(Config config, LoopScheduler loop, IntConsumer exit, boolean startLocalIpc) {
        // Java cannot change its own environment: what the daemon adds for agents goes to each child.
        agentClasses = AgentClasses.daemonDefaults(ChildSettings.daemonDefaults().withBaseEnvironment(
                ChildSettings.daemonEnvironment(config.environment(), config.logfile(), config.logfacility(),
                        config.debug())));
        IpcProviders providers = new IpcProviders();
        shutdown = new ShutdownCoordinator(loop, providers, () -> stopAccepting.run(), exit,
                ShutdownCoordinator.DEFAULT_ANSWER_TIMEOUT_MS);
        IpcProxy proxy = new IpcProxy(loop, providers, shutdown, config.ipcBufferBytes(),
                IpcProxy.DEFAULT_REQUEST_TIMEOUT_MS, config.maxMessageBytes());
        if (config.schemaDownload()) {
            proxy.fetchSchemasInto(new SchemaDownload(config.schemaDirectory(), config.installedSchemaDirectory()));
        }
        ConnectedClients connected = new ConnectedClients();
        executor = new Executor(loop, agentClasses::forStandard, connected);
        alerts = new AlertRuns();
        WatchdogCheck watchdog = new WatchdogCheck(config.sbdWatchdogTimeoutMs(), WatchdogCheck::sbdRunning, exit);
        clients = new ClientTracker(new RequestDispatcher(loop, executor, alerts, connected, providers, proxy,
                watchdog, config.nodeStartState()));
        localClients = new LocalClients(clients, proxy, config.ipcBufferBytes(), config.maxMessageBytes());
        localIpc = startLocalIpc ? LocalIpc.start(loop, config.localIpc(), localClients) : null;
    }

    static Services create(Config config, LoopScheduler loop, IntConsumer exit) {
        return new Services(config, loop, exit, true);
    }

    /** The same wiring without starting the endpoint process: tests drive {@link #localClients()}. */
    static Services createWithoutEndpoints(Config config, LoopScheduler loop, IntConsumer exit) {
        return new Services(config, loop, exit, false);
    }

    Executor executor() {
        return executor;
    }

    /** What the TLS listener hands its connections to; local clients arrive at the same place. */
    ClientTracker dispatcher() {
        return clients;
    }

    /** What the local endpoint process reports to. */
    LocalIpcListener localClients() {
        return localClients;
    }

    void onStopAccepting(Runnable action) {
        this.stopAccepting = action;
    }

    /** SIGTERM, on the loop thread. */
    void terminationRequested() {
        shutdown.shutdownRequested();
    }

    String ocfSearchPath() {
        return agentClasses.lookup("ocf") instanceof OcfAgent ocf ? ocf.searchPathText() : "(none)";
    }

    /** Called off the loop once the daemon decided to exit. */
    void close() {
        // Resource agents keep running, as with the C daemon under KillMode=process: the cluster
        // decides about them. Alerts already launched are let finish (bounded by their timeouts).
        alerts.drain().join();
        if (localIpc != null) {
            localIpc.stop();
        }
    }
}
