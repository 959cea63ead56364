package org.jremoted.process;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment every agent of one {@link ChildLauncher} gets: the daemon's base variables,
 * encoded once into a native block that lives as long as the launcher, plus each request's own
 * variables. Only the request's variables are encoded and copied per spawn; the base ones (~30,
 * with long values such as PATH) are passed by address.
 */
final class ChildEnvironment {

    private static final Logger log = LoggerFactory.getLogger(ChildEnvironment.class);

    /** Linux MAX_ARG_STRLEN: one argv/envp string, including its NUL. */
    static final int MAX_ARG_STRLEN = 32 * 4096;

    private final String[] names;
    /** Address of each base NAME=value string in {@link #block}; 0 for a name setenv() would refuse. */
    private final long[] addresses;
    private final int[] lengths;
    private final Set<String> nameSet;
    /** Referenced so that the strings stay allocated. */
    @SuppressWarnings("unused")
    private final Memory block;

    /** {@code base} in its iteration order, which is the order agents see. */
    ChildEnvironment(Map<String, String> base) {
        int n = base.size();
        names = new String[n];
        addresses = new long[n];
        lengths = new int[n];
        byte[][] encoded = new byte[n][];
        long size = 1;
        int i = 0;
        for (Map.Entry<String, String> e : base.entrySet()) {
            names[i] = e.getKey();
            if (validName(e.getKey())) {
                encoded[i] = encode(e.getKey(), e.getValue() == null ? "" : e.getValue());
                size += encoded[i].length + 1L;
            }
            i++;
        }
        block = new Memory(size);
        long at = 0;
        long start = Pointer.nativeValue(block);
        for (i = 0; i < n; i++) {
            if (encoded[i] != null) {
                block.write(at, encoded[i], 0, encoded[i].length);
                block.setByte(at + encoded[i].length, (byte) 0);
                addresses[i] = start + at;
                lengths[i] = encoded[i].length;
                at += encoded[i].length + 1L;
            }
        }
        nameSet = new HashSet<>(Arrays.asList(names));
    }

    /**
     * One agent's environment: what {@code new LinkedHashMap<>(base).putAll(extra)} would give —
     * base order, the request's value where it overrides a base variable, then the request's own
     * variables. Names setenv() would refuse are left out with a warning. Null, with the child
     * failed (E2BIG), when a variable is longer than Linux accepts.
     */
    Entries forRequest(ChildProcess child, ChildProcess.Request request) {
        Map<String, String> extra = request.environment();
        boolean overrides = false;
        for (String name : extra.keySet()) {
            if (nameSet.contains(name)) {
                overrides = true;
                break;
            }
        }
        Entries entries = new Entries(names.length + extra.size());
        for (int i = 0; i < names.length; i++) {
            String override = overrides ? extra.get(names[i]) : null;
            if (override != null) {
                if (!entries.addVariable(child, request, names[i], override)) {
                    return null;
                }
            } else if (addresses[i] == 0) {
                warnInvalidName(names[i], request);
            } else if (lengths[i] + 1 > MAX_ARG_STRLEN) {
                tooLarge(child, names[i], lengths[i]);
                return null;
            } else {
                entries.addFixed(addresses[i], lengths[i]);
            }
        }
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (overrides && nameSet.contains(e.getKey())) {
                continue;
            }
            if (!entries.addVariable(child, request, e.getKey(), e.getValue())) {
                return null;
            }
        }
        return entries;
    }

    /**
     * The strings of one envp: each either already in native memory (an address) or to be copied
     * (bytes without the NUL).
     */
    static final class Entries {
        private final long[] fixed;
        private final byte[][] copied;
        private final int[] lengths;
        private int size;

        Entries(int capacity) {
            fixed = new long[capacity];
            copied = new byte[capacity][];
            lengths = new int[capacity];
        }

        int size() {
            return size;
        }

        /** Native address of entry {@code i}, or 0 when it has to be copied ({@link #bytes}). */
        long address(int i) {
            return fixed[i];
        }

        byte[] bytes(int i) {
            return copied[i];
        }

        /** Length of entry {@code i} without its NUL. */
        int length(int i) {
            return lengths[i];
        }

        /** Bytes the entries that need copying take, NULs included. */
        long copiedBytes() {
            long total = 0;
            for (int i = 0; i < size; i++) {
                if (copied[i] != null) {
                    total += copied[i].length + 1L;
                }
            }
            return total;
        }

        /** Bytes all strings take, NULs included (what the kernel counts at exec). */
        long textBytes() {
            long total = 0;
            for (int i = 0; i < size; i++) {
                total += lengths[i] + 1L;
            }
            return total;
        }

        private void addFixed(long address, int length) {
            fixed[size] = address;
            lengths[size++] = length;
        }

        private boolean addVariable(ChildProcess child, ChildProcess.Request request, String name, String value) {
            if (!validName(name)) {
                warnInvalidName(name, request);
                return true;
            }
            byte[] entry = encode(name, value == null ? "" : value);
            if (entry.length + 1 > MAX_ARG_STRLEN) {
                tooLarge(child, name, entry.length);
                return false;
            }
            copied[size] = entry;
            lengths[size++] = entry.length;
            return true;
        }

        /** For tests: every entry as text, in order. */
        List<String> texts() {
            List<String> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                if (copied[i] != null) {
                    out.add(new String(copied[i], StandardCharsets.UTF_8));
                } else {
                    out.add(new Pointer(fixed[i]).getString(0, StandardCharsets.UTF_8.name()));
                }
            }
            return out;
        }
    }

    private static void tooLarge(ChildProcess child, String name, int length) {
        child.spawnFailed(Errno.E2BIG, "Environment variable " + name + " is too large (" + length
                + " bytes, Linux allows at most " + (MAX_ARG_STRLEN - 1) + " per variable including its name)");
    }

    static boolean validName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0;
    }

    private static void warnInvalidName(String name, ChildProcess.Request request) {
        // setenv() refuses such names; the C daemon silently goes without them.
        log.warn("Not passing environment variable with invalid name '{}' to {}", name, request.description());
    }

    /** NAME=value in UTF-8, the value cut at a NUL as a C string would be. */
    private static byte[] encode(String name, String value) {
        int nul = value.indexOf('\0');
        if (nul >= 0) {
            value = value.substring(0, nul);
        }
        return (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    }
}
