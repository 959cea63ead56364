package org.jremoted.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jremoted.protocol.MalformedMessageException;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;

/**
 * The one reader of captured traffic (test-fixtures/traces, format in test-fixtures/README.md):
 * one block per message, a {@code === #n direction conn=c t=s hdr: ...} line and the XML payload.
 */
public final class Traces {

    /** One message of a trace: where it came from, the header fields the capture recorded, the XML text. */
    public record Captured(String file, int number, String direction, int connection, long timeMs,
                           Map<String, Long> header, String xml) {

        /** Received by the daemon (as opposed to sent by it). */
        public boolean fromCluster() {
            return direction.equals("cluster->remote");
        }

        /** The payload parsed. */
        public XmlNode message() {
            try {
                return XmlCodec.parse(xml);
            } catch (MalformedMessageException e) {
                throw new IllegalStateException(this + " does not parse", e);
            }
        }

        @Override
        public String toString() {
            return file + " #" + number;
        }
    }

    private static final Pattern BLOCK = Pattern.compile(
            "^=== #(\\d+) (\\S+) conn=(\\d+) t=([0-9.]+) hdr: id=(\\d+) version=(\\d+) flags=(\\d+) size_total=(\\d+)"
                    + " payload_offset=(\\d+) payload_compressed=(\\d+) payload_uncompressed=(\\d+) byte_order=(\\w+)$");

    private Traces() {
    }

    /** test-fixtures/traces of the checkout ({@code jremoted.home}, else the working directory). */
    public static Path directory() {
        Path home = Path.of(System.getProperty("jremoted.home", System.getProperty("user.dir")));
        return home.resolve("test-fixtures").resolve("traces");
    }

    /** Every trace file, by name. */
    public static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(directory())) {
            return s.filter(p -> p.toString().endsWith(".xml-log")).sorted().toList();
        }
    }

    /** Every message of every trace. */
    public static List<Captured> all() throws IOException {
        List<Captured> all = new ArrayList<>();
        for (Path f : files()) {
            all.addAll(read(f));
        }
        return all;
    }

    public static List<Captured> read(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The messages of one trace's text.
     *
     * @throws IllegalArgumentException on text that is not a trace
     */
    public static List<Captured> parse(String name, String text) {
        List<Captured> out = new ArrayList<>();
        Matcher open = null;
        StringBuilder payload = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = BLOCK.matcher(line);
            if (m.matches()) {
                add(out, name, open, payload);
                open = m;
                payload.setLength(0);
            } else if (open != null) {
                payload.append(line).append('\n');
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                throw new IllegalArgumentException(name + ": unexpected line before the first block: " + line);
            }
        }
        add(out, name, open, payload);
        return out;
    }

    /** The block's text is the payload followed by one line end and a blank separator line. */
    private static void add(List<Captured> out, String name, Matcher m, StringBuilder payload) {
        if (m == null) {
            return;
        }
        if (!m.group(12).equals("little")) {
            throw new IllegalArgumentException(name + " #" + m.group(1) + ": byte order " + m.group(12));
        }
        String xml = payload.toString().replaceAll("\n+$", "");
        out.add(new Captured(name, Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                Math.round(Double.parseDouble(m.group(4)) * 1000),
                Map.of("id", Long.parseLong(m.group(5)), "version", Long.parseLong(m.group(6)),
                        "flags", Long.parseLong(m.group(7)), "size_total", Long.parseLong(m.group(8)),
                        "payload_offset", Long.parseLong(m.group(9)),
                        "payload_compressed", Long.parseLong(m.group(10)),
                        "payload_uncompressed", Long.parseLong(m.group(11))),
                xml));
    }
}
