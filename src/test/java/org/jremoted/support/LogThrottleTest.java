package org.jremoted.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(10_000, clock::get);

    @Test
    void aFloodGetsOnlyTheBurstThroughInOnePeriod() {
        int through = 0;
        for (int i = 0; i < 100_000; i++) {
            if (throttle.admit() >= 0) {
                through++;
            }
            clock.addAndGet(50_000); // 0.05 ms apart: 5 s in all
        }
        assertEquals(LogThrottle.BURST, through);
    }

    @Test
    void theFirstLineOfTheNextPeriodSaysHowManyWereHeldBack() {
        for (int i = 0; i < LogThrottle.BURST + 7; i++) {
            throttle.admit();
        }
        clock.addAndGet(10_000_000_000L);
        assertEquals(7, throttle.admit());
        assertEquals(0, throttle.admit());
    }

    @Test
    void rareEventsAreAllLogged() {
        for (int i = 0; i < 20; i++) {
            assertEquals(0, throttle.admit());
            clock.addAndGet(11_000_000_000L);
        }
    }
}
