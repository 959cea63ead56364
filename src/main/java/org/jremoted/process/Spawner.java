package org.jremoted.process;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native half of a spawn: the pipes and one {@code posix_spawn} (or two, for the ENOEXEC
 * retry), with glibc's structures kept from one spawn to the next. One per thread; only the
 * {@code agent-io} thread spawns.
 *
 * <p>What is kept, and why it is the same every time:
 * <ul>
 *   <li>the spawn attributes (process group, signal mask and defaults) never change; only the
 *       scheduler reset depends on the calling thread's policy, checked per spawn;</li>
 *   <li>the file actions (stdin from /dev/null, the two pipe write ends onto 1 and 2, close
 *       everything from 3, chdir) depend only on the write ends' numbers and the working
 *       directory. The kernel hands out the lowest free descriptors, so one agent at a time gets
 *       the same numbers every time, and the actions are rebuilt only when they differ. Each
 *       rebuild costs seven libc calls, and glibc's checks make five getrlimit() system calls.</li>
 * </ul>
 * Allocating the structures per spawn (JNA {@code Memory} objects freed by a cleaner after a GC)
 * made the heap and the native heap grow with the number of agents run: at 200 monitors a second
 * the heap reached ~40 MiB, most of it cleaner bookkeeping waiting for a full GC.
 */
final class Spawner {

    private static final Logger log = LoggerFactory.getLogger(Spawner.class);

    /** argv/envp blocks up to this size are kept for the next spawn; bigger ones are freed at once. */
    static final int KEPT_STRINGS_BLOCK = 64 * 1024;

    private static final Memory DEV_NULL = Posix.cString("/dev/null");
    private static final Memory BIN_SH = Posix.cString("/bin/sh");
    private static final byte[] SHELL = "/bin/sh".getBytes(StandardCharsets.UTF_8);
    private static final Memory EMPTY_SIGSET = new Memory(Posix.SIGSET_SIZE);
    /** Every signal, including glibc's internal 32/33, which sigfillset() leaves out. */
    private static final Memory ALL_SIGNALS = new Memory(Posix.SIGSET_SIZE);
    private static final Memory SCHED_PARAM = new Memory(16);
    private static volatile boolean closefromMissing;

    static {
        Posix.C.sigemptyset(EMPTY_SIGSET);
        ALL_SIGNALS.setMemory(0, Posix.SIGSET_SIZE, (byte) 0xff);
        SCHED_PARAM.clear();
    }

    private static final ThreadLocal<Spawner> PER_THREAD = ThreadLocal.withInitial(Spawner::new);

    private final Memory actions = new Memory(Posix.FILE_ACTIONS_SIZE);
    private final Memory attr = new Memory(Posix.SPAWNATTR_SIZE);
    /** pid_t for posix_spawn, then the two int[2] of pipe2. */
    private final Memory ints = new Memory(24);
    private final Memory strings = new Memory(KEPT_STRINGS_BLOCK);
    private final ByteBuffer stringsView = view(strings);

    private int pipeErrno;
    private boolean actionsBuilt;
    private int actionsStdout = -1;
    private int actionsStderr = -1;
    private Memory actionsDirectory;
    private boolean attrBuilt;
    private boolean attrResetsScheduler;

    static Spawner current() {
        return PER_THREAD.get();
    }

