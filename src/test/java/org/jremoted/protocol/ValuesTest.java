package org.jremoted.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void booleans() {
        for (String t : new String[] {"true", "TRUE", "on", "yes", "Y", "1"}) {
            assertTrue(Values.isTrue(t), t);
        }
        for (String f : new String[] {"false", "off", "no", "n", "0", "", "maybe"}) {
            assertFalse(Values.isTrue(f), f);
        }
        assertFalse(Values.isTrue(null));
    }

    @Test
    void durations() {
        assertEquals(OptionalLong.of(10_000), Values.durationMs("10"));
        assertEquals(OptionalLong.of(10_000), Values.durationMs("10s"));
        assertEquals(OptionalLong.of(250), Values.durationMs("250ms"));
        assertEquals(OptionalLong.of(250), Values.durationMs("250MSEC"));
        assertEquals(OptionalLong.of(2), Values.durationMs("2500us"));
        assertEquals(OptionalLong.of(120_000), Values.durationMs("2min"));
        assertEquals(OptionalLong.of(3_600_000), Values.durationMs("1hr"));
        assertEquals(OptionalLong.of(-1000), Values.durationMs("-1"));
        assertEquals(OptionalLong.empty(), Values.durationMs("10 parsecs"));
        assertEquals(OptionalLong.empty(), Values.durationMs("abc"));
        assertEquals(OptionalLong.empty(), Values.durationMs(null));
    }
}
