package org.jremoted.proxy;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jremoted.testing.FakeClient;
import org.jremoted.testing.FakeLink;
import org.jremoted.ipc.PcmkIpcCodec;
import org.jremoted.testing.FakeLoop;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.jremoted.ipc.PcmkIpcCodec.Dialect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jremoted.ipc.LocalConnection;
import org.jremoted.ipc.LocalEndpoint;
import org.jremoted.ipc.LocalIpcLink;
import org.jremoted.ipc.HelperFrame;

class IpcProxyTest {

    private final FakeLoop loop = new FakeLoop();
    private final IpcProviders providers = new IpcProviders();
    private final FakeLink link = new FakeLink();
    private final List<Integer> exits = new ArrayList<>();
    private final ShutdownCoordinator shutdown = new ShutdownCoordinator(loop, providers, () -> { }, exits::add, 20_000);
    private IpcProxy proxy;
    private final FakeClient provider = new FakeClient();

    @BeforeEach
    void setUp() {
        proxy = new IpcProxy(loop, providers, shutdown, 131072, 30_000, 64 << 20);
        proxy.attach(link);
    }

    private static byte[] request(int id, int flags, String xml) throws Exception {
        return PcmkIpcCodec.encode(Dialect.V2_1, id, flags, xml.getBytes(StandardCharsets.UTF_8), 131072).get(0);
    }

    private static LocalConnection conn(int id, LocalEndpoint e) {
        return new LocalConnection(id, e, 4242, 0, 0, "root");
    }

    private static String text(byte[] message) throws Exception {
        return new String(new PcmkIpcCodec.Assembler().add(message).text(), StandardCharsets.UTF_8);
    }

    private static XmlNode only(List<XmlNode> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }

    private String openSession(int connection, LocalEndpoint endpoint) {
        proxy.connected(conn(connection, endpoint));
        XmlNode created = only(provider.take());
        assertEquals("new", created.attr("lrmd_ipc_op"));
        return created.attr("lrmd_ipc_session");
    }

    @Test
    void availabilityFollowsTheProviderList() {
        providers.add(provider);
        providers.remove(provider);
        assertEquals(List.of(false, true, false), link.availability);
    }

    @Test
    void withoutProviderConnectionIsRefusedAndNothingIsSent() {
        proxy.connected(conn(1, LocalEndpoint.CIB_RW));
        assertEquals(List.of("disconnect 1"), link.calls);
        assertEquals(0, proxy.sessionCount());
    }

    @Test
    void requestIsForwardedWithProxiedFlagClientNameAndUser() throws Exception {
        providers.add(provider);
        String session = openSession(1, LocalEndpoint.CIB_SHM);
        proxy.request(1, request(1, 0x200, "<cib_command t=\"cib\" cib_op=\"register\"/>"));
        XmlNode req = only(provider.take());
        assertEquals("lrmd_ipc_proxy", req.name());
        assertEquals("request", req.attr("lrmd_ipc_op"));
        assertEquals(session, req.attr("lrmd_ipc_session"));
        assertEquals("proxy-cib_rw-4242-" + session.substring(0, 8), req.attr("lrmd_ipc_client"),
                "cib_shm is proxied as cib_rw");
        assertEquals("root", req.attr("lrmd_ipc_user"));
        assertEquals("1", req.attr("lrmd_ipc_msg_id"));
        assertEquals("768", req.attr("lrmd_ipc_msg_flags"));
        assertEquals("notify", req.attr("lrmd_remote_msg_type"));
        assertEquals("cib_command", req.child("lrmd_ipc_msg").get().children().get(0).name());
    }

