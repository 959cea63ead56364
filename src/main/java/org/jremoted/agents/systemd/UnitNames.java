package org.jremoted.agents.systemd;

import java.util.List;

/** From the resource's agent type to a systemd unit name (docs/agents.md §5.2). */
public final class UnitNames {

    /** Suffixes Pacemaker takes as "already a unit name"; anything else gets {@code .service}. */
    static final List<String> UNIT_SUFFIXES = List.of(".service", ".socket", ".mount", ".timer", ".path");
    /** The instance Pacemaker gives a template that names none. */
    static final String DEFAULT_INSTANCE = "pacemaker";

    private UnitNames() {
    }

    /**
     * The unit name for an agent type.
     *
     * @param type       the configured agent type ({@code foo}, {@code foo.service},
     *                   {@code foo@bar.service}, {@code foo@}, ...)
     * @param existence  true for an existence check or meta-data, where a bare {@code foo@} means
     *                   the template's {@code pacemaker} instance
     */
    public static String unitName(String type, boolean existence) {
        for (String suffix : UNIT_SUFFIXES) {
            if (type.endsWith(suffix) && type.length() > suffix.length()) {
                String stem = type.substring(0, type.length() - suffix.length());
                if (stem.endsWith("@")) {
                    return stem + DEFAULT_INSTANCE + suffix;
                }
                return type;
            }
        }
        if (existence && type.endsWith("@")) {
            return type + DEFAULT_INSTANCE + ".service";
        }
        return type + ".service";
    }

    /** Whether a unit name is of a service (the only kind whose drop-in gets a [Service] section). */
    public static boolean isService(String unit) {
        return unit.endsWith(".service");
    }

    /**
     * Whether the name can be handed to systemd at all: no path separators, no control
     * characters, not empty; systemd itself judges the rest (InvalidName).
     */
    public static boolean plausible(String type) {
        if (type == null || type.isEmpty() || type.length() > 255 || type.indexOf('/') >= 0) {
            return false;
        }
        for (int i = 0; i < type.length(); i++) {
            if (Character.isISOControl(type.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
