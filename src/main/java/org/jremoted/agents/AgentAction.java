package org.jremoted.agents;

import java.util.Map;

/**
 * One run of one resource agent action, as the executor asks for it.
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
    public AgentAction {
        parameters = Map.copyOf(parameters);
    }
}
