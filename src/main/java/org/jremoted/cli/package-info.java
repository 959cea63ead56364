/**
 * The command line: {@code jremoted} (the daemon, {@link org.jremoted.cli.Main}) and its tools
 * ({@code keygen}, {@code probe}, {@code status}, the generated manual pages). Tools read their
 * environment through {@link org.jremoted.daemon.Config}, as the daemon does.
 *
 * <p>Threads: the main thread; {@code probe} uses a private Netty loop.
 *
 * <p>May import: daemon, protocol, support, transport.
 */
package org.jremoted.cli;
