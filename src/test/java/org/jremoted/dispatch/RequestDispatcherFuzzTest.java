package org.jremoted.dispatch;

import static org.jremoted.protocol.Attributes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.protocol.LegacyRc;
import org.jremoted.executor.ResourceRecurring;
import org.jremoted.testing.DispatcherHarness;
import org.jremoted.testing.FakeClient;
import org.jremoted.testing.FakeLoop;
import org.jremoted.testing.FakeRunner;
import org.jremoted.fuzzing.FuzzLogs;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jremoted.protocol.XmlNode;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.Messages;
import org.jremoted.protocol.MalformedMessageException;
import org.jremoted.testing.Traces;

/**
 * Fuzz target for the request dispatcher (docs/fuzzing.md): random request sequences from a
 * random mix of clients (remote, local privileged, local unprivileged; connecting, naming
 * themselves and leaving at random), agent results arriving at random and time passing, on the
 * fake loop and fake agents of the unit tests. Requests are built from the attributes Pacemaker
 * uses, taken from the captured traces' requests, or parsed from arbitrary text.
 *
 * <p>After every step: nothing escaped; every request that needs a reply got exactly one, with
 * the next daemon-wide call id and the request's message id; unprivileged clients were refused
 * everything but sign-on and poke; clients that left or never named themselves got nothing but
 * replies; nothing the inputs could not have created is tracked; an operation given up as timed
 * out did run for its timeout.
 */
@ExtendWith(FuzzLogs.class)
class RequestDispatcherFuzzTest {

    private static final List<XmlNode> TRACE_REQUESTS = traceRequests();

    private static final String[] OPS = {OP_REGISTER, OP_RSC_REGISTER, OP_RSC_INFO, OP_RSC_UNREGISTER,
        OP_RSC_EXEC, OP_RSC_CANCEL, OP_GET_RECURRING, OP_POKE, OP_CHECK, OP_ALERT_EXEC, OP_IPC_FWD,
        OP_METADATA, "frobnicate", null};
    private static final String[] IDS = {"d1", "d2", "d3", "fence1", "", "a b", "d1 "};
    private static final String[] CLASSES = {"ocf", "lsb", "stonith", "systemd", "service", "OCF", "nagios", "", null};
    private static final String[] ACTIONS = {"start", "stop", "monitor", "status", "probe", "reload", "migrate_to",
        "meta-data", "notify", "", null};
    private static final String[] NUMBERS = {"0", "1", "10", "1000", "10000", "-1", "2147483647", "2147483648",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "abc", " 5", "", null};
    private static final String[] VERSIONS = {"1.0", "1.1", "1.2", "2", "0.9", "1.x", "", "999999999999.1", null};
    private static final String[] BOOLEANS = {"true", "false", "yes", "1", "on", "", null};
    private static final String[] IPC_OPS = {IPC_OP_SHUTDOWN_ACK, IPC_OP_SHUTDOWN_NACK, "new", "request",
        "destroy", "response", null};
    private static final ExecutionStatus[] RESULTS = {ExecutionStatus.DONE, ExecutionStatus.DONE,
        ExecutionStatus.ERROR, ExecutionStatus.ERROR_HARD, ExecutionStatus.ERROR_FATAL,
        ExecutionStatus.NOT_INSTALLED, ExecutionStatus.CANCELLED, ExecutionStatus.NOT_SUPPORTED};

    private static final int MAX_STEPS = 300;
    private static final int MAX_CLIENTS = 6;
    /** Millisecond intervals over a day of virtual time would be millions of runs: a step stops earlier. */
    private static final int MAX_TIMERS_PER_STEP = 200;
    /**
     * The longest single leap of virtual time, ten years: the run stays far from the end of the
     * clocks (wire values up to Long.MAX_VALUE still get there, which is what they test).
     */
    private static final long MAX_LEAP_MS = 10L * 365 * 86_400_000L;


    /** A local client that runs as root or hacluster. */
    private static final class PrivilegedLocalClient extends FakeClient {
        PrivilegedLocalClient() {
            super(false);
        }

        @Override
        public boolean isPrivileged() {
            return true;
        }
    }

    @FuzzTest
    void anyRequestSequenceFromAnyMixOfClientsKeepsTheProtocolsPromises(FuzzedDataProvider data) {
        new Session(data).run();
    }