    /**
     * The stdout and stderr pipes, all ends close-on-exec: {stdout read, stdout write, stderr
     * read, stderr write}. Null on failure, with the error in {@link #pipeErrno}.
     */
    int[] pipes() {
        if (Posix.C.pipe2(ints.share(8), Posix.O_CLOEXEC) != 0) {
            pipeErrno = Posix.errno();
            return null;
        }
        int[] fds = {ints.getInt(8), ints.getInt(12), -1, -1};
        if (Posix.C.pipe2(ints.share(16), Posix.O_CLOEXEC) != 0) {
            pipeErrno = Posix.errno();
            Posix.C.close(fds[0]);
            Posix.C.close(fds[1]);
            return null;
        }
        fds[2] = ints.getInt(16);
        fds[3] = ints.getInt(20);
        // Only our read ends are non-blocking; the agent's write ends stay blocking. A fresh read
        // end has no status flags (O_CLOEXEC is a descriptor flag), so no F_GETFL is needed.
        Posix.C.fcntl(fds[0], Posix.F_SETFL, Posix.O_NONBLOCK);
        Posix.C.fcntl(fds[2], Posix.F_SETFL, Posix.O_NONBLOCK);
        return fds;
    }

    /** Why the last {@link #pipes} failed. */
    int pipeErrno() {
        return pipeErrno;
    }

    /**
     * posix_spawn {@code argv[0]} with {@code argv} and {@code env}, stdout/stderr onto the given
     * write ends, in {@code workingDirectory} (null: the JVM's). Returns the PID, or minus the
     * error posix_spawn reported. The caller closes the write ends.
     */
    int spawn(List<byte[]> argv, ChildEnvironment.Entries env, int stdoutWrite, int stderrWrite,
              Memory workingDirectory) {
        prepareActions(stdoutWrite, stderrWrite, workingDirectory);
        prepareAttributes();
        long size = stringsSize(argv, env);
        Memory block;
        ByteBuffer blockView;
        Memory oneOff = null;
        if (size <= KEPT_STRINGS_BLOCK) {
            block = strings;
            blockView = stringsView;
        } else {
            oneOff = new Memory(size);
            block = oneOff;
            blockView = view(oneOff);
        }
        try {
            long argvAt = pack(blockView, Pointer.nativeValue(block), argv, env);
            Pointer envp = block;
            Pointer argvWithShell = block.share(argvAt);
            Pointer argvp = block.share(argvAt + Native.POINTER_SIZE);
            int error = Posix.C.posix_spawn(ints, argvp.getPointer(0), actions, attr, argvp, envp);
            if (error == Errno.ENOEXEC) {
                // execvp(), which upstream uses, runs a file without a #! line with /bin/sh.
                error = Posix.C.posix_spawn(ints, BIN_SH, actions, attr, argvWithShell, envp);
            }
            return error == 0 ? ints.getInt(0) : -error;
        } finally {
            // The child has exec'd or failed by now (glibc's posix_spawn waits for that), so the
            // strings can go.
            if (oneOff != null) {
                oneOff.close();
            }
            if (closefromMissing) {
                // The list of descriptors to close is only valid for this spawn.
                Posix.C.posix_spawn_file_actions_destroy(actions);
                actionsBuilt = false;
            }
        }
    }

    private void prepareActions(int stdoutWrite, int stderrWrite, Memory workingDirectory) {
        if (actionsBuilt && stdoutWrite == actionsStdout && stderrWrite == actionsStderr
                && workingDirectory == actionsDirectory) {
            return;
        }
        if (actionsBuilt) {
            Posix.C.posix_spawn_file_actions_destroy(actions);
            actionsBuilt = false;
        }
        Posix.C.posix_spawn_file_actions_init(actions);
        actionsBuilt = true;
        actionsStdout = -1;
        Posix.C.posix_spawn_file_actions_addopen(actions, 0, DEV_NULL, Posix.O_RDONLY, 0);
        Posix.C.posix_spawn_file_actions_adddup2(actions, stdoutWrite, 1);
        Posix.C.posix_spawn_file_actions_adddup2(actions, stderrWrite, 2);
        closeInheritedDescriptors();
        if (workingDirectory != null) {
            Posix.Chdir.posix_spawn_file_actions_addchdir_np(actions, workingDirectory);
        }
        actionsStdout = stdoutWrite;
        actionsStderr = stderrWrite;
        actionsDirectory = workingDirectory;
    }

