package org.jremoted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Packages import only downward (issue #15). The compiled main classes are read with the JDK's
 * {@code jdeps}; every dependency between the project's packages must be allowed by {@link #ALLOWED},
 * which is also what each package's {@code package-info.java} states in its "May import:" line,
 * and the packages must form no cycle. The {@code agents} packages count as one layer here: how
 * they divide among themselves is that layer's own business.
 */
class LayeringTest {

    /** Layer → the layers it may import, bottom up. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("support", Set.of());
        ALLOWED.put("protocol", Set.of("support"));
        ALLOWED.put("process", Set.of("support"));
        ALLOWED.put("agents", Set.of("process", "support"));
        ALLOWED.put("executor", Set.of("agents", "protocol", "support"));
        ALLOWED.put("transport", Set.of("protocol", "support"));
        ALLOWED.put("ipc", Set.of("protocol", "support"));
        ALLOWED.put("proxy", Set.of("ipc", "protocol", "support"));
        ALLOWED.put("dispatch", Set.of("agents", "executor", "protocol", "proxy", "support"));
        ALLOWED.put("daemon", Set.of("agents", "dispatch", "executor", "ipc", "process", "protocol", "proxy", "support",
                "transport"));
        ALLOWED.put("cli", Set.of("daemon", "protocol", "support", "transport"));
    }

    private static final Pattern EDGE =
            Pattern.compile("^\\s+org\\.jremoted\\.([\\w.]+)\\s+->\\s+org\\.jremoted\\.([\\w.]+)\\s.*$");
    private static final Pattern MAY_IMPORT = Pattern.compile("May import: ([^.]*)\\.");

    /** The layer a package belongs to: its first name below org.jremoted. */
    static String layer(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** Layer → layers it imports, from jdeps on the compiled main classes. */
    static Map<String, Set<String>> actualImports() throws Exception {
        Path classes = Path.of(org.jremoted.daemon.Daemon.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(
                () -> new AssertionError("jdeps is not available: the tests need a full JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "-verbose:package", "-filter:none", classes.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, "jdeps failed: " + err.toString(StandardCharsets.UTF_8));
        Map<String, Set<String>> imports = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                String from = layer(m.group(1));
                String to = layer(m.group(2));
                imports.computeIfAbsent(from, k -> new TreeSet<>());
                if (!from.equals(to)) {
                    imports.get(from).add(to);
                }
            }
        }
        assertTrue(imports.size() >= ALLOWED.size() - 1, "jdeps output not understood:\n" + text);
        return imports;
    }

    /** One cycle of the graph as a path that returns to its start, or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>();
        List<String> path = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> cycle = visit(start, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }

    @Test
    void everyPackageImportsOnlyWhatItsLayerAllows() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : actualImports().entrySet()) {
            Set<String> allowed = ALLOWED.get(e.getKey());
            if (allowed == null) {
                problems.add("org.jremoted." + e.getKey() + " is not in LayeringTest.ALLOWED: add it there and "
                        + "give it a package-info.java saying what it may import");
                continue;
            }
            for (String to : e.getValue()) {
                if (!allowed.contains(to)) {
                    problems.add("org.jremoted." + e.getKey() + " imports org.jremoted." + to
                            + ", which is not below it (allowed: " + new TreeSet<>(allowed) + ")");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void thePackagesFormNoCycle() throws Exception {
        List<String> cycle = findCycle(actualImports());
        assertTrue(cycle.isEmpty(), "package cycle: " + String.join(" -> ", cycle));
    }

    @Test
    void theAllowedImportsPointOnlyDownward() {
        assertEquals(List.of(), findCycle(ALLOWED));
        List<String> order = new ArrayList<>(ALLOWED.keySet());
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            for (String to : e.getValue()) {
                assertTrue(order.indexOf(to) < order.indexOf(e.getKey()), e.getKey() + " -> " + to);
            }
        }
    }

    @Test
    void eachPackageInfoStatesTheImportsTheTableAllows() throws Exception {
        Path sources = Path.of(System.getProperty("jremoted.home", System.getProperty("user.dir")))
                .resolve("src/main/java/org/jremoted");
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            if (e.getKey().equals("agents")) {
                continue; // the agents packages describe their own inner structure
            }
            Path info = sources.resolve(e.getKey()).resolve("package-info.java");
            assertTrue(Files.isRegularFile(info), "missing " + info);
            String text = Files.readString(info).replaceAll("\\s*\n\\s*\\*\\s*", " ");
            Matcher m = MAY_IMPORT.matcher(text);
            assertTrue(m.find(), info + " has no \"May import: ...\" line");
            Set<String> stated = m.group(1).startsWith("nothing") ? Set.of()
                    : Arrays.stream(m.group(1).split(",")).map(String::trim).collect(Collectors.toSet());
            assertEquals(new TreeSet<>(e.getValue()), new TreeSet<>(stated), info.toString());
        }
    }

    @Test
    void aCycleIsFoundWhereverItStarts() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", Set.of("b"));
        graph.put("b", Set.of("c"));
        graph.put("c", Set.of("d"));
        graph.put("d", Set.of("b"));
        assertEquals(List.of("b", "c", "d", "b"), findCycle(graph));
        graph.put("d", Set.of());
        assertEquals(List.of(), findCycle(graph));
        assertNotNull(layer("agents.systemd"));
        assertEquals("agents", layer("agents.systemd"));
    }
}
