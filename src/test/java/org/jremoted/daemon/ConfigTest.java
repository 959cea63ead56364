package org.jremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jremoted.transport.FrameDecoder;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void defaults() {
        Config c = Config.fromEnvironment(Map.of());
        assertEquals(3121, c.remotePort());
        assertNull(c.remoteAddress());
        assertNull(c.authkeyLocation());
        assertEquals("/var/log/pacemaker/pacemaker.log", c.logfile());
        assertEquals("daemon", c.logfacility());
        assertFalse(c.debug());
        assertTrue(c.tls13Allowed());
        assertTrue(c.warnings().isEmpty());
        assertEquals(10_000, c.listenerSettings().handshakeTimeoutMs());
        assertEquals(0, c.listenerSettings().tcpUserTimeoutMs());
    }

    @Test
    void pcmkNamesWinOverHaNames() {
        Config c = Config.fromEnvironment(Map.of("PCMK_remote_port", "3300", "HA_remote_port", "4400",
                "HA_remote_address", "::1", "HA_authkey_location", "/k"));
        assertEquals(3300, c.remotePort());
        assertEquals("::1", c.remoteAddress());
        assertEquals(Path.of("/k"), c.authkeyLocation());
    }

    @Test
    void invalidPortsWarnAndFallBack() {
        for (String bad : new String[] {"abc", "0", "-5", "70000", "99999999999"}) {
            Config c = Config.fromEnvironment(Map.of("PCMK_remote_port", bad));
            assertEquals(3121, c.remotePort(), bad);
            assertEquals(1, c.warnings().size(), bad);
            assertTrue(c.warnings().get(0).contains("invalid value '" + bad + "'"), c.warnings().get(0));
        }
    }

    @Test
    void trailingGarbageAfterDigitsIsIgnoredLikeStrtol() {
        assertEquals(3122, Config.fromEnvironment(Map.of("PCMK_remote_port", "3122x")).remotePort());
    }

    @Test
    void debugValues() {
        assertTrue(Config.fromEnvironment(Map.of("PCMK_debug", "yes")).debug());
        assertTrue(Config.fromEnvironment(Map.of("PCMK_debug", "pacemaker-controld,pacemaker-remoted")).debug());
        assertFalse(Config.fromEnvironment(Map.of("PCMK_debug", "pacemaker-controld")).debug());
        assertFalse(Config.fromEnvironment(Map.of("PCMK_debug", "no")).debug());
    }

    @Test
    void tlsPrioritiesCanSwitchOffTls13() {
        assertFalse(Config.fromEnvironment(Map.of("PCMK_tls_priorities", "NORMAL:-VERS-TLS1.3")).tls13Allowed());
        assertTrue(Config.fromEnvironment(Map.of("PCMK_tls_priorities", "NORMAL")).tls13Allowed());
    }

    @Test
    void sbdWatchdogTimeoutGivesHalfAsTcpUserTimeout() {
        assertEquals(5000, Config.fromEnvironment(Map.of("SBD_WATCHDOG_TIMEOUT", "10")).listenerSettings().tcpUserTimeoutMs());
        assertEquals(1500, Config.fromEnvironment(Map.of("SBD_WATCHDOG_TIMEOUT", "3000ms")).listenerSettings().tcpUserTimeoutMs());
        assertEquals(0, Config.fromEnvironment(Map.of("SBD_WATCHDOG_TIMEOUT", "soon")).listenerSettings().tcpUserTimeoutMs());
    }

    @Test
    void messageLimitsAreConfigurable() {
        Config c = Config.fromEnvironment(Map.of("JREMOTED_MAX_MESSAGE_SIZE", "100000", "JREMOTED_COMPRESS_THRESHOLD", "0"));
        assertEquals(100000, c.listenerSettings().maxMessageBytes());
        assertEquals(0, c.listenerSettings().compressThresholdBytes());
        Config bad = Config.fromEnvironment(Map.of("JREMOTED_MAX_MESSAGE_SIZE", "lots"));
        assertEquals(Config.DEFAULT_MAX_MESSAGE_BYTES, bad.maxMessageBytes());
        assertEquals(1, bad.warnings().size());
    }

    @Test
    void aMessageLimitOutsideTheSaneRangeIsClampedWithAWarning() {
        Config tiny = Config.fromEnvironment(Map.of("JREMOTED_MAX_MESSAGE_SIZE", "1000"));
        assertEquals(Config.MIN_MAX_MESSAGE_BYTES, tiny.maxMessageBytes());
        assertEquals(1, tiny.warnings().size());
        Config huge = Config.fromEnvironment(Map.of("JREMOTED_MAX_MESSAGE_SIZE", "2000000000"));
        assertEquals(Config.MAX_MAX_MESSAGE_BYTES, huge.maxMessageBytes());
    }

    @Test
    void connectionLimitsComeFromTheEnvironmentAndRefuseZero() {
        Config c = Config.fromEnvironment(Map.of("JREMOTED_MAX_CLIENTS", "3",
                "JREMOTED_MAX_PENDING_CONNECTIONS", "20", "JREMOTED_MAX_PENDING_PER_SOURCE", "5"));
        assertEquals(new org.jremoted.transport.ConnectionLimits(20, 5, 3), c.listenerSettings().limits());
        Config zero = Config.fromEnvironment(Map.of("JREMOTED_MAX_CLIENTS", "0"));
        assertEquals(org.jremoted.transport.ConnectionLimits.DEFAULT_MAX_CLIENTS, zero.connectionLimits().maxClients());
        assertEquals(1, zero.warnings().size());
    }

    @Test
    void loggingSettings() {
        Config c = Config.fromEnvironment(Map.of("PCMK_logpriority", "info", "PCMK_logfile_mode", "0640",
                "PCMK_stderr", "no"));
        assertEquals(6, c.logpriority());
        assertEquals(0640, c.logfileMode());
        assertEquals(Boolean.FALSE, c.stderrSetting());
        Config d = Config.fromEnvironment(Map.of());
        assertEquals(5, d.logpriority());
        assertEquals(0660, d.logfileMode());
        assertNull(d.stderrSetting());
        assertFalse(d.syslogDisabled());
        assertFalse(d.logfileDisabled());
    }

    @Test
    void invalidLoggingSettingsWarnAndFallBack() {
        Config c = Config.fromEnvironment(Map.of("PCMK_logpriority", "loud", "PCMK_logfile_mode", "rw",
                "PCMK_logfacility", "local9"));
        assertEquals(5, c.logpriority());
        assertEquals(0660, c.logfileMode());
        assertEquals("daemon", c.logfacility());
        assertEquals(3, c.warnings().size(), c.warnings().toString());
    }

    @Test
    void variablesWithNothingToActOnAreNamedOnly() {
        List<String> lines = Config.ignoredSettings(Map.of("PCMK_dh_max_bits", "2048", "PCMK_remote_port", "3121",
                "PCMK_trace_functions", "x"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("PCMK_dh_max_bits is set but has no effect"), lines.get(0));
        assertTrue(lines.get(1).startsWith("PCMK_trace_functions"), lines.get(1));
        assertTrue(Config.ignoredSettings(Map.of()).isEmpty());
        // The IPC helper honours it (docs/daemon.md §2), so it must not be called ignored.
        assertTrue(Config.ignoredSettings(Map.of("PCMK_ipc_type", "socket")).isEmpty());
    }
}
