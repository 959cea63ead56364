package org.jremoted.agents;

import java.util.Locale;
import java.util.Map;

/**
 * One run of one resource agent action, as the executor asks for it. Runners are given only actions
 * that have the {@linkplain #missingInformation() required information}.
 *
 * @param resourceId  the resource id ({@code OCF_RESOURCE_INSTANCE})
 * @param standard    the resource class: ocf, lsb, systemd, service, stonith, ...
 * @param provider    the OCF provider, null for other classes
 * @param type        the agent name (OCF type, init script, unit name)
 * @param action      the action as requested (start, stop, monitor, ...)
 * @param intervalMs  the operation interval, 0 for one-shot operations
 * @param timeoutMs   how long one run may take; 0 means no timeout
 * @param parameters  the request parameters, verbatim (resource parameters and CRM_meta_*)
 */
public record AgentAction(String resourceId, String standard, String provider, String type,
                          String action, long intervalMs, long timeoutMs,
                          Map<String, String> parameters) {
    /** Upstream's reason for an action that lacks a required field (docs/agents.md §1.2). */
    public static final String MISSING_INFORMATION = "Required agent or action information missing";

    public AgentAction {
        parameters = Map.copyOf(parameters);
    }

    /**
     * The result of an action that cannot even be prepared because a required field is null or
     * empty: resource id, class, agent type, action, and for {@code ocf} the provider (rc 1,
     * ERROR_FATAL, docs/agents.md §1.2). Null when the action is complete. This is the only place
     * that decides it: the executor asks once, before it chooses a runner, so no runner checks again.
     */
    public AgentResult missingInformation() {
        boolean complete = !isBlank(resourceId) && !isBlank(standard) && !isBlank(type) && !isBlank(action)
                && (!"ocf".equals(standard.toLowerCase(Locale.ROOT)) || !isBlank(provider));
        return complete ? null
                : AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR_FATAL, MISSING_INFORMATION);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }
}