    private static final class Session {
        final FuzzedDataProvider data;
        final FakeLoop loop = new FakeLoop();
        final FakeRunner runner = new FakeRunner();
        final DispatcherHarness h;
        final RequestDispatcher dispatcher;
        final List<FakeClient> connected = new ArrayList<>();
        final List<FakeClient> gone = new ArrayList<>();
        final Map<FakeClient, Integer> sentWhenGone = new LinkedHashMap<>();
        final Set<String> registrableIds = new HashSet<>();
        int lastCallId;
        int execRequests;
        int checkedOutput;

        Session(FuzzedDataProvider data) {
            this.data = data;
            h = new DispatcherHarness(loop, runner, data.consumeBoolean() ? "standby" : null,
                    data.consumeBoolean() ? 0 : 10_000);
            dispatcher = h.dispatcher;
        }

        void run() {
            for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
                switch (data.consumeInt(0, 9)) {
                    case 0 -> connect();
                    case 1 -> disconnect();
                    case 2, 3, 4 -> request(built());
                    case 5 -> request(fromTrace());
                    case 6 -> request(parsed());
                    case 7 -> completeARun();
                    case 8 -> loop.advance(data.consumeLong(0, 120_000), MAX_TIMERS_PER_STEP);
                    default -> loop.advance(data.consumeLong(0, MAX_LEAP_MS), MAX_TIMERS_PER_STEP);
                }
                checkState();
            }
            // Everybody leaves, every agent answers, and a day passes: still consistent.
            for (FakeClient c : new ArrayList<>(connected)) {
                leave(c);
            }
            for (int round = 0; round < 3; round++) {
                for (FakeRunner.Run r : runner.active()) {
                    r.complete(0);
                }
                loop.advance(86_400_000L, MAX_TIMERS_PER_STEP);
                checkState();
            }
        }

        void connect() {
            if (connected.size() >= MAX_CLIENTS) {
                return;
            }
            FakeClient c = switch (data.consumeInt(0, 2)) {
                case 0 -> new FakeClient(true);
                case 1 -> new PrivilegedLocalClient();
                default -> new FakeClient(false);
            };
            dispatcher.connected(c);
            connected.add(c);
            assertTrue(c.sent.isEmpty(), "a new client got a message on connecting");
        }

        void disconnect() {
            if (!connected.isEmpty()) {
                leave(connected.get(data.consumeInt(0, connected.size() - 1)));
            }
        }

        void leave(FakeClient c) {
            dispatcher.disconnected(c);
            connected.remove(c);
            gone.add(c);
            sentWhenGone.put(c, c.sent.size());
            dispatcher.disconnected(c); // a second report of the same loss is harmless
        }

        /** Mostly a connected client; sometimes one that left or never connected. */
        FakeClient sender() {
            int pick = data.consumeInt(0, 15);
            if (pick == 15 || connected.isEmpty()) {
                return pick % 2 == 0 || gone.isEmpty() ? new FakeClient(data.consumeBoolean())
                        : gone.get(data.consumeInt(0, gone.size() - 1));
            }
            return connected.get(pick % connected.size());
        }

        String pick(String[] values) {
            return values[data.consumeInt(0, values.length - 1)];
        }

