/**
 * Where a decoded executor request is served (docs/executor.md §1–§3, §6.5):
 * {@link org.jremoted.dispatch.RequestDispatcher} checks the client's privilege once and hands
 * each operation to the executor, the alert runner, the watchdog check
 * ({@link org.jremoted.dispatch.WatchdogCheck}) or the IPC proxy, then replies;
 * {@link org.jremoted.dispatch.ConnectedClients} knows who is connected and routes notifications
 * and completions; {@link org.jremoted.dispatch.ExecutorMessages} builds the replies that carry
 * executor state. Clients of both kinds arrive here through the
 * {@link org.jremoted.protocol.Dispatcher} interface; nothing here builds its collaborators (the
 * composition root in {@code daemon} does).
 *
 * <p>Threads: daemon loop thread only; the message builders are pure.
 *
 * <p>May import: agents, executor, protocol, proxy, support.
 */
package org.jremoted.dispatch;
