package org.jremoted.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.executor.fakes.DispatcherHarness;
import org.jremoted.executor.fakes.FakeClient;
import org.jremoted.executor.fakes.FakeLoop;
import org.jremoted.executor.fakes.FakeRunner;
import org.junit.jupiter.api.Test;

/**
 * Replays a capture of a real 2.1.5 controller driving the 2.1.5 C daemon and checks that every
 * message we send matches the C daemon's, attribute by attribute and in the same order. Values
 * that legitimately differ (client id, times, our protocol version, the 3.0 extras) are checked
 * for shape only.
 */
class RequestDispatcherTraceTest {

    private static final Set<String> TIMES = Set.of("lrmd_run_time", "lrmd_rcchange_time",
            "lrmd_exec_time", "lrmd_queue_time");
    private static final Pattern HEADER =
            Pattern.compile("=== #\\d+ (cluster->remote|remote->cluster) conn=(\\d+) t=([0-9.]+) .*");

    /** One captured message. */
    record Captured(boolean fromCluster, int connection, long timeMs, XmlNode message) {
    }

    @Test
    void dummyOnRemote() throws Exception {
        Replay replay = new Replay(load("dummy_on_remote.xml-log"));
        assertEquals(21, replay.run());
        // The monitor ran a second time, silently, ten seconds after its first result
        assertEquals(List.of("d1:monitor:0", "d1:start:0", "d1:monitor:10000", "d1:monitor:10000",
                "d1:stop:0"), List.copyOf(replay.runsOfConnection.get(1)));
    }

    @Test
    void recurringMonitorDetectsFailure() throws Exception {
        Replay replay = new Replay(load("recurring_monitor_detects_failure.xml-log"));
        assertEquals(replay.expectedCount(), replay.run());
        // The second monitor run found the failure five seconds after the first result
        assertEquals(List.of("d1:monitor:0", "d1:start:0", "d1:monitor:5000", "d1:monitor:5000",
                "d1:stop:0", "d1:start:0", "d1:monitor:5000"), List.copyOf(replay.runsOfConnection.get(1)));
    }

    @Test
    void gracefulShutdown() throws Exception {
        Replay replay = new Replay(load("graceful_shutdown.xml-log"));
        assertEquals(replay.expectedCount(), replay.run());
        assertEquals(List.of(0), replay.exitsOfConnection.get(1),
                "the first daemon exits once the cluster disconnected after stopping resources");
    }

    /**
     * Feeds the cluster's messages to a dispatcher at their captured times and compares what it
     * sends with what the C daemon sent. Agents finish when the capture shows their result; runs
     * the capture never reports (unchanged recurring results) finish at once with the last result.
     * Each new TLS connection in a capture is a restarted daemon.
     */
    static final class Replay {
        final List<Captured> trace;
        final Map<Integer, List<Integer>> exitsOfConnection = new LinkedHashMap<>();
        /** Agent actions started, per connection (i.e. per daemon instance), as resource:action:interval. */
        final Map<Integer, List<String>> runsOfConnection = new LinkedHashMap<>();
        private FakeLoop loop;
        private FakeRunner runner;
        private DispatcherHarness daemon;
        private FakeClient cluster;
        private int connection;
        private long originMs;
        private int position;
        private final Set<FakeRunner.Run> seen = new java.util.HashSet<>();
        private final Map<String, Integer> lastRc = new LinkedHashMap<>();

        Replay(List<Captured> trace) {
            this.trace = trace;
        }

        long expectedCount() {
            return trace.stream().filter(c -> !c.fromCluster()).count();
        }

        int run() throws Exception {
            Deque<XmlNode> sent = new ArrayDeque<>();
            int compared = 0;
            for (position = 0; position < trace.size(); position++) {
                Captured c = trace.get(position);
                if (c.connection() != connection) {
                    if (daemon != null) {
                        daemon.dispatcher.disconnected(cluster);
                        loop.runPending();
                    }
                    startDaemon(c);
                }
                advanceTo(c.timeMs());
                sent.addAll(cluster.take());
                if (c.fromCluster()) {
                    daemon.dispatcher.received(cluster, c.message());
                    settle();
                    sent.addAll(cluster.take());
                    continue;
                }
                XmlNode expected = c.message();
                if (sent.isEmpty() && "send_cmd_complete_notify".equals(expected.attr("lrmd_origin"))) {
                    FakeRunner.Run run = activeRunFor(expected);
                    run.complete(new AgentResult(Integer.parseInt(expected.attr("lrmd_exec_rc")),
                            ExecutionStatus.DONE, null, null));
                    settle();
                    sent.addAll(cluster.take());
                }
                if (sent.isEmpty() && "shutdown_req".equals(expected.attr("lrmd_ipc_op"))) {
                    daemon.shutdown.shutdownRequested();
                    assertEquals(1, daemon.listenerClosed);
                    sent.addAll(cluster.take());
                }
                XmlNode ours = sent.poll();
                assertNotNull(ours, "we sent nothing where the C daemon sent " + expected);
                assertSameMessage(expected, ours, cluster.id());
                if ("send_cmd_complete_notify".equals(expected.attr("lrmd_origin"))) {
                    lastRc.put(key(expected), Integer.parseInt(expected.attr("lrmd_exec_rc")));
                }
                compared++;
            }
            assertTrue(sent.isEmpty(), "we sent more than the C daemon: " + sent);
            daemon.dispatcher.disconnected(cluster);
            loop.runPending();
            return compared;
        }

