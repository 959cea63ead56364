package org.jremoted.agents.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AgentResultsTest {

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
}
