package org.jremoted.proxy;

import java.util.function.IntConsumer;
import org.jremoted.support.LoopScheduler;
import org.jremoted.protocol.Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful shutdown on SIGTERM as 2.1.6+ intends it (docs/proxy.md §6): ask the IPC provider to move
 * the resources away, stop accepting connections, and exit once the cluster has disconnected (or
 * refused, or never answered). Unlike 2.1.5 we do not exit merely because the listener closed.
 * Loop thread only.
 */
public final class ShutdownCoordinator {
    private static final Logger log = LoggerFactory.getLogger(ShutdownCoordinator.class);

    /** The 2.1.x fallback for controllers (≤ 1.1.15) that never answer a shutdown request. */
    public static final long DEFAULT_ANSWER_TIMEOUT_MS = 20_000;

    private final LoopScheduler loop;
    private final IpcProviders providers;
    private final Runnable stopAccepting;
    private final IntConsumer exit;
    private final long answerTimeoutMs;

    private boolean shuttingDown;
    private boolean exited;
    private LoopScheduler.Timer answerTimer;

    /**
     * @param stopAccepting   closes the TLS listener (existing connections stay)
     * @param exit            performs the orderly exit with the given code
     * @param answerTimeoutMs how long to wait for an answer to the request; 0 waits forever (3.0)
     */
    public ShutdownCoordinator(LoopScheduler loop, IpcProviders providers, Runnable stopAccepting,
                               IntConsumer exit, long answerTimeoutMs) {
        this.loop = loop;
        this.providers = providers;
        this.stopAccepting = stopAccepting;
        this.exit = exit;
        this.answerTimeoutMs = answerTimeoutMs;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** SIGTERM (or any other request to stop), delivered on the loop. */
    public void shutdownRequested() {
        if (exited) {
            return;
        }
        if (shuttingDown) {
            log.info("Waiting for cluster to stop resources before exiting");
            return;
        }
        Client provider = providers.current();
        if (provider == null) {
            log.info("No cluster connection to notify of shutdown, exiting");
            exitNow();
            return;
        }
        try {
            provider.send(ProxyMessages.shutdownRequest());
        } catch (RuntimeException e) {
            log.error("Shutdown request failed, exiting immediately", e);
            exitNow();
            return;
        }
        log.info("Asked cluster node {} to stop resources here before we exit", provider.name());
        shuttingDown = true;
        try {
            stopAccepting.run();
        } catch (RuntimeException e) {
            log.warn("Could not close the listener", e);
        }
        if (answerTimeoutMs > 0) {
            answerTimer = loop.schedule(() -> {
                answerTimer = null;
                log.warn("No answer to the shutdown request within {} ms, exiting", answerTimeoutMs);
                exitNow();
            }, answerTimeoutMs);
        }
    }

    /** {@code shutdown_ack}: the cluster stops our resources and then disconnects. */
    public void acknowledged() {
        if (!shuttingDown) {
            log.debug("Ignoring shutdown acknowledgement: not shutting down");
            return;
        }
        log.info("Cluster acknowledged shutdown request; waiting for it to stop resources");
        cancelAnswerTimer();
    }

    /** {@code shutdown_nack}: the cluster will not stop anything (unmanaged); leave at once. */
    public void refused() {
        if (!shuttingDown) {
            log.debug("Ignoring shutdown refusal: not shutting down");
            return;
        }
        log.info("Cluster refused to stop resources first (unmanaged connection); exiting");
        exitNow();
    }

    /** Call after a disconnected client was removed from the provider list. */
    public void clientDisconnected() {
        if (shuttingDown && providers.isEmpty()) {
            log.info("Last cluster connection closed during shutdown, exiting");
            exitNow();
        }
    }

    private void cancelAnswerTimer() {
        if (answerTimer != null) {
            answerTimer.cancel();
            answerTimer = null;
        }
    }

    private void exitNow() {
        if (exited) {
            return;
        }
        exited = true;
        cancelAnswerTimer();
        exit.accept(0);
    }
}
