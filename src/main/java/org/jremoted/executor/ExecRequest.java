package org.jremoted.executor;

import java.util.Map;
import java.util.Objects;
import org.jremoted.support.Saturating;
import org.jremoted.protocol.XmlNode;

/**
 * One {@code lrmd_rsc_exec} request as the executor takes it.
 *
 * @param resourceId     {@code lrmd_rsc_id}
 * @param action         {@code lrmd_rsc_action} as requested (may be null: the run then fails)
 * @param intervalMs     {@code lrmd_rsc_interval}; &gt; 0 makes the operation recurring
 * @param timeoutMs      {@code lrmd_timeout} of {@code lrmd_rsc}; 0 = no timeout
 * @param startDelayMs   {@code lrmd_rsc_start_delay}
 * @param userData       {@code lrmd_rsc_userdata_str}, may be null
 * @param parameterNode  the request's {@code attributes} element, echoed verbatim; may be null
 * @param parameters     the same parameters as a map, for the agent
 * @param callId         the call id the dispatcher assigned to this request
 * @param callOptions    {@code lrmd_callopt} of the envelope
 * @param clientId       the requesting client
 */
public record ExecRequest(String resourceId, String action, long intervalMs, long timeoutMs,
                          long startDelayMs, String userData, XmlNode parameterNode,
                          Map<String, String> parameters, int callId, int callOptions,
                          String clientId) {

    /** Call option: send the completion only to the requesting client. */
    public static final int NOTIFY_ORIGINATOR_ONLY = 0x2;
    /** Call option: recurring results are notified only when they change. */
    public static final int NOTIFY_CHANGES_ONLY = 0x4;

    public ExecRequest {
        Objects.requireNonNull(resourceId, "resourceId");
        parameters = Map.copyOf(parameters);
        // Pacemaker holds all three as an int of milliseconds; a larger value from the wire is
        // held at that bound rather than overflowing later arithmetic (docs/hardening.md).
        intervalMs = Saturating.wireMillis(intervalMs);
        timeoutMs = Saturating.wireMillis(timeoutMs);
        startDelayMs = Saturating.wireMillis(startDelayMs);
    }
}
