package org.jremoted.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.jremoted.protocol.MalformedMessageException;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.jremoted.daemon.Config;
import org.jremoted.transport.AuthKeyStore;
import org.jremoted.transport.MalformedFrameException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jremoted probe HOST}: checks, step by step, that a cluster node could reach and sign on
 * to the Pacemaker Remote daemon on HOST, and says which step failed. Each failure has its own
 * exit status so scripts can act on it.
 */
@Command(name = "probe", sortOptions = false, exitCodeOnInvalidInput = Main.EXIT_USAGE,
        headerHeading = "%n", synopsisHeading = "%n", descriptionHeading = "%nDescription:%n%n",
        optionListHeading = "%nOptions:%n", exitCodeListHeading = "%nExit status:%n",
        header = "Check that a Pacemaker Remote daemon is reachable and accepts the cluster key.",
        description = {
            "Connects to HOST the way a cluster node does: TCP connection, TLS handshake with the pre-shared"
                + " key under the identity 'lrmd' (TLS 1.3 external PSK, or TLS 1.2 PSK suites), then an"
                + " executor 'register' sign-on. Prints the negotiated TLS version, the daemon's protocol"
                + " version and the round-trip time of the sign-on. Works against pacemaker-remoted and jremoted.",
            "",
            "CAUTION: a completed TLS handshake makes the daemon tell every connected cluster node that a new"
                + " client arrived, and a cluster node that is not migrating the connection then drops it"
                + " (Pacemaker's takeover rule), so the cluster recovers the remote node's connection. Probe a"
                + " node before adding it to the cluster or while it is in maintenance, or use --tcp-only.",
        },
        exitCodeList = {
            "0:the daemon answered the sign-on",
            "2:HOST could not be resolved",
            "3:connection refused: nothing listens on the port (daemon not running, wrong port)",
            "4:no route to host or network unreachable (firewall REJECT, routing)",
            "5:timed out connecting (firewall DROP, host down) or waiting for the daemon",
            "6:the local key file is missing, unreadable or empty",
            "7:TLS handshake failed with an alert: the keys differ (or the daemon has none)",
            "8:TLS handshake failed otherwise (connection closed or reset: not a Pacemaker Remote daemon,"
                + " or no common TLS version)",
            "9:the sign-on failed (no reply, malformed reply, or an error code)",
            "64:command-line usage error",
        })
public final class Probe implements Callable<Integer> {
    static final int OK = 0;
    static final int UNKNOWN_HOST = 2;
    static final int REFUSED = 3;
    static final int NO_ROUTE = 4;
    static final int TIMEOUT = 5;
    static final int KEY_UNREADABLE = 6;
    static final int KEY_MISMATCH = 7;
    static final int HANDSHAKE_FAILED = 8;
    static final int SIGNON_FAILED = 9;

    /** Alerts a TLS server sends when the PSK (or the binder computed from it) does not match. */
    private static final List<Short> KEY_ALERTS = List.of(AlertDescription.bad_record_mac,
            AlertDescription.decrypt_error, AlertDescription.unknown_psk_identity,
            AlertDescription.illegal_parameter, AlertDescription.internal_error);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST", description = "Host name or address of the remote node")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "TCP port (default: PCMK_remote_port from the environment, else 3121)")
    Integer port;

    @Option(names = {"-k", "--key"}, paramLabel = "FILE",
            description = "Pre-shared key file (default: PCMK_authkey_location, else /etc/pacemaker/authkey,"
                    + " then /etc/corosync/authkey)")
    Path key;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Limit for each step (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--tls", paramLabel = "VERSION", defaultValue = "auto",
            description = "TLS versions to offer: auto (1.3 and 1.2), 1.3 or 1.2 (default: ${DEFAULT-VALUE})")
    String tls;

    @Option(names = "--tcp-only", description = "Stop after the TCP connection (does not disturb a connected cluster)")
    boolean tcpOnly;

    @Option(names = {"-v", "--verbose"}, description = "Also print the underlying error details")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
    boolean help;