    @Test
    void responseAndEventReachTheLocalClient() throws Exception {
        providers.add(provider);
        String session = openSession(3, LocalEndpoint.ATTRD);
        proxy.request(3, request(11, 0x200, "<attrd_command/>"));
        provider.take();
        XmlNode payload = XmlNode.builder("ack").attr("rc", "0").build();
        proxy.forwarded(provider, XmlNode.builder("lrmd_ipc_proxy").attr("lrmd_ipc_op", "response")
                .attr("lrmd_ipc_session", session).attr("lrmd_ipc_msg_id", "11")
                .child(XmlNode.builder("lrmd_ipc_msg").child(payload).build()).build());
        proxy.forwarded(provider, XmlNode.builder("lrmd_ipc_proxy").attr("lrmd_ipc_op", "event")
                .attr("lrmd_ipc_session", session)
                .child(XmlNode.builder("lrmd_ipc_msg").child(payload).build()).build());
        assertEquals(List.of("respond 3", "event 3"), link.calls);
        assertEquals(11, ByteBuffer.wrap(link.messages.get(0)).order(ByteOrder.nativeOrder()).getInt(0));
        assertEquals("<ack rc=\"0\"/>", text(link.messages.get(0)));
        int eventFlags = ByteBuffer.wrap(link.messages.get(1)).order(ByteOrder.nativeOrder()).getInt(32);
        assertEquals(PcmkIpcCodec.FLAG_SERVER_EVENT, eventFlags);
        loop.advance(60_000);
        assertEquals(2, link.calls.size(), "an answered request arms no timeout");
    }

    @Test
    void unknownSessionIsAnsweredWithDestroy() {
        providers.add(provider);
        proxy.forwarded(provider, XmlNode.builder("lrmd_ipc_proxy").attr("lrmd_ipc_op", "event")
                .attr("lrmd_ipc_session", "nope").build());
        XmlNode d = only(provider.take());
        assertEquals("destroy", d.attr("lrmd_ipc_op"));
        assertEquals("nope", d.attr("lrmd_ipc_session"));
    }

    @Test
    void clusterDestroyDisconnectsAndLocalCloseSendsDestroyOnce() {
        providers.add(provider);
        String session = openSession(4, LocalEndpoint.CRMD);
        proxy.forwarded(provider, XmlNode.builder("lrmd_ipc_proxy").attr("lrmd_ipc_op", "destroy")
                .attr("lrmd_ipc_session", session).build());
        assertEquals(List.of("disconnect 4"), link.calls);
        proxy.closed(4);
        XmlNode d = only(provider.take());
        assertEquals("destroy", d.attr("lrmd_ipc_op"));
        assertEquals(0, proxy.sessionCount());
        proxy.closed(4);
        assertTrue(provider.take().isEmpty());
    }

    @Test
    void sessionsStayWithTheirProviderAndDieWithIt() throws Exception {
        FakeClient older = new FakeClient();
        providers.add(older);
        proxy.connected(conn(1, LocalEndpoint.CIB_RO));
        providers.add(provider);
        proxy.connected(conn(2, LocalEndpoint.CIB_RO));
        assertEquals(1, older.take().size());
        assertEquals(1, provider.take().size());

        proxy.request(1, request(1, 0x200, "<q/>"));
        assertEquals(1, older.take().size(), "bound to the provider current at connect time");
        assertTrue(provider.take().isEmpty());

        providers.remove(older);
        proxy.clientDisconnected(older, true);
        assertEquals(List.of("disconnect 1"), link.calls);
        proxy.closed(1);
        assertTrue(older.take().isEmpty(), "nothing is sent to a provider that is gone");
        assertEquals(1, proxy.sessionCount());
    }

    @Test
    void unansweredRequestTimesOutAndClosesTheSession() throws Exception {
        providers.add(provider);
        openSession(5, LocalEndpoint.CIB_RW);
        proxy.request(5, request(2, 0x200, "<q/>"));
        provider.take();
        loop.advance(29_999);
        assertTrue(link.calls.isEmpty());
        loop.advance(2);
        assertEquals(List.of("disconnect 5"), link.calls);
        proxy.closed(5);
        assertEquals("destroy", only(provider.take()).attr("lrmd_ipc_op"));
    }

