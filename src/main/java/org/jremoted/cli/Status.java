package org.jremoted.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jremoted.daemon.StatusServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jremoted status}: what the running daemon is doing, asked over its root-only local socket. */
@Command(name = "status", sortOptions = false, exitCodeOnInvalidInput = Main.EXIT_USAGE,
        headerHeading = "%n", synopsisHeading = "%n", descriptionHeading = "%nDescription:%n%n",
        optionListHeading = "%nOptions:%n", exitCodeListHeading = "%nExit status:%n",
        header = "Show the running daemon's clients, resources and operations.",
        description = "Asks the running jremoted over its local status socket (root only) for its connected"
                + " clients, registered resources with their recurring operations, and the operations executing"
                + " now. Read-only: it does not disturb the cluster connection.",
        exitCodeList = {
            "0:the daemon answered",
            "1:the daemon is not running (no status socket) or did not answer",
            "4:permission denied (run as root)",
            "64:command-line usage error",
        })
public final class Status implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Option(names = {"-s", "--socket"}, paramLabel = "PATH", hidden = true,
            description = "Status socket (default: /run/jremoted/status.sock)")
    Path socket = StatusServer.DEFAULT_SOCKET;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap((json ? "json\n" : "table\n").getBytes(StandardCharsets.US_ASCII)));
            c.shutdownOutput();
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(8192);
            while (c.read(b) >= 0) {
                buf.write(b.array(), 0, b.position());
                b.clear();
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            if (text.startsWith("error:")) {
                err.print("jremoted status: " + text);
                return 1;
            }
            out.print(text);
            return 0;
        } catch (AccessDeniedException e) {
            err.println("jremoted status: permission denied on " + socket + " (run as root)");
            return 4;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("ermission denied")) {
                err.println("jremoted status: permission denied on " + socket + " (run as root)");
                return 4;
            }
            err.println("jremoted status: cannot reach the daemon at " + socket + " (" + m + "); is it running?");
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