    /** The environment, replaceable by tests. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int r = probe(out, err);
        out.flush();
        err.flush();
        return r;
    }

    int probe(PrintWriter out, PrintWriter err) {
        PskClient.Versions versions;
        switch (tls.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> versions = PskClient.Versions.AUTO;
            case "1.3", "tls1.3" -> versions = PskClient.Versions.TLS13;
            case "1.2", "tls1.2" -> versions = PskClient.Versions.TLS12;
            default -> {
                err.println("jremoted probe: --tls must be auto, 1.3 or 1.2, not '" + tls + "'");
                return Main.EXIT_USAGE;
            }
        }
        int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(timeoutSeconds * 1000)));
        int thePort = port != null ? port : envPort();
        if (thePort < 1 || thePort > 65535) {
            err.println("jremoted probe: invalid port " + thePort);
            return Main.EXIT_USAGE;
        }

        byte[] keyBytes = null;
        Path keyPath = null;
        if (!tcpOnly) {
            List<Path> candidates = key != null ? List.of(key) : defaultKeyCandidates();
            List<String> why = new ArrayList<>();
            for (Path p : candidates) {
                try {
                    byte[] k = Files.readAllBytes(p);
                    if (k.length == 0) {
                        why.add(p + ": empty");
                        continue;
                    }
                    keyBytes = k;
                    keyPath = p;
                    break;
                } catch (IOException | SecurityException e) {
                    why.add(p + ": " + describe(e));
                }
            }
            if (keyBytes == null) {
                err.println("FAIL key: no usable key file (" + String.join("; ", why) + ")");
                return KEY_UNREADABLE;
            }
        }

        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            err.println("FAIL resolve: cannot resolve host name '" + host + "'");
            return UNKNOWN_HOST;
        }

        // Try each address the way a resolver-following client does; report the last failure.
        Socket socket = null;
        InetSocketAddress target = null;
        int failure = OK;
        String failureText = null;
        long connectNanos = 0;
        for (InetAddress a : addresses) {
            target = new InetSocketAddress(a, thePort);
            Socket s = new Socket();
            long t0 = System.nanoTime();
            try {
                s.connect(target, timeoutMs);
                connectNanos = System.nanoTime() - t0;
                socket = s;
                break;
            } catch (IOException e) {
                closeQuietly(s);
                failure = classifyConnect(e);
                failureText = connectFailureText(failure, target, timeoutMs, e);
            }
        }
        if (socket == null) {
            err.println("FAIL tcp: " + failureText);
            return failure;
        }
        out.printf("ok   tcp: connected to %s port %d (%s)%n", addr(target), thePort, ms(connectNanos));
        if (tcpOnly) {
            closeQuietly(socket);
            return OK;
        }

        PskClient client;
        long t1 = System.nanoTime();
        try {
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
            client = PskClient.handshake(socket, keyBytes, versions);
        } catch (PskClient.HandshakeException e) {
            details(err, e);
            return handshakeFailure(err, e, keyPath);
        } catch (SocketTimeoutException e) {
            err.println("FAIL tls: no TLS answer within " + timeoutMs + " ms (not a Pacemaker Remote daemon?)");
            return TIMEOUT;
        } catch (IOException | RuntimeException e) {
            details(err, e);
            err.println("FAIL tls: connection lost during the TLS handshake (" + describe(e)
                    + "): not a Pacemaker Remote daemon, or it refused the client");
            return HANDSHAKE_FAILED;
        }
        out.printf("ok   tls: %s %s, PSK identity %s, key %s (%s)%n", client.version(), client.cipherSuite(),
                PskClient.IDENTITY, keyPath, ms(System.nanoTime() - t1));

        try (PskClient c = client) {
            XmlNode request = XmlNode.builder("lrmd_command")
                    .attr("t", "lrmd")
                    .attr("lrmd_op", "register")
                    .attr("lrmd_clientname", "jremoted-probe")
                    .attr("lrmd_protocol_version", "1.1")
                    .attr("lrmd_remote_msg_id", "1")
                    .attr("lrmd_remote_msg_type", "request")
                    .build();
            long t2 = System.nanoTime();
            c.sendMessage(XmlCodec.write(request).getBytes(StandardCharsets.UTF_8));
            XmlNode reply = awaitReply(c);
            long rtt = System.nanoTime() - t2;
            String rc = reply.attr("lrmd_rc");
            if (rc != null && !rc.trim().equals("0")) {
                err.println("FAIL register: the daemon answered with error code " + rc);
                return SIGNON_FAILED;
            }
            String version = reply.attr("lrmd_protocol_version");
            out.printf("ok   register: protocol version %s, client id %s%s (round trip %s)%n",
                    version == null ? "(not given)" : version,
                    reply.optAttr("lrmd_clientid").orElse("(none)"),
                    reply.optAttr("uptime").map(u -> ", daemon up " + u + " s").orElse(""), ms(rtt));
            out.printf("OK: %s port %d is a Pacemaker Remote daemon that accepts this key%n", host, thePort);
            return OK;
        } catch (SocketTimeoutException e) {
            err.println("FAIL register: no reply within " + timeoutMs + " ms");
            return TIMEOUT;
        } catch (IOException | MalformedFrameException | MalformedMessageException | RuntimeException e) {
            err.println("FAIL register: " + describe(e));
            return SIGNON_FAILED;
        }
    }

    /** Skips notifications (another client may connect meanwhile) until the register reply. */
    private static XmlNode awaitReply(PskClient c) throws IOException, MalformedFrameException,
            MalformedMessageException {
        for (int i = 0; i < 100; i++) {
            XmlNode msg = XmlCodec.parse(c.readMessage(16L * 1024 * 1024));
            if ("lrmd_reply".equals(msg.name())) {
                return msg;
            }
        }
        throw new IOException("no register reply among the first 100 messages");
    }

