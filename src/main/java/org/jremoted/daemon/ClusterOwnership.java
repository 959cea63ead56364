package org.jremoted.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Files the rest of the cluster must read (the authkey, the detail log) belong to
 * {@code hacluster:haclient}, as upstream's packaging and daemons arrange. Hosts without those
 * accounts yet (Pacemaker not installed) keep the file as it is.
 */
public final class ClusterOwnership {
    public static final String USER = "hacluster";
    public static final String GROUP = "haclient";

    private ClusterOwnership() {
    }

    /**
     * Gives {@code file} to hacluster:haclient where those exist.
     *
     * @param asRoot whether this process runs as root: only root can change the owner, and a
     *               user outside haclient cannot hand a file to that group (then the mode alone
     *               has to do), so failures are errors only for root
     */
    public static void apply(Path file, boolean asRoot) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        UserPrincipalLookupService lookup = file.getFileSystem().getUserPrincipalLookupService();
        if (asRoot) {
            try {
                view.setOwner(lookup.lookupPrincipalByName(USER));
            } catch (UserPrincipalNotFoundException e) {
                // no cluster user on this host (yet): root keeps the file, and root can read it
            }
        }
        try {
            view.setGroup(lookup.lookupPrincipalByGroupName(GROUP));
        } catch (UserPrincipalNotFoundException e) {
            // likewise without the cluster group
        } catch (IOException e) {
            if (asRoot) {
                throw e;
            }
        }
    }
}
