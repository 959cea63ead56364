package org.jremoted.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildSettingsTest {

    @Test
    void daemonEnvironment() {
        Map<String, String> env = ChildSettings.daemonEnvironment(
                Map.of("NOTIFY_SOCKET", "/x", "PCMK_logfile", "none", "KEEP", "1"), null, null, true);
        assertFalse(env.containsKey("NOTIFY_SOCKET"));
        assertEquals("pacemaker-remoted", env.get("PCMK_service"));
        assertEquals("1", env.get("KEEP"));
        assertFalse(env.containsKey("HA_LOGFILE"), "logfile none exports no HA_LOGFILE");
        assertFalse(env.containsKey("HA_DEBUGLOG"));
        assertEquals("daemon", env.get("HA_LOGFACILITY"));
        assertEquals("daemon", env.get("PCMK_logfacility"));

        Map<String, String> defaults = ChildSettings.daemonEnvironment(Map.of(), null, null, false);
        assertEquals("/var/log/pacemaker/pacemaker.log", defaults.get("PCMK_logfile"));
        assertEquals("/var/log/pacemaker/pacemaker.log", defaults.get("HA_logfile"));
        assertEquals("/var/log/pacemaker/pacemaker.log", defaults.get("HA_LOGFILE"));
        assertFalse(defaults.containsKey("HA_DEBUGLOG"));
        assertTrue(ChildSettings.daemonEnvironment(Map.of("PCMK_logfacility", "none"), null, null, false)
                .get("HA_LOGFACILITY") == null);
    }
}
