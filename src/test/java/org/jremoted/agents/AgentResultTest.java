package org.jremoted.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentResultTest {

    @Test
    void readableIntervalMatchesPacemaker() {
        assertEquals("0s", AgentResult.readableInterval(0));
        assertEquals("2s", AgentResult.readableInterval(2000));
        assertEquals("20s", AgentResult.readableInterval(20000));
        assertEquals("1m30s", AgentResult.readableInterval(90000));
        assertEquals("1000ms", AgentResult.readableInterval(1000));
        assertEquals("500ms", AgentResult.readableInterval(500));
        assertEquals("3.333s", AgentResult.readableInterval(3333));
        assertEquals("2m30s", AgentResult.readableInterval(150000));
        assertEquals("60s", AgentResult.readableInterval(60000));
        assertEquals("2m", AgentResult.readableInterval(120000));
        assertEquals("49d17h2m47.295s", AgentResult.readableInterval(4294967295L));
    }

    @Test
    void anActionLackingAnyRequiredFieldIsFatalWhateverItsClass() {
        AgentResult missing = AgentResult.error(1, ExecutionStatus.ERROR_FATAL,
                "Required agent or action information missing");
        assertEquals(missing, action("r", "ocf", null, "x", "start").missingInformation());
        assertEquals(missing, action("r", "OCF", "", "x", "start").missingInformation());
        assertEquals(missing, action("r", "ocf", "test", "", "start").missingInformation());
        assertEquals(missing, action("", "ocf", "test", "x", "start").missingInformation());
        assertEquals(missing, action("r", "lsb", null, null, "start").missingInformation());
        assertEquals(missing, action("r", "systemd", null, "x", "").missingInformation());
        assertEquals(missing, action("r", "", null, "x", "start").missingInformation());
        assertEquals(missing, action("r", null, null, "x", "start").missingInformation());
    }

    @Test
    void onlyOcfNeedsAProvider() {
        assertNull(action("r", "ocf", "heartbeat", "Dummy", "monitor").missingInformation());
        assertNull(action("r", "lsb", null, "x", "status").missingInformation());
        assertNull(action("r", "systemd", null, "x", "start").missingInformation());
        assertNull(action("r", "service", null, "x", "stop").missingInformation());
    }

    private static AgentAction action(String id, String standard, String provider, String type, String name) {
        return new AgentAction(id, standard, provider, type, name, 0, 1000, Map.of());
    }
}
