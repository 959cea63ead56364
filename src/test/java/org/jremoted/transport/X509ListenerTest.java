package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.security.Principal;
import java.security.PrivateKey;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jremoted.daemon.X509Settings;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener in Pacemaker 3.0.1's X.509 mode, exercised over real sockets with the JDK's TLS client. */
class X509ListenerTest {
    private static final char[] NO_PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private final EventLoopGroup group = RemoteServer.newDaemonLoop(new io.netty.util.concurrent.DefaultThreadFactory("x509-test"));
    private final List<Client> connected = new CopyOnWriteArrayList<>();
    private final List<Integer> recordSizes = new CopyOnWriteArrayList<>();
    private RemoteServer server;
    private X509TestPki.Issued ca;
    private X509TestPki.Issued serverCert;
    private X509TestPki.Issued client;

    /** Answers any message like a sign-on reply, so a test can see the session works end to end. */
    private final Dispatcher dispatcher = new Dispatcher() {
        @Override
        public void connected(Client c) {
            connected.add(c);
        }

        @Override
        public void received(Client c, XmlNode message) {
            c.send(XmlNode.builder("lrmd_reply").attr("lrmd_origin", "test")
                    .attr("lrmd_op", message.attr("lrmd_op")).attr("lrmd_clientid", c.id()).build());
        }

        @Override
        public void disconnected(Client c) {
        }
    };

