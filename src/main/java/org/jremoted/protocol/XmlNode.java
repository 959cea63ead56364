package org.jremoted.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable XML element as Pacemaker uses it: a name, attributes in document order, child
 * elements, and text content. Executor messages carry no text; proxied CIB traffic can (the
 * Pacemaker 3.0 schema transfer sends whole files as CDATA), so it is kept, null when absent.
 */
public record XmlNode(String name, Map<String, String> attributes, List<XmlNode> children, String text) {

    public XmlNode {
        Objects.requireNonNull(name, "name");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        children = List.copyOf(children);
    }

    /** An element without text content. */
    public XmlNode(String name, Map<String, String> attributes, List<XmlNode> children) {
        this(name, attributes, children, null);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Attribute value, or null when absent. */
    public String attr(String attribute) {
        return attributes.get(attribute);
    }

    public Optional<String> optAttr(String attribute) {
        return Optional.ofNullable(attributes.get(attribute));
    }

    /** Integer attribute as Pacemaker reads it: missing or non-numeric gives the default. */
    public long longAttr(String attribute, long defaultValue) {
        String v = attributes.get(attribute);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    public int intAttr(String attribute, int defaultValue) {
        long v = longAttr(attribute, defaultValue);
        return (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) ? defaultValue : (int) v;
    }

    /** First direct child with this element name. */
    public Optional<XmlNode> child(String childName) {
        for (XmlNode c : children) {
            if (c.name.equals(childName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** First element with this name in document order, this one included (like XPath //name). */
    public Optional<XmlNode> find(String elementName) {
        if (name.equals(elementName)) {
            return Optional.of(this);
        }
        for (XmlNode c : children) {
            Optional<XmlNode> hit = c.find(elementName);
            if (hit.isPresent()) {
                return hit;
            }
        }
        return Optional.empty();
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.attributes.putAll(attributes);
        b.children.addAll(children);
        b.text = text;
        return b;
    }

    /** Mutable builder; attribute order is insertion order, a repeated attribute keeps its place. */
    public static final class Builder {
        private final String name;
        private final LinkedHashMap<String, String> attributes = new LinkedHashMap<>();
        private final List<XmlNode> children = new ArrayList<>();
        private String text;

        private Builder(String name) {
            this.name = name;
        }

        public Builder attr(String attribute, String value) {
            if (value != null) {
                attributes.put(attribute, value);
            }
            return this;
        }

        public Builder attr(String attribute, long value) {
            attributes.put(attribute, Long.toString(value));
            return this;
        }

        public Builder attrs(Map<String, String> more) {
            attributes.putAll(more);
            return this;
        }

        public Builder remove(String attribute) {
            attributes.remove(attribute);
            return this;
        }

        public Builder child(XmlNode child) {
            children.add(child);
            return this;
        }

        /** Text content (null for none). */
        public Builder text(String content) {
            this.text = content;
            return this;
        }

        public XmlNode build() {
            return new XmlNode(name, attributes, children, text);
        }
    }
}
