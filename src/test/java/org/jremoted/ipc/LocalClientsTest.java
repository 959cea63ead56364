package org.jremoted.ipc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jremoted.ipc.PcmkIpcCodec.Dialect;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.jremoted.testing.FakeClient;
import org.jremoted.testing.FakeLink;
import org.jremoted.testing.FakeLoop;
import org.jremoted.testing.RecordingDispatcher;
import org.jremoted.testing.Requests;
import org.junit.jupiter.api.Test;

/** Local {@code lrmd} clients: decoded here, served by the dispatcher, never proxied. */
class LocalClientsTest {
    private final FakeLoop loop = new FakeLoop();
    private final FakeLink link = new FakeLink();
    private final List<String> proxied = new ArrayList<>();
    /** Stands in for the IPC proxy: records what reaches it. */
    private final LocalIpcListener proxy = new LocalIpcListener() {
        @Override
        public void ready() {
            proxied.add("ready");
        }

        @Override
        public void connected(LocalConnection connection) {
            proxied.add("connected " + connection.id());
        }

        @Override
        public void refused(LocalEndpoint endpoint, int uid, int gid) {
            proxied.add("refused " + endpoint);
        }

        @Override
        public void request(int connection, byte[] message) {
            proxied.add("request " + connection);
        }

        @Override
        public void closed(int connection) {
            proxied.add("closed " + connection);
        }

        @Override
        public void lost(String reason) {
            proxied.add("lost");
        }
    };

    private LocalClients serving(Dispatcher executor) {
        LocalClients local = new LocalClients(executor, proxy, 131072, PcmkIpcCodec.MAX_MESSAGE_SIZE);
        local.attach(link);
        return local;
    }

    private static byte[] request(int id, int flags, String xml) throws Exception {
        return PcmkIpcCodec.encode(Dialect.V2_1, id, flags, xml.getBytes(StandardCharsets.UTF_8), 131072).get(0);
    }

    @Test
    void lrmdClientsAreServedLocallyWithResponsesAndEvents() throws Exception {
        RecordingDispatcher executor = new RecordingDispatcher((client, message) -> {
            client.send(XmlNode.builder("lrmd_notify").attr("lrmd_op", "lrmd_rsc_poke").build());
            client.send(XmlNode.builder("lrmd_reply").attr("lrmd_rc", "0").build());
        });
        LocalClients local = serving(executor);
        local.connected(new LocalConnection(9, LocalEndpoint.LRMD, 77, 1000, 1000, "nobody"));
        local.request(9, request(4, 0x200, "<lrmd_command lrmd_op=\"lrmd_rsc_poke\"/>"));
        local.closed(9);
        assertEquals(List.of("connected false false", "received lrmd_rsc_poke", "disconnected"), executor.seen);
        assertEquals(List.of("event 9", "respond 9"), link.calls);
        assertEquals(4, ByteBuffer.wrap(link.messages.get(1)).order(ByteOrder.nativeOrder()).getInt(0));
        assertTrue(proxied.isEmpty(), "lrmd is never proxied");
    }

    @Test
    void hackerUserIsUnprivilegedButRootAndHaclusterArePrivileged() {
        assertTrue(new LocalExecutorClient(new LocalConnection(1, LocalEndpoint.LRMD, 1, 0, 0, "root"), link,
                131072, 1 << 20).isPrivileged());
        assertTrue(new LocalExecutorClient(new LocalConnection(1, LocalEndpoint.LRMD, 1, 189, 189, "hacluster"),
                link, 131072, 1 << 20).isPrivileged());
        assertFalse(new LocalExecutorClient(new LocalConnection(1, LocalEndpoint.LRMD, 1, 1000, 1000, "alice"),
                link, 131072, 1 << 20).isPrivileged());
    }

    /** A bzip2 stream of n zero bytes inside a 2.1 IPC message claiming n uncompressed bytes. */
    private static byte[] compressedBomb(int id, int n) throws Exception {
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        try (var bz = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(packed)) {
            byte[] zeros = new byte[1 << 20];
            for (int left = n; left > 0; left -= zeros.length) {
                bz.write(zeros, 0, Math.min(left, zeros.length));
            }
        }
        byte[] p = packed.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(40 + p.length).order(ByteOrder.nativeOrder());
        b.putInt(0, id).putInt(8, 40 + p.length).putInt(24, n).putInt(28, p.length)
                .putInt(32, PcmkIpcCodec.FLAG_COMPRESSED).put(36, (byte) 1);
        b.position(40);
        b.put(p);
        return b.array();
    }

