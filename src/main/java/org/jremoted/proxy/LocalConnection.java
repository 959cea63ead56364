package org.jremoted.proxy;

/**
 * A local process that connected to one of our endpoints; the credentials come from the socket
 * (SO_PEERCRED via libqb), not from anything the client says. {@code user} is null when the uid
 * has no passwd entry.
 */
public record LocalConnection(int id, LocalEndpoint endpoint, int pid, int uid, int gid, String user) {
}
