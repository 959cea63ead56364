package org.jremoted.agents.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The runtime drop-in Pacemaker puts next to a unit it starts (docs/agents.md §5.4, 3.0 layout):
 * {@code <root>/<unit>.d/50-pacemaker.conf}, ordering the unit before pacemaker and
 * pacemaker_remote (so at host shutdown systemd stops the resource only after the daemon is gone)
 * and, for services, switching off systemd's own restarts.
 */
public final class DropIn {

    /** Runtime unit directory: gone at reboot, like the cluster's knowledge of what ran. */
    public static final Path DEFAULT_ROOT = Path.of("/run/systemd/system");
    public static final String FILE_NAME = "50-pacemaker.conf";

    private final Path root;

    public DropIn(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Where the drop-in of a unit lives. */
    public Path path(String unit) {
        return root.resolve(unit + ".d").resolve(FILE_NAME);
    }

    /** The file's content for a unit configured as {@code type}. */
    public static String content(String type, String unit) {
        StringBuilder sb = new StringBuilder();
        sb.append("[Unit]\n");
        sb.append("Description=Cluster Controlled ").append(type).append('\n');
        sb.append("Before=pacemaker.service pacemaker_remote.service\n");
        if (UnitNames.isService(unit)) {
            sb.append('\n');
            sb.append("[Service]\n");
            sb.append("Restart=no\n");
        }
        return sb.toString();
    }

    /**
     * Write the drop-in (directories 0755, file 0644, replaced atomically so systemd never reads
     * half a file). Returns whether the file on disk changed, i.e. whether systemd needs a reload
     * to see it.
     */
    public boolean write(String type, String unit) throws IOException {
        Path file = path(unit);
        byte[] wanted = content(type, unit).getBytes(StandardCharsets.UTF_8);
        try {
            if (Arrays.equals(Files.readAllBytes(file), wanted)) {
                return false;
            }
        } catch (IOException e) {
            // absent or unreadable: write it
        }
        Path dir = file.getParent();
        Files.createDirectories(dir);
        // createDirectories honours the umask (0026 in the daemon), systemd wants world-readable
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = dir.resolve("." + FILE_NAME + ".tmp");
        Files.write(tmp, wanted);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * Remove the drop-in, and its directory if that is then empty. Returns whether a file was
     * removed (systemd then needs a reload).
     */
    public boolean remove(String unit) throws IOException {
        Path file = path(unit);
        boolean removed = Files.deleteIfExists(file);
        try {
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            // not empty (someone else's drop-ins) or already gone: leave it
        }
        return removed;
    }
}
