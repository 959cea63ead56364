package org.jremoted.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local channel {@code jremoted status} asks: a unix stream socket (mode 0600 in a 0700
 * directory, so only root reaches it). A client writes one line, {@code table} or {@code json},
 * and reads the answer until the server closes. The snapshot is taken on the daemon loop thread,
 * the only thread allowed to read executor state; this server's own thread only does the I/O.
 */
public final class StatusServer implements Closeable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/jremoted/status.sock");
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    private static final int MAX_REQUEST = 64;

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final java.util.concurrent.Executor loop;
    private final Supplier<StatusSnapshot> snapshot;
    private volatile boolean closed;

    private StatusServer(Path path, ServerSocketChannel server, java.util.concurrent.Executor loop,
                         Supplier<StatusSnapshot> snapshot) {
        this.path = path;
        this.server = server;
        this.loop = loop;
        this.snapshot = snapshot;
        this.thread = new Thread(this::serve, "jremoted-status");
        this.thread.setDaemon(true);
    }

    /**
     * Binds the socket (replacing a stale one left by a killed daemon) and starts serving. Never
     * throws: without the status channel the daemon still does its real job, so a failure is
     * logged and null returned.
     *
     * @param loop     the daemon loop; {@code snapshot} runs there
     * @param snapshot reads the daemon's state (loop thread)
     */
    public static StatusServer start(Path path, java.util.concurrent.Executor loop, Supplier<StatusSnapshot> snapshot) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            // A directory we create is ours and private; one that exists (/tmp, /run) belongs to
            // someone else and keeps its mode: the socket's own 0600 is what guards the channel.
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            if (inUse(path)) {
                // Another daemon (e.g. a second instance on another port) answers there: leave it.
                log.warn("Status channel {} belongs to another running jremoted; 'jremoted status' will reach that one",
                        path);
                return null;
            }
            Files.deleteIfExists(path);
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            StatusServer s = new StatusServer(path, ch, loop, snapshot);
            s.thread.start();
            log.debug("Status channel listening on {}", path);
            return s;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Status channel {} unavailable ('jremoted status' will not work): {}", path, e.toString());
            return null;
        }
    }

    private static boolean inUse(Path path) {
        if (!Files.exists(path)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Convenience for the daemon: clients from the tracker, resources from the executor. */
    public static StatusServer start(Path path, java.util.concurrent.Executor loop, ClientTracker clients,
                                     org.jremoted.executor.Executor executor) {
        long started = System.currentTimeMillis();
        return start(path, loop, () -> StatusSnapshot.of(started, clients, executor));
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel c = server.accept()) {
                answer(c);
            } catch (IOException e) {
                if (!closed) {
                    log.debug("Status request failed: {}", e.toString());
                }
            }
        }
    }

    private void answer(SocketChannel c) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        // A silent client must not block the next one forever: poll with a deadline.
        c.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (in.hasRemaining() && System.nanoTime() < deadline) {
            int n = c.read(in);
            if (n < 0 || new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).contains("\n")) {
                break;
            }
            if (n == 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        c.configureBlocking(true);
        String request = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).trim();
        String text;
        if (!request.equals("json") && !request.equals("table")) {
            text = "error: unknown request '" + request + "' (expected 'table' or 'json')\n";
        } else {
            CompletableFuture<StatusSnapshot> f = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    f.complete(snapshot.get());
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            try {
                StatusSnapshot s = f.get(5, TimeUnit.SECONDS);
                text = request.equals("json") ? s.toJson() : s.toTable();
            } catch (Exception e) {
                text = "error: the daemon loop did not answer: " + e + "\n";
            }
        }
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            c.write(out);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing only to stop accepting
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stale socket is replaced at the next start
        }
    }
}
