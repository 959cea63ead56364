package org.jremoted.protocol;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Converts between message text and {@link XmlNode} (docs/protocol.md §4).
 *
 * <p>Reading is strict and closed to the outside world: no DTD, no entity other than the five
 * predefined ones and character references. Attribute values are kept exactly as the parser
 * reports them, so the 2.1.5 habit of writing a newline as the two characters {@code \n} survives
 * untouched; the cluster computes digests over echoed parameters, which must come back byte for
 * byte. Text content and comments carry nothing in this protocol and are ignored.
 *
 * <p>Writing produces one compact line, standard character references for TAB/LF/CR, and drops
 * characters XML 1.0 cannot carry at all (other C0 controls, lone surrogates, U+FFFE/U+FFFF), so
 * the output is always parseable.
 */
public final class XmlCodec {

    /** Far deeper than any CIB; bounds the work a hostile peer can make us do per message. */
    static final int MAX_DEPTH = 1000;

    private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(XmlCodec::newFactory);

    private XmlCodec() {
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        // The JDK's factory can hand out the same reader again once the previous one was closed
        // (parse() always closes it); building a reader costs about a third of a small message's
        // parse. The factory is per thread, so no reader is ever shared.
        try {
            f.setProperty("reuse-instance", Boolean.TRUE);
        } catch (IllegalArgumentException notTheJdkFactory) {
            // Another StAX implementation: a new reader per message, as before.
        }
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resource " + systemId + " refused");
        });
        return f;
    }

    public static XmlNode parse(String xml) throws MalformedMessageException {
        return parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses one UTF-8 encoded element (an XML declaration in front of it is allowed). */
    public static XmlNode parse(byte[] utf8) throws MalformedMessageException {
        return parse(utf8, XmlLimits.DEFAULT);
    }

    /** The same, refusing a message that would build more than {@code limits} allow. */
    public static XmlNode parse(byte[] utf8, XmlLimits limits) throws MalformedMessageException {
        XMLStreamReader r = null;
        try {
            r = FACTORY.get().createXMLStreamReader(new ByteArrayInputStream(utf8), "UTF-8");
            return read(r, limits);
        } catch (XMLStreamException | RuntimeException e) {
            throw new MalformedMessageException("not well-formed XML: " + oneLine(e.getMessage()), e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // Nothing is held open: the source is a byte array.
                }
            }
        }
    }

    private static XmlNode read(XMLStreamReader r, XmlLimits limits)
            throws XMLStreamException, MalformedMessageException {
        int elements = 0;
        long attributeCount = 0;
        Deque<XmlNode.Builder> open = new ArrayDeque<>();
        Deque<StringBuilder> texts = new ArrayDeque<>();
        XmlNode root = null;
        while (r.hasNext()) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    if (open.size() >= MAX_DEPTH) {
                        throw new MalformedMessageException("elements nested deeper than " + MAX_DEPTH);
                    }
                    if (++elements > limits.maxElements()) {
                        throw new MalformedMessageException("more than " + limits.maxElements() + " elements");
                    }
                    attributeCount += r.getAttributeCount();
                    if (attributeCount > limits.maxAttributes()) {
                        throw new MalformedMessageException("more than " + limits.maxAttributes() + " attributes");
                    }
                    XmlNode.Builder b = XmlNode.builder(qualified(r.getPrefix(), r.getLocalName()));
                    Map<String, String> attributes = new LinkedHashMap<>();
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        attributes.put(qualified(r.getAttributePrefix(i), r.getAttributeLocalName(i)),
                                r.getAttributeValue(i));
                    }
                    open.push(b.attrs(attributes));
                    texts.push(new StringBuilder(0));
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!texts.isEmpty()) {
                        texts.peek().append(r.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    StringBuilder text = texts.pop();
                    XmlNode.Builder b = open.pop();
                    // Indentation between child elements is not content.
                    if (!text.toString().isBlank()) {
                        b.text(text.toString());
                    }
                    XmlNode done = b.build();
                    if (open.isEmpty()) {
                        root = done;
                    } else {
                        open.peek().child(done);
                    }
                }
                case XMLStreamConstants.DTD ->
                        throw new MalformedMessageException("document type declarations are not accepted");
                case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new MalformedMessageException("undeclared entity &" + r.getLocalName() + ";");
                default -> {
                    // Comments and processing instructions: meaningless here.
                }
            }
        }
        if (root == null) {
            throw new MalformedMessageException("no element");
        }
        return root;
    }

    /** Names are kept as written; the parser runs without namespace processing but still splits prefixes. */
    private static String qualified(String prefix, String local) {
        return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
    }

    public static byte[] writeUtf8(XmlNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /** Compact serialisation without XML declaration; empty elements self-close. */
    public static String write(XmlNode node) {
        StringBuilder sb = new StringBuilder(256);
        write(node, sb, 0);
        return sb.toString();
    }

    private static void write(XmlNode node, StringBuilder sb, int depth) {
        if (depth >= MAX_DEPTH) {
            // Would only come from a bug building replies; refuse rather than overflow the stack.
            throw new IllegalArgumentException("element " + node.name() + " nested deeper than " + MAX_DEPTH);
        }
        sb.append('<').append(node.name());
        for (Map.Entry<String, String> a : node.attributes().entrySet()) {
            if (a.getValue() == null) {
                continue; // the builder never stores one, but a hand-made map might
            }
            sb.append(' ').append(a.getKey()).append("=\"");
            escape(a.getValue(), sb);
            sb.append('"');
        }
        if (node.children().isEmpty() && node.text() == null) {
            sb.append("/>");
            return;
        }
        sb.append('>');
        if (node.text() != null) {
            escape(node.text(), sb);
        }
        for (XmlNode c : node.children()) {
            write(c, sb, depth + 1);
        }
        sb.append("</").append(node.name()).append('>');
    }

    static void escape(String value, StringBuilder sb) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\t' -> sb.append("&#9;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> sb.append("&#13;");
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        continue; // not representable in XML 1.0, not even as a reference
                    }
                    if (Character.isSurrogate(c)) {
                        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                            sb.append(c).append(value.charAt(++i));
                        }
                        continue; // a lone surrogate cannot be encoded in UTF-8
                    }
                    sb.append(c);
                }
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
