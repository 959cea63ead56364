package org.jremoted.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent environment (base variables kept in native memory) and the argv/envp block layout. */
class ChildEnvironmentTest {

    private static ChildProcess.Request request(Map<String, String> env) {
        return new ChildProcess.Request(Path.of("/bin/true"), List.of("monitor"), env, 0, true, "rsc monitor");
    }

    private static ChildProcess child(ChildProcess.Request request) {
        return new ChildProcess(request, 1024);
    }

    private static Map<String, String> base() {
        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", "/usr/sbin:/usr/bin");
        base.put("LANG", "C.UTF-8");
        base.put("HOME", "/var/lib/pacemaker");
        return base;
    }

    @Test
    void baseOrderThenOverridesInPlaceThenRequestVariables() {
        ChildEnvironment env = new ChildEnvironment(base());
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("LANG", "de_DE.UTF-8");
        extra.put("OCF_ROOT", "/usr/lib/ocf");
        ChildProcess.Request r = request(extra);
        ChildProcess c = child(r);
        ChildEnvironment.Entries e = env.forRequest(c, r);
        assertNotNull(e);
        assertEquals(List.of("PATH=/usr/sbin:/usr/bin", "LANG=de_DE.UTF-8", "HOME=/var/lib/pacemaker",
                "OCF_ROOT=/usr/lib/ocf"), e.texts());
        assertTrue(e.address(0) != 0, "base variable passed by address");
        assertEquals(0, e.address(1), "an override is copied");
        assertEquals("LANG=de_DE.UTF-8".length() + 1 + "OCF_ROOT=/usr/lib/ocf".length() + 1, e.copiedBytes());
        long text = 0;
        for (String s : e.texts()) {
            text += s.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        assertEquals(text, e.textBytes());
    }

    @Test
    void invalidNamesAreLeftOutAndValuesCutAtNul() {
        Map<String, String> base = base();
        base.put("BAD=NAME", "x");
        ChildEnvironment env = new ChildEnvironment(base);
        ChildProcess.Request r = request(Map.of("OCF_RESKEY_v", "before\0after", "", "empty name"));
        ChildProcess c = child(r);
        ChildEnvironment.Entries e = env.forRequest(c, r);
        assertNotNull(e);
        assertEquals(List.of("PATH=/usr/sbin:/usr/bin", "LANG=C.UTF-8", "HOME=/var/lib/pacemaker",
                "OCF_RESKEY_v=before"), e.texts());
        assertFalse(c.outcome().isDone());
    }

    @Test
    void variableTooLargeForLinuxFailsTheChildWithE2big() {
        ChildEnvironment env = new ChildEnvironment(base());
        ChildProcess.Request r = request(Map.of("OCF_RESKEY_big", "x".repeat(ChildEnvironment.MAX_ARG_STRLEN)));
        ChildProcess c = child(r);
        assertNull(env.forRequest(c, r));
        ChildProcess.Outcome o = c.outcome().join();
        assertEquals(ChildProcess.Ending.NOT_STARTED, o.ending());
        assertEquals(Errno.E2BIG, o.errno());
        assertTrue(o.detail().startsWith("Environment variable OCF_RESKEY_big is too large"), o.detail());
    }

    @Test
    void blockHoldsEnvpThenShellAndArgv() {
        ChildEnvironment env = new ChildEnvironment(base());
        ChildProcess.Request r = request(Map.of("OCF_RESOURCE_INSTANCE", "rsc1"));
        ChildProcess c = child(r);
        ChildEnvironment.Entries e = env.forRequest(c, r);
        List<byte[]> argv = List.of("/usr/lib/ocf/resource.d/x/y".getBytes(StandardCharsets.UTF_8),
                "monitor".getBytes(StandardCharsets.UTF_8));
        long size = Spawner.stringsSize(argv, e);
        try (Memory block = new Memory(size)) {
            long shellAt = Spawner.pack(block.getByteBuffer(0, size).order(ByteOrder.nativeOrder()),
                    Pointer.nativeValue(block), argv, e);
            assertEquals(strings(block, 0), List.of("PATH=/usr/sbin:/usr/bin", "LANG=C.UTF-8",
                    "HOME=/var/lib/pacemaker", "OCF_RESOURCE_INSTANCE=rsc1"));
            assertEquals((e.size() + 1L) * Native.POINTER_SIZE, shellAt);
            assertEquals(List.of("/bin/sh", "/usr/lib/ocf/resource.d/x/y", "monitor"), strings(block, shellAt));
            assertEquals(List.of("/usr/lib/ocf/resource.d/x/y", "monitor"),
                    strings(block, shellAt + Native.POINTER_SIZE));
        }
    }

    /** The NULL-terminated string array at {@code offset}. */
    private static List<String> strings(Memory block, long offset) {
        List<String> out = new ArrayList<>();
        for (long at = offset; ; at += Native.POINTER_SIZE) {
            Pointer p = block.getPointer(at);
            if (p == null) {
                return out;
            }
            out.add(p.getString(0, StandardCharsets.UTF_8.name()));
        }
    }
}
