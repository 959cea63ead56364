package org.jremoted.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jremoted.fuzzing.FuzzLogs;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz targets for the XML codec (docs/fuzzing.md). Seeds: every message of the captured traces.
 */
@ExtendWith(FuzzLogs.class)
class XmlCodecFuzzTest {


    /**
     * Whatever a peer sends either is refused as malformed or parses to a tree that our writer can
     * write and read back unchanged, except for the characters XML 1.0 cannot carry.
     */
    @FuzzTest
    void aParsedMessageIsWrittenAndReadBackUnchanged(byte[] input) throws Exception {
        XmlNode parsed;
        try {
            parsed = XmlCodec.parse(input);
        } catch (MalformedMessageException refused) {
            return;
        }
        assertTrue(depth(parsed) <= XmlCodec.MAX_DEPTH, "the depth limit let a deeper tree through");
        String written = XmlCodec.write(parsed);
        XmlNode again = parseOwn(written);
        assertEquals(representable(parsed), again);
        assertEquals(written, XmlCodec.write(again));
    }

    /** Any tree the daemon can build is written as XML that parses back to the same tree. */
    @FuzzTest
    void aBuiltTreeIsWrittenAsXmlThatParsesBackToIt(FuzzedDataProvider data) throws Exception {
        XmlNode tree = tree(data, 0);
        XmlNode again = parseOwn(XmlCodec.write(tree));
        assertEquals(representable(tree), again);
        assertEquals(attributeOrder(representable(tree)), attributeOrder(again));
    }

    private static XmlNode parseOwn(String written) {
        try {
            return XmlCodec.parse(written);
        } catch (MalformedMessageException e) {
            throw new AssertionError("our own output does not parse: " + e.getMessage() + ": " + written, e);
        }
    }

    private static int depth(XmlNode n) {
        int d = 0;
        for (XmlNode c : n.children()) {
            d = Math.max(d, depth(c));
        }
        return d + 1;
    }

    private static final String NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
    private static final String NAME_REST = NAME_START + "0123456789-.";

    private static String name(FuzzedDataProvider data) {
        StringBuilder sb = new StringBuilder();
        sb.append(NAME_START.charAt(data.consumeInt(0, NAME_START.length() - 1)));
        int more = data.consumeInt(0, 12);
        for (int i = 0; i < more; i++) {
            sb.append(NAME_REST.charAt(data.consumeInt(0, NAME_REST.length() - 1)));
        }
        if (data.consumeInt(0, 7) == 0) {
            sb.append(':').append(NAME_START.charAt(data.consumeInt(0, NAME_START.length() - 1)));
        }
        return sb.toString();
    }

    private static XmlNode tree(FuzzedDataProvider data, int depth) {
        XmlNode.Builder b = XmlNode.builder(name(data));
        int attributes = data.consumeInt(0, 6);
        for (int i = 0; i < attributes; i++) {
            b.attr(name(data), data.consumeString(40));
        }
        if (data.consumeBoolean()) {
            b.text(data.consumeString(40));
        }
        int children = depth >= 6 ? 0 : data.consumeInt(0, 3);
        for (int i = 0; i < children; i++) {
            b.child(tree(data, depth + 1));
        }
        return b.build();
    }

    /**
     * The tree as it must come back: characters XML 1.0 has no way to carry are gone (C0 controls
     * other than TAB, LF and CR, lone surrogates, U+FFFE and U+FFFF), and text that is then empty
     * or only white space is no text.
     */
    static XmlNode representable(XmlNode n) {
        XmlNode.Builder b = XmlNode.builder(n.name());
        for (Map.Entry<String, String> a : n.attributes().entrySet()) {
            b.attr(a.getKey(), representable(a.getValue()));
        }
        if (n.text() != null) {
            String t = representable(n.text());
            if (!t.isBlank()) {
                b.text(t);
            }
        }
        for (XmlNode c : n.children()) {
            b.child(representable(c));
        }
        return b.build();
    }

    private static String representable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (!Character.isSurrogate(c) && c != 0xFFFE && c != 0xFFFF
                    && (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static List<List<String>> attributeOrder(XmlNode n) {
        List<List<String>> out = new ArrayList<>();
        out.add(new ArrayList<>(n.attributes().keySet()));
        for (XmlNode c : n.children()) {
            out.addAll(attributeOrder(c));
        }
        return out;
    }
}
