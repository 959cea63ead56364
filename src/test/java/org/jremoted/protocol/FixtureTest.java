package org.jremoted.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jremoted.transport.FrameDecoder;
import org.jremoted.transport.FrameHeader;
import org.junit.jupiter.api.Test;
import org.jremoted.testing.Traces;
import org.jremoted.testing.Traces.Captured;
import org.jremoted.transport.MessageDecoder;

/** Real 2.1.5 traffic (test-fixtures/traces) through the codecs. */
class FixtureTest {

    private static Path tracesDir() {
        return Traces.directory();
    }

    private static List<Path> traceFiles() throws IOException {
        return Traces.files();
    }

    private static List<Captured> read(Path file) throws IOException {
        return Traces.read(file);
    }

    private static List<Captured> all() throws IOException {
        return Traces.all();
    }

    @Test
    void tracesArePresentAndReadCompletely() throws IOException {
        List<Path> files = traceFiles();
        assertEquals(4, files.size(), "traces in " + tracesDir());
        for (Path f : files) {
            String announced = Files.readAllLines(f).stream().filter(l -> l.startsWith("# messages: ")).findFirst()
                    .orElseThrow();
            int count = Integer.parseInt(announced.replaceAll("# messages: (\\d+),.*", "$1"));
            assertEquals(count, read(f).size(), f.toString());
        }
    }

    @Test
    void recordedLengthsMatchTheText() throws IOException {
        // Confirms that the text we test with is byte for byte what was framed.
        for (Captured c : all()) {
            int length = c.xml().getBytes(StandardCharsets.UTF_8).length;
            assertEquals(length + 1, c.header().get("payload_uncompressed"), c.toString());
            assertEquals(40 + length + 1, c.header().get("size_total"), c.toString());
            assertEquals(40, c.header().get("payload_offset"), c.toString());
            assertEquals(0, c.header().get("payload_compressed"), c.toString());
        }
    }

    @Test
    void everyMessageParsesAndSurvivesReserialisation() throws Exception {
        int messages = 0;
        for (Captured c : all()) {
            XmlNode first = XmlCodec.parse(c.xml());
            String written = XmlCodec.write(first);
            XmlNode second = XmlCodec.parse(written);
            assertEquals(first, second, c.toString());
            // The cluster's output is already compact and uses no references, so ours is identical.
            assertEquals(c.xml(), written, c.toString());
            messages++;
        }
        assertEquals(33 + 22 + 51 + 37, messages);
    }

    @Test
    void registerRequestAndReply() throws Exception {
        List<Captured> trace = read(tracesDir().resolve("dummy_on_remote.xml-log"));
        Captured request = trace.get(0);
        assertEquals("cluster->remote", request.direction());
        XmlNode register = XmlCodec.parse(request.xml());
        assertEquals("lrmd_command", register.name());
        assertEquals("register", register.attr("lrmd_op"));
        assertEquals("1.1", register.attr("lrmd_protocol_version"));
        assertEquals("true", register.attr("lrmd_is_ipc_provider"));
        assertEquals("pacemaker-remote-10.213.0.2:3121", register.attr("lrmd_clientname"));
        assertEquals(List.of("t", "lrmd_op", "lrmd_clientname", "lrmd_protocol_version", "lrmd_is_ipc_provider",
                "lrmd_remote_msg_id", "lrmd_remote_msg_type"), new ArrayList<>(register.attributes().keySet()));

        XmlNode reply = XmlCodec.parse(trace.get(1).xml());
        assertEquals("lrmd_reply", reply.name());
        assertEquals("process_lrmd_signon", reply.attr("lrmd_origin"));
        assertEquals(0, reply.intAttr("lrmd_rc", -1));
        assertEquals("1", reply.attr("lrmd_remote_msg_id"));
        assertEquals("reply", reply.attr("lrmd_remote_msg_type"));
    }

