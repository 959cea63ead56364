package org.jremoted.agents;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls Java cannot make itself, for launching and reaping agent processes.
 *
 * <p>Constants are the Linux generic/x86-64 values (the daemon's target platform).
 */
final class Posix {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int E2BIG = 7;
    static final int ENOEXEC = 8;
    static final int ECHILD = 10;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;

    static final int SIGKILL = 9;

    static final int O_RDONLY = 0;

    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final short POSIX_SPAWN_SETSCHEDULER = 0x20;

    static final int WNOHANG = 1;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x01000000;
    static final int P_PID = 1;

    static final int POLLIN = 1;
    static final int EFD_CLOEXEC = 02000000;
    static final int EFD_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int EAGAIN = 11;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int O_NONBLOCK = 04000;
    static final int POLLHUP = 0x10;
    static final int POLLERR = 0x08;
    static final int POLLNVAL = 0x20;
    static final int RLIMIT_STACK = 3;
    static final int SCHED_OTHER = 0;

    /** pidfd_open has the same number on every architecture (added after the syscall table unification). */
    static final long SYS_PIDFD_OPEN = 434;

    /** Generous upper bounds for glibc's opaque structures (actual x86-64 sizes: 80, 336, 128). */
    static final int FILE_ACTIONS_SIZE = 512;
    static final int SPAWNATTR_SIZE = 1024;
    static final int SIGSET_SIZE = 256;

    interface LibC extends Library {
        int posix_spawn(IntByReference pid, Pointer path, Pointer fileActions, Pointer attr,
                        Pointer argv, Pointer envp);

        int posix_spawn_file_actions_init(Pointer fileActions);

        int posix_spawn_file_actions_destroy(Pointer fileActions);

        int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

        int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, Pointer path, int flags, int mode);

        int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

        int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

        int posix_spawn_file_actions_addchdir_np(Pointer fileActions, Pointer path);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

        int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

        int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

        int posix_spawnattr_setschedpolicy(Pointer attr, int policy);

        int posix_spawnattr_setschedparam(Pointer attr, Pointer param);

        int sched_getscheduler(int pid);

        int sigemptyset(Pointer set);

        int kill(int pid, int signal);

        int waitpid(int pid, IntByReference status, int options);

        int waitid(int idType, int id, Pointer info, int options);

        long read(int fd, Pointer buffer, long count);

        long write(int fd, Pointer buffer, long count);

        int close(int fd);

        int poll(Pointer fds, long count, int timeoutMs);

        int eventfd(int initialValue, int flags);

        int pipe2(int[] fds, int flags);

        int fcntl(int fd, int cmd, int arg);

        long syscall(long number, Object... args);

        int umask(int mask);

        int getrlimit(int resource, Pointer limit);

        String strerror(int errno);
    }

    static final LibC C = Native.load("c", LibC.class);

    private Posix() {
    }

    static int errno() {
        return Native.getLastError();
    }

    /** A NUL-terminated UTF-8 copy of {@code s} in native memory. */
    static Memory cString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(bytes.length + 1L);
        m.write(0, bytes, 0, bytes.length);
        m.setByte(bytes.length, (byte) 0);
        return m;
    }

    /**
     * A NULL-terminated array of C strings, kept alive by the returned holder: UTF-8 regardless of
     * the JVM's default charset, so agents see parameters exactly as the cluster sent them.
     */
    static final class CStringArray {
        final Memory pointers;
        final Memory[] strings;

        CStringArray(byte[][] items) {
            strings = new Memory[items.length];
            pointers = new Memory((long) (items.length + 1) * Native.POINTER_SIZE);
            for (int i = 0; i < items.length; i++) {
                Memory m = new Memory(items[i].length + 1L);
                m.write(0, items[i], 0, items[i].length);
                m.setByte(items[i].length, (byte) 0);
                strings[i] = m;
                pointers.setPointer((long) i * Native.POINTER_SIZE, m);
            }
            pointers.setPointer((long) items.length * Native.POINTER_SIZE, null);
        }
    }

    static String describeErrno(int errno) {
        String text = C.strerror(errno);
        return text == null ? "errno " + errno : text;
    }

    /** The current soft stack limit in bytes, or -1 for unlimited/unknown. */
    static long stackLimit() {
        Memory rlim = new Memory(16);
        if (C.getrlimit(RLIMIT_STACK, rlim) != 0) {
            return -1;
        }
        return rlim.getLong(0);
    }
}
