package org.jremoted.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jremoted.ipc.LocalConnection;
import org.jremoted.ipc.LocalEndpoint;
import org.jremoted.ipc.PcmkIpcCodec;
import org.jremoted.testing.FakeClient;
import org.jremoted.testing.FakeLink;
import org.jremoted.testing.FakeLoop;
import org.jremoted.testing.Requests;
import org.junit.jupiter.api.Test;

/** The composition root as the daemon builds it, driven from both kinds of client. */
class ServicesTest {
    private final FakeLoop loop = new FakeLoop();
    private final List<Integer> exits = new ArrayList<>();
    private final Services services = Services.createWithoutEndpoints(
            Config.fromEnvironment(Map.of("JREMOTED_SCHEMA_DOWNLOAD", "no")), loop, exits::add);

    private static byte[] ipcRequest(int id, String xml) throws Exception {
        return PcmkIpcCodec.encode(PcmkIpcCodec.Dialect.V2_1, id, 0x200, xml.getBytes(StandardCharsets.UTF_8),
                131072).get(0);
    }

    @Test
    void aLocalLrmdClientIsTrackedForStatusLikeARemoteOne() throws Exception {
        FakeClient remote = new FakeClient();
        services.dispatcher().connected(remote);
        services.dispatcher().received(remote, Requests.register("crmd", "1.1", 1));

        FakeLink link = new FakeLink();
        services.localClients().attach(link);
        services.localClients().connected(new LocalConnection(5, LocalEndpoint.LRMD, 777, 0, 0, "root"));
        services.localClients().request(5, ipcRequest(1, "<lrmd_command lrmd_op=\"register\""
                + " lrmd_clientname=\"crm_resource\" lrmd_protocol_version=\"1.1\"/>"));
        assertEquals(List.of("respond 5"), link.calls, "the local client got its register reply");

        List<ClientTracker.ClientInfo> clients = services.dispatcher().clients();
        assertEquals(List.of("crmd", "crm_resource"), clients.stream().map(ClientTracker.ClientInfo::name).toList());
        assertEquals(List.of(true, false), clients.stream().map(ClientTracker.ClientInfo::remote).toList());
        String table = StatusSnapshot.of(0, services.dispatcher(), services.executor()).toTable();
        assertTrue(table.contains("crm_resource") && table.contains("local pid 777"), table);

        services.localClients().closed(5);
        assertEquals(List.of("crmd"), services.dispatcher().clients().stream()
                .map(ClientTracker.ClientInfo::name).toList(), "a local client that left is no longer listed");
    }

    @Test
    void sigtermWithoutAClusterConnectionExitsAtOnce() {
        services.terminationRequested();
        assertEquals(List.of(0), exits);
    }
}
