/**
 * The TLS side of the daemon (docs/protocol.md §3–§5, docs/hardening.md): the listener
 * ({@link org.jremoted.transport.RemoteServer}), TLS-PSK and X.509, admission limits, and the
 * codec pipeline in both directions: frames in, {@link org.jremoted.transport.MessageDecoder} to
 * XML, XML to frames ({@link org.jremoted.transport.FrameEncoder}), assembled once by
 * {@link org.jremoted.transport.ServerPipeline} for real connections and the warm-up. A message
 * is decoded here and handed to a {@link org.jremoted.protocol.Dispatcher}; where it goes next is
 * not this package's business.
 *
 * <p>Threads: Netty handlers run on the daemon loop thread (one event loop for I/O and executor
 * state); the pure codecs (FrameCodec, FrameHeader, FrameAssembler) on any thread.
 *
 * <p>May import: protocol, support.
 */
package org.jremoted.transport;
