package org.jremoted.agents.systemd;

import java.util.concurrent.CompletableFuture;

/**
 * The systemd calls the systemd class makes, one blocking method per D-Bus call. Implementations
 * are called from the systemd worker threads, never from the daemon loop. Every failure is a
 * {@link SystemdException} saying whether the bus was unreachable, the unit unknown, or the call
 * failed otherwise.
 */
public interface SystemdApi {

    /** {@code LoadUnit}: the unit's object path. */
    String loadUnit(String unit) throws SystemdException;

    /** A property of {@code org.freedesktop.systemd1.Unit} on a unit path, as a string. */
    String unitProperty(String unitPath, String property) throws SystemdException;

    /** Whether a job object still exists (false once systemd has removed it). */
    boolean jobExists(String jobPath) throws SystemdException;

    /**
     * {@code StartUnit}, {@code StopUnit}, {@code ReloadUnit} or {@code RestartUnit} with mode
     * {@code replace}: the queued job's path.
     */
    String queueJob(String method, String unit) throws SystemdException;

    /** {@code Reload} (daemon-reload), returning when systemd has finished it. */
    void reload() throws SystemdException;

    /**
     * The result systemd reports in {@code JobRemoved} for this job ({@code done}, {@code failed},
     * {@code timeout}, ...). Completes exceptionally with a {@link SystemdException} if the bus
     * connection is lost first; never completes if the signal is missed, which is why callers
     * also poll {@link #jobExists}.
     */
    CompletableFuture<String> jobResult(String jobPath);

    /** Forget a job whose result is no longer wanted. */
    void abandonJob(String jobPath);
}