    @Test
    void execRequestAndCompletionNotification() throws Exception {
        List<XmlNode> trace = new ArrayList<>();
        for (Captured c : read(tracesDir().resolve("recurring_monitor_detects_failure.xml-log"))) {
            trace.add(XmlCodec.parse(c.xml()));
        }
        XmlNode exec = trace.stream().filter(n -> n.name().equals("lrmd_command")
                && "lrmd_rsc_exec".equals(n.attr("lrmd_op"))).findFirst().orElseThrow();
        XmlNode rsc = exec.find("lrmd_rsc").orElseThrow();
        assertEquals("d1", rsc.attr("lrmd_rsc_id"));
        assertTrue(exec.child("lrmd_calldata").isPresent());

        XmlNode probeResult = trace.stream().filter(n -> n.name().equals("lrmd_notify")
                && "lrmd_rsc_exec".equals(n.attr("lrmd_op"))).findFirst().orElseThrow();
        assertEquals("send_cmd_complete_notify", probeResult.attr("lrmd_origin"));
        assertEquals(7, probeResult.intAttr("lrmd_exec_rc", -1));
        assertEquals(0, probeResult.intAttr("lrmd_exec_op_status", -1));
        assertEquals("monitor", probeResult.attr("lrmd_rsc_action"));
        assertEquals(0, probeResult.longAttr("lrmd_rsc_interval", -1));
        assertEquals("3:3:7:1e5db5e0-89dc-4d7c-9831-2612e615bd0d", probeResult.attr("lrmd_rsc_userdata_str"));
        assertEquals("0", probeResult.attr("lrmd_remote_msg_id"));
        assertEquals("notify", probeResult.attr("lrmd_remote_msg_type"));
        XmlNode params = probeResult.child("attributes").orElseThrow();
        assertEquals(List.of("CRM_meta_on_node", "CRM_meta_on_node_uuid", "CRM_meta_timeout", "crm_feature_set"),
                new ArrayList<>(params.attributes().keySet()));
        assertEquals("remote1", params.attr("CRM_meta_on_node"));
        assertEquals("3.16.1", params.attr("crm_feature_set"));

        assertTrue(trace.stream().anyMatch(n -> n.name().equals("lrmd_notify")
                && n.longAttr("lrmd_rsc_interval", 0) == 5000 && n.intAttr("lrmd_exec_rc", -1) == 7),
                "the recurring monitor's failure is in the trace");
    }

    @Test
    void proxyShutdownRequest() throws Exception {
        XmlNode last = null;
        for (Captured c : read(tracesDir().resolve("graceful_shutdown-2.1.5-regression.xml-log"))) {
            last = XmlCodec.parse(c.xml());
        }
        assertEquals("lrmd_ipc_proxy", last.name());
        assertEquals("shutdown_req", last.attr("lrmd_ipc_op"));
        assertEquals("0", last.attr("lrmd_ipc_session"));
    }

    /** Rebuilds the wire bytes of one direction from the recorded header fields. */
    private static byte[] wire(List<Captured> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Captured c : messages) {
            byte[] text = c.xml().getBytes(StandardCharsets.UTF_8);
            Map<String, Long> h = c.header();
            out.writeBytes(ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(FrameHeader.MARKER).putInt(h.get("version").intValue()).putLong(h.get("id"))
                    .putLong(h.get("flags")).putInt(h.get("size_total").intValue())
                    .putInt(h.get("payload_offset").intValue()).putInt(h.get("payload_compressed").intValue())
                    .putInt(h.get("payload_uncompressed").intValue()).array());
            out.writeBytes(text);
            out.write(0);
        }
        return out.toByteArray();
    }

    @Test
    void clusterTrafficThroughTheDecodersInOddChunks() throws Exception {
        for (Path f : traceFiles()) {
            List<Captured> toUs = read(f).stream().filter(c -> c.direction().equals("cluster->remote")).toList();
            assertFalse(toUs.isEmpty());
            byte[] bytes = wire(toUs);
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20), new MessageDecoder());
            // Chunk sizes that straddle headers and payloads in ever-changing places.
            int at = 0;
            int step = 1;
            while (at < bytes.length) {
                int n = Math.min(step, bytes.length - at);
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
                at += n;
                step = step * 7 % 97 + 1;
            }
            for (Captured c : toUs) {
                assertEquals(XmlCodec.parse(c.xml()), ch.readInbound(), c.toString());
            }
            assertNull(ch.readInbound());
            assertTrue(ch.isOpen());
            ch.finishAndReleaseAll();
        }
    }
}
