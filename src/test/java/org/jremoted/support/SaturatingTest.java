package org.jremoted.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SaturatingTest {
    @Test
    void addingBeyondTheRangeStaysAtTheBoundInsteadOfWrapping() {
        assertEquals(Long.MAX_VALUE, Saturating.add(System.nanoTime(), Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, Saturating.add(Long.MIN_VALUE + 5, -10));
        assertEquals(7, Saturating.add(3, 4));
        assertEquals(-1, Saturating.add(Long.MAX_VALUE, Long.MIN_VALUE));
    }

    @Test
    void wireMillisecondsAreHeldToPacemakersIntRange() {
        assertEquals(Integer.MAX_VALUE, Saturating.wireMillis(9223372036854775807L));
        assertEquals(0, Saturating.wireMillis(-5));
        assertEquals(20_000, Saturating.wireMillis(20_000));
    }
}
