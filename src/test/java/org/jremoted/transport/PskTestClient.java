package org.jremoted.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** A blocking TLS-PSK client for tests, speaking TLS 1.3 external PSK or TLS 1.2 PSK. */
final class PskTestClient implements AutoCloseable {
    private final Socket socket;
    private final TlsClientProtocol tls;
    private final Client client;

    PskTestClient(InetSocketAddress address, byte[] key, boolean tls13) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(5000);
        tls = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
        client = new Client(key, tls13);
        tls.connect(client);
    }

    ProtocolVersion version() {
        return client.version();
    }

    OutputStream out() {
        return tls.getOutputStream();
    }

    InputStream in() {
        return tls.getInputStream();
    }

    void write(byte[] data) throws IOException {
        tls.writeApplicationData(data, 0, data.length);
    }

    @Override
    public void close() throws IOException {
        try {
            tls.close();
        } finally {
            socket.close();
        }
    }

    private static final class Client extends PSKTlsClient {
        private final byte[] key;
        private final boolean tls13;

        Client(byte[] key, boolean tls13) {
            super(new BcTlsCrypto(new SecureRandom()), new BasicTlsPSKIdentity("lrmd", key));
            this.key = key;
            this.tls13 = tls13;
        }

        ProtocolVersion version() {
            return context.getServerVersion();
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return tls13 ? new ProtocolVersion[] {ProtocolVersion.TLSv13}
                    : new ProtocolVersion[] {ProtocolVersion.TLSv12};
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return tls13 ? new int[] {CipherSuite.TLS_AES_128_GCM_SHA256}
                    : new int[] {CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public Vector<TlsPSKExternal> getExternalPSKs() {
            if (!tls13) {
                return null;
            }
            Vector<TlsPSKExternal> v = new Vector<>();
            v.add(new BasicTlsPSKExternal("lrmd".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256));
            return v;
        }
    }
}
