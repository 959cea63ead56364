package org.jremoted.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jremoted.daemon.ClusterOwnership;
import org.jremoted.daemon.Config;
import org.jremoted.transport.AuthKeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jremoted keygen}: writes a new Pacemaker Remote key in the conventional form (4096 random
 * bytes, mode 0640, owner hacluster, group haclient), never replacing an existing key by accident:
 * a replaced key locks the cluster out until every node has the new one.
 */
@Command(name = "keygen", sortOptions = false, exitCodeOnInvalidInput = Main.EXIT_USAGE,
        headerHeading = "%n", synopsisHeading = "%n", descriptionHeading = "%nDescription:%n%n",
        optionListHeading = "%nOptions:%n", exitCodeListHeading = "%nExit status:%n",
        header = "Create a Pacemaker Remote pre-shared key.",
        description = {
            "Writes 4096 random bytes to the key file (mode 0640; owner hacluster and group haclient where"
                + " they exist; the directory is created with mode 0750 if missing). The same file must then be"
                + " copied to every cluster node and remote node, e.g. with"
                + " 'scp -p /etc/pacemaker/authkey node:/etc/pacemaker/authkey'.",
            "An existing file is only replaced with --force, atomically (a reader sees the old or the new key,"
                + " never a partial one). Running daemons pick a replaced key up within 60 seconds.",
        },
        exitCodeList = {
            "0:the key was written",
            "1:the key file exists and --force was not given",
            "2:the key could not be written",
            "64:command-line usage error",
        })
public final class Keygen implements Callable<Integer> {
    public static final int KEY_BYTES = 4096;
    static final int EXISTS = 1;
    static final int WRITE_FAILED = 2;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--path"}, paramLabel = "FILE",
            description = "Key file (default: PCMK_authkey_location, else /etc/pacemaker/authkey)")
    Path path;

    @Option(names = {"-f", "--force"}, description = "Replace an existing key file")
    boolean force;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
    boolean help;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path target = path;
        if (target == null) {
            Path configured = Config.fromEnvironment(env).authkeyLocation();
            target = configured != null ? configured : AuthKeyStore.DEFAULT_LOCATION;
        }
        try {
            boolean replaced = write(target, force, new SecureRandom());
            out.println((replaced ? "Replaced " : "Created ") + target + " (" + KEY_BYTES
                    + " random bytes, mode 0640). Copy it to every cluster node and remote node.");
            return 0;
        } catch (FileAlreadyExistsException e) {
            err.println("jremoted keygen: " + target + " already exists; use --force to replace it"
                    + " (every node must then get the new key)");
            return EXISTS;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            err.println("jremoted keygen: cannot write " + target + ": " + e);
            return WRITE_FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Writes the key; returns true if it replaced an existing file.
     *
     * @throws FileAlreadyExistsException if the file exists and {@code force} is false
     */
    static boolean write(Path target, boolean force, SecureRandom random) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            setOwnership(dir);
        }
        boolean exists = Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (exists && !force) {
            throw new FileAlreadyExistsException(target.toString());
        }
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        // Written under a temporary name with no group/other access, then renamed: the key is never
        // visible half-written nor readable by others while its group is still being set.
        Path tmp = dir.resolve("." + target.getFileName() + ".jremoted-keygen." + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer b = ByteBuffer.wrap(key);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            setOwnership(tmp);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r-----"));
            if (force) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // A link fails if the name appeared meanwhile, where a rename would overwrite it.
                Files.createLink(target, tmp);
                Files.delete(tmp);
            }
        } finally {
            Files.deleteIfExists(tmp);
            java.util.Arrays.fill(key, (byte) 0);
        }
        return exists;
    }

    private static void setOwnership(Path p) throws IOException {
        ClusterOwnership.apply(p, "root".equals(System.getProperty("user.name")));
    }
}
