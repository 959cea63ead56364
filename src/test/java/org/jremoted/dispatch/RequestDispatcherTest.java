package org.jremoted.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jremoted.testing.DispatcherHarness;
import org.jremoted.testing.FakeClient;
import org.jremoted.testing.Requests;
import org.jremoted.testing.FakeLoop;
import org.jremoted.testing.FakeRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jremoted.protocol.XmlNode;

class RequestDispatcherTest {
    private FakeLoop loop;
    private FakeRunner runner;
    private DispatcherHarness h;
    private RequestDispatcher dispatcher;
    private int msgId;

    @BeforeEach
    void setUp() {
        loop = new FakeLoop();
        runner = new FakeRunner();
        h = new DispatcherHarness(loop, runner, "standby", 0);
        dispatcher = h.dispatcher;
    }

    // ------------------------------------------------------------ helpers

    private XmlNode.Builder command(String op) {
        return Requests.command(op, ++msgId);
    }

    private static XmlNode withRsc(XmlNode.Builder command, XmlNode rsc) {
        return Requests.withRsc(command, rsc);
    }

    private static XmlNode.Builder rsc(String id) {
        return Requests.rsc(id);
    }

    private XmlNode registerRequest(String name, String version) {
        return Requests.register(name, version, ++msgId);
    }

    private FakeClient connectAndRegister(String name) {
        FakeClient c = new FakeClient();
        dispatcher.connected(c);
        dispatcher.received(c, registerRequest(name, "1.1"));
        c.take();
        return c;
    }

    private XmlNode registerResource(String id, String callopt) {
        return withRsc(command("lrmd_rsc_register").attr("lrmd_callopt", callopt),
                rsc(id).attr("lrmd_class", "ocf").attr("lrmd_provider", "pacemaker")
                        .attr("lrmd_type", "Dummy").build());
    }

    private static XmlNode params() {
        return XmlNode.builder("attributes").attr("CRM_meta_timeout", "20000").attr("foo", "bar")
                .attr("OCF_CHECK_LEVEL", "10").attr("crm_feature_set", "3.16.1")
                .child(XmlNode.builder("param").attr("name", "1st").attr("value", "x").build())
                .build();
    }

    private XmlNode execRequest(String id, String action, long interval, int callopt, String userdata) {
        return withRsc(command("lrmd_rsc_exec").attr("lrmd_timeout", "20000").attr("lrmd_callopt", callopt),
                rsc(id).attr("lrmd_rsc_action", action).attr("lrmd_rsc_userdata_str", userdata)
                        .attr("lrmd_rsc_interval", interval).attr("lrmd_timeout", "20000")
                        .attr("lrmd_rsc_start_delay", "0").child(params()).build());
    }

    private XmlNode cancelRequest(String id, String action, long interval) {
        return withRsc(command("lrmd_rsc_cancel"), rsc(id).attr("lrmd_rsc_action", action)
                .attr("lrmd_rsc_interval", interval).build());
    }

