package org.jremoted.ipc;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jremoted.support.LoopScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code jremoted-ipc-helper}, the small libqb program that publishes the local IPC
 * endpoints (docs/ipc.md), and talks to it over its stdin/stdout. A reader thread turns frames
 * into {@link LocalIpcListener} calls on the loop; a writer thread keeps the loop from ever
 * blocking on the pipe. Whenever the helper ends without being asked to (a crash, or a fatal
 * start-up error such as another Pacemaker holding the names) it is started again after a pause
 * that grows with every failure in a row ({@link HelperRestartPolicy}); the reason is logged once,
 * not once per attempt.
 */
public final class IpcHelper implements LocalIpcLink {
    private static final Logger log = LoggerFactory.getLogger(IpcHelper.class);

    public static final String BINARY_NAME = "jremoted-ipc-helper";
    private static final byte[] STOP = new byte[0];

    private final Path binary;
    private final LoopScheduler loop;
    private final LocalIpcListener listener;
    private final HelperRestartPolicy restarts;

    // loop thread only
    private volatile Instance current;
    private boolean providerAvailable;
    private volatile boolean stopped;
    private LoopScheduler.Timer restartTimer;
    private int launches;

    public IpcHelper(Path binary, LoopScheduler loop, LocalIpcListener listener) {
        this(binary, loop, listener, new HelperRestartPolicy());
    }

    IpcHelper(Path binary, LoopScheduler loop, LocalIpcListener listener, HelperRestartPolicy restarts) {
        this.binary = binary;
        this.loop = loop;
        this.listener = listener;
        this.restarts = restarts;
    }

    /**
     * Where the helper binary is: {@code configured} ({@code JREMOTED_IPC_HELPER}, may be null),
     * then next to the jar (the build directory), then the packaged locations.
     */
    public static Optional<Path> locate(Path configured) {
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(configured);
        }
        String property = System.getProperty("jremoted.ipcHelper");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        try {
            Path code = Path.of(IpcHelper.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code.getParent() : code.getParent();
            if (dir != null) {
                candidates.add(dir.resolve(BINARY_NAME));
            }
        } catch (URISyntaxException | RuntimeException e) {
            log.debug("Cannot tell where the jar is", e);
        }
        candidates.add(Path.of("/usr/lib/jremoted", BINARY_NAME));
        candidates.add(Path.of("/usr/libexec/jremoted", BINARY_NAME));
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** Starts the helper (loop thread). */
    public void start() {
        stopped = false;
        launch();
    }

    /** Stops the helper: closing its stdin makes it remove the endpoints and exit (loop thread). */
    public void stop() {
        stopped = true;
        if (restartTimer != null) {
            restartTimer.cancel();
            restartTimer = null;
        }
        Instance i = current;
        current = null;
        if (i != null) {
            i.stop();
        }
    }

    public boolean isRunning() {
        return current != null;
    }

    /** How many helper processes were started so far (loop thread). */
    int launches() {
        return launches;
    }

    @Override
    public void providerAvailable(boolean available) {
        providerAvailable = available;
        send(new HelperFrame(HelperFrame.PROVIDER, 0, new byte[] {(byte) (available ? 1 : 0)}));
    }

    @Override
    public void respond(int connection, byte[] message) {
        send(new HelperFrame(HelperFrame.RESPONSE, connection, message));
    }

    @Override
    public void event(int connection, byte[] message) {
        send(new HelperFrame(HelperFrame.EVENT, connection, message));
    }

    @Override
    public void disconnect(int connection) {
        send(new HelperFrame(HelperFrame.DISCONNECT, connection, new byte[0]));
    }

    private void send(HelperFrame frame) {
        Instance i = current;
        if (i != null) {
            i.outgoing.add(frame.encode());
        }
    }

    private void launch() {
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            log.warn("Cannot start {}: {}; local cluster tools (crm_attribute, crm_mon, cibadmin, crm_master) "
                    + "will not work on this node", binary, e.getMessage());
            return;
        }
        launches++;
        Instance i = new Instance(process);
        current = i;
        restarts.started();
        // The first thing the new helper learns, before any client can connect
        i.outgoing.add(new HelperFrame(HelperFrame.PROVIDER, 0,
                new byte[] {(byte) (providerAvailable ? 1 : 0)}).encode());
        i.begin();
        log.debug("Started {} (pid {})", binary, process.pid());
    }

