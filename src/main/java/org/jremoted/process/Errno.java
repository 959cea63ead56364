package org.jremoted.process;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The Linux error numbers the agent classes map onto results (docs/agents.md §1.2, §1.3), their
 * text as {@code strerror()} gives it, and the {@code stat()} every fork/exec class makes before
 * running an agent. Values are the Linux generic/x86-64 ones (the daemon's target platform).
 * Stateless; any thread.
 */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;

    private Errno() {
    }

    /** {@code strerror(errno)}, e.g. "No such file or directory"; "errno N" if libc has no text. */
    public static String describe(int errno) {
        String text = Posix.C.strerror(errno);
        return text == null ? "errno " + errno : text;
    }

    /**
     * The error {@code stat(path)} fails with, or 0 when the file is there. Java reports only some
     * errors by type; the rest become EINVAL, which every class maps like ENOENT.
     */
    public static int ofStat(Path path) {
        try {
            Files.readAttributes(path, BasicFileAttributes.class);
            return 0;
        } catch (NoSuchFileException e) {
            return ENOENT;
        } catch (AccessDeniedException e) {
            return EACCES;
        } catch (FileSystemException e) {
            return "Not a directory".equals(e.getReason()) ? ENOTDIR : EINVAL;
        } catch (IOException e) {
            return EINVAL;
        }
    }
}
