package org.jremoted.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jremoted.protocol.Values;
import org.jremoted.protocol.XmlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pacemaker 3.0's CIB schema download (docs/proxy.md §7): when a cluster node registers as IPC provider
 * with protocol 1.2 or later, the daemon asks the CIB, through that provider, for every schema
 * file newer than the newest one installed locally, and keeps them in
 * {@code PCMK_remote_schema_directory} for the Pacemaker command-line tools on this node.
 *
 * <p>The C daemon forks a CIB client that goes through its own local {@code cib_ro} proxy
 * endpoint. Here the same conversation is spoken directly on the proxy channel, without a local
 * IPC connection, message for message as that client would: a {@code new} session for
 * {@code cib_ro}; a synchronous {@code register} (the CIB sign-on), whose reply must name our
 * {@code cib_clientid}; a synchronous {@code cib_schemas} request; then {@code destroy}.
 *
 * <p>Both requests must carry the {@code cib_sync_call} option: the CIB manager answers a
 * request without it asynchronously, and the controller then relays that answer as an
 * {@code event} instead of the {@code response} the proxy protocol pairs with a request.
 *
 * <p>One download per daemon; a new provider registration restarts it. Only the loop thread
 * uses an instance.
 */
public final class SchemaDownload {
    private static final Logger log = LoggerFactory.getLogger(SchemaDownload.class);

    /** What the C daemon allows its fetch child before giving up. */
    public static final long TIME_LIMIT_MS = 5 * 60 * 1000;

    /** libqb request flags: the client wants a reply (0x200), relayed by a proxy (0x100). */
    static final int REQUEST_FLAGS = 0x200 | 0x100;
    /** {@code cib_sync_call}: answer on the reply channel, not as an asynchronous notification. */
    static final int CIB_SYNC_CALL = 1 << 12;
    /** The name upstream's fetch child signs on with (its process name). */
    static final String CLIENT_NAME = "pacemaker-remoted";
    static final int REGISTER_CALL = 1;
    static final int SCHEMAS_CALL = 2;

    private static final Pattern SCHEMA_FILE = Pattern.compile("pacemaker-(\\d+)\\.(\\d+)\\.rng");
    /** File names the cluster may give us: no directories, nothing hidden. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    /** Where a download stands: signing on to the CIB, waiting for the files, or finished. */
    public enum State { IDLE, SIGNING_ON, REQUESTED, DONE, FAILED }

    private final Path directory;
    private final Path installedSchemas;
    private String session;
    private String newestInstalled;
    private State state = State.IDLE;
    private long startedNanos;

    /**
     * @param directory        PCMK_remote_schema_directory
     * @param installedSchemas PCMK_schema_directory (the locally installed schemas, to compare with)
     */
    public SchemaDownload(Path directory, Path installedSchemas) {
        this.directory = directory;
        this.installedSchemas = installedSchemas;
    }

    /**
     * The {@code JREMOTED_SCHEMA_DOWNLOAD} setting: on when unset or empty, as in the C daemon;
     * otherwise only a Pacemaker "true" keeps it on, so "no", "off" or "0" opt out.
     */
    public static boolean enabled(String setting) {
        return setting == null || setting.isBlank() || Values.isTrue(setting);
    }

    /** Whether a registration starts a download: an IPC provider speaking protocol 1.2 or later. */
    public static boolean wanted(boolean ipcProvider, String protocolVersion) {
        return ipcProvider && compareVersions(protocolVersion, "1.2") >= 0;
    }

    public State state() {
        return state;
    }

    /** The proxy session of the running download, or null. */
    public String session() {
        return active() ? session : null;
    }

    /**
     * Whether a proxy message for {@code id} belongs to us: the running download's session or the
     * last one (the controller echoes our {@code destroy} back after the download ended).
     */
    public boolean owns(String id) {
        return id != null && id.equals(session);
    }

    private boolean active() {
        return state == State.SIGNING_ON || state == State.REQUESTED;
    }

    /**
     * Starts (or restarts) a download: empties the directory, then returns the messages to send to
     * the provider, in order: the session and the CIB sign-on. An earlier download still running
     * is abandoned; its session gets a {@code destroy} first.
     */
    public List<XmlNode> start(long nowNanos) {
        List<XmlNode> out = new ArrayList<>();
        if (active()) {
            out.add(ProxyMessages.destroy(session));
        }
        if (!clearDirectory()) {
            state = State.FAILED;
            return out;
        }
        session = UUID.randomUUID().toString();
        startedNanos = nowNanos;
        state = State.SIGNING_ON;
        newestInstalled = newestInstalledSchema();
        log.info("Fetching extra schema files from cluster (newer than {})", newestInstalled);
        out.add(ProxyMessages.newSession(session, "cib_ro"));
        out.add(request(REGISTER_CALL, cibCommand("register", REGISTER_CALL)
                .attr("cib_clientname", CLIENT_NAME).build()));
        return out;
    }

    /**
     * A {@code response} on our session, i.e. the CIB's reply to the request in flight.
     *
     * @param payload the element inside {@code lrmd_ipc_msg} (file contents as its text)
     * @return what to send next: the {@code cib_schemas} request after the sign-on, or the
     *         {@code destroy} that ends the session; nothing when no download is running
     */
    public List<XmlNode> response(XmlNode payload) {
        if (state == State.SIGNING_ON) {
            return signedOn(payload);
        }
        if (state == State.REQUESTED) {
            return List.of(schemasReceived(payload));
        }
        log.debug("Ignoring a late reply on schema download session {}", session);
        return List.of();
    }