    @BeforeEach
    void pki() throws GeneralSecurityException {
        org.jremoted.support.LogThrottle.resetAll();
        ca = X509TestPki.ca("CN=jremoted test CA");
        serverCert = X509TestPki.leaf("CN=remote1", ca, Duration.ofDays(365));
        client = X509TestPki.leaf("CN=cluster-node1", ca, Duration.ofDays(365));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stopAccepting();
        }
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private X509Credentials files(boolean pkcs8, Path crl) throws IOException {
        Path key = dir.resolve("server-key.pem");
        if (pkcs8) {
            X509TestPki.writePkcs8Key(key, serverCert.key());
        } else {
            X509TestPki.writeTraditionalKey(key, serverCert.key());
        }
        return new X509Credentials(X509TestPki.writeCertificates(dir.resolve("server.pem"), serverCert.certificate()),
                key, X509TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate()), crl);
    }

    private InetSocketAddress start(X509Credentials files, long handshakeTimeoutMs) throws Exception {
        ListenerSettings settings = new ListenerSettings("127.0.0.1", 0, true, handshakeTimeoutMs,
                1 << 20, 0, 0).withX509(files);
        server = new RemoteServer(settings, new AuthKeyStore(dir.resolve("no-authkey")), dispatcher, group);
        return server.start();
    }

    /** A TLS client whose socket reports the length of every TLS record it receives. */
    private SSLSocket connect(InetSocketAddress address, X509TestPki.Issued identity) throws Exception {
        Socket raw = new Socket() {
            @Override
            public InputStream getInputStream() throws IOException {
                return new RecordSpy(super.getInputStream());
            }
        };
        raw.connect(address, 5000);
        raw.setSoTimeout(5000);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("me", identity.key(), NO_PASSWORD, new X509Certificate[] {identity.certificate()});
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, NO_PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        // Offer our certificate even when its issuer is not among the server's accepted CAs, as
        // GnuTLS clients do, so the server's own verification is what gets tested.
        X509ExtendedKeyManager chosen = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return identity == null ? null : new String[] {"me"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return identity == null ? null : "me";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return identity == null ? null : "me";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return chosen.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return chosen.getPrivateKey(alias);
            }
        };
        context.init(new KeyManager[] {always}, tmf.getTrustManagers(), null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, "remote1", address.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return tls;
    }

    /** Sends a register request and returns the reply, or throws when the server refuses us. */
    private XmlNode signOn(SSLSocket tls) throws Exception {
        XmlNode register = XmlNode.builder("lrmd_command").attr("t", "lrmd").attr("lrmd_op", "register")
                .attr("lrmd_clientname", "test").attr("lrmd_protocol_version", "1.2").build();
        FrameCodec.EncodedFrame frame = FrameCodec.encode(XmlCodec.writeUtf8(register), 0);
        OutputStream out = tls.getOutputStream();
        out.write(frame.headerBytes());
        out.write(frame.payload());
        out.flush();
        DataInputStream in = new DataInputStream(tls.getInputStream());
        byte[] headerBytes = new byte[FrameHeader.LENGTH];
        in.readFully(headerBytes);
        FrameHeader header = FrameHeader.decode(headerBytes, 1 << 20);
        byte[] payload = new byte[(int) header.bodyLength()];
        in.readFully(payload);
        return XmlCodec.parse(FrameCodec.decodePayload(header, payload));
    }

    private void assertRefused(X509TestPki.Issued identity) throws Exception {
        InetSocketAddress address = start(files(false, null), 10_000);
        // With TLS 1.3 the client learns about the rejection only when it next reads.
        assertThrows(IOException.class, () -> {
            try (SSLSocket tls = connect(address, identity)) {
                signOn(tls);
            }
        });
        assertTrue(connected.isEmpty(), "a refused client must never reach the dispatcher");
    }

    @Test
    void clientWithCertificateFromTheCaSignsOn() throws Exception {
        InetSocketAddress address = start(files(false, null), 10_000);
        try (SSLSocket tls = connect(address, client)) {
            int recordsBefore = recordSizes.size();
            XmlNode reply = signOn(tls);
            assertEquals("register", reply.attr("lrmd_op"));
            assertEquals(1, connected.size());
            assertEquals(connected.get(0).id(), reply.attr("lrmd_clientid"));
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
            // The header must travel in a record of its own, the payload in the next (docs/protocol.md §3.2).
            // The JDK may send a session ticket first; the reply is the last two records, each with
            // the same per-record overhead (content type, AEAD tag, any padding).
            List<Integer> records = List.copyOf(recordSizes.subList(recordsBefore, recordSizes.size()));
            assertTrue(records.size() >= 2, records.toString());
            int headerRecord = records.get(records.size() - 2);
            int payloadRecord = records.get(records.size() - 1);
            int payload = XmlCodec.writeUtf8(reply).length + 1;
            int overhead = headerRecord - FrameHeader.LENGTH;
            assertTrue(overhead >= 17 && overhead < 64, "header record " + headerRecord + " in " + records);
            assertEquals(payload + overhead, payloadRecord, "payload record in " + records);
        }
    }

    @Test
    void pkcs8KeyAndEcClientCertificateWork() throws Exception {
        X509TestPki.Issued ecClient = X509TestPki.leaf("CN=ec-node", X509TestPki.ec(), ca, Duration.ofDays(30));
        InetSocketAddress address = start(files(true, null), 10_000);
        try (SSLSocket tls = connect(address, ecClient)) {
            assertEquals("register", signOn(tls).attr("lrmd_op"));
        }
    }

    @Test
    void certificateFromAnotherCaIsRefused() throws Exception {
        X509TestPki.Issued otherCa = X509TestPki.ca("CN=someone else's CA");
        assertRefused(X509TestPki.leaf("CN=cluster-node1", otherCa, Duration.ofDays(365)));
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        assertRefused(null);
    }

    @Test
    void expiredClientCertificateIsRefused() throws Exception {
        assertRefused(X509TestPki.leaf("CN=old-node", ca, Duration.ofMinutes(-1)));
    }

    @Test
    void pskClientIsRefused() throws Exception {
        InetSocketAddress address = start(files(false, null), 10_000);
        assertThrows(IOException.class, () -> {
            try (PskTestClient psk = new PskTestClient(address, "key".getBytes(), true)) {
                psk.write(new byte[] {1});
            }
        });
        assertTrue(connected.isEmpty());
    }

    @Test
    void revokedCertificateIsRefusedOthersStillAccepted() throws Exception {
        X509TestPki.Issued revoked = X509TestPki.leaf("CN=stolen-node", ca, Duration.ofDays(365));
        Path crl = X509TestPki.writeCrl(dir.resolve("crl.pem"), X509TestPki.crl(ca, revoked.certificate()));
        InetSocketAddress address = start(files(false, crl), 10_000);
        assertThrows(IOException.class, () -> {
            try (SSLSocket tls = connect(address, revoked)) {
                signOn(tls);
            }
        });
        assertTrue(connected.isEmpty());
        try (SSLSocket tls = connect(address, client)) {
            assertEquals("register", signOn(tls).attr("lrmd_op"));
        }
    }

    @Test
    void silentClientIsDisconnectedAtTheHandshakeDeadline() throws Exception {
        InetSocketAddress address = start(files(false, null), 300);
        try (Socket raw = new Socket()) {
            raw.connect(address, 5000);
            raw.setSoTimeout(5000);
            long started = System.nanoTime();
            InputStream in = raw.getInputStream();
            // Whatever the server sends on the way out (an alert at most), the stream must end.
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4));
            }
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(250));
        }
    }

    @Test
    void unusableFilesStopTheListener() throws Exception {
        X509Credentials good = files(false, null);
        RemoteServer.ListenerException missing = assertThrows(RemoteServer.ListenerException.class,
                () -> start(new X509Credentials(good.certFile(), good.keyFile(), dir.resolve("nope.pem"), null), 1000));
        assertTrue(missing.getMessage().contains("nope.pem"), missing.getMessage());

        Path otherKey = X509TestPki.writeTraditionalKey(dir.resolve("other-key.pem"), X509TestPki.rsa().getPrivate());
        RemoteServer.ListenerException mismatch = assertThrows(RemoteServer.ListenerException.class,
                () -> start(new X509Credentials(good.certFile(), otherKey, good.caFile(), null), 1000));
        assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\n!!!\n");
        assertThrows(RemoteServer.ListenerException.class,
                () -> start(new X509Credentials(garbage, good.keyFile(), good.caFile(), null), 1000));
        Path notACrl = good.caFile();
        assertThrows(RemoteServer.ListenerException.class,
                () -> start(new X509Credentials(good.certFile(), good.keyFile(), good.caFile(), notACrl), 1000));
    }

    @Test
    void warnsOnlyWhenOwnCertificateExpiresWithin30Days() throws Exception {
        X509TestPki.Issued soon = X509TestPki.leaf("CN=short-lived", ca, Duration.ofDays(10));
        Path soonCert = X509TestPki.writeCertificates(dir.resolve("soon.pem"), soon.certificate());
        Path soonKey = X509TestPki.writeTraditionalKey(dir.resolve("soon-key.pem"), soon.key());
        Path caFile = X509TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
        X509TlsHandlerFactory shortLived = X509TlsHandlerFactory.load(
                new X509Credentials(soonCert, soonKey, caFile, null), true, 1000);
        assertTrue(shortLived.warnIfExpiringSoon(Instant.now()));
        X509TlsHandlerFactory longLived = X509TlsHandlerFactory.load(files(false, null), true, 1000);
        assertFalse(longLived.warnIfExpiringSoon(Instant.now()));
        assertTrue(longLived.warnIfExpiringSoon(Instant.now().plus(Duration.ofDays(340))));
    }

    @Test
    void settingsNeedAllThreeFilesAndPreferPcmkNames() {
        X509Settings none = X509Settings.fromEnvironment(Map.of());
        assertFalse(none.enabled());
        assertTrue(none.warnings().isEmpty());

        X509Settings partial = X509Settings.fromEnvironment(Map.of("PCMK_cert_file", "/c", "PCMK_key_file", "/k"));
        assertFalse(partial.enabled());
        assertTrue(partial.warnings().get(0).contains("PCMK_ca_file"), partial.warnings().toString());

        X509Settings mixed = X509Settings.fromEnvironment(Map.of("PCMK_cert_file", "/pcmk-cert",
                "CIB_cert_file", "/cib-cert", "CIB_ca_file", "/cib-ca", "HA_key_file", "/ha-key",
                "CIB_key_file", "/cib-key"));
        assertTrue(mixed.enabled());
        assertEquals(Path.of("/pcmk-cert"), mixed.credentials().certFile());
        assertEquals(Path.of("/cib-ca"), mixed.credentials().caFile());
        assertEquals(Path.of("/ha-key"), mixed.credentials().keyFile());
        assertNull(mixed.credentials().crlFile());

        X509Settings empty = X509Settings.fromEnvironment(Map.of("PCMK_cert_file", "", "PCMK_ca_file", "/a",
                "PCMK_key_file", "/k"));
        assertFalse(empty.enabled(), "an empty value counts as unset");
    }

    /** Splits the received byte stream into TLS records and remembers each application-data record's length. */
    private final class RecordSpy extends FilterInputStream {
        private final byte[] header = new byte[5];
        private int headerFill;
        private int bodyLeft;

        RecordSpy(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = 0; i < n; i++) {
                if (bodyLeft > 0) {
                    bodyLeft--;
                    continue;
                }
                header[headerFill++] = b[off + i];
                if (headerFill == 5) {
                    headerFill = 0;
                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    if (header[0] == 23) {
                        recordSizes.add(bodyLeft);
                    }
                }
            }
            return n;
        }
    }
}