    @Test
    void malformedLocalMessageDisconnectsTheClient() {
        providers.add(provider);
        openSession(6, LocalEndpoint.CIB_RW);
        proxy.request(6, new byte[] {1, 2, 3});
        assertEquals(List.of("disconnect 6"), link.calls);
        assertTrue(provider.take().isEmpty());
    }

    @Test
    void lostHelperClosesEverySession() {
        providers.add(provider);
        openSession(7, LocalEndpoint.CIB_RW);
        openSession(8, LocalEndpoint.ATTRD);
        proxy.lost("helper exited");
        assertEquals(2, provider.take().size());
        assertEquals(0, proxy.sessionCount());
    }

    @Test
    void aUidWithoutPasswdEntryIsForwardedAsUnprivileged() throws Exception {
        providers.add(provider);
        proxy.connected(new LocalConnection(1, LocalEndpoint.CIB_RO, 4242, 4711, 4711, null));
        only(provider.take());
        proxy.request(1, request(1, 0x200, "<cib_command/>"));
        assertEquals("#unprivileged", only(provider.take()).attr("lrmd_ipc_user"));
    }

    @Test
    void providerSpeaking12GetsTheSchemaRequestAndItsAnswerIsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        proxy.fetchSchemasInto(new SchemaDownload(tmp.resolve("schemas"), tmp.resolve("installed")));
        proxy.providerRegistered(provider, "1.1");
        assertTrue(provider.sent.isEmpty(), "a 2.1 cluster has no schemas to offer");

        proxy.providerRegistered(provider, "1.2");
        assertEquals(2, provider.sent.size());
        assertEquals("new", provider.sent.get(0).attr("lrmd_ipc_op"));
        String session = provider.sent.get(1).attr("lrmd_ipc_session");
        assertEquals("register", provider.sent.get(1).find("cib_command").orElseThrow().attr("cib_op"));
        provider.sent.clear();

        proxy.forwarded(provider, proxyMessage("response", session, 1,
                "<cib_common_callback_worker cib_op=\"register\" cib_clientid=\"c0ffee\"/>"));
        XmlNode fetch = only(provider.sent);
        assertEquals("cib_schemas", fetch.find("cib_command").orElseThrow().attr("cib_op"));
        provider.sent.clear();

        proxy.forwarded(provider, proxyMessage("event", session, 0, "<cib_notify t=\"cib_notify\"/>"));
        assertTrue(provider.sent.isEmpty(), "events on the download session are not its answer");

        proxy.forwarded(provider, proxyMessage("response", session, 2,
                "<cib-reply t=\"cib\" cib_op=\"cib_schemas\" cib_callid=\"2\" cib_rc=\"0\"><cib_calldata><schemas>"
                        + "<schema version=\"pacemaker-4.0\"><file path=\"pacemaker-4.0.rng\"><![CDATA[<grammar/>]]></file>"
                        + "</schema></schemas></cib_calldata></cib-reply>"));
        assertEquals("<grammar/>", java.nio.file.Files.readString(tmp.resolve("schemas/pacemaker-4.0.rng")));
        assertEquals("destroy", only(provider.sent).attr("lrmd_ipc_op"));
        provider.sent.clear();

        // The controller answers our destroy with its own: nothing more to say about the session.
        proxy.forwarded(provider, proxyMessage("destroy", session, 0, null));
        assertTrue(provider.sent.isEmpty());
        assertTrue(link.calls.isEmpty(), "no local client is involved");
    }

    private static XmlNode proxyMessage(String op, String session, int msgId, String payload) throws Exception {
        String body = payload == null ? "" : "<lrmd_ipc_msg>" + payload + "</lrmd_ipc_msg>";
        return XmlCodec.parse(("<lrmd_ipc_proxy lrmd_op=\"ipc_fwd\" lrmd_ipc_op=\"" + op + "\" lrmd_ipc_session=\""
                + session + "\" lrmd_ipc_msg_id=\"" + msgId + "\">" + body + "</lrmd_ipc_proxy>")
                .getBytes(StandardCharsets.UTF_8));
    }
}
