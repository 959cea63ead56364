package org.jremoted.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Vector;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import javax.xml.parsers.DocumentBuilderFactory;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSK;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A minimal Pacemaker Remote peer over TLS-PSK (Bouncy Castle low-level API)
 * for checks the C client library cannot express: exact message attributes,
 * header fields, and deliberately broken input.
 *
 * <p>Each {@link #writeRecord} call is one TLS write, hence one TLS record for
 * anything up to 16 KiB; {@link #send} frames a message the way C peers do
 * (header record, then payload record). A reader thread turns the incoming
 * stream into frames, so waits are bounded queue polls and the TLS engine
 * never sees a read timeout.
 */
final class PskTlsTestClient implements AutoCloseable {

    static final int HEADER_SIZE = 40;
    static final int ENDIAN_MAGIC = 0xBADADBBD;
    private static final AtomicLong MESSAGE_IDS = new AtomicLong();
    private static final Frame CLOSED = new Frame(null, null, null);

    /** One received message: its raw header, payload bytes and parsed XML (null if unparsable). */
    record Frame(byte[] header, byte[] payload, XmlElement xml) {
        ByteBuffer headerBuffer() {
            ByteBuffer b = ByteBuffer.wrap(header);
            int endian = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            return b.order(endian == ENDIAN_MAGIC ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        }

        int version() {
            return headerBuffer().getInt(4);
        }

        long id() {
            return headerBuffer().getLong(8);
        }

        long flags() {
            return headerBuffer().getLong(16);
        }

        int sizeTotal() {
            return headerBuffer().getInt(24);
        }

        int payloadOffset() {
            return headerBuffer().getInt(28);
        }

        int payloadCompressed() {
            return headerBuffer().getInt(32);
        }

        int payloadUncompressed() {
            return headerBuffer().getInt(36);
        }

        String text() {
            int len = payload.length;
            while (len > 0 && payload[len - 1] == 0) {
                len--;
            }
            return new String(payload, 0, len, StandardCharsets.UTF_8);
        }

        String attr(String name) {
            return xml == null ? null : xml.attributes().get(name);
        }

        @Override
        public String toString() {
            return payload == null ? "<connection closed>" : text();
        }
    }

    /** Parsed XML element: name, attributes, children. */
    record XmlElement(String name, Map<String, String> attributes, List<XmlElement> children) {
        static XmlElement of(Element e) {
            Map<String, String> attrs = new TreeMap<>();
            NamedNodeMap map = e.getAttributes();
            for (int i = 0; i < map.getLength(); i++) {
                attrs.put(map.item(i).getNodeName(), map.item(i).getNodeValue());
            }
            List<XmlElement> kids = new ArrayList<>();
            for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element child) {
                    kids.add(of(child));
                }
            }
            return new XmlElement(e.getTagName(), Map.copyOf(attrs), List.copyOf(kids));
        }
    }

    private final Socket socket;
    private final TlsClientProtocol protocol;
    private final OutputStream out;
    private final LinkedBlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean closedByPeer;
    private volatile Throwable readFailure;

    private PskTlsTestClient(Socket socket, TlsClientProtocol protocol) {
        this.socket = socket;
        this.protocol = protocol;
        this.out = protocol.getOutputStream();
        this.reader = new Thread(this::readLoop, "psk-test-reader-" + socket.getLocalPort());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** TLS version the client offers. */
    enum Version { TLS13, TLS12 }

    static PskTlsTestClient connect(DaemonUnderTest daemon) throws IOException {
        return connect(daemon.host(), daemon.port(), daemon.key(), "lrmd", Version.TLS13);
    }

    static PskTlsTestClient connect(String host, int port, byte[] key, String identity, Version version)
            throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setTcpNoDelay(true);
        // Bounds the handshake only; cleared before the reader thread starts.
        s.setSoTimeout(10_000);
        TlsClientProtocol p = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
        try {
            p.connect(new Client(key, identity, version));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        s.setSoTimeout(0);
        return new PskTlsTestClient(s, p);
    }

    private static final class Client extends AbstractTlsClient {
        private final byte[] key;
        private final String identity;
        private final Version version;

        Client(byte[] key, String identity, Version version) {
            super(new BcTlsCrypto(new SecureRandom()));
            this.key = key.clone();
            this.identity = identity;
            this.version = version;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return version == Version.TLS13 ? ProtocolVersion.TLSv13.only() : ProtocolVersion.TLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return version == Version.TLS13
                    ? new int[] {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256}
                    : new int[] {CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
                        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Vector getExternalPSKs() {
            if (version != Version.TLS13) {
                return null;
            }
            Vector psks = new Vector();
            psks.add(new BasicTlsPSKExternal(identity.getBytes(StandardCharsets.UTF_8),
                    getCrypto().createSecret(key)));
            return psks;
        }

        @Override
        public TlsPSKIdentity getPSKIdentity() {
            return new BasicTlsPSKIdentity(identity, key);
        }

        @Override
        public void notifySelectedPSK(TlsPSK selectedPSK) throws IOException {
            // A TLS 1.3 server that ignored our PSK would fall back to certificates.
            if (version == Version.TLS13 && selectedPSK == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "server did not accept the PSK");
            }
        }

        @Override
        public TlsAuthentication getAuthentication() throws IOException {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "server asked for certificate authentication");
        }
    }

    private volatile boolean paused;

    /** Stops (or resumes) reading from the daemon, as a peer that no longer reads would. */
    void pauseReading(boolean pause) {
        paused = pause;
    }

    private void readLoop() {
        InputStream in = protocol.getInputStream();
        try {
            while (true) {
                while (paused && !socket.isClosed()) {
                    Thread.sleep(10);
                }
                byte[] header = in.readNBytes(HEADER_SIZE);
                if (header.length < HEADER_SIZE) {
                    break;
                }
                Frame h = new Frame(header, new byte[0], null);
                int total = h.sizeTotal();
                int offset = h.payloadOffset();
                if (total < HEADER_SIZE || total > (64 << 20) || offset < HEADER_SIZE || offset > total) {
                    throw new IOException("daemon sent an implausible header: size_total=" + total
                            + " payload_offset=" + offset);
                }
                byte[] rest = in.readNBytes(total - HEADER_SIZE);
                if (rest.length < total - HEADER_SIZE) {
                    break;
                }
                byte[] payload = java.util.Arrays.copyOfRange(rest, offset - HEADER_SIZE, rest.length);
                Frame f = new Frame(header, payload, null);
                inbox.add(new Frame(header, payload, parse(f.text())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            readFailure = e;
        } finally {
            closedByPeer = true;
            inbox.add(CLOSED);
        }
    }

    private static XmlElement parse(String text) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            return XmlElement.of(d.getDocumentElement());
        } catch (Exception e) {
            return null;
        }
    }

    /** A standard little-endian header for a payload of the given length. */
    static byte[] header(int payloadLength) {
        return header(ENDIAN_MAGIC, HEADER_SIZE + payloadLength, HEADER_SIZE, payloadLength, ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] header(int endian, int sizeTotal, int payloadOffset, int payloadUncompressed, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(order);
        b.putInt(endian).putInt(1).putLong(MESSAGE_IDS.incrementAndGet()).putLong(0)
                .putInt(sizeTotal).putInt(payloadOffset).putInt(0).putInt(payloadUncompressed);
        return b.array();
    }

    static byte[] payload(String xml) {
        byte[] text = xml.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[text.length + 1];
        System.arraycopy(text, 0, p, 0, text.length);
        return p;
    }

    /** One TLS write (one record for up to 16 KiB). */
    void writeRecord(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one message framed like the C peers: header record, then payload record. */
    void send(String xml) throws IOException {
        byte[] p = payload(xml);
        writeRecord(header(p.length));
        writeRecord(p);
    }

    void sendBigEndian(String xml) throws IOException {
        byte[] p = payload(xml);
        writeRecord(header(ENDIAN_MAGIC, HEADER_SIZE + p.length, HEADER_SIZE, p.length, ByteOrder.BIG_ENDIAN));
        writeRecord(p);
    }

    /** Next message within the timeout, or null; a closed connection yields a frame with null payload. */
    Frame next(Duration timeout) {
        try {
            Frame f = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f == CLOSED) {
                inbox.add(CLOSED); // stay closed for later callers
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Waits for the first message matching the predicate, collecting the
     * others into {@code skipped}; null if it does not come in time or the
     * connection closes first.
     */
    Frame await(Predicate<Frame> match, Duration timeout, List<Frame> skipped) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Frame f = next(Duration.ofNanos(left));
            if (f == null || f == CLOSED) {
                return null;
            }
            if (match.test(f)) {
                return f;
            }
            if (skipped != null) {
                skipped.add(f);
            }
        }
    }

    /** True if the daemon closed the connection within the timeout. */
    boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closedByPeer) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Frame f = next(Duration.ofNanos(left));
            if (f == CLOSED) {
                return true;
            }
        }
        return true;
    }

    boolean closedByPeer() {
        return closedByPeer;
    }

    Throwable readFailure() {
        return readFailure;
    }

    /** Register request as a 2.1.5 controller would send it. */
    static String registerXml(String name, int msgId) {
        return "<lrmd_command t=\"lrmd\" lrmd_op=\"register\" lrmd_clientname=\"" + name
                + "\" lrmd_protocol_version=\"1.1\" lrmd_remote_msg_id=\"" + msgId
                + "\" lrmd_remote_msg_type=\"request\"/>";
    }

    static String pokeXml(int msgId) {
        return "<lrmd_command t=\"lrmd\" lrmd_op=\"lrmd_rsc_poke\" lrmd_timeout=\"0\" lrmd_callopt=\"0\""
                + " lrmd_remote_msg_id=\"" + msgId + "\" lrmd_remote_msg_type=\"request\">"
                + "<lrmd_calldata><lrmd_rsc lrmd_origin=\"lrmd_api_poke_connection\"/></lrmd_calldata>"
                + "</lrmd_command>";
    }

    static String opXml(String op, int msgId) {
        return "<lrmd_command t=\"lrmd\" lrmd_op=\"" + op + "\" lrmd_timeout=\"0\" lrmd_callopt=\"0\""
                + " lrmd_remote_msg_id=\"" + msgId + "\" lrmd_remote_msg_type=\"request\"/>";
    }

    static Predicate<Frame> replyTo(int msgId) {
        return f -> f.xml() != null && "lrmd_reply".equals(f.xml().name())
                && Integer.toString(msgId).equals(f.attr("lrmd_remote_msg_id"));
    }

    static Predicate<Frame> notifyOf(String op) {
        return f -> f.xml() != null && "lrmd_notify".equals(f.xml().name()) && op.equals(f.attr("lrmd_op"));
    }

    /** Register under a name and return the reply (null if none came). */
    Frame register(String name, int msgId, Duration timeout) throws IOException {
        send(registerXml(name, msgId));
        return await(replyTo(msgId), timeout, null);
    }

    @Override
    public void close() {
        try {
            protocol.close();
        } catch (IOException | RuntimeException e) {
            // the daemon may already have dropped us; nothing to clean up then
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
