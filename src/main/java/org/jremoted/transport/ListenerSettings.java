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
 */
public record ListenerSettings(String address, int port, boolean allowTls13, long handshakeTimeoutMs,
                               int maxMessageBytes, int compressThresholdBytes, int tcpUserTimeoutMs) {
}
