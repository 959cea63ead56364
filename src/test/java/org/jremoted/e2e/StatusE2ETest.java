package org.jremoted.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jremoted.cli.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code jremoted status} against a real daemon lists both kinds of executor client: a cluster
 * node's (TLS, through Pacemaker's client library) and a tool's on the node itself (the local
 * {@code lrmd} IPC endpoint, through the same library). The daemon runs in a network namespace
 * of its own so that its libqb names are its own.
 */
@Timeout(120)
class StatusE2ETest {

    private DaemonUnderTest daemon;

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private String status(Path socket, String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Status());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        String[] args = new String[extra.length + 2];
        args[0] = "--socket";
        args[1] = socket.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        int rc = cmd.execute(args);
        assertEquals(0, rc, err + "\n" + daemon.diagnostics());
        return out.toString();
    }

    @Test
    void statusListsARemoteAndALocalExecutorClient() throws Exception {
        Path socket = E2E.newRunDir("status-socket").resolve("status.sock");
        daemon = DaemonUnderTest.start("status", Map.of("JREMOTED_STATUS_SOCKET", socket.toString()), true);
        assertTrue(E2E.waitFor(() -> daemon.log().contains("Local IPC endpoints published"), Duration.ofSeconds(30),
                Duration.ofMillis(100)), "local IPC endpoints never came up\n" + daemon.diagnostics());
        try (LrmdClient.Background remote = LrmdClient.start(daemon, "-n", "cluster-node-e2e", "watch", "60");
             LrmdClient.Background local = LrmdClient.startLocal(daemon, "-n", "local-tool-e2e", "watch", "60")) {
            assertTrue(E2E.waitFor(() -> remote.stdout().contains("connected=1")
                    && local.stdout().contains("connected=1"), Duration.ofSeconds(30), Duration.ofMillis(100)),
                    "clients did not connect\nremote: " + remote.stdout() + "\nlocal: " + local.stdout() + "\n"
                            + daemon.diagnostics());
            String table = status(socket);
            assertTrue(table.contains("cluster-node-e2e"), table);
            assertTrue(table.contains("local-tool-e2e"), table);
            String json = status(socket, "--json");
            assertTrue(json.matches("(?s).*\"name\": ?\"cluster-node-e2e\"[^}]*\"remote\": ?true.*"), json);
            assertTrue(json.matches("(?s).*\"name\": ?\"local-tool-e2e\"[^}]*\"remote\": ?false.*"), json);
        }
    }
}