    /** Tells a wrong key from other handshake failures by the alert involved. */
    static int handshakeFailure(PrintWriter err, PskClient.HandshakeException e, Path keyPath) {
        short received = e.receivedAlert();
        if (received == AlertDescription.close_notify) {
            // pacemaker-remoted (GnuTLS) answers a key it cannot decrypt with with close_notify, not
            // with an error alert; a TLS server ending a handshake politely has rejected the key.
            err.println("FAIL tls: the daemon ended the TLS handshake (close_notify): its key differs from "
                    + keyPath + ", or it has no key (pacemaker-remoted logs 'Decryption has failed')");
            return KEY_MISMATCH;
        }
        if (received >= 0) {
            String text = AlertDescription.getText(received);
            if (KEY_ALERTS.contains(received)) {
                err.println("FAIL tls: the daemon rejected the handshake (alert " + text + "): its key differs from "
                        + keyPath + ", or it has no key");
                return KEY_MISMATCH;
            }
            err.println("FAIL tls: the daemon refused the handshake with alert " + text
                    + " (no common TLS version or cipher suite?)");
            return HANDSHAKE_FAILED;
        }
        // Raised by our side: the server's Finished did not verify, i.e. it used another key.
        if (e.getCause() instanceof TlsFatalAlert local && !(e.getCause() instanceof TlsFatalAlertReceived)
                && (local.getAlertDescription() == AlertDescription.decrypt_error
                    || local.getAlertDescription() == AlertDescription.bad_record_mac)) {
            err.println("FAIL tls: the daemon's handshake does not verify with " + keyPath + ": the keys differ");
            return KEY_MISMATCH;
        }
        err.println("FAIL tls: connection lost during the TLS handshake (" + describe(e)
                + "): not a Pacemaker Remote daemon, or it refused the client");
        return HANDSHAKE_FAILED;
    }

    private void details(PrintWriter err, Throwable e) {
        if (verbose) {
            e.printStackTrace(err);
        }
    }

    private List<Path> defaultKeyCandidates() {
        return new AuthKeyStore(Config.fromEnvironment(env).authkeyLocation()).candidates();
    }

    private int envPort() {
        return Config.fromEnvironment(env).remotePort();
    }

    static int classifyConnect(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof NoRouteToHostException) {
            return NO_ROUTE;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("unreachable") || m.contains("no route")) {
            return NO_ROUTE;
        }
        if (e instanceof ConnectException && m.contains("timed out")) {
            return TIMEOUT;
        }
        if (e instanceof ConnectException) {
            return REFUSED;
        }
        return e instanceof SocketException && m.contains("refused") ? REFUSED : NO_ROUTE;
    }

    private static String connectFailureText(int code, InetSocketAddress target, int timeoutMs, IOException e) {
        String where = addr(target) + " port " + target.getPort();
        return switch (code) {
            case REFUSED -> "connection to " + where + " refused: nothing listens there (is pacemaker_remote running,"
                    + " on this port?)";
            case TIMEOUT -> "no answer from " + where + " within " + timeoutMs + " ms (host down, or a firewall"
                    + " drops the traffic)";
            default -> "cannot reach " + where + ": " + describe(e) + " (routing, or a firewall rejects it)";
        };
    }

    private static String addr(InetSocketAddress a) {
        return a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the socket was never usable
        }
    }
}
