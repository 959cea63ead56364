package org.jremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.jremoted.executor.ActiveOperation;
import org.jremoted.executor.RecurringOperation;
import org.junit.jupiter.api.Test;

class StatusSnapshotTest {
    private static final long NOW = 1_700_000_000_000L;

    private static StatusSnapshot sample() {
        return new StatusSnapshot(4242, NOW - 3_723_000, NOW,
                List.of(new ClientTracker.ClientInfo("id-1", "crmd", "192.0.2.1:40000", true,
                                Instant.ofEpochMilli(NOW - 90_000)),
                        new ClientTracker.ClientInfo("id-2", null, "local pid 7 uid 0", false,
                                Instant.ofEpochMilli(NOW - 500))),
                List.of(new StatusSnapshot.ResourceStatus("d1", "ocf", "heartbeat", "Dummy",
                                List.of(new RecurringOperation("monitor", 10_000, 20_000))),
                        new StatusSnapshot.ResourceStatus("s1", "systemd", null, "chronyd", List.of())),
                List.of(new ActiveOperation("d1", "start", 0, 7, 1_500)));
    }

    @Test
    void theTableNamesEveryClientWithItsKindAndEveryResourceWithItsAgent() {
        String table = sample().toTable();
        assertTrue(table.startsWith("jremoted (PID 4242), up 62m3s\n"), table);
        assertTrue(table.contains("Clients: 2"), table);
        assertTrue(table.matches("(?s).*crmd +192\\.0\\.2\\.1:40000 +TLS, connected 90s ago.*"), table);
        assertTrue(table.matches("(?s).*\\(not registered\\) +local pid 7 uid 0 +local, connected 500ms ago.*"), table);
        assertTrue(table.matches("(?s).*d1 +ocf:heartbeat:Dummy\n +recurring monitor every 10s \\(timeout 20s\\).*"),
                table);
        assertTrue(table.matches("(?s).*s1 +systemd:chronyd\n.*"), table);
        assertTrue(table.contains("Operations in flight: 1\n  d1 start interval 0ms call 7, running 1.5s"), table);
    }

    @Test
    void theJsonCarriesTheSameFactsWithNullsAndFlags() {
        assertEquals("{\"pid\":4242,\"uptime_ms\":3723000,\"clients\":["
                + "{\"id\":\"id-1\",\"name\":\"crmd\",\"peer\":\"192.0.2.1:40000\",\"remote\":true,\"connected_ms\":90000},"
                + "{\"id\":\"id-2\",\"name\":null,\"peer\":\"local pid 7 uid 0\",\"remote\":false,\"connected_ms\":500}],"
                + "\"resources\":[{\"id\":\"d1\",\"class\":\"ocf\",\"provider\":\"heartbeat\",\"type\":\"Dummy\","
                + "\"recurring\":[{\"action\":\"monitor\",\"interval_ms\":10000,\"timeout_ms\":20000}]},"
                + "{\"id\":\"s1\",\"class\":\"systemd\",\"provider\":null,\"type\":\"chronyd\",\"recurring\":[]}],"
                + "\"in_flight\":[{\"resource\":\"d1\",\"action\":\"start\",\"interval_ms\":0,\"call_id\":7,"
                + "\"running_ms\":1500}]}\n", sample().toJson());
    }

    @Test
    void stringsAClientChoseAreEscapedForJson() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", StatusSnapshot.str("a\"b\\c\nd\u0001"));
    }

    @Test
    void durationsReadLikeATimeAtEveryScale() {
        assertEquals("999ms", StatusSnapshot.duration(999));
        assertEquals("2s", StatusSnapshot.duration(2000));
        assertEquals("2.5s", StatusSnapshot.duration(2500));
        assertEquals("2m", StatusSnapshot.duration(120_000));
        assertEquals("2m1s", StatusSnapshot.duration(121_000));
        assertEquals("2h0m", StatusSnapshot.duration(7_200_000));
        assertEquals("2d1h", StatusSnapshot.duration(49L * 3_600_000));
    }
}
