package org.jremoted.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.bouncycastle.tls.ProtocolVersion;
import org.jremoted.cli.PskClient;

/** The operator tool's TLS-PSK client, pinned to one protocol version, over a fresh socket. */
final class PskTestClient implements AutoCloseable {
    private final PskClient tls;

    PskTestClient(InetSocketAddress address, byte[] key, boolean tls13) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, 5000);
            socket.setSoTimeout(5000);
            tls = PskClient.handshake(socket, key, tls13 ? PskClient.Versions.TLS13 : PskClient.Versions.TLS12);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    ProtocolVersion version() {
        return tls.version();
    }

    InputStream in() {
        return tls.in();
    }

    void write(byte[] data) throws IOException {
        tls.write(data);
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }
}
