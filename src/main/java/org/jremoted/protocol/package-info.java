/**
 * The executor protocol's vocabulary, the leaf every other layer speaks (docs/protocol.md,
 * docs/executor.md): the XML tree ({@link org.jremoted.protocol.XmlNode}) and its codec
 * ({@link org.jremoted.protocol.XmlCodec}, {@link org.jremoted.protocol.XmlLimits}), the attribute
 * and operation names ({@link org.jremoted.protocol.Attributes}), Pacemaker's values and return
 * codes ({@link org.jremoted.protocol.Values}, {@link org.jremoted.protocol.LegacyRc}), the builders
 * of plain replies and notifications ({@link org.jremoted.protocol.Messages}), and the two
 * interfaces between transports and the dispatcher: {@link org.jremoted.protocol.Client} (one
 * connected executor client, TLS or local) and {@link org.jremoted.protocol.Dispatcher} (what a
 * transport reports a client's connection, messages and disconnection to).
 *
 * <p>Threads: pure values and functions, any thread; {@code Client} and {@code Dispatcher} are
 * called on the daemon loop thread only.
 *
 * <p>May import: support.
 */
package org.jremoted.protocol;
