package org.jremoted.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;

/**
 * A connection to the local syslog socket ({@code /dev/log}). That socket is a unix
 * <em>datagram</em> socket, which the JDK cannot open (its unix-domain support is stream-only), so
 * the few libc calls are made through JNA. One datagram per message, as glibc's syslog() sends.
 * Failures never reach the caller as exceptions: logging must not take the daemon down, so a
 * message that cannot be delivered is dropped and the socket reopened on the next one.
 */
final class SyslogSocket implements Closeable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un) on Linux: sa_family_t plus 108 path bytes. */
    private static final int SOCKADDR_UN_SIZE = 110;

    /** The libc functions used, bound once. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int connect(int fd, byte[] address, int length) throws LastErrorException;

        long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static volatile LibC libc;

    private final String path;
    private int fd = -1;

    SyslogSocket(String path) {
        this.path = path;
    }

    private static LibC libc() {
        LibC l = libc;
        if (l == null) {
            l = Native.load("c", LibC.class);
            libc = l;
        }
        return l;
    }

    /** struct sockaddr_un in host byte order (x86-64 and arm64 are little-endian). */
    static byte[] address(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("socket path too long: " + path);
        }
        byte[] addr = new byte[SOCKADDR_UN_SIZE];
        addr[0] = (byte) AF_UNIX;
        addr[1] = 0;
        System.arraycopy(p, 0, addr, 2, p.length);
        return addr;
    }

    /** Sends one message; true if the kernel took it. */
    synchronized boolean send(byte[] message) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (fd < 0) {
                    open();
                }
                libc().send(fd, message, message.length, MSG_NOSIGNAL);
                return true;
            } catch (LastErrorException | UnsatisfiedLinkError | IllegalArgumentException e) {
                // The syslog daemon may have restarted (a new socket at the same path): reconnect once.
                closeQuietly();
            }
        }
        return false;
    }

    private void open() {
        int s = libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try {
            byte[] addr = address(path);
            libc().connect(s, addr, addr.length);
        } catch (LastErrorException | IllegalArgumentException e) {
            libc().close(s);
            throw e;
        }
        fd = s;
    }

    private void closeQuietly() {
        if (fd >= 0) {
            try {
                libc().close(fd);
            } catch (LastErrorException ignored) {
                // nothing useful to do about a failed close of a datagram socket
            }
            fd = -1;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
