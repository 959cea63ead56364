package org.jremoted.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlCodecTest {

    private static XmlNode parse(String xml) throws MalformedMessageException {
        return XmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static XmlNode roundTrip(XmlNode node) throws MalformedMessageException {
        return XmlCodec.parse(XmlCodec.writeUtf8(node));
    }

    private static MalformedMessageException rejects(String xml) {
        return assertThrows(MalformedMessageException.class, () -> parse(xml), xml);
    }

    @Test
    void readsElementsAttributesAndChildren() throws Exception {
        XmlNode n = parse("<lrmd_command t=\"lrmd\" lrmd_op=\"lrmd_rsc_exec\"><lrmd_calldata>"
                + "<lrmd_rsc lrmd_rsc_id=\"d1\"><attributes CRM_meta_timeout=\"20000\"/></lrmd_rsc>"
                + "</lrmd_calldata></lrmd_command>");
        assertEquals("lrmd_command", n.name());
        assertEquals("lrmd_rsc_exec", n.attr("lrmd_op"));
        XmlNode rsc = n.find("lrmd_rsc").orElseThrow();
        assertEquals("d1", rsc.attr("lrmd_rsc_id"));
        assertEquals("20000", rsc.child("attributes").orElseThrow().attr("CRM_meta_timeout"));
    }

    @Test
    void attributeOrderIsKept() throws Exception {
        List<String> names = List.of("zeta", "alpha", "lrmd_remote_msg_type", "m", "b", "lrmd_op", "a1", "A", "x_", "c");
        StringBuilder sb = new StringBuilder("<e");
        for (String n : names) {
            sb.append(' ').append(n).append("=\"").append(n.length()).append('"');
        }
        XmlNode node = parse(sb.append("/>").toString());
        assertEquals(names, new ArrayList<>(node.attributes().keySet()));
        assertEquals(names, new ArrayList<>(roundTrip(node).attributes().keySet()));
        String written = XmlCodec.write(node);
        int last = -1;
        for (String n : names) {
            int at = written.indexOf(' ' + n + "=\"");
            assertTrue(at > last, "order in output: " + written);
            last = at;
        }
    }

    @Test
    void dialect215LiteralBackslashNIsKeptVerbatim() throws Exception {
        // 2.1.5 writes a newline as the two characters '\' 'n': they must come back unchanged.
        XmlNode n = parse("<attributes pcmk_param=\"line1\\nline2\\r    x\"/>");
        assertEquals("line1\\nline2\\r    x", n.attr("pcmk_param"));
        assertEquals(n, roundTrip(n));
        assertTrue(XmlCodec.write(n).contains("line1\\nline2\\r    x"));
    }

    @Test
    void dialect30CharacterReferencesAreDecoded() throws Exception {
        XmlNode n = parse("<attributes a=\"1&#x0A;2&#x0D;3&#x09;4\" b=\"1&#10;2&#13;3&#9;4\"/>");
        assertEquals("1\n2\r3\t4", n.attr("a"));
        assertEquals("1\n2\r3\t4", n.attr("b"));
        assertEquals("<attributes a=\"1&#10;2&#13;3&#9;4\" b=\"1&#10;2&#13;3&#9;4\"/>", XmlCodec.write(n));
        assertEquals(n, roundTrip(n));
    }

    @Test
    void specialCharactersAreEscapedAndRoundTrip() throws Exception {
        String value = "a&b <c> \"d\" 'e' f\ng\rh\ti ]]> &amp; \\n é € 𝄞";
        XmlNode n = XmlNode.builder("x").attr("v", value).build();
        String written = XmlCodec.write(n);
        assertEquals("<x v=\"a&amp;b &lt;c&gt; &quot;d&quot; 'e' f&#10;g&#13;h&#9;i ]]&gt; &amp;amp; \\n é € 𝄞\"/>",
                written);
        assertEquals(value, roundTrip(n).attr("v"));
    }

    @Test
    void everyCharacterXmlCanCarryRoundTrips() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0x09; c < 0xD800; c++) {
            if (c >= 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) {
                all.append(c);
            }
        }
        for (char c = 0xE000; c < 0xFFFE; c++) {
            all.append(c);
        }
        all.appendCodePoint(0x10000).appendCodePoint(0x10FFFF);
        XmlNode n = XmlNode.builder("x").attr("v", all.toString()).build();
        assertEquals(all.toString(), roundTrip(n).attr("v"));
    }

    @Test
    void charactersXmlCannotCarryAreDroppedSoOutputStaysParseable() throws Exception {
        String value = "a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Bg\u001Fh\uFFFEi\uFFFFj\uD800k\uDC00l";
        XmlNode n = XmlNode.builder("x").attr("v", value).attr("esc", "\u001B[31mred\u001B[0m").build();
        XmlNode back = roundTrip(n);
        assertEquals("abcdefghijkl", back.attr("v"));
        assertEquals("[31mred[0m", back.attr("esc"));
        // A valid surrogate pair is kept, a reversed pair is not.
        XmlNode pairs = XmlNode.builder("x").attr("v", "\uD834\uDD1E|\uDD1E\uD834").build();
        assertEquals("\uD834\uDD1E|", roundTrip(pairs).attr("v"));
    }

    @Test
    void writesCompactlyWithSelfClosingEmptyElementsAndNoDeclaration() {
        XmlNode n = XmlNode.builder("lrmd_reply").attr("lrmd_rc", 0)
                .child(XmlNode.builder("lrmd_rsc").attr("id", "r1").build())
                .child(XmlNode.builder("empty").build())
                .build();
        assertEquals("<lrmd_reply lrmd_rc=\"0\"><lrmd_rsc id=\"r1\"/><empty/></lrmd_reply>", XmlCodec.write(n));
        assertEquals("<e/>", XmlCodec.write(XmlNode.builder("e").build()));
        assertEquals("<e a=\"\"/>", XmlCodec.write(XmlNode.builder("e").attr("a", "").build()));
    }

    @Test
    void nullValuedAttributesAreLeftOut() throws Exception {
        Map<String, String> attrs = new java.util.LinkedHashMap<>();
        attrs.put("a", "1");
        attrs.put("b", null);
        attrs.put("c", "3");
        XmlNode n = new XmlNode("e", attrs, List.of());
        assertEquals("<e a=\"1\" c=\"3\"/>", XmlCodec.write(n));
    }

    @Test
    void commentsAndProcessingInstructionsAreIgnoredTextAndCdataKept() throws Exception {
        XmlNode n = parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi -->\n<a b=\"1\">\n  text<![CDATA[<c/>]]>"
                + "<!-- more --><?pi data?><c/>\n</a>\n");
        assertEquals(XmlNode.builder("a").attr("b", "1").text("\n  text<c/>\n")
                .child(XmlNode.builder("c").build()).build(), n);
    }

    @Test
    void indentationIsNotText() throws Exception {
        XmlNode n = parse("<a>\n  <b/>\n  <c>\n  </c>\n</a>");
        assertEquals(null, n.text());
        assertEquals(null, n.child("c").orElseThrow().text());
    }

    @Test
    void textRoundTripsEscaped() throws Exception {
        XmlNode file = XmlNode.builder("file").attr("path", "x.rng").text("<grammar a=\"&amp;\">\n\t<x/></grammar>").build();
        String xml = XmlCodec.write(XmlNode.builder("schema").child(file).build());
        assertEquals(file, parse(xml).child("file").orElseThrow());
        assertEquals("<e>&lt;&amp;&gt;</e>", XmlCodec.write(XmlNode.builder("e").text("<&>").build()));
    }

    @Test
    void literalWhitespaceInAttributesIsNormalisedAsXmlRequires() throws Exception {
        assertEquals("a b c", parse("<x v=\"a\tb\nc\"/>").attr("v"));
    }

    @Test
    void prefixedNamesAreKeptWhole() throws Exception {
        XmlNode n = parse("<p:a xmlns:p=\"urn:x\" p:b=\"1\" c=\"2\"/>");
        assertEquals("p:a", n.name());
        assertEquals(List.of("xmlns:p", "p:b", "c"), new ArrayList<>(n.attributes().keySet()));
        assertEquals(n, roundTrip(n));
    }

    @Test
    void malformedInputIsRejected() {
        rejects("");
        rejects("   ");
        rejects("not xml at all");
        rejects("<lrmd_command lrmd_op=\"register\"");
        rejects("<lrmd_command lrmd_op=\"register\">");
        rejects("<a></b>");
        rejects("<a/><b/>");
        rejects("<a x=\"1\" x=\"2\"/>");
        rejects("<a x=1/>");
        rejects("<a x=\"<\"/>");
        rejects("<a x=\"&\"/>");
        rejects("<a x=\"&#1;\"/>");
        rejects("<a>&nbsp;</a>");
        rejects("<a x=\"&bogus;\"/>");
        rejects("<1a/>");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] bad = {'<', 'a', ' ', 'x', '=', '"', (byte) 0xC3, (byte) 0x28, '"', '/', '>'};
        assertThrows(MalformedMessageException.class, () -> XmlCodec.parse(bad));
    }

    @Test
    void doctypeIsRejected() {
        MalformedMessageException e = rejects("<!DOCTYPE a><a/>");
        assertTrue(e.getMessage().contains("document type"), e.getMessage());
        rejects("<!DOCTYPE a [<!ENTITY x \"expanded\">]><a v=\"&x;\"/>");
    }

    @Test
    void entityExpansionBombIsRejected() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        String prev = "lol";
        for (int i = 1; i < 10; i++) {
            sb.append("<!ENTITY lol").append(i).append(" \"").append(("&" + prev + ";").repeat(10)).append("\">");
            prev = "lol" + i;
        }
        sb.append("]><lolz v=\"&").append(prev).append(";\"/>");
        rejects(sb.toString());
    }

    @Test
    void externalEntitiesAreNeverResolved(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String http = "http://127.0.0.1:" + server.getLocalPort();
            String[] attacks = {
                "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]><a v=\"&xxe;\"/>",
                "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]><a>&xxe;</a>",
                "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"" + http + "/entity\">]><a>&xxe;</a>",
                "<!DOCTYPE a SYSTEM \"" + http + "/external.dtd\"><a/>",
                "<!DOCTYPE a [<!ENTITY % p SYSTEM \"" + http + "/param.dtd\"> %p;]><a/>",
            };
            for (String attack : attacks) {
                MalformedMessageException e = rejects(attack);
                assertFalse(String.valueOf(e.getMessage()).contains("TOP-SECRET"), e.getMessage());
            }
            server.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, server::accept, "the parser must not have connected");
        } catch (IOException e) {
            throw new AssertionError("loopback listener for the XXE test failed", e);
        }
    }

    @Test
    void nestingDepthIsBounded() throws Exception {
        int ok = XmlCodec.MAX_DEPTH;
        XmlNode deep = parse("<e>".repeat(ok - 1) + "<e/>" + "</e>".repeat(ok - 1));
        int depth = 1;
        for (XmlNode n = deep; !n.children().isEmpty(); n = n.children().get(0)) {
            depth++;
        }
        assertEquals(ok, depth);
        int tooDeep = XmlCodec.MAX_DEPTH + 1;
        rejects("<e>".repeat(tooDeep - 1) + "<e/>" + "</e>".repeat(tooDeep - 1));
    }

    @Test
    void stringAndByteEntryPointsAgree() throws Exception {
        String xml = "<a v=\"é&#10;\"/>";
        assertEquals(XmlCodec.parse(xml), XmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Map.of("v", "é\n"), XmlCodec.parse(xml).attributes());
    }

    @Test
    void aMessageWithMoreAttributesInAllThanTheLimitIsRefusedEvenIfEachElementIsSmall() throws Exception {
        StringBuilder sb = new StringBuilder("<m>");
        for (int e = 0; e < 10; e++) {
            sb.append("<e");
            for (int a = 0; a < 100; a++) {
                sb.append(" a").append(a).append("=\"\"");
            }
            sb.append("/>");
        }
        byte[] xml = sb.append("</m>").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> XmlCodec.parse(xml, new XmlLimits(1000, 999)));
        assertTrue(e.getMessage().contains("999 attributes"), e.getMessage());
        assertEquals(10, XmlCodec.parse(xml, new XmlLimits(11, 1000)).children().size());
    }

    @Test
    void aMessageWithMoreElementsThanTheLimitIsRefused() throws Exception {
        byte[] xml = "<m><a/><a/><a/></m>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThrows(MalformedMessageException.class, () -> XmlCodec.parse(xml, new XmlLimits(3, 10)));
        assertEquals(3, XmlCodec.parse(xml, new XmlLimits(4, 10)).children().size());
    }

    @Test
    void theLimitsGrowWithTheMaximumMessageSize() {
        assertTrue(XmlLimits.forMaxMessage(64L << 20).maxAttributes() > XmlLimits.DEFAULT.maxAttributes());
        assertEquals(10_000, XmlLimits.forMaxMessage(1000).maxElements());
    }
}
