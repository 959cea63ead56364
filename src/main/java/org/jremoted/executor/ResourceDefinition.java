package org.jremoted.executor;

import java.util.Locale;
import java.util.Objects;

/**
 * What {@code lrmd_rsc_register} declares about a resource.
 *
 * @param id       resource id ({@code lrmd_rsc_id})
 * @param standard resource class ({@code lrmd_class})
 * @param provider OCF provider, null for other classes
 * @param type     agent name ({@code lrmd_type})
 */
public record ResourceDefinition(String id, String standard, String provider, String type) {

    public ResourceDefinition {
        Objects.requireNonNull(id, "id");
    }

    /** Same agent as the other definition; upstream compares the names case-insensitively. */
    public boolean sameAgentAs(ResourceDefinition other) {
        return equalsIgnoreCase(standard, other.standard) && equalsIgnoreCase(provider, other.provider)
                && equalsIgnoreCase(type, other.type);
    }

    /** Classes whose agents know {@code status} instead of {@code monitor}. */
    public boolean monitorIsStatus() {
        if (standard == null) {
            return false;
        }
        switch (standard.toLowerCase(Locale.ROOT)) {
            case "lsb", "systemd", "service", "upstart":
                return true;
            default:
                return false;
        }
    }

    private static boolean equalsIgnoreCase(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }
}