        XmlNode built() {
            XmlNode.Builder cmd = XmlNode.builder(COMMAND).attr(T, "lrmd");
            String op = pick(OPS);
            cmd.attr(OP, op);
            cmd.attr(REMOTE_MSG_ID, pick(NUMBERS));
            cmd.attr(REMOTE_MSG_TYPE, "request");
            if (data.consumeBoolean()) {
                cmd.attr(CLIENT_NAME, data.consumeBoolean() ? "crmd" : data.consumeString(8));
            }
            cmd.attr(PROTOCOL_VERSION, pick(VERSIONS));
            cmd.attr(IS_IPC_PROVIDER, pick(BOOLEANS));
            cmd.attr(CALL_OPTIONS, pick(NUMBERS));
            cmd.attr(TIMEOUT, pick(NUMBERS));
            cmd.attr(IPC_OP, pick(IPC_OPS));
            XmlNode.Builder calldata = XmlNode.builder(CALLDATA);
            switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    // no call data
                }
                case 1 -> calldata.child(XmlNode.builder(ALERT).attr(ALERT_ID, pick(IDS))
                        .attr(TIMEOUT, pick(NUMBERS)).build());
                case 2 -> calldata.child(XmlNode.builder("lrmd_watchdog_check").attr(WATCHDOG, pick(NUMBERS)).build());
                default -> {
                    XmlNode.Builder rsc = XmlNode.builder(RSC).attr(ORIGIN, "fuzz")
                            .attr(RSC_ID, pick(IDS)).attr(CLASS, pick(CLASSES))
                            .attr(PROVIDER, data.consumeBoolean() ? "pacemaker" : null)
                            .attr(TYPE, data.consumeBoolean() ? "Dummy" : pick(IDS))
                            .attr(RSC_ACTION, pick(ACTIONS)).attr(RSC_INTERVAL, pick(NUMBERS))
                            .attr(TIMEOUT, pick(NUMBERS)).attr(RSC_START_DELAY, pick(NUMBERS))
                            .attr(RSC_USERDATA, data.consumeBoolean() ? "0:0:0:x" : null);
                    if (data.consumeBoolean()) {
                        rsc.child(XmlNode.builder(PARAMETERS).attr("CRM_meta_timeout", pick(NUMBERS))
                                .attr(data.consumeString(6).isEmpty() ? "a" : "b", pick(NUMBERS))
                                .child(XmlNode.builder(PARAM).attr(PARAM_NAME, pick(IDS))
                                        .attr(PARAM_VALUE, pick(NUMBERS)).build())
                                .build());
                    }
                    calldata.child(rsc.build());
                }
            }
            return cmd.child(calldata.build()).build();
        }

        XmlNode fromTrace() {
            XmlNode template = TRACE_REQUESTS.get(data.consumeInt(0, TRACE_REQUESTS.size() - 1));
            if (data.consumeBoolean()) {
                template = withRscAttribute(template, RSC_ID, pick(IDS));
            }
            if (data.consumeBoolean()) {
                template = withRscAttribute(template, RSC_INTERVAL, pick(NUMBERS));
            }
            return template;
        }

        XmlNode parsed() {
            try {
                return XmlCodec.parse(data.consumeString(600));
            } catch (MalformedMessageException e) {
                return null;
            }
        }

        void completeARun() {
            List<FakeRunner.Run> active = runner.active();
            if (active.isEmpty()) {
                return;
            }
            FakeRunner.Run run = active.get(data.consumeInt(0, active.size() - 1));
            if (data.consumeInt(0, 15) == 0) {
                run.result().completeExceptionally(new IllegalStateException("fuzz: runner failed"));
            } else {
                run.complete(new AgentResult(data.consumeInt(-1, 8), RESULTS[data.consumeInt(0, RESULTS.length - 1)],
                        data.consumeBoolean() ? "reason" : null, data.consumeBoolean() ? "output" : null));
            }
            loop.runPending();
        }

        void request(XmlNode raw) {
            if (raw == null) {
                return;
            }
            XmlNode message = withoutAlertPaths(raw);
            FakeClient client = sender();
            boolean known = connected.contains(client);
            String op = message.attr(OP);
            if (known && client.isPrivileged()) {
                if (OP_RSC_REGISTER.equals(op)) {
                    message.find(RSC).map(r -> r.attr(RSC_ID)).ifPresent(registrableIds::add);
                }
                if (OP_RSC_EXEC.equals(op)) {
                    execRequests++;
                }
            }
            int before = client.sent.size();
            dispatcher.received(client, message);
            loop.runPending();
            List<XmlNode> out = client.sent.subList(before, client.sent.size());
            if (!known) {
                assertTrue(out.isEmpty(), "a client that is not connected got " + out);
                return;
            }
            lastCallId++;
            List<XmlNode> replies = out.stream().filter(m -> REPLY.equals(m.name())).toList();
            if (OP_CHECK.equals(op)) {
                assertTrue(replies.isEmpty(), "lrmd_check was answered: " + replies);
                return;
            }
            assertEquals(1, replies.size(), () -> "replies to " + op + ": " + out);
            XmlNode reply = replies.get(0);
            assertEquals(Integer.toString(lastCallId), reply.attr(CALL_ID), "call id of the reply to " + op);
            assertEquals(Long.toString(Messages.remoteMsgId(message)), reply.attr(REMOTE_MSG_ID));
            assertEquals(MSG_TYPE_REPLY, reply.attr(REMOTE_MSG_TYPE));
            assertFalse(ORIGIN_MESSAGE.equals(reply.attr(ORIGIN))
                            && Integer.toString(LegacyRc.EPROTO).equals(reply.attr(RC)),
                    () -> "internal error handling " + message);
            if (op != null && !client.isPrivileged() && !OP_REGISTER.equals(op) && !OP_POKE.equals(op)) {
                assertEquals(Integer.toString(LegacyRc.EACCES), reply.attr(RC), "unprivileged " + op);
            }
        }

        void checkState() {
            for (FakeClient c : gone) {
                assertEquals(sentWhenGone.get(c), c.sent.size(), "a client that left got a message");
            }
            for (FakeClient c : connected) {
                if (c.name() == null) {
                    for (XmlNode m : c.sent) {
                        assertEquals(REPLY, m.name(), "an unnamed client got " + m);
                    }
                }
            }
            for (FakeClient c : connected) {
                List<XmlNode> all = c.sent;
                for (int i = checkedOutput(c); i < all.size(); i++) {
                    checkCompletion(all.get(i));
                }
            }
            List<ResourceRecurring> resources = h.executor.recurring(null).orElseThrow();
            int recurring = 0;
            for (ResourceRecurring r : resources) {
                assertTrue(registrableIds.contains(r.resourceId()), "resource nobody registered: " + r);
                recurring += r.operations().size();
            }
            assertTrue(recurring <= execRequests, "more recurring operations than exec requests");
            assertTrue(h.executor.inFlight().size() <= resources.size());
            // One run per registered resource, plus at most one left over from an earlier
            // registration of the same id; every other run must have been cancelled.
            long live = runner.active().stream().filter(r -> r.cancelCalls() == 0).count();
            assertTrue(live <= 2L * registrableIds.size(), () -> live + " agent runs neither finished nor cancelled");
            assertTrue(loop.liveTimers() <= 3L * execRequests + 8, () -> loop.liveTimers() + " timers for "
                    + execRequests + " exec requests");
            assertTrue(h.providers.all().size() <= connected.size());
        }

        private final Map<FakeClient, Integer> checked = new LinkedHashMap<>();

        private int checkedOutput(FakeClient c) {
            int from = checked.getOrDefault(c, 0);
            checked.put(c, c.sent.size());
            return from;
        }

        /** An operation the executor gave up on as timed out must have run for its timeout. */
        private void checkCompletion(XmlNode m) {
            if (!NOTIFY.equals(m.name()) || !ORIGIN_COMPLETE_NOTIFY.equals(m.attr(ORIGIN))) {
                return;
            }
            if (Integer.toString(ExecutionStatus.TIMEOUT.code()).equals(m.attr(EXEC_OP_STATUS))) {
                long timeout = m.longAttr(TIMEOUT, 0);
                long ran = m.longAttr(EXEC_TIME, 0);
                if (ran < timeout) {
                    fail("timed out after " + ran + " ms of a " + timeout + " ms timeout: " + m);
                }
            }
        }
    }

    /** Alert requests would start real programs: their path is always left out. */
    private static XmlNode withoutAlertPaths(XmlNode n) {
        XmlNode.Builder b = n.toBuilder();
        if (ALERT.equals(n.name())) {
            b.remove(ALERT_PATH);
        }
        XmlNode.Builder rebuilt = XmlNode.builder(n.name()).attrs(b.build().attributes()).text(n.text());
        for (XmlNode c : n.children()) {
            rebuilt.child(withoutAlertPaths(c));
        }
        return rebuilt.build();
    }

    private static XmlNode withRscAttribute(XmlNode n, String attribute, String value) {
        XmlNode.Builder rebuilt = XmlNode.builder(n.name()).attrs(n.attributes()).text(n.text());
        if (RSC.equals(n.name())) {
            rebuilt.remove(attribute).attr(attribute, value);
        }
        for (XmlNode c : n.children()) {
            rebuilt.child(withRscAttribute(c, attribute, value));
        }
        return rebuilt.build();
    }

    /** The requests of the captured traces (docs: test-fixtures/README.md). */
    private static List<XmlNode> traceRequests() {
        try {
            List<XmlNode> out = new ArrayList<>();
            for (Traces.Captured c : Traces.all()) {
                if (c.direction().equals("cluster->remote")) {
                    out.add(XmlCodec.parse(c.xml()));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalStateException("no requests in " + Traces.directory());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException(e);
        }
    }
}