        private void startDaemon(Captured first) {
            connection = first.connection();
            loop = new FakeLoop();
            runner = new FakeRunner();
            daemon = new DispatcherHarness(loop, runner);
            exitsOfConnection.put(connection, daemon.exits);
            FakeRunner counted = runner;
            runsOfConnection.put(connection, new java.util.AbstractList<String>() {
                @Override
                public String get(int index) {
                    FakeRunner.Run r = counted.runs().get(index);
                    return r.action.resourceId() + ":" + r.action.action() + ":" + r.action.intervalMs();
                }

                @Override
                public int size() {
                    return counted.runs().size();
                }
            });
            originMs = first.timeMs();
            cluster = new FakeClient();
            daemon.dispatcher.connected(cluster);
        }

        private void advanceTo(long timeMs) {
            while (loop.now() < timeMs - originMs) {
                loop.advance(1);
                settle();
            }
        }

        /** Run pending work and finish runs whose result the capture does not show. */
        private void settle() {
            loop.runPending();
            for (FakeRunner.Run run : runner.active()) {
                if (seen.add(run) && !reportedLater(run)) {
                    Integer rc = lastRc.get(run.action.resourceId() + "/" + run.action.action() + "/"
                            + run.action.intervalMs());
                    assertNotNull(rc, "the capture never reports " + run.action);
                    run.complete(rc);
                    loop.runPending();
                }
            }
        }

        /** Does the capture show this run's result before the cluster's next message? */
        private boolean reportedLater(FakeRunner.Run run) {
            for (int i = position; i < trace.size(); i++) {
                Captured c = trace.get(i);
                if (c.fromCluster() && i > position) {
                    return false;
                }
                XmlNode m = c.message();
                if (!c.fromCluster() && "send_cmd_complete_notify".equals(m.attr("lrmd_origin"))
                        && "0".equals(m.attr("lrmd_exec_op_status")) && key(m).equals(run.action.resourceId()
                        + "/" + run.action.action() + "/" + run.action.intervalMs())) {
                    return true;
                }
            }
            return false;
        }

        private FakeRunner.Run activeRunFor(XmlNode expected) {
            for (FakeRunner.Run run : runner.active()) {
                if ((run.action.resourceId() + "/" + run.action.action() + "/" + run.action.intervalMs())
                        .equals(key(expected))) {
                    return run;
                }
            }
            throw new AssertionError("no agent running for " + expected);
        }

        private static String key(XmlNode completion) {
            return completion.attr("lrmd_rsc_id") + "/" + completion.attr("lrmd_rsc_action") + "/"
                    + completion.attr("lrmd_rsc_interval");
        }
    }

    static List<Captured> load(String name) throws IOException, XMLStreamException {
        // The one copy of the captures (test-fixtures/README.md), shared with FixtureTest.
        String text = Files.readString(FixtureTest.tracesDir().resolve(name), StandardCharsets.UTF_8);
        List<Captured> result = new ArrayList<>();
        Matcher header = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("===")) {
                header = HEADER.matcher(line);
                assertTrue(header.matches(), line);
            } else if (line.startsWith("<")) {
                assertNotNull(header, "payload without header");
                result.add(new Captured(header.group(1).equals("cluster->remote"),
                        Integer.parseInt(header.group(2)),
                        Math.round(Double.parseDouble(header.group(3)) * 1000), parse(line)));
                header = null;
            }
        }
        return result;
    }

    static void assertSameMessage(XmlNode expected, XmlNode actual, String clientId) {
        assertEquals(expected.name(), actual.name());
        Map<String, String> ours = new LinkedHashMap<>(actual.attributes());
        // 3.0 additions that 2.1.5 clients ignore
        ours.remove("uptime");
        ours.remove("node_start_state");
        assertEquals(new ArrayList<>(expected.attributes().keySet()), new ArrayList<>(ours.keySet()),
                "attribute order of " + expected);
        for (Map.Entry<String, String> e : expected.attributes().entrySet()) {
            String name = e.getKey();
            String value = ours.get(name);
            if (name.equals("lrmd_clientid")) {
                assertEquals(clientId, value);
            } else if (name.equals("lrmd_protocol_version")) {
                assertEquals("1.2", value);
            } else if (TIMES.contains(name)) {
                long v = Long.parseLong(value);
                assertTrue(v >= 0, name);
                boolean ran = "0".equals(expected.attr("lrmd_exec_op_status"));
                if (name.equals("lrmd_rcchange_time")
                        || (name.equals("lrmd_run_time") && !(ran && e.getValue().equals("0")))) {
                    // Upstream sends 0 as run time of later recurring runs; we send the real one
                    assertEquals(e.getValue().equals("0"), v == 0, name + " zero-ness in " + expected);
                }
            } else {
                assertEquals(e.getValue(), value, name + " in " + expected);
            }
        }
        assertEquals(expected.children(), actual.children(), "children of " + expected);
    }

    /** Minimal XML reader for the captured payloads (elements and attributes only). */
    static XmlNode parse(String xml) throws XMLStreamException {
        XMLStreamReader r = XMLInputFactory.newFactory().createXMLStreamReader(new StringReader(xml));
        Deque<XmlNode.Builder> stack = new ArrayDeque<>();
        XmlNode root = null;
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                XmlNode.Builder b = XmlNode.builder(r.getLocalName());
                for (int i = 0; i < r.getAttributeCount(); i++) {
                    b.attr(r.getAttributeLocalName(i), r.getAttributeValue(i));
                }
                stack.push(b);
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                XmlNode done = stack.pop().build();
                if (stack.isEmpty()) {
                    root = done;
                } else {
                    stack.peek().child(done);
                }
            }
        }
        assertFalse(root == null, "no element in " + xml);
        return root;
    }
}
