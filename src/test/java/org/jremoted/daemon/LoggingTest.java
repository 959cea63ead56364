package org.jremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoggingTest {
    @TempDir
    Path dir;

    @Test
    void syslogLineHasPriorityTagPidAndLevel() {
        LoggingEvent e = new LoggingEvent("x", new LoggerContext().getLogger("t"), Level.WARN, "rsc {} failed",
                null, new Object[] {"web"});
        String line = Logging.SyslogAppender.format(e, SyslogFacility.code("daemon"), 42);
        // daemon (3) * 8 + warning (4)
        assertTrue(line.startsWith("<28>"), line);
        assertTrue(line.matches("<28>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d pacemaker-remoted\\[42\\]: "
                + "warning: rsc web failed"), line);
        LoggingEvent info = new LoggingEvent("x", new LoggerContext().getLogger("t"), Level.INFO, "hi", null, null);
        assertTrue(Logging.SyslogAppender.format(info, SyslogFacility.code("local7"), 1).startsWith("<189>"));
    }

    @Test
    void stderrChoice() throws Exception {
        Path fd2 = Files.createFile(dir.resolve("stderr"));
        long dev = ((Number) Files.getAttribute(fd2, "unix:dev")).longValue();
        long ino = ((Number) Files.getAttribute(fd2, "unix:ino")).longValue();
        String journal = dev + ":" + ino;
        Config unset = Config.fromEnvironment(Map.of());
        assertFalse(Logging.stderrWanted(unset, 0, true, journal, fd2), "journal + syslog would duplicate");
        assertTrue(Logging.stderrWanted(unset, 0, false, journal, fd2), "journal without syslog needs stderr");
        assertTrue(Logging.stderrWanted(unset, 0, true, "1:2", fd2), "stderr is not the journal");
        assertTrue(Logging.stderrWanted(unset, 0, true, null, fd2));
        Config no = Config.fromEnvironment(Map.of("PCMK_stderr", "no"));
        assertFalse(Logging.stderrWanted(no, 0, false, null, fd2));
        assertTrue(Logging.stderrWanted(no, 1, false, null, fd2), "-V always logs to stderr");
        Config yes = Config.fromEnvironment(Map.of("PCMK_stderr", "yes"));
        assertTrue(Logging.stderrWanted(yes, 0, true, journal, fd2));
    }

    @Test
    void logfileModeIsApplied() throws Exception {
        Path f = dir.resolve("p.log");
        assertEquals(null, Logging.prepareLogfile(f, 0640));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Logging.prepareLogfile(f, 0660);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
