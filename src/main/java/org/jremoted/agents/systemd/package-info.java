/**
 * The {@code systemd} resource class (docs/agents.md §5): {@code SystemdAgent} decides the steps
 * of each action, {@code SystemdRun} runs them and completes the action once, {@code UnitMonitor},
 * {@code UnitOverrides} (the drop-in and daemon-reload), {@code JobWait} (systemd jobs) and
 * {@code SystemdResults} (what each outcome means) do one job each, and {@code DbusSystemd} is the
 * only class that talks D-Bus (dbus-java).
 *
 * <p>Threads: {@code start} is called from any thread and only queues work; D-Bus calls run on the
 * {@code systemd-N} worker pool and timeouts and polls on {@code systemd-timer}
 * ({@code SystemdThreads}), both created on first use; {@code JobRemoved} signals arrive on
 * dbus-java's own thread. Nothing here is loaded before the first systemd action (issue 16).
 *
 * <p>Imports {@code org.jremoted.agents} only; never the process engine.
 */
package org.jremoted.agents.systemd;