    private List<XmlNode> signedOn(XmlNode reply) {
        String clientId = reply.attr("cib_clientid");
        if (!"register".equalsIgnoreCase(reply.attr("cib_op")) || clientId == null || clientId.isEmpty()) {
            return List.of(fail("the CIB manager refused the sign-on (reply <" + reply.name() + " cib_op="
                    + reply.attr("cib_op") + " cib_clientid=" + clientId + " rc=" + reply.attr("rc") + ">)"));
        }
        log.debug("Signed on to the CIB manager as {} for the schema download", clientId);
        state = State.REQUESTED;
        XmlNode command = cibCommand("cib_schemas", SCHEMAS_CALL)
                .child(XmlNode.builder("cib_calldata")
                        .child(XmlNode.builder("schema").attr("version", newestInstalled).build()).build())
                .build();
        return List.of(request(SCHEMAS_CALL, command));
    }

    private XmlNode schemasReceived(XmlNode reply) {
        int callId = reply.intAttr("cib_callid", 0);
        int rc = reply.intAttr("cib_rc", Integer.MIN_VALUE);
        if (callId != SCHEMAS_CALL || rc == Integer.MIN_VALUE) {
            return fail("unexpected reply <" + reply.name() + " cib_callid=" + reply.attr("cib_callid")
                    + " cib_rc=" + reply.attr("cib_rc") + " rc=" + reply.attr("rc") + ">");
        }
        if (rc != 0) {
            return fail("the CIB manager answered rc=" + rc);
        }
        try {
            int written = writeFiles(reply);
            state = State.DONE;
            log.info("Fetching extra schema files completed successfully ({} file(s) in {})", written, directory);
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage());
        }
        return ProxyMessages.destroy(session);
    }

    /** Gives up: the directory is emptied; returns the {@code destroy} for the session. */
    private XmlNode fail(String why) {
        log.error("Could not load additional schema files: {}", why);
        state = State.FAILED;
        clearDirectory();
        return ProxyMessages.destroy(session);
    }

    /** The cluster closed our session before answering (e.g. it cannot reach its CIB). */
    public void destroyed() {
        if (active()) {
            log.error("Could not load additional schema files: the cluster closed the CIB session");
            state = State.FAILED;
            clearDirectory();
        }
    }

    /**
     * The provider went away, or the time limit passed (call periodically): gives up.
     *
     * @return the {@code destroy} for the abandoned session, if the time limit passed
     */
    public Optional<XmlNode> expireIfOverdue(long nowNanos) {
        if (active() && nowNanos - startedNanos > TIME_LIMIT_MS * 1_000_000L) {
            return Optional.of(fail("no answer from the cluster in " + TIME_LIMIT_MS / 1000 + " s"));
        }
        return Optional.empty();
    }

    /** A CIB client request as upstream's client library builds it (cib__create_op). */
    private static XmlNode.Builder cibCommand(String op, int callId) {
        return XmlNode.builder("cib_command").attr("t", "cib").attr("cib_op", op)
                .attr("cib_callid", callId).attr("cib_callopt", CIB_SYNC_CALL);
    }

    /** One libqb request of the fetch client, as the C daemon would forward it for that client. */
    private XmlNode request(int msgId, XmlNode command) {
        return ProxyMessages.request(session,
                "proxy-cib_ro-" + ProcessHandle.current().pid() + "-" + session.substring(0, 8), "root", msgId,
                REQUEST_FLAGS, command);
    }

    /** Highest {@code pacemaker-X.Y} installed, or {@code pacemaker-1.0} (then every file is sent). */
    String newestInstalledSchema() {
        int bestMajor = 1;
        int bestMinor = 0;
        try (Stream<Path> files = Files.list(installedSchemas)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = SCHEMA_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    int major = Integer.parseInt(m.group(1));
                    int minor = Integer.parseInt(m.group(2));
                    if (major > bestMajor || (major == bestMajor && minor > bestMinor)) {
                        bestMajor = major;
                        bestMinor = minor;
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("No installed schemas readable in {}: {}", installedSchemas, e.toString());
        }
        return "pacemaker-" + bestMajor + "." + bestMinor;
    }

    private int writeFiles(XmlNode payload) throws IOException {
        List<XmlNode> files = new ArrayList<>();
        collectFiles(payload, files);
        int written = 0;
        for (XmlNode file : files) {
            String name = file.attr("path");
            if (name == null || name.isEmpty()) {
                log.warn("No destination path given in schema file from the cluster");
                continue;
            }
            if (!SAFE_NAME.matcher(name).matches()) {
                log.warn("Ignoring schema file with unsafe name '{}'", name);
                continue;
            }
            if (file.text() == null) {
                continue;
            }
            // Written aside and renamed, so a tool never reads half a schema.
            Path target = directory.resolve(name);
            Path partial = directory.resolve("." + name + ".part");
            Files.writeString(partial, file.text(), StandardCharsets.UTF_8);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written++;
        }
        return written;
    }

    private static void collectFiles(XmlNode node, List<XmlNode> into) {
        if ("file".equals(node.name())) {
            into.add(node);
        }
        for (XmlNode c : node.children()) {
            collectFiles(c, into);
        }
    }

    /** Empties the directory (created 0755 if missing); false if that is impossible. */
    private boolean clearDirectory() {
        try {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                log.error("{} already exists but is not a directory", directory);
                return false;
            }
            if (!Files.exists(directory)) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                return true;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path entry : entries) {
                    deleteTree(entry);
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            log.error("Could not clean up directory for schemas {}: {}", directory, e.toString());
            return false;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(q);
                }
            }
        } else {
            Files.delete(p);
        }
    }

    /** Dotted integer comparison as Pacemaker does it; a missing or non-numeric part counts as 0. */
    static int compareVersions(String a, String b) {
        String[] x = a == null ? new String[0] : a.trim().split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Long.compare(part(x, i), part(y, i));
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private static long part(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
