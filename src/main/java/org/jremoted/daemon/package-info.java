/**
 * The daemon's life cycle and composition root: {@link org.jremoted.daemon.Config} reads the
 * environment once; {@link org.jremoted.daemon.Services} builds and connects every part from it;
 * {@link org.jremoted.daemon.Daemon} starts them in upstream's order, runs the loop and shuts down;
 * logging, the status socket ({@link org.jremoted.daemon.StatusServer},
 * {@link org.jremoted.daemon.StatusSnapshot}) and the client list it shows
 * ({@link org.jremoted.daemon.ClientTracker}).
 *
 * <p>Threads: start-up and shutdown on the main thread; once the loop runs, everything it wires
 * together runs on the loop thread; the status server answers on its own thread by asking the
 * loop for a snapshot.
 *
 * <p>May import: agents, dispatch, executor, ipc, process, protocol, proxy, support, transport.
 */
package org.jremoted.daemon;