    private void prepareAttributes() {
        if (!attrBuilt) {
            Posix.C.posix_spawnattr_init(attr);
            Posix.C.posix_spawnattr_setpgroup(attr, 0);
            Posix.C.posix_spawnattr_setsigmask(attr, EMPTY_SIGSET);
            // Every signal back to default, including glibc's internal 32/33, which sigfillset()
            // leaves out and which posix_spawn would otherwise leave ignored in the agent.
            Posix.C.posix_spawnattr_setsigdefault(attr, ALL_SIGNALS);
            Posix.C.posix_spawnattr_setschedpolicy(attr, Posix.SCHED_OTHER);
            Posix.C.posix_spawnattr_setschedparam(attr, SCHED_PARAM);
        }
        boolean resetScheduler = Posix.C.sched_getscheduler(0) > Posix.SCHED_OTHER;
        if (!attrBuilt || resetScheduler != attrResetsScheduler) {
            int flags = Posix.POSIX_SPAWN_SETPGROUP | Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF;
            if (resetScheduler) {
                flags |= Posix.POSIX_SPAWN_SETSCHEDULER;
            }
            Posix.C.posix_spawnattr_setflags(attr, (short) flags);
            attrResetsScheduler = resetScheduler;
            attrBuilt = true;
        }
    }

    private void closeInheritedDescriptors() {
        if (!closefromMissing) {
            try {
                Posix.Closefrom.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                return;
            } catch (UnsatisfiedLinkError e) {
                // glibc before 2.34
                closefromMissing = true;
            }
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (fd > 2) {
                    Posix.C.posix_spawn_file_actions_addclose(actions, fd);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Could not list open descriptors: {}", e.toString());
        }
    }

    /** Bytes {@link #pack} needs. */
    static long stringsSize(List<byte[]> argv, ChildEnvironment.Entries env) {
        long total = (env.size() + 1L + 1L + argv.size() + 1L) * Native.POINTER_SIZE + SHELL.length + 1L;
        for (byte[] b : argv) {
            total += b.length + 1L;
        }
        return total + env.copiedBytes();
    }

    /**
     * One native block at {@code address}, written through {@code view} (plain memory writes, not
     * one JNI call per string and pointer): the envp pointer array (NULL-terminated), then
     * "/bin/sh" and the argv pointers (NULL-terminated, so that argv starts one slot after the
     * shell, for the ENOEXEC retry), then the strings that are not in native memory yet, each
     * with its NUL. Returns the offset of the shell's slot.
     */
    static long pack(ByteBuffer view, long address, List<byte[]> argv, ChildEnvironment.Entries env) {
        int text = (env.size() + 1 + 1 + argv.size() + 1) * Native.POINTER_SIZE;
        int slot = 0;
        for (int i = 0; i < env.size(); i++) {
            long fixed = env.address(i);
            if (fixed != 0) {
                putPointer(view, slot++, fixed);
            } else {
                text = putString(view, address, slot++, text, env.bytes(i));
            }
        }
        putPointer(view, slot++, 0);
        int shellSlot = slot;
        text = putString(view, address, slot++, text, SHELL);
        for (byte[] b : argv) {
            text = putString(view, address, slot++, text, b);
        }
        putPointer(view, slot, 0);
        return (long) shellSlot * Native.POINTER_SIZE;
    }

    private static int putString(ByteBuffer view, long address, int slot, int offset, byte[] bytes) {
        view.put(offset, bytes);
        view.put(offset + bytes.length, (byte) 0);
        putPointer(view, slot, address + offset);
        return offset + bytes.length + 1;
    }

    private static void putPointer(ByteBuffer view, int slot, long value) {
        if (Native.POINTER_SIZE == 8) {
            view.putLong(slot * 8, value);
        } else {
            view.putInt(slot * 4, (int) value);
        }
    }

    private static ByteBuffer view(Memory m) {
        return m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
    }
}