    @Test
    void anUnprivilegedLrmdClientsCompressedBombIsRefusedBeforeItIsInflated() throws Exception {
        RecordingDispatcher executor = new RecordingDispatcher();
        LocalClients local = serving(executor);
        byte[] bomb = compressedBomb(5, 8 << 20);
        assertTrue(bomb.length < 1000, "a few hundred bytes on the wire: " + bomb.length);
        local.connected(new LocalConnection(9, LocalEndpoint.LRMD, 77, 1000, 1000, "alice"));
        local.request(9, bomb);
        assertEquals(List.of("connected false false"), executor.seen, "nothing reaches the dispatcher");
        assertEquals(List.of("disconnect 9"), link.calls);
        PcmkIpcCodec.MalformedIpcException e = org.junit.jupiter.api.Assertions.assertThrows(
                PcmkIpcCodec.MalformedIpcException.class,
                () -> new PcmkIpcCodec.Assembler(PcmkIpcCodec.UNPRIVILEGED_MAX_MESSAGE_SIZE).add(bomb));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
        assertEquals(0, new PcmkIpcCodec.Assembler(16 << 20).add(bomb).text().length,
                "within a privileged client's limit it is inflated (to NULs: an empty text)");
    }


    @Test
    void unprivilegedLocalExecutorClientMayOnlyRegisterAndPoke() {
        org.jremoted.testing.DispatcherHarness h = new org.jremoted.testing.DispatcherHarness(
                loop, new org.jremoted.testing.FakeRunner());
        FakeClient local = new FakeClient(false);
        h.dispatcher.connected(local);
        h.dispatcher.received(local, Requests.register("tool", "1.1", 1));
        h.dispatcher.received(local, Requests.command("lrmd_rsc_poke", 2).build());
        h.dispatcher.received(local, Requests.withRsc(Requests.command("lrmd_rsc_register", 3),
                Requests.rsc("r").attr("lrmd_class", "ocf").attr("lrmd_provider", "heartbeat")
                        .attr("lrmd_type", "Dummy").build()));
        List<String> rcs = local.take().stream().filter(m -> m.name().equals("lrmd_reply"))
                .map(m -> m.attr("lrmd_rc")).toList();
        assertEquals(List.of("0", "0", "-13"), rcs);
    }

    @Test
    void helperFramesRoundTrip() throws Exception {
        byte[] payload = ByteBuffer.allocate(13 + 4).order(ByteOrder.nativeOrder())
                .put((byte) 4).putInt(321).putInt(0).putInt(0).put("root".getBytes(StandardCharsets.UTF_8)).array();
        byte[] wire = new HelperFrame(HelperFrame.CONNECTED, 17, payload).encode();
        HelperFrame back = HelperFrame.read(new java.io.ByteArrayInputStream(wire));
        LocalConnection c = back.connectedPayload();
        assertEquals(new LocalConnection(17, LocalEndpoint.ATTRD, 321, 0, 0, "root"), c);
        assertNull(HelperFrame.read(new java.io.ByteArrayInputStream(new byte[0])));
        byte[] bad = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(2).array();
        assertThrows(java.io.IOException.class, () -> HelperFrame.read(new java.io.ByteArrayInputStream(bad)));
        assertEquals("<a/>", XmlCodec.write(XmlNode.builder("a").build()));
    }

    @Test
    void otherEndpointsGoToTheProxyAndPacemakerdIsRefused() throws Exception {
        RecordingDispatcher executor = new RecordingDispatcher();
        LocalClients local = serving(executor);
        local.connected(new LocalConnection(3, LocalEndpoint.CIB_RO, 77, 0, 0, "root"));
        local.request(3, request(1, 0x200, "<cib_command/>"));
        local.closed(3);
        local.connected(new LocalConnection(4, LocalEndpoint.PACEMAKERD, 77, 0, 0, "root"));
        assertEquals(List.of("connected 3", "request 3", "closed 3"), proxied);
        assertEquals(List.of("disconnect 4"), link.calls);
        assertTrue(executor.seen.isEmpty(), "no executor client: " + executor.seen);
    }

    @Test
    void aLostHelperDisconnectsEveryLocalExecutorClientToo() {
        RecordingDispatcher executor = new RecordingDispatcher();
        LocalClients local = serving(executor);
        local.connected(new LocalConnection(9, LocalEndpoint.LRMD, 77, 0, 0, "root"));
        assertEquals(1, local.executorClientCount());
        local.lost("helper exited");
        assertEquals(List.of("connected false true", "disconnected"), executor.seen);
        assertEquals(List.of("lost"), proxied);
        assertEquals(0, local.executorClientCount());
    }
}
