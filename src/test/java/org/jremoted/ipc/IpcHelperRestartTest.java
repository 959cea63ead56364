package org.jremoted.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.jremoted.testing.FakeLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The helper's restart wiring with real processes (small shell scripts standing in for
 * jremoted-ipc-helper) on a {@link FakeLoop}: the back-off is virtual time, so nothing here waits
 * for it; the only real waiting is for a script to end.
 */
@Timeout(60)
class IpcHelperRestartTest {
    /** A FATAL frame: u32 body length 21 | u8 type 2 | u32 connection 0 | 16 bytes of text. */
    private static final String FATAL_FRAME = "\\025\\000\\000\\000\\002\\000\\000\\000\\000name attrd taken";
    /** A READY frame: u32 body length 5 | u8 type 1 | u32 connection 0. */
    private static final String READY_FRAME = "\\005\\000\\000\\000\\001\\000\\000\\000\\000";

    @TempDir
    Path dir;

    private final FakeLoop loop = new FakeLoop();
    private final List<String> events = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(IpcHelper.class);
    private IpcHelper helper;

    private final LocalIpcListener listener = new LocalIpcListener() {
        @Override
        public void ready() {
            events.add("ready");
        }

        @Override
        public void connected(LocalConnection connection) {
            events.add("connected");
        }

        @Override
        public void refused(LocalEndpoint endpoint, int uid, int gid) {
            events.add("refused");
        }

        @Override
        public void request(int connection, byte[] message) {
            events.add("request");
        }

        @Override
        public void closed(int connection) {
            events.add("closed");
        }

        @Override
        public void lost(String reason) {
            events.add("lost: " + reason);
        }
    };

    @BeforeEach
    void captureLog() {
        logged.start();
        log.addAppender(logged);
        log.setLevel(Level.DEBUG);
    }

    @AfterEach
    void cleanUp() {
        log.detachAppender(logged);
        log.setLevel(null);
        if (helper != null) {
            helper.stop();
        }
    }

    /**
     * A stand-in helper: each start appends a line to {@code starts}; it reports FATAL and exits
     * while the file {@code taken} exists, else it reports READY and runs until {@code die} appears.
     */
    private Path script() throws IOException {
        Path s = dir.resolve("fake-helper");
        Files.writeString(s, "#!/bin/sh\n"
                + "cd '" + dir + "' || exit 9\n"
                + "echo start >> starts\n"
                + "if [ -e taken ]; then printf '" + FATAL_FRAME + "'; exit 2; fi\n"
                + "printf '" + READY_FRAME + "'\n"
                + "while [ ! -e die ]; do sleep 0.02; done\n"
                + "rm -f die\n"
                + "exit 3\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    /** Waits until the helper last started has ended and its end was handled (a restart is due). */
    private void awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        loop.runPending();
        while (helper.isRunning() || loop.liveTimers() == 0) {
            assertTrue(System.nanoTime() < deadline, "the stand-in helper did not end");
            Thread.sleep(10);
            loop.runPending();
        }
    }

    private void awaitEvent(String event) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!events.contains(event)) {
            assertTrue(System.nanoTime() < deadline, "no " + event + " from the stand-in helper: " + events);
            Thread.sleep(10);
            loop.runPending();
        }
    }

    private int starts() throws IOException {
        Path f = dir.resolve("starts");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    /** Advances virtual time to one millisecond before the expected restart, then to it. */
    private void expectRestartAfter(long ms) {
        int before = helper.launches();
        loop.advance(ms - 1);
        assertEquals(before, helper.launches(), "restarted before " + ms + " ms");
        loop.advance(1);
        assertEquals(before + 1, helper.launches(), "not restarted after " + ms + " ms");
    }

    private List<String> lines(Level level) {
        return logged.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void namesHeldElsewhereAreReportedOnceAndRetriedAtGrowingIntervals() throws Exception {
        Files.createFile(dir.resolve("taken"));
        helper = new IpcHelper(script(), loop, listener);
        loop.execute(helper::start);
        loop.runPending();
        for (long delay : new long[] {5_000, 10_000, 20_000, 40_000, 80_000}) {
            awaitEnd();
            expectRestartAfter(delay);
        }
        awaitEnd();
        assertEquals(6, starts());

        List<String> errors = lines(Level.ERROR);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("name attrd taken") && errors.get(0).contains("Trying again in 5 s"),
                errors.get(0));
        assertTrue(lines(Level.WARN).isEmpty(), lines(Level.WARN).toString());
        assertEquals(5, lines(Level.DEBUG).stream().filter(l -> l.contains("ended again")).count(),
                "the repeats are logged at debug level only");
        assertTrue(events.isEmpty(), "never published, so no connections to lose: " + events);

        // The other holder goes away: the next attempt publishes the endpoints
        Files.delete(dir.resolve("taken"));
        expectRestartAfter(160_000);
        awaitEvent("ready");
        assertTrue(lines(Level.INFO).stream().anyMatch(l -> l.contains("running again after 6 failed starts")),
                lines(Level.INFO).toString());
    }

    @Test
    void aCrashAfterServingHealthilyRestartsAfterTheInitialDelay() throws Exception {
        Files.createFile(dir.resolve("taken"));
        helper = new IpcHelper(script(), loop, listener);
        loop.execute(helper::start);
        loop.runPending();
        awaitEnd();
        expectRestartAfter(5_000);
        awaitEnd();
        Files.delete(dir.resolve("taken"));
        expectRestartAfter(10_000);
        awaitEvent("ready");

        // Serves for a virtual minute, then dies: a new series starts at 5 s
        loop.advance(60_000);
        Files.createFile(dir.resolve("die"));
        awaitEnd();
        assertEquals(List.of("ready", "lost: helper exited (status 3)"), events);
        List<String> errors = lines(Level.ERROR);
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("Local IPC helper exited (status 3); restarting it in 5 s", errors.get(1));
        events.clear();
        expectRestartAfter(5_000);
        awaitEvent("ready");
    }

    @Test
    void aCrashSoonAfterPublishingKeepsBackingOff() throws Exception {
        helper = new IpcHelper(script(), loop, listener);
        loop.execute(helper::start);
        loop.runPending();
        awaitEvent("ready");
        Files.createFile(dir.resolve("die"));
        awaitEnd();
        events.clear();
        expectRestartAfter(5_000);
        awaitEvent("ready");
        loop.advance(59_000);
        Files.createFile(dir.resolve("die"));
        awaitEnd();
        expectRestartAfter(10_000);
        assertEquals(1, lines(Level.ERROR).size(), "the same crash is logged once: " + lines(Level.ERROR));
    }

    @Test
    void stoppingTheDaemonCancelsAPendingRestart() throws Exception {
        Files.createFile(dir.resolve("taken"));
        helper = new IpcHelper(script(), loop, listener);
        loop.execute(helper::start);
        loop.runPending();
        awaitEnd();
        helper.stop();
        loop.advance(600_000);
        assertFalse(helper.isRunning());
        assertEquals(1, helper.launches());
        assertEquals(1, starts());
    }
}
