/**
 * The node's local IPC endpoints (docs/proxy.md §2): the helper process that owns the libqb
 * names ({@link org.jremoted.ipc.IpcHelper}, its frames {@link org.jremoted.ipc.HelperFrame} and
 * restart policy), Pacemaker's IPC message codec ({@link org.jremoted.ipc.PcmkIpcCodec}), the
 * endpoints and connections, and {@link org.jremoted.ipc.LocalClients}, which decodes what local
 * {@code lrmd} clients send and hands them to the same {@link org.jremoted.protocol.Dispatcher} as
 * TLS clients, and passes every other endpoint to the IPC proxy through
 * {@link org.jremoted.ipc.LocalIpcListener}. It does not know the proxy.
 *
 * <p>Threads: the helper's reader thread only queues onto the daemon loop; everything else runs
 * on the loop thread; the codec is pure (any thread).
 *
 * <p>May import: protocol, support.
 */
package org.jremoted.ipc;
