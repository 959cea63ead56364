package org.jremoted.ipc;

/**
 * A local process that connected to one of our endpoints; the credentials come from the socket
 * (SO_PEERCRED via libqb), not from anything the client says. {@code user} is null when the uid
 * has no passwd entry.
 */
public record LocalConnection(int id, LocalEndpoint endpoint, int pid, int uid, int gid, String user) {

    /** What the cluster is told for a uid without a name; its ACLs then deny everything. */
    public static final String UNPRIVILEGED_USER = "#unprivileged";

    /**
     * The user name the cluster applies ACLs to ({@code lrmd_ipc_user}): the passwd name, root for
     * uid 0, and for a uid without a passwd entry {@link #UNPRIVILEGED_USER}, as upstream does
     * rather than leaving the attribute out.
     */
    public String aclUser() {
        if (user != null) {
            return user;
        }
        return uid == 0 ? "root" : UNPRIVILEGED_USER;
    }
}
