package org.jremoted.protocol;

/**
 * How much one message may make the parser build (docs/hardening.md, "Memory budget"). The text of
 * a message is bounded by the maximum message size; what it expands to in memory is bounded by
 * these counts, which is why they are derived from that size: an element or attribute costs the
 * parser roughly a hundred bytes whatever its length on the wire, so a dense message of a few
 * bytes per attribute would otherwise grow thirtyfold.
 *
 * @param maxElements   elements in one message, all levels together
 * @param maxAttributes attributes in one message, all elements together
 */
public record XmlLimits(int maxElements, int maxAttributes) {

    /** Far beyond any executor message; a whole CIB of this size has ~1 attribute per 30 bytes. */
    public static XmlLimits forMaxMessage(long maxMessageBytes) {
        long elements = Math.max(10_000, maxMessageBytes / 64);
        long attributes = Math.max(20_000, maxMessageBytes / 32);
        return new XmlLimits((int) Math.min(Integer.MAX_VALUE, elements),
                (int) Math.min(Integer.MAX_VALUE, attributes));
    }

    /** Limits for the default maximum message size. */
    public static final XmlLimits DEFAULT = forMaxMessage(16L * 1024 * 1024);

    public XmlLimits {
        if (maxElements < 1 || maxAttributes < 0) {
            throw new IllegalArgumentException("XML limits must be positive");
        }
    }
}
