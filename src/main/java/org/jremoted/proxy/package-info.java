/**
 * The IPC proxy (docs/proxy.md §3–§7): sessions that tunnel local clients of the cluster daemons
 * over an IPC provider's TLS connection ({@link org.jremoted.proxy.IpcProxy}), the provider list,
 * every {@code lrmd_ipc_proxy} envelope ({@link org.jremoted.proxy.ProxyMessages}), and the two
 * conversations the daemon itself holds with the cluster over that channel: the graceful-shutdown
 * handshake ({@link org.jremoted.proxy.ShutdownCoordinator}) and Pacemaker 3.0's schema download
 * ({@link org.jremoted.proxy.SchemaDownload}). Both live here rather than in {@code daemon}
 * because they are proxy traffic: upstream's remoted_proxy.c takes the shutdown answers out of
 * {@code ipc_fwd} like any session message, and the schema download is a proxy session the
 * daemon opens for itself; the daemon's life cycle only triggers them (SIGTERM, exit code).
 * The proxy owns all of {@code ipc_fwd}: the dispatcher passes every such request on unread.
 *
 * <p>Threads: daemon loop thread only; {@code ProxyMessages} is pure (any thread).
 *
 * <p>May import: ipc, protocol, support.
 */
package org.jremoted.proxy;
