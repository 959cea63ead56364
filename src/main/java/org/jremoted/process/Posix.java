package org.jremoted.process;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls Java cannot make itself, for launching and reaping agent processes.
 *
 * <p>Constants are the Linux generic/x86-64 values (the daemon's target platform).
 */
final class Posix {

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

    /**
     * libc, mapped directly ({@link Native#register}): a call costs a JNI transition and an
     * ffi_call, ~1.5 µs less than through an interface proxy, which boxes every argument and goes
     * through reflection. A spawn makes ~25 of these calls. Only fixed-argument functions can be
     * mapped this way; functions that older glibc versions lack have a class of their own below.
     */
    static final class C {
        static native int posix_spawn(Pointer pid, Pointer path, Pointer fileActions, Pointer attr,
                                      Pointer argv, Pointer envp);

        static native int posix_spawn_file_actions_init(Pointer fileActions);

        static native int posix_spawn_file_actions_destroy(Pointer fileActions);

        static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

        static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, Pointer path, int flags,
                                                           int mode);

        static native int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

        static native int posix_spawnattr_init(Pointer attr);

        static native int posix_spawnattr_destroy(Pointer attr);

        static native int posix_spawnattr_setflags(Pointer attr, short flags);

        static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

        static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

        static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

        static native int posix_spawnattr_setschedpolicy(Pointer attr, int policy);

        static native int posix_spawnattr_setschedparam(Pointer attr, Pointer param);

        static native int sched_getscheduler(int pid);

        static native int sigemptyset(Pointer set);

        static native int kill(int pid, int signal);

        static native int waitpid(int pid, Pointer status, int options);

        static native int waitid(int idType, int id, Pointer info, int options);

        static native long read(int fd, Pointer buffer, long count);

        static native long write(int fd, Pointer buffer, long count);

        static native int close(int fd);

        static native int poll(Pointer fds, long count, int timeoutMs);

        static native int eventfd(int initialValue, int flags);

        static native int pipe2(Pointer fds, int flags);

        static native int fcntl(int fd, int cmd, int arg);

        static native int umask(int mask);

        static native int getrlimit(int resource, Pointer limit);

        static native String strerror(int errno);

        static {
            Native.register(C.class, LIBC);
        }

        private C() {
        }
    }

    /*
     * GNU extensions that not every supported glibc has, one class each so that a missing one
     * does not take the others down: registration fails, and calling the method then throws
     * UnsatisfiedLinkError, which the callers handle.
     */

    /** glibc 2.29. */
    static final class Chdir {
        static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, Pointer path);

        static {
            tryRegister(Chdir.class);
        }

        private Chdir() {
        }
    }

    /** glibc 2.34. */
    static final class Closefrom {
        static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

        static {
            tryRegister(Closefrom.class);
        }

        private Closefrom() {
        }
    }

    /** glibc 2.36; without it, the raw system call through the variadic {@code syscall()}. */
    static final class Pidfd {
        static final boolean MAPPED = tryRegister(Pidfd.class);

        static native int pidfd_open(int pid, int flags);

        private Pidfd() {
        }
    }

    /** The variadic {@code syscall()}, which direct mapping cannot express (slow: a proxy call). */
    interface Variadic extends Library {
        long syscall(long number, Object... args);
    }

    private static final class VariadicHolder {
        static final Variadic C = Native.load("c", Variadic.class);
    }

    private static boolean tryRegister(Class<?> holder) {
        try {
            Native.register(holder, LIBC);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static final NativeLibrary LIBC = NativeLibrary.getInstance("c");

    private Posix() {
    }

    /** {@code pidfd_open(pid, 0)}: a descriptor that becomes readable when the child exits; -1 and errno on failure. */
    static int pidfdOpen(int pid) {
        if (Pidfd.MAPPED) {
            return Pidfd.pidfd_open(pid, 0);
        }
        return (int) VariadicHolder.C.syscall(SYS_PIDFD_OPEN, (long) pid, 0L);
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

    /** The current soft stack limit in bytes, or -1 for unlimited/unknown. */
    static long stackLimit() {
        Memory rlim = new Memory(16);
        if (C.getrlimit(RLIMIT_STACK, rlim) != 0) {
            return -1;
        }
        return rlim.getLong(0);
    }
}