    /** Called on the loop once an instance's output has ended. */
    private void ended(Instance i, String fatal, String exit) {
        if (current == i) {
            current = null;
        }
        if (stopped || i.stopping) {
            // Our own doing (daemon exit): nothing was lost that anyone still needs.
            return;
        }
        String reason = fatal != null ? fatal : "helper exited (" + exit + ")";
        if (i.published) {
            // Only a helper that published its endpoints can have had connections
            listener.lost(reason);
        }
        HelperRestartPolicy.Restart r = restarts.ended(nowMs(), reason);
        String next = seconds(r.delayMs());
        switch (r.report()) {
            case NEW -> {
                if (fatal != null) {
                    log.error("Local IPC endpoints unavailable: {}. Verify pacemaker and pacemaker_remote are not "
                            + "both running on this node; local cluster tools (crm_attribute, crm_master, crm_mon, "
                            + "cibadmin) will not work here until then. Trying again in {}, then less and less often "
                            + "(at most every {})", fatal, next, seconds(HelperRestartPolicy.MAX_DELAY_MS));
                } else {
                    log.error("Local IPC {}; restarting it in {}", reason, next);
                }
            }
            case REMINDER -> log.warn("Local IPC endpoints still unavailable after {} attempts in a row ({} not logged): "
                    + "{}; next attempt in {}", r.failuresInRow(), r.quietSinceReport(), reason, next);
            case QUIET -> log.debug("Local IPC helper ended again ({} in a row): {}; next attempt in {}",
                    r.failuresInRow(), reason, next);
        }
        restartTimer = loop.schedule(() -> {
            restartTimer = null;
            if (!stopped && current == null) {
                launch();
            }
        }, r.delayMs());
    }

    /** Called on the loop when an instance has published its endpoints. */
    private void published(Instance i) {
        if (current != i) {
            return;
        }
        int failures = restarts.ready(nowMs());
        if (failures > 0) {
            log.info("Local IPC helper running again after {} failed start{}", failures, failures == 1 ? "" : "s");
        }
        listener.ready();
    }

    private long nowMs() {
        return loop.monotonicNanos() / 1_000_000L;
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private void deliver(Instance i, HelperFrame f) throws IOException {
        switch (f.type()) {
            case HelperFrame.READY -> {
                i.published = true;
                loop.execute(() -> published(i));
            }
            case HelperFrame.CONNECTED -> {
                LocalConnection c = f.connectedPayload();
                loop.execute(() -> listener.connected(c));
            }
            case HelperFrame.REFUSED -> {
                HelperFrame.Refusal r = f.refusedPayload();
                loop.execute(() -> listener.refused(r.endpoint(), r.uid(), r.gid()));
            }
            case HelperFrame.REQUEST -> loop.execute(() -> listener.request(f.connection(), f.payload()));
            case HelperFrame.CLOSED -> loop.execute(() -> listener.closed(f.connection()));
            default -> log.warn("Ignoring helper frame of unknown type {}", f.type());
        }
    }

    /** One helper process with its pipes and threads. */
    private final class Instance {
        final Process process;
        final LinkedBlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
        volatile boolean stopping;
        /** READY seen (set by the reader thread before it queues anything that follows READY). */
        volatile boolean published;

        Instance(Process process) {
            this.process = process;
        }

        void begin() {
            String pid = Long.toString(process.pid());
            thread("ipc-helper-writer-" + pid, this::writeLoop);
            thread("ipc-helper-log-" + pid, this::logLoop);
            thread("ipc-helper-reader-" + pid, this::readLoop);
        }

        private void thread(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
        }

        void stop() {
            stopping = true;
            outgoing.add(STOP);
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(2, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }

        String exitDescription() {
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    return "status " + process.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "still running";
        }

        private void writeLoop() {
            try (OutputStream out = process.getOutputStream()) {
                while (true) {
                    byte[] frame = outgoing.take();
                    if (frame == STOP) {
                        return;
                    }
                    out.write(frame);
                    if (outgoing.isEmpty()) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                log.debug("Helper input closed: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void logLoop() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ERROR ")) {
                        log.error("ipc-helper: {}", line.substring(6));
                    } else if (line.startsWith("WARN ")) {
                        log.warn("ipc-helper: {}", line.substring(5));
                    } else {
                        log.info("ipc-helper: {}", line);
                    }
                }
            } catch (IOException e) {
                log.debug("Helper log stream closed: {}", e.getMessage());
            }
        }

        private void readLoop() {
            String fatal = null;
            try (InputStream in = new BufferedInputStream(process.getInputStream(), 256 * 1024)) {
                HelperFrame f;
                while ((f = HelperFrame.read(in)) != null) {
                    if (f.type() == HelperFrame.FATAL) {
                        fatal = f.text();
                    } else {
                        deliver(this, f);
                    }
                }
            } catch (IOException e) {
                if (!stopping) {
                    log.error("Bad output from the local IPC helper: {}", e.getMessage());
                }
                process.destroy();
            }
            outgoing.add(STOP);
            String reason = fatal;
            String exit = exitDescription();
            loop.execute(() -> ended(this, reason, exit));
        }
    }
}
