package org.jremoted.transport;

/**
 * What the TLS listener needs from the daemon's configuration.
 *
 * @param address                 PCMK_remote_address, or null for the dual-stack wildcard
 * @param port                    PCMK_remote_port
 * @param allowTls13              false when the administrator's priorities disable TLS 1.3
 * @param handshakeTimeoutMs      how long an accepted connection may take to authenticate
 * @param maxMessageBytes         largest message accepted from a peer
 * @param compressThresholdBytes  messages larger than this are sent bzip2-compressed; 0 = never
 * @param tcpUserTimeoutMs        TCP_USER_TIMEOUT for accepted sockets (from SBD_WATCHDOG_TIMEOUT); 0 = unset
 * @param x509                    certificate files when Pacemaker 3.0.1's X.509 mode is on (then
 *                                no PSK is offered at all), or null for TLS-PSK
 * @param limits                  how many connections are kept at once (docs/hardening.md)
 */
public record ListenerSettings(String address, int port, boolean allowTls13, long handshakeTimeoutMs,
                               int maxMessageBytes, int compressThresholdBytes, int tcpUserTimeoutMs,
                               X509Credentials x509, ConnectionLimits limits) {

    /** TLS-PSK listener with the default connection limits. */
    public ListenerSettings(String address, int port, boolean allowTls13, long handshakeTimeoutMs,
                            int maxMessageBytes, int compressThresholdBytes, int tcpUserTimeoutMs) {
        this(address, port, allowTls13, handshakeTimeoutMs, maxMessageBytes, compressThresholdBytes,
                tcpUserTimeoutMs, null, ConnectionLimits.DEFAULTS);
    }

    /** The same listener in X.509 mode ({@code files} non-null) or TLS-PSK mode (null). */
    public ListenerSettings withX509(X509Credentials files) {
        return new ListenerSettings(address, port, allowTls13, handshakeTimeoutMs, maxMessageBytes,
                compressThresholdBytes, tcpUserTimeoutMs, files, limits);
    }

    /** The same listener with other connection limits. */
    public ListenerSettings withLimits(ConnectionLimits other) {
        return new ListenerSettings(address, port, allowTls13, handshakeTimeoutMs, maxMessageBytes,
                compressThresholdBytes, tcpUserTimeoutMs, x509, other);
    }
}
