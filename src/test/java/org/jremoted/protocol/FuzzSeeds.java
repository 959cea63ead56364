package org.jremoted.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jremoted.ipc.HelperFrame;
import org.jremoted.ipc.PcmkIpcCodec;
import org.jremoted.transport.FrameCodec;
import org.jremoted.transport.FrameHeader;
import org.jremoted.testing.Traces;

/**
 * Writes the seed corpora of the fuzz targets (docs/fuzzing.md) from the captured traces
 * (test-fixtures/traces) and etc/sysconfig/pacemaker. Run by hand when the traces or the targets'
 * input layout change: {@code bash scripts/fuzz.sh --seeds}. Seeds are named {@code seed-<sha1>} so
 * that rerunning it adds nothing twice; the PEM seeds are made by scripts/fuzz.sh with openssl.
 */
public final class FuzzSeeds {
    private final Path resources;
    private int written;

    private FuzzSeeds(Path resources) {
        this.resources = resources;
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : ".");
        FuzzSeeds s = new FuzzSeeds(home.resolve("src/test/resources/org/jremoted"));
        s.all(home);
        System.out.println("fuzz seeds: " + s.written + " files written");
    }

    private void all(Path home) throws Exception {
        List<Traces.Captured> captured = Traces.all();
        Set<String> requests = new LinkedHashSet<>();
        Set<String> every = new LinkedHashSet<>();
        Map<String, List<byte[]>> streams = new LinkedHashMap<>();
        for (Traces.Captured c : captured) {
            every.add(c.xml());
            if (c.direction().equals("cluster->remote")) {
                requests.add(c.xml());
                streams.computeIfAbsent(c.file(), f -> new ArrayList<>()).add(c.xml().getBytes(StandardCharsets.UTF_8));
            }
        }

        // transport: headers, whole connection streams (plain, compressed, big-endian), texts
        for (String xml : requests) {
            seed("transport", "FrameFuzzTest", "anAcceptedHeaderIsWithinItsLimitsAndEncodesBackToTheSameBytes",
                    frame(xml.getBytes(StandardCharsets.UTF_8), 0, false));
        }
        for (List<byte[]> stream : streams.values()) {
            for (int threshold : new int[] {0, 1}) {
                for (boolean bigEndian : new boolean[] {false, true}) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    // compressed ones are costly to decode: a few of them suffice
                    for (byte[] text : threshold == 0 ? stream : stream.subList(0, Math.min(4, stream.size()))) {
                        out.writeBytes(frame(text, threshold, bigEndian));
                    }
                    out.write(0); // no cuts
                    out.write(0); // the default limit
                    seed("transport", "FrameFuzzTest", "theDecoderEmitsTheSameMessagesHoweverTheStreamIsCut",
                            out.toByteArray());
                }
            }
        }
        int n = 0;
        for (String xml : requests) {
            if (n++ % 4 == 0) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(xml.getBytes(StandardCharsets.UTF_8));
                out.write(n % 3); // repeat
                out.write(n % 4); // threshold
                seed("transport", "FrameFuzzTest", "anyFramedTextDecodesToItselfCompressedOrNot", out.toByteArray());
            }
        }

        // protocol: every captured message; random bytes for the data-provider targets
        for (String xml : every) {
            seed("protocol", "XmlCodecFuzzTest", "aParsedMessageIsWrittenAndReadBackUnchanged",
                    xml.getBytes(StandardCharsets.UTF_8));
        }
        Random random = new Random(12);
        for (int i = 0; i < 16; i++) {
            seed("protocol", "XmlCodecFuzzTest", "aBuiltTreeIsWrittenAsXmlThatParsesBackToIt", bytes(random, 64 + 32 * i));
            seed("dispatch", "RequestDispatcherFuzzTest",
                    "anyRequestSequenceFromAnyMixOfClientsKeepsTheProtocolsPromises", bytes(random, 128 + 96 * i));
        }

        // proxy: messages in both dialects, whole and in parts, and the helper frames around them
        StringBuilder large = new StringBuilder("<cib>");
        while (large.length() < 30_000) {
            for (String xml : every) {
                large.append(xml);
            }
        }
        large.append("</cib>");
        List<byte[]> texts = new ArrayList<>();
        for (String xml : requests) {
            texts.add(xml.getBytes(StandardCharsets.UTF_8));
        }
        texts.add(large.toString().getBytes(StandardCharsets.UTF_8));
        int id = 1;
        for (byte[] text : texts) {
            for (PcmkIpcCodec.Dialect d : PcmkIpcCodec.Dialect.values()) {
                int buffer = text.length > 20_000 ? PcmkIpcCodec.MIN_BUFFER_SIZE : PcmkIpcCodec.DEFAULT_BUFFER_SIZE;
                ByteArrayOutputStream ipc = new ByteArrayOutputStream();
                ByteArrayOutputStream helper = new ByteArrayOutputStream();
                helper.writeBytes(new HelperFrame(HelperFrame.CONNECTED, id, connected(id)).encode());
                for (byte[] part : PcmkIpcCodec.encode(d, id, PcmkIpcCodec.FLAG_PROXIED, text, buffer)) {
                    ipc.writeBytes(part);
                    helper.writeBytes(new HelperFrame(HelperFrame.REQUEST, id, part).encode());
                }
                helper.writeBytes(new HelperFrame(HelperFrame.CLOSED, id, new byte[0]).encode());
                seed("ipc", "PcmkIpcFuzzTest", "everyLocalMessageIsRefusedOrDecodesToTextThatRoundTrips",
                        ipc.toByteArray());
                seed("ipc", "PcmkIpcFuzzTest", "helperFramesEncodeBackToTheBytesTheyWereReadFrom",
                        helper.toByteArray());
                id++;
            }
        }
        seed("ipc", "PcmkIpcFuzzTest", "helperFramesEncodeBackToTheBytesTheyWereReadFrom",
                concat(new HelperFrame(HelperFrame.READY, 0, new byte[0]).encode(),
                        new HelperFrame(HelperFrame.REFUSED, 7, ByteBuffer.allocate(9).order(ByteOrder.nativeOrder())
                                .put((byte) 2).putInt(1000).putInt(1000).array()).encode(),
                        new HelperFrame(HelperFrame.FATAL, 0, "qb_ipcs_run failed".getBytes(StandardCharsets.UTF_8))
                                .encode()));
        for (int i = 0; i < 8; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(texts.get(i % texts.size()));
            out.writeBytes(bytes(random, 24));
            seed("ipc", "PcmkIpcFuzzTest", "anyTextIsEncodedWithinTheBufferAndReassembledUnchanged", out.toByteArray());
        }

        // daemon: the shipped environment file with every setting on, and unusual values
        String file = Files.readString(home.resolve("etc/sysconfig/pacemaker"));
        String enabled = file.replaceAll("(?m)^# ([A-Z][A-Za-z0-9_]*=)", "$1");
        seed("daemon", "ConfigFuzzTest", "anyEnvironmentFileGivesAConfigurationTheDaemonCanStartWith",
                enabled.getBytes(StandardCharsets.UTF_8));
        String[] unusual = {
            "PCMK_remote_port=0\nHA_remote_port=99999\nJREMOTED_MAX_MESSAGE_SIZE=1000\n",
            "PCMK_remote_port=3121abc\nPCMK_logfile_mode=0777\nPCMK_logpriority=debug\nPCMK_logfacility=local7\n",
            "SBD_WATCHDOG_TIMEOUT=5s\nPCMK_debug=pacemaker-remoted,pacemakerd\nPCMK_stderr=yes\n",
            "SBD_WATCHDOG_TIMEOUT=9223372036854775807\nJREMOTED_COMPRESS_THRESHOLD=-1\nPCMK_logfile_mode=99999\n",
            "HA_logfile=none\nHA_logfacility=none\nNOTIFY_SOCKET=/run/systemd/notify\nPCMK_ipc_buffer=1\n",
            "PCMK_cert_file=/etc/pacemaker/cert.pem\nCIB_ca_file=/etc/pacemaker/ca.pem\nHA_key_file=k\n",
            "PCMK_node_start_state=standby\nPCMK_remote_address=::1\nPCMK_tls_priorities=NORMAL:-VERS-TLS1.3\n",
            "PCMK_logpriority=\nPCMK_logfacility=\nPCMK_logfile=\nSBD_WATCHDOG_TIMEOUT=2min\nPCMK_ipc_buffer=99999999999\n",
        };
        for (String u : unusual) {
            seed("daemon", "ConfigFuzzTest", "anyEnvironmentFileGivesAConfigurationTheDaemonCanStartWith",
                    u.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] connected(int id) {
        byte[] user = "hacluster".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(13 + user.length).order(ByteOrder.nativeOrder())
                .put((byte) (id % 8)).putInt(4000 + id).putInt(id % 2 == 0 ? 0 : 189).putInt(189).put(user).array();
    }

    private static byte[] frame(byte[] text, int threshold, boolean bigEndian) {
        FrameCodec.EncodedFrame f = FrameCodec.encode(text, threshold);
        FrameHeader h = f.header();
        byte[] header = bigEndian ? new FrameHeader(FrameHeader.SWAPPED_MARKER, h.version(), h.id(), h.flags(),
                h.sizeTotal(), h.payloadOffset(), h.payloadCompressed(), h.payloadUncompressed()).encode()
                : f.headerBytes();
        return concat(header, f.payload());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void seed(String pkg, String testClass, String method, byte[] bytes)
            throws IOException, NoSuchAlgorithmException {
        Path dir = resources.resolve(pkg).resolve(testClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        String name = "seed-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Files.write(file, bytes);
            written++;
        }
    }
}
