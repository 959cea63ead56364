package org.jremoted.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Vector;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.jremoted.transport.FrameCodec;
import org.jremoted.transport.FrameHeader;
import org.jremoted.transport.MalformedFrameException;

/**
 * A blocking Pacemaker Remote client connection: TLS with the pre-shared key under the identity
 * {@code lrmd} (what every Pacemaker node uses), then framed messages. Used by {@code jremoted
 * probe} and by tests; one thread per connection, no Netty.
 */
public final class PskClient implements AutoCloseable {
    /** The PSK identity Pacemaker's client library always presents. */
    public static final String IDENTITY = "lrmd";

    /** Which TLS versions the ClientHello offers. */
    public enum Versions {
        /** TLS 1.3 with an external PSK, or TLS 1.2 PSK suites if the server only speaks 1.2. */
        AUTO,
        TLS13,
        TLS12
    }

    private final Socket socket;
    private final TlsClientProtocol tls;
    private final Client client;

    private PskClient(Socket socket, TlsClientProtocol tls, Client client) {
        this.socket = socket;
        this.tls = tls;
        this.client = client;
    }

    /**
     * Thrown when the handshake fails; carries the last alert the server sent, if any, because
     * Bouncy Castle reports a warning-level alert during the handshake (GnuTLS sends those) as its
     * own handshake_failure.
     */
    public static final class HandshakeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final short receivedAlert;
        private final short receivedLevel;

        HandshakeException(IOException cause, short receivedLevel, short receivedAlert) {
            super(cause.getMessage(), cause);
            this.receivedLevel = receivedLevel;
            this.receivedAlert = receivedAlert;
        }

        /** The server's alert description, or -1 if it sent none. */
        public short receivedAlert() {
            return receivedAlert;
        }

        /** The server's alert level (1 warning, 2 fatal), or -1. */
        public short receivedLevel() {
            return receivedLevel;
        }
    }

    /**
     * Runs the handshake on an already connected socket. On failure the socket is closed and a
     * {@link HandshakeException} thrown whose cause is Bouncy Castle's exception (a socket timeout
     * is thrown as it is).
     */
    public static PskClient handshake(Socket socket, byte[] key, Versions versions) throws IOException {
        TlsClientProtocol tls = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
        Client client = new Client(key, versions);
        try {
            tls.connect(client);
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the handshake failure is what the caller needs to hear about
            }
            if (e instanceof IOException io && !(e instanceof java.net.SocketTimeoutException)) {
                throw new HandshakeException(io, client.alertLevel, client.alert);
            }
            throw e;
        }
        return new PskClient(socket, tls, client);
    }

    /** The version the server chose. */
    public ProtocolVersion version() {
        return client.negotiatedVersion();
    }

    /** The cipher suite the server chose, by its IANA name where Bouncy Castle knows it. */
    public String cipherSuite() {
        int suite = client.negotiatedSuite();
        // Bouncy Castle only has the numbers; the constants' names are the IANA names.
        for (java.lang.reflect.Field f : CipherSuite.class.getFields()) {
            try {
                if (f.getType() == int.class && f.getInt(null) == suite && f.getName().startsWith("TLS_")) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                break;
            }
        }
        return String.format("0x%04X", suite);
    }

    public InputStream in() {
        return tls.getInputStream();
    }

    public OutputStream out() {
        return tls.getOutputStream();
    }

    /** One write, one or more TLS records. */
    public void write(byte[] data) throws IOException {
        tls.writeApplicationData(data, 0, data.length);
    }

    /**
     * Sends one framed message. The header goes in a TLS record of its own: C readers ask GnuTLS
     * for exactly the header first and stall when a record holds more.
     */
    public void sendMessage(byte[] xml) throws IOException {
        FrameCodec.EncodedFrame frame = FrameCodec.encode(xml, 0);
        write(frame.headerBytes());
        write(frame.payload());
        tls.flush();
    }

    /** Reads one framed message and returns its XML text (decompressed if needed). */
    public byte[] readMessage(long maxBytes) throws IOException, MalformedFrameException {
        byte[] headerBytes = readFully(FrameHeader.LENGTH);
        FrameHeader header = FrameHeader.decode(headerBytes, maxBytes);
        byte[] body = readFully((int) header.bodyLength());
        int skip = (int) (header.payloadOffset() - FrameHeader.LENGTH);
        byte[] payload = java.util.Arrays.copyOfRange(body, skip, body.length);
        return FrameCodec.decodePayload(header, payload);
    }

    private byte[] readFully(int n) throws IOException {
        byte[] buf = new byte[n];
        InputStream in = tls.getInputStream();
        int off = 0;
        while (off < n) {
            int r = in.read(buf, off, n - off);
            if (r < 0) {
                throw new EOFException("connection closed after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return buf;
    }

    /** Orderly close: close_notify, then the TCP connection. */
    @Override
    public void close() throws IOException {
        try {
            tls.close();
        } finally {
            socket.close();
        }
    }

    private static final class Client extends PSKTlsClient {
        /** SHA-256 suites only for TLS 1.3: the external PSK is bound to SHA-256, as GnuTLS binds it. */
        private static final int[] TLS13_SUITES = {
            CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        };
        /**
         * Plain PSK and ECDHE-PSK first: for DHE-PSK Bouncy Castle accepts only well-known groups,
         * while GnuTLS servers generate their own prime.
         */
        private static final int[] TLS12_SUITES = {
            CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_DHE_PSK_WITH_AES_256_GCM_SHA384,
        };

        private final byte[] key;
        private final Versions versions;
        volatile short alert = -1;
        volatile short alertLevel = -1;

        Client(byte[] key, Versions versions) {
            super(new BcTlsCrypto(new SecureRandom()), new BasicTlsPSKIdentity(IDENTITY, key));
            this.key = key.clone();
            this.versions = versions;
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            alertLevel = level;
            alert = description;
        }

        ProtocolVersion negotiatedVersion() {
            return context.getServerVersion();
        }

        int negotiatedSuite() {
            return context.getSecurityParametersConnection().getCipherSuite();
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return switch (versions) {
                case AUTO -> ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
                case TLS13 -> new ProtocolVersion[] {ProtocolVersion.TLSv13};
                case TLS12 -> new ProtocolVersion[] {ProtocolVersion.TLSv12};
            };
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            int[] wanted = switch (versions) {
                case AUTO -> concat(TLS13_SUITES, TLS12_SUITES);
                case TLS13 -> TLS13_SUITES;
                case TLS12 -> TLS12_SUITES;
            };
            return TlsUtils.getSupportedCipherSuites(getCrypto(), wanted);
        }

        @Override
        public Vector<TlsPSKExternal> getExternalPSKs() {
            if (versions == Versions.TLS12) {
                return null;
            }
            Vector<TlsPSKExternal> psks = new Vector<>();
            psks.add(new BasicTlsPSKExternal(IDENTITY.getBytes(StandardCharsets.US_ASCII),
                    getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256));
            return psks;
        }

        private static int[] concat(int[] a, int[] b) {
            int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, r, a.length, b.length);
            return r;
        }
    }
}
