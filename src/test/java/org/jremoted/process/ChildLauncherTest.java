package org.jremoted.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildLauncherTest {

    @Test
    void aLauncherGivesTheProcessTheDaemonUmaskAndReadsItBackFromProc() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        new ChildLauncher(new ChildSettings(Map.of(), null, ChildSettings.DAEMON_UMASK, ChildSettings.OUTPUT_LIMIT,
                tmp));
        assertEquals(ChildSettings.DAEMON_UMASK, ChildLauncher.currentUmask());
        // Already right: the second launcher has nothing to change.
        new ChildLauncher(new ChildSettings(Map.of(), null, ChildSettings.DAEMON_UMASK, ChildSettings.OUTPUT_LIMIT,
                tmp));
        assertEquals(ChildSettings.DAEMON_UMASK, ChildLauncher.currentUmask());
    }
}
