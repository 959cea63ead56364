package org.jremoted.agents.classes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.exec.LsbAgent;
import org.junit.jupiter.api.Test;

class AgentClassesTest {

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
    void registryServesLsbSystemdAndServiceAndRefusesNagiosAndUpstart() throws Exception {
        AgentClasses classes = AgentClasses.daemonDefaults();
        assertTrue(classes.lookup("LSB") instanceof LsbAgent);
        // The systemd class is a stand-in until its first action (nothing of D-Bus is loaded before).
        assertNotNull(classes.lookup("Systemd"));
        assertTrue(classes.lookup("Service") instanceof ServiceAgent);
        for (String refused : new String[] {"nagios", "upstart"}) {
            AgentResult r = classes.forStandard(refused).start(
                    new AgentAction("r", refused, null, "x", "start", 0, 1000, Map.of())).result().get(5, TimeUnit.SECONDS);
            assertEquals(ExitStatus.NOT_INSTALLED, r.exitStatus());
            assertEquals(ExecutionStatus.NOT_INSTALLED, r.executionStatus());
            assertEquals(refused + " class not supported", r.exitReason());
        }
    }
}
