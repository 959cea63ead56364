package org.jremoted.daemon;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jremoted.support.LoopScheduler;
import org.jremoted.transport.AuthKeyStore;
import org.jremoted.transport.TransportWarmup;
import org.jremoted.transport.RemoteServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** The daemon's life cycle: start-up in upstream's order, the event loop, shutdown. */
public final class Daemon {
    /** CRM_EX_FATAL: do not respawn (the systemd unit lists it in SuccessExitStatus). */
    public static final int EXIT_FATAL = 100;

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private Daemon() {
    }

    /** Runs until shutdown; returns the process exit code. */
    public static int run(Config config, List<String> extraLogfiles, int verbosity) {
        for (String problem : Logging.configure(config, extraLogfiles, verbosity)) {
            System.err.println(problem);
        }
        config.warnings().forEach(log::warn);
        Config.ignoredSettings(config.environment()).forEach(log::debug);
        log.info("Starting Pacemaker remote executor (jremoted)");
        ensureDirectory(Path.of("/run/resource-agents"));
        // Agents run with this as their working directory, where their core files land.
        ensureDirectory(Path.of("/var/lib/pacemaker/cores"));

        EventLoopGroup group = RemoteServer.newDaemonLoop(new DefaultThreadFactory("jremoted-loop", false));
        EventLoop loop = group.next();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        AuthKeyStore keys = new AuthKeyStore(config.authkeyLocation());
        X509Settings x509 = config.x509();
        x509.warnings().forEach(log::warn);
        if (!x509.enabled() && keys.key() == null) {
            log.warn("No Pacemaker Remote key found (looked in {}): a cluster connection will not be possible "
                    + "until the key is available. Create one with: jremoted keygen", keys.candidates());
        }
        if (config.tlsPriorities() != null) {
            log.info("PCMK_tls_priorities is '{}': only TLS 1.3 on/off is taken from it, suites are built in",
                    config.tlsPriorities());
        }

        Services services = Services.create(config, LoopScheduler.of(loop), exit::complete);
        ClientTracker clients = services.dispatcher();
        RemoteServer server = new RemoteServer(config.listenerSettings().withX509(x509.credentials()), keys,
                clients, group);
        if (config.warmup()) {
            // Opt-in: faster first connections for ~0.5 s CPU and ~8 MiB RSS (docs/benchmarks.md).
            // Before listening: a cluster node gives the TLS handshake 5 s and takes a failure as
            // a rejected key (no retry); a cold JVM on a slow guest (an emulated CPU) needs more.
            TransportWarmup.run(exit::isDone);
        }
        try {
            server.start();
        } catch (RemoteServer.ListenerException e) {
            log.error("Failed to create TLS listener: shutting down and staying down ({})", e.getMessage());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return EXIT_FATAL;
        }
        services.onStopAccepting(server::stopAccepting);
        StatusServer status = StatusServer.start(config.statusSocket(), loop, clients, services.executor());
        Signal.handle(new Signal("TERM"), sig -> loop.execute(services::terminationRequested));
        log.info("Pacemaker remote executor successfully started and accepting connections");
        log.info("OCF resource agent search path is {}", services.ocfSearchPath());

        int code = exit.join();
        log.info("Pacemaker remote executor exiting (status {})", code);
        if (status != null) {
            status.close();
        }
        services.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        return code;
    }

    private static void ensureDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            log.warn("Could not create {}: {}", dir, e.toString());
        }
    }
}