    private static Map<String, String> attrs(Object... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], String.valueOf(pairs[i + 1]));
        }
        return m;
    }

    private static XmlNode only(List<XmlNode> messages) {
        assertEquals(1, messages.size(), "messages: " + messages);
        return messages.get(0);
    }

    private static void assertGenericReply(XmlNode reply, int rc, int callId, long msgId) {
        assertEquals("lrmd_reply", reply.name());
        assertEquals(attrs("lrmd_origin", "process_lrmd_message", "lrmd_rc", rc, "lrmd_callid", callId,
                "lrmd_remote_msg_id", msgId, "lrmd_remote_msg_type", "reply"), reply.attributes());
    }

    // ------------------------------------------------------------ register

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.2", "2.0", "1"})
    void acceptedProtocolVersions(String version) {
        FakeClient c = new FakeClient();
        dispatcher.connected(c);
        loop.advance(5500);
        dispatcher.received(c, registerRequest("crmd", version));
        XmlNode reply = only(c.take());
        assertEquals(attrs("lrmd_origin", "process_lrmd_signon", "lrmd_rc", 0, "lrmd_callid", 1,
                "lrmd_op", "register", "lrmd_clientid", c.id(), "lrmd_protocol_version", "1.2",
                "uptime", 5, "node_start_state", "standby", "lrmd_remote_msg_id", 1,
                "lrmd_remote_msg_type", "reply"), reply.attributes());
        assertEquals("crmd", c.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.9", "", "abc"})
    void tooOldProtocolVersionGetsAFullReplyWithEproto(String version) {
        FakeClient c = new FakeClient();
        dispatcher.connected(c);
        dispatcher.received(c, registerRequest("crmd", version));
        XmlNode reply = only(c.take());
        assertEquals("-71", reply.attr("lrmd_rc"));
        assertEquals("register", reply.attr("lrmd_op"));
        assertEquals(c.id(), reply.attr("lrmd_clientid"));
        assertFalse(c.closed());
    }

    @Test
    void missingProtocolVersionIsRejected() {
        FakeClient c = new FakeClient();
        dispatcher.connected(c);
        dispatcher.received(c, command("register").attr("lrmd_clientname", "x").build());
        assertEquals("-71", only(c.take()).attr("lrmd_rc"));
    }

    @Test
    void nodeStartStateIsOmittedWhenUnset() {
        h = new DispatcherHarness(loop, runner);
        FakeClient c = new FakeClient();
        h.dispatcher.connected(c);
        h.dispatcher.received(c, registerRequest("crmd", "1.1"));
        XmlNode reply = only(c.take());
        assertNull(reply.attr("node_start_state"));
        assertEquals("0", reply.attr("uptime"));
    }

    @Test
    void ipcProvidersAreRememberedNewestFirst() {
        FakeClient a = new FakeClient();
        FakeClient b = new FakeClient();
        FakeClient local = new FakeClient(false);
        for (FakeClient c : List.of(a, b, local)) {
            dispatcher.connected(c);
            dispatcher.received(c, command("register").attr("lrmd_clientname", "n")
                    .attr("lrmd_protocol_version", "1.1").attr("lrmd_is_ipc_provider", "true").build());
        }
        assertEquals(List.of(b, a), h.providers.all());
        assertEquals("0", a.take().get(0).attr("lrmd_rc"));
        assertEquals("-13", local.take().get(0).attr("lrmd_rc"), "local clients may not relay IPC");

        dispatcher.disconnected(b);
        assertSame(a, h.providers.current());
        assertTrue(h.disconnectedFromProxy.contains(b.id() + ":true"));
    }

    // ------------------------------------------------------------ envelope

    @Test
    void everyRequestConsumesOneDaemonWideCallId() {
        FakeClient a = new FakeClient();
        FakeClient b = new FakeClient();
        dispatcher.connected(a);
        dispatcher.connected(b);
        dispatcher.received(a, registerRequest("a", "1.1"));
        dispatcher.received(b, command("no_such_op").build());
        dispatcher.received(a, withRsc(command("lrmd_rsc_info"), rsc("x").build()));
        dispatcher.received(b, command("lrmd_rsc_poke").build());
        assertEquals("1", a.sent.get(0).attr("lrmd_callid"));
        assertEquals("2", b.sent.get(0).attr("lrmd_callid"));
        assertEquals("3", a.sent.get(1).attr("lrmd_callid"));
        assertEquals("4", b.sent.get(1).attr("lrmd_callid"));
    }

    @Test
    void requestsBeforeRegisterAreServedButUnnamedClientsGetNoNotifications() {
        FakeClient named = connectAndRegister("crmd");
        FakeClient anonymous = new FakeClient();
        dispatcher.connected(anonymous);
        named.take();
        dispatcher.received(anonymous, command("lrmd_rsc_poke").build());
        assertGenericReply(only(anonymous.take()), 0, 2, msgId);
        XmlNode notice = only(named.take());
        assertEquals(attrs("lrmd_origin", "send_generic_notify", "lrmd_rc", 0, "lrmd_callid", 2,
                "lrmd_op", "lrmd_rsc_poke", "lrmd_remote_msg_id", 0, "lrmd_remote_msg_type", "notify"),
                notice.attributes());
    }

    @Test
    void clientNameIsAdoptedFromAnyRequestAndFirstOneWins() {
        FakeClient c = new FakeClient();
        dispatcher.connected(c);
        dispatcher.received(c, command("lrmd_rsc_poke").attr("lrmd_clientname", "first").build());
        dispatcher.received(c, registerRequest("second", "1.1"));
        assertEquals("first", c.name());
    }

    @Test
    void newConnectionIsAnnouncedToOtherNamedClients() {
        FakeClient first = connectAndRegister("crmd-1");
        FakeClient unnamed = new FakeClient();
        dispatcher.connected(unnamed);
        first.take();
        FakeClient second = new FakeClient();
        dispatcher.connected(second);
        XmlNode notice = only(first.take());
        assertEquals("lrmd_notify", notice.name());
        assertEquals(attrs("lrmd_origin", "notify_of_new_client", "lrmd_op", "lrmd_rsc_new_client",
                "lrmd_remote_msg_id", 0, "lrmd_remote_msg_type", "notify"), notice.attributes());
        assertTrue(unnamed.sent.isEmpty());
        assertTrue(second.sent.isEmpty());
    }

    @Test
    void pokeRepliesThenNotifiesEveryNamedClient() {
        FakeClient a = connectAndRegister("a");
        FakeClient b = connectAndRegister("b");
        a.take();
        dispatcher.received(a, command("lrmd_rsc_poke").build());
        List<XmlNode> toA = a.take();
        assertEquals(2, toA.size());
        assertEquals("lrmd_reply", toA.get(0).name());
        assertEquals("lrmd_rsc_poke", toA.get(1).attr("lrmd_op"));
        assertEquals("lrmd_rsc_poke", only(b.take()).attr("lrmd_op"));
    }

    @Test
    void unsupportedOperationsGetEopnotsuppAndKeepTheConnection() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, command("frobnicate").build());
        assertGenericReply(only(c.take()), -95, 2, msgId);
        dispatcher.received(c, command("lrmd_rsc_metadata").build());
        assertGenericReply(only(c.take()), -95, 3, msgId);
        dispatcher.received(c, XmlNode.builder("lrmd_command").attr("lrmd_remote_msg_id", "77").build());
        assertGenericReply(only(c.take()), -95, 4, 77);
        assertFalse(c.closed());
    }

    @Test
    void remoteMessageIdIsEchoedAndReadsAsZeroWhenMissingOrGarbage() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, XmlNode.builder("lrmd_command").attr("lrmd_op", "lrmd_rsc_poke").build());
        assertEquals("0", c.take().get(0).attr("lrmd_remote_msg_id"));
        dispatcher.received(c, XmlNode.builder("lrmd_command").attr("lrmd_op", "lrmd_rsc_poke")
                .attr("lrmd_remote_msg_id", "12x").build());
        assertEquals("0", c.take().get(0).attr("lrmd_remote_msg_id"));
    }

    // ------------------------------------------------------------ resources

    @Test
    void resourceRegistrationTwiceRepliesAndNotifiesBothTimes() {
        FakeClient c = connectAndRegister("crmd");
        for (int i = 0; i < 2; i++) {
            dispatcher.received(c, registerResource("d1", "3"));
            List<XmlNode> out = c.take();
            assertEquals(2, out.size());
            assertGenericReply(out.get(0), 0, 2 + i, msgId);
            assertEquals(attrs("lrmd_origin", "send_generic_notify", "lrmd_rc", 0, "lrmd_callid", 2 + i,
                    "lrmd_op", "lrmd_rsc_register", "lrmd_rsc_id", "d1", "lrmd_remote_msg_id", 0,
                    "lrmd_remote_msg_type", "notify"), out.get(1).attributes());
        }
    }

    @Test
    void resourceInfoKnownAndUnknown() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, registerResource("d1", "3"));
        c.take();
        dispatcher.received(c, withRsc(command("lrmd_rsc_info"), rsc("d1").build()));
        assertEquals(attrs("lrmd_origin", "process_lrmd_get_rsc_info", "lrmd_rc", 0, "lrmd_callid", 3,
                "lrmd_rsc_id", "d1", "lrmd_class", "ocf", "lrmd_provider", "pacemaker", "lrmd_type", "Dummy",
                "lrmd_remote_msg_id", msgId, "lrmd_remote_msg_type", "reply"), only(c.take()).attributes());
        dispatcher.received(c, withRsc(command("lrmd_rsc_info"), rsc("nosuch").build()));
        assertEquals(attrs("lrmd_origin", "process_lrmd_get_rsc_info", "lrmd_rc", -19, "lrmd_callid", 4,
                "lrmd_remote_msg_id", msgId, "lrmd_remote_msg_type", "reply"), only(c.take()).attributes());
    }

    @Test
    void unregisterUnknownBusyAndMissing() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, withRsc(command("lrmd_rsc_unregister"), rsc("nosuch").build()));
        List<XmlNode> out = c.take();
        assertGenericReply(out.get(0), 0, 2, msgId);
        assertEquals("lrmd_rsc_unregister", out.get(1).attr("lrmd_op"));
        assertEquals("nosuch", out.get(1).attr("lrmd_rsc_id"));

        dispatcher.received(c, registerResource("d1", "3"));
        dispatcher.received(c, execRequest("d1", "start", 0, 4, "ud"));
        loop.runPending();
        c.take();
        dispatcher.received(c, withRsc(command("lrmd_rsc_unregister"), rsc("d1").build()));
        out = c.take();
        assertGenericReply(out.get(0), -115, 5, msgId);
        assertEquals("-115", out.get(1).attr("lrmd_rc"));
        runner.last().complete(0);
        loop.runPending();
        assertEquals("1", only(c.take()).attr("lrmd_rsc_deleted"));

        dispatcher.received(c, withRsc(command("lrmd_rsc_unregister"),
                XmlNode.builder("lrmd_rsc").build()));
        assertGenericReply(only(c.take()), -19, 6, msgId);
    }

    @Test
    void execRepliesWithCallIdAndNotifiesCompletionWithParametersVerbatim() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, registerResource("d1", "3"));
        c.take();
        dispatcher.received(c, execRequest("d1", "monitor", 0, 4, "3:3:7:abc"));
        assertGenericReply(only(c.take()), 3, 3, msgId);
        loop.runPending();
        assertEquals(Map.of("CRM_meta_timeout", "20000", "foo", "bar", "OCF_CHECK_LEVEL", "10",
                "crm_feature_set", "3.16.1", "1st", "x"), runner.last().action.parameters());
        loop.advance(4);
        runner.last().complete(new org.jremoted.agents.AgentResult(7, org.jremoted.agents.ExecutionStatus.DONE,
                "some output", "not running"));
        loop.runPending();
        XmlNode n = only(c.take());
        long now = FakeLoop.WALL_ORIGIN_MS / 1000;
        assertEquals(attrs("lrmd_origin", "send_cmd_complete_notify", "lrmd_timeout", 20000,
                "lrmd_rsc_interval", 0, "lrmd_rsc_start_delay", 0, "lrmd_exec_rc", 7,
                "lrmd_exec_op_status", 0, "lrmd_callid", 3, "lrmd_rsc_deleted", 0, "lrmd_run_time", now,
                "lrmd_rcchange_time", now, "lrmd_exec_time", 4, "lrmd_queue_time", 0,
                "lrmd_op", "lrmd_rsc_exec", "lrmd_rsc_id", "d1", "lrmd_rsc_action", "monitor",
                "lrmd_rsc_userdata_str", "3:3:7:abc", "lrmd_rsc_exit_reason", "not running",
                "lrmd_rsc_output", "some output", "lrmd_remote_msg_id", 0, "lrmd_remote_msg_type", "notify"),
                n.attributes());
        assertEquals(List.of(params()), n.children());
    }

    @Test
    void execErrors() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, execRequest("nosuch", "start", 0, 0, null));
        assertGenericReply(only(c.take()), -19, 2, msgId);
        dispatcher.received(c, withRsc(command("lrmd_rsc_exec"),
                XmlNode.builder("lrmd_rsc").attr("lrmd_rsc_action", "start").build()));
        assertGenericReply(only(c.take()), -22, 3, msgId);
        dispatcher.received(c, command("lrmd_rsc_exec").build());
        assertGenericReply(only(c.take()), -22, 4, msgId);
    }

    @Test
    void originatorOnlyCompletionGoesToTheRequesterAlone() {
        FakeClient a = connectAndRegister("a");
        FakeClient b = connectAndRegister("b");
        dispatcher.received(a, registerResource("d1", "3"));
        dispatcher.received(a, execRequest("d1", "start", 0, 2, "x"));
        dispatcher.received(a, execRequest("d1", "stop", 0, 4, "y"));
        loop.runPending();
        a.take();
        b.take();
        runner.last().complete(0);
        loop.runPending();
        assertEquals("start", only(a.take()).attr("lrmd_rsc_action"));
        assertTrue(b.take().isEmpty());
        runner.last().complete(0);
        loop.runPending();
        assertEquals("stop", only(a.take()).attr("lrmd_rsc_action"));
        assertEquals("stop", only(b.take()).attr("lrmd_rsc_action"));
    }

    @Test
    void cancelOfQueuedOperationNotifiesBeforeTheReply() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, registerResource("d1", "3"));
        dispatcher.received(c, execRequest("d1", "start", 0, 4, "s"));
        dispatcher.received(c, execRequest("d1", "monitor", 10000, 4, "m"));
        loop.runPending();
        c.take();
        dispatcher.received(c, cancelRequest("d1", "monitor", 10000));
        List<XmlNode> out = c.take();
        assertEquals(2, out.size());
        assertEquals("lrmd_notify", out.get(0).name());
        assertEquals("1", out.get(0).attr("lrmd_exec_op_status"));
        assertEquals("4", out.get(0).attr("lrmd_callid"));
        assertEquals("0", out.get(0).attr("lrmd_run_time"));
        assertGenericReply(out.get(1), 0, 5, msgId);

        dispatcher.received(c, cancelRequest("d1", "monitor", 10000));
        assertGenericReply(only(c.take()), -95, 6, msgId);
        dispatcher.received(c, cancelRequest("nosuch", "monitor", 10000));
        assertGenericReply(only(c.take()), -19, 7, msgId);
        dispatcher.received(c, withRsc(command("lrmd_rsc_cancel"), rsc("d1").build()));
        assertGenericReply(only(c.take()), -22, 8, msgId);
    }

    @Test
    void stopReplyFollowsTheCancellationOfRecurringOperations() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, registerResource("d1", "3"));
        dispatcher.received(c, execRequest("d1", "monitor", 10000, 4, "m"));
        loop.runPending();
        runner.last().complete(0);
        loop.runPending();
        c.take();
        dispatcher.received(c, execRequest("d1", "stop", 0, 4, "s"));
        List<XmlNode> out = c.take();
        assertEquals(2, out.size());
        assertEquals("1", out.get(0).attr("lrmd_exec_op_status"));
        assertEquals("monitor", out.get(0).attr("lrmd_rsc_action"));
        assertGenericReply(out.get(1), 4, 4, msgId);
    }

    @Test
    void recurringListing() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, registerResource("a", "3"));
        dispatcher.received(c, registerResource("b", "3"));
        dispatcher.received(c, execRequest("b", "monitor", 10000, 4, "m"));
        c.take();
        dispatcher.received(c, command("lrmd_get_recurring").build());
        XmlNode reply = only(c.take());
        assertEquals(attrs("lrmd_origin", "process_lrmd_get_recurring", "lrmd_rc", 0, "lrmd_callid", 5,
                "lrmd_remote_msg_id", msgId, "lrmd_remote_msg_type", "reply"), reply.attributes());
        XmlNode expectedA = XmlNode.builder("lrmd_rsc").attr("lrmd_rsc_id", "a").build();
        XmlNode expectedB = XmlNode.builder("lrmd_rsc").attr("lrmd_rsc_id", "b")
                .child(XmlNode.builder("lrmd_rsc_op").attr("lrmd_rsc_action", "monitor")
                        .attr("lrmd_rsc_interval", "10000").attr("lrmd_timeout", "20000").build())
                .build();
        assertEquals(List.of(expectedA, expectedB), reply.children());

        dispatcher.received(c, withRsc(command("lrmd_get_recurring"), rsc("b").build()));
        assertEquals(List.of(expectedB), only(c.take()).children());
        dispatcher.received(c, withRsc(command("lrmd_get_recurring"), rsc("nosuch").build()));
        XmlNode unknown = only(c.take());
        assertEquals("-19", unknown.attr("lrmd_rc"));
        assertTrue(unknown.children().isEmpty());
    }

    @Test
    void lastClientGoneDropsRecurringOperationsButKeepsResources() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, registerResource("d1", "3"));
        dispatcher.received(c, registerResource("d2", "0"));
        dispatcher.received(c, execRequest("d1", "monitor", 10000, 4, "m"));
        dispatcher.received(c, execRequest("d2", "monitor", 10000, 4, "m"));
        loop.runPending();
        runner.active().forEach(r -> r.complete(0));
        loop.runPending();
        dispatcher.disconnected(c);

        FakeClient next = connectAndRegister("crmd");
        dispatcher.received(next, command("lrmd_get_recurring").build());
        List<XmlNode> rscs = only(next.take()).children();
        assertEquals(2, rscs.size());
        assertEquals("d1", rscs.get(0).attr("lrmd_rsc_id"));
        assertTrue(rscs.get(0).children().isEmpty());
        assertEquals(1, rscs.get(1).children().size());
    }

    @Test
    void disconnectOfAClientThatNeverConnectedIsHarmless() {
        dispatcher.disconnected(new FakeClient());
        assertTrue(h.exits.isEmpty());
    }

    // ------------------------------------------------------------ check, alerts, proxy

    private XmlNode check(String watchdog) {
        XmlNode.Builder data = XmlNode.builder("lrmd_op");
        if (watchdog != null) {
            data.attr("lrmd_watchdog", watchdog);
        }
        return command("lrmd_check").attr("lrmd_callopt", "0")
                .child(XmlNode.builder("lrmd_calldata").child(data.build()).build()).build();
    }

    @Test
    void checkNeverReplies() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, check(null));
        dispatcher.received(c, check("0"));
        dispatcher.received(c, check("-1"));
        assertTrue(c.take().isEmpty());
        assertTrue(h.exits.isEmpty());
    }

    @Test
    void checkWithWatchdogTimeoutButNoSbdExits100() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, check("10s"));
        assertEquals(List.of(100), h.exits);
        assertTrue(c.take().isEmpty());
    }

    @Test
    void checkAcceptsWatchdogTimeoutCoveredByRunningSbd() {
        h = new DispatcherHarness(loop, runner, null, 5000);
        h.sbdRunning = true;
        FakeClient c = new FakeClient();
        h.dispatcher.connected(c);
        h.dispatcher.received(c, check("10s"));
        h.dispatcher.received(c, check("-1"));
        assertTrue(h.exits.isEmpty());
        h.dispatcher.received(c, check("4s"));
        assertEquals(List.of(100), h.exits, "shorter than sbd's own timeout");
    }

    @Test
    void alertExecIsAcceptedWithoutResult() {
        FakeClient c = connectAndRegister("crmd");
        dispatcher.received(c, command("lrmd_alert_exec").child(XmlNode.builder("lrmd_calldata")
                .child(XmlNode.builder("lrmd_alert").attr("lrmd_alert_id", "a1")
                        .attr("lrmd_alert_path", "/x").attr("lrmd_timeout", "3000").build()).build()).build());
        assertGenericReply(only(c.take()), 0, 2, msgId);
        dispatcher.received(c, command("lrmd_alert_exec").child(XmlNode.builder("lrmd_calldata")
                .child(XmlNode.builder("lrmd_alert").attr("lrmd_alert_id", "a1").build()).build()).build());
        assertGenericReply(only(c.take()), -22, 3, msgId);
    }

    @Test
    void ipcForwardGoesToTheProxyAndIsAnsweredWithRcZero() {
        FakeClient c = connectAndRegister("crmd");
        XmlNode fwd = XmlNode.builder("lrmd_ipc_proxy").attr("lrmd_ipc_op", "response")
                .attr("lrmd_ipc_session", "abc").attr("lrmd_op", "ipc_fwd")
                .attr("lrmd_remote_msg_id", "9").attr("lrmd_remote_msg_type", "request").build();
        dispatcher.received(c, fwd);
        assertEquals(List.of(fwd), h.proxied);
        List<XmlNode> sent = c.take();
        assertEquals(2, sent.size(), sent.toString());
        assertEquals("destroy", sent.get(0).attr("lrmd_ipc_op"), "the proxy knows no session abc");
        assertGenericReply(sent.get(1), 0, 2, 9);
    }

    @Test
    void shutdownAnswersGoThroughTheProxyToTheCoordinator() {
        FakeClient c = new FakeClient();
        dispatcher.connected(c);
        dispatcher.received(c, command("register").attr("lrmd_clientname", "crmd")
                .attr("lrmd_protocol_version", "1.1").attr("lrmd_is_ipc_provider", "true").build());
        c.take();
        h.shutdown.shutdownRequested();
        assertEquals(attrs("lrmd_ipc_op", "shutdown_req", "lrmd_ipc_session", "0",
                "lrmd_remote_msg_id", 0, "lrmd_remote_msg_type", "notify"), only(c.take()).attributes());
        dispatcher.received(c, XmlNode.builder("lrmd_ipc_proxy").attr("lrmd_ipc_op", "shutdown_ack")
                .attr("lrmd_op", "ipc_fwd").attr("lrmd_remote_msg_id", "9").build());
        assertGenericReply(only(c.take()), 0, 2, 9);
        assertEquals(List.of("shutdown_ack"), h.proxied.stream().map(m -> m.attr("lrmd_ipc_op")).toList());
        loop.advance(60_000);
        assertTrue(h.exits.isEmpty(), "acknowledged: wait for the cluster to disconnect");
        dispatcher.disconnected(c);
        assertEquals(List.of(0), h.exits);
    }

    @Test
    void versionComparison() {
        assertTrue(RequestDispatcher.versionAcceptable("1.0"));
        assertTrue(RequestDispatcher.versionAcceptable("10"));
        assertFalse(RequestDispatcher.versionAcceptable("0.99"));
        assertFalse(RequestDispatcher.versionAcceptable(null));
    }
}
