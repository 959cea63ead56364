package org.jremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jremoted.process.ChildSettings;
import org.jremoted.fuzzing.FuzzLogs;
import org.jremoted.ipc.PcmkIpcCodec;
import org.jremoted.transport.FrameDecoder;
import org.jremoted.transport.FrameEncoder;
import org.jremoted.transport.ListenerSettings;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target for reading the daemon's environment (docs/fuzzing.md). jremoted parses no
 * environment file itself: systemd's {@code EnvironmentFile=} turns /etc/sysconfig/pacemaker (or
 * /etc/default/pacemaker) into the process environment. The input is such a file, split here into
 * {@code NAME=value} lines the simple way (no quoting), and everything the daemon reads from its
 * environment at start-up must cope with the result. Seeds: etc/sysconfig/pacemaker with its
 * settings switched on, and variants with unusual values.
 */
@ExtendWith(FuzzLogs.class)
class ConfigFuzzTest {


    @FuzzTest
    void anyEnvironmentFileGivesAConfigurationTheDaemonCanStartWith(byte[] file) {
        Map<String, String> env = environment(new String(file, StandardCharsets.UTF_8));

        Config config = Config.fromEnvironment(env);
        assertTrue(config.remotePort() >= 1 && config.remotePort() <= 65535, () -> "port " + config.remotePort());
        assertTrue(config.logpriority() >= 0 && config.logpriority() <= 7, () -> "priority " + config.logpriority());
        assertTrue(config.logfileMode() >= 0 && config.logfileMode() <= 07777, () -> "mode " + config.logfileMode());
        assertTrue(config.sbdWatchdogTimeoutMs() >= 0);
        assertTrue(config.compressThresholdBytes() >= 0);
        assertNotNull(config.logfile());
        assertTrue(config.syslogDisabled() || SyslogFacility.code(config.logfacility()) >= 0,
                () -> "facility " + config.logfacility());
        assertNotNull(config.schemaDirectory());
        assertNotNull(config.statusSocket());
        for (String warning : config.warnings()) {
            assertFalse(warning.isEmpty());
        }
        Config.ignoredSettings(env);

        // The listener must be able to use what was read: one decoder and encoder per connection.
        ListenerSettings listener = config.listenerSettings();
        assertTrue(listener.tcpUserTimeoutMs() >= 0);
        new FrameDecoder(listener.maxMessageBytes());
        new FrameEncoder(listener.compressThresholdBytes());

        Map<String, String> children = ChildSettings.daemonEnvironment(env, config.logfile(),
                config.logfacility(), config.debug());
        assertEquals("pacemaker-remoted", children.get("PCMK_service"));
        assertFalse(children.containsKey("NOTIFY_SOCKET"));
        new ChildSettings(children, null, -1, ChildSettings.OUTPUT_LIMIT, null);

        X509Settings x509 = config.x509();
        assertTrue(x509.enabled() || x509.credentials() == null);
        assertTrue(config.ipcBufferBytes() >= PcmkIpcCodec.MIN_BUFFER_SIZE);
        assertNotNull(config.installedSchemaDirectory());
        assertNotNull(config.localIpc());
        assertEquals(env, config.environment());
    }

    /**
     * {@code NAME=value} per line; other lines and comments are skipped. A process environment
     * cannot hold a NUL, so none is passed on.
     */
    static Map<String, String> environment(String file) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : file.replace("\0", "").split("\n", -1)) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            env.put(line.substring(0, eq).trim(), line.substring(eq + 1));
        }
        return env;
    }
}
