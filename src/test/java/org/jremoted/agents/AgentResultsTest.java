package org.jremoted.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AgentResultsTest {

    @Test
    void readableIntervalMatchesPacemaker() {
        assertEquals("0s", AgentResults.readableInterval(0));
        assertEquals("2s", AgentResults.readableInterval(2000));
        assertEquals("20s", AgentResults.readableInterval(20000));
        assertEquals("1m30s", AgentResults.readableInterval(90000));
        assertEquals("1000ms", AgentResults.readableInterval(1000));
        assertEquals("500ms", AgentResults.readableInterval(500));
        assertEquals("3.333s", AgentResults.readableInterval(3333));
        assertEquals("2m30s", AgentResults.readableInterval(150000));
        assertEquals("60s", AgentResults.readableInterval(60000));
        assertEquals("2m", AgentResults.readableInterval(120000));
        assertEquals("49d17h2m47.295s", AgentResults.readableInterval(4294967295L));
    }

    @Test
    void exitReasonParsing() {
        assertNull(AgentResults.parseExitReason(null));
        assertNull(AgentResults.parseExitReason("no prefix here\n"));
        assertNull(AgentResults.parseExitReason("ocf-exit-reason:\n"));
        assertEquals("b", AgentResults.parseExitReason("ocf-exit-reason:a\nocf-exit-reason:b\n"));
        assertEquals("at end", AgentResults.parseExitReason("x ocf-exit-reason:at end"));
        // 127 ASCII bytes then a two-byte character: cut before the character, not inside it.
        String s = "y".repeat(127) + "é" + "zzz";
        assertEquals("y".repeat(127), AgentResults.parseExitReason("ocf-exit-reason:" + s));
    }

    @Test
    void outputChoice() {
        assertEquals("err", AgentResults.chooseOutput("out", "err"));
        assertEquals("out", AgentResults.chooseOutput("out", ""));
        assertNull(AgentResults.chooseOutput("", ""));
    }

    @Test
    void signalNames() {
        assertEquals("Segmentation fault", AgentResults.signalDescription(11));
        assertEquals("Killed", AgentResults.signalDescription(9));
        assertEquals("Terminated", AgentResults.signalDescription(15));
        assertEquals("Real-time signal 2", AgentResults.signalDescription(36));
    }

    @Test
    void ocfExitMapping() {
        for (int i = 0; i <= 9; i++) {
            assertEquals(i, OcfAgent.mapExitCode(i));
        }
        assertEquals(190, OcfAgent.mapExitCode(190));
        assertEquals(191, OcfAgent.mapExitCode(191));
        assertEquals(1, OcfAgent.mapExitCode(200));
        assertEquals(1, OcfAgent.mapExitCode(-1));
        assertEquals(1, OcfAgent.mapExitCode(193));
    }

    @Test
    void classRegistry() throws Exception {
        AgentClasses classes = new AgentClasses();
        AgentRunner ocf = action -> null;
        classes.register("ocf", ocf);
        assertSame(ocf, classes.forStandard("OCF"));
        assertNull(classes.lookup("lsb"));
        AgentAction a = new AgentAction("r", "weird", null, "thing", "start", 0, 1000, Map.of());
        assertEquals(AgentResult.error(5, ExecutionStatus.NOT_INSTALLED, "thing: No such file or directory"),
                classes.forStandard("weird").start(a).result().get(5, TimeUnit.SECONDS));
        assertEquals(AgentResult.error(5, ExecutionStatus.NOT_INSTALLED, "nagios class not supported"),
                classes.forStandard("Nagios").start(a).result().get(5, TimeUnit.SECONDS));
    }

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
