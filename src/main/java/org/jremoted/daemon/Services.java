package org.jremoted.daemon;

import io.netty.channel.EventLoop;
import java.util.function.IntConsumer;
import org.jremoted.agents.AgentClasses;
import org.jremoted.agents.ChildSettings;
import org.jremoted.agents.OcfAgent;
import org.jremoted.support.LoopScheduler;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.RequestDispatcher;
import org.jremoted.protocol.WatchdogCheck;
import org.jremoted.proxy.IpcProviders;
import org.jremoted.proxy.IpcProxy;
import org.jremoted.proxy.SchemaDownload;
import org.jremoted.proxy.LocalIpc;
import org.jremoted.proxy.PcmkIpcCodec;
import org.jremoted.proxy.ShutdownCoordinator;

/**
 * Builds the daemon's parts and connects them: agent classes, the request dispatcher with its
 * executor, the IPC providers and the graceful-shutdown handshake.
 */
final class Services {
    private final RequestDispatcher dispatcher;
    private final ShutdownCoordinator shutdown;
    private final AgentClasses agentClasses;
    private final LocalIpc localIpc;
    private Runnable stopAccepting = () -> { };

    private Services(RequestDispatcher dispatcher, ShutdownCoordinator shutdown, AgentClasses agentClasses,
                     LocalIpc localIpc) {
        this.dispatcher = dispatcher;
        this.shutdown = shutdown;
        this.agentClasses = agentClasses;
        this.localIpc = localIpc;
    }

    static Services create(Config config, EventLoop loop, IntConsumer exit) {
        LoopScheduler scheduler = LoopScheduler.of(loop);
        // Java cannot change its own environment: what the daemon adds for agents goes to each child.
        AgentClasses agents = AgentClasses.daemonDefaults(ChildSettings.daemonDefaults().withBaseEnvironment(
                ChildSettings.daemonEnvironment(System.getenv(), config.logfile(), config.logfacility(),
                        config.debug())));
        IpcProviders providers = new IpcProviders();
        Services[] self = new Services[1];
        ShutdownCoordinator shutdown = new ShutdownCoordinator(scheduler, providers,
                () -> self[0].stopAccepting.run(), exit, ShutdownCoordinator.DEFAULT_ANSWER_TIMEOUT_MS);
        WatchdogCheck watchdog = new WatchdogCheck(config.sbdWatchdogTimeoutMs(), WatchdogCheck::sbdRunning, exit);
        IpcProxy proxy = new IpcProxy(scheduler, providers,
                PcmkIpcCodec.bufferSize(System.getenv("PCMK_ipc_buffer")), IpcProxy.DEFAULT_REQUEST_TIMEOUT_MS,
                config.maxMessageBytes());
        // On as in the C daemon; JREMOTED_SCHEMA_DOWNLOAD=no opts out (docs/pacemaker3.md).
        if (SchemaDownload.enabled(System.getenv("JREMOTED_SCHEMA_DOWNLOAD"))) {
            proxy.fetchSchemasInto(new SchemaDownload(config.schemaDirectory(), java.nio.file.Path.of(
                    System.getenv().getOrDefault("PCMK_schema_directory", "/usr/share/pacemaker"))));
        }
        RequestDispatcher dispatcher = new RequestDispatcher(scheduler, agents::forStandard, providers,
                proxy, shutdown, watchdog, config.nodeStartState());
        proxy.serveExecutor(dispatcher);
        self[0] = new Services(dispatcher, shutdown, agents, LocalIpc.start(scheduler, proxy));
        return self[0];
    }

    org.jremoted.executor.Executor executor() {
        return dispatcher.executor();
    }

    Dispatcher dispatcher() {
        return dispatcher;
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
        dispatcher.alerts().drain().join();
        localIpc.stop();
    }
}
