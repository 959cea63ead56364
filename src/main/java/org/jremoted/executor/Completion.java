package org.jremoted.executor;

import org.jremoted.agents.ExecutionStatus;
import org.jremoted.protocol.XmlNode;

/**
 * The result of one run of an operation (or of its cancellation), i.e. the content of one
 * completion notification, plus who should receive it.
 *
 * @param resourceId         resource id
 * @param action             action as requested (null if the request had none)
 * @param intervalMs         interval
 * @param timeoutMs          timeout as requested
 * @param startDelayMs       start delay as requested
 * @param exitStatus         OCF exit code
 * @param executionStatus    execution status
 * @param callId             call id (the newest one for merged duplicates)
 * @param resourceDeleted    the resource was unregistered or replaced meanwhile
 * @param runTime            epoch seconds when this run started, 0 if it never ran
 * @param rcChangeTime       epoch seconds when the exit code last changed for this call, 0 if never
 * @param execTimeMs         how long the run took
 * @param queueTimeMs        time between queueing and start, start delay included
 * @param userData           user data of the request, may be null
 * @param exitReason         may be null
 * @param output             may be null
 * @param parameterNode      the request's {@code attributes} element, may be null
 * @param clientId           the client that requested the operation
 * @param originatorOnly     only that client gets the notification
 */
public record Completion(String resourceId, String action, long intervalMs, long timeoutMs,
                         long startDelayMs, int exitStatus, ExecutionStatus executionStatus,
                         int callId, boolean resourceDeleted, long runTime, long rcChangeTime,
                         long execTimeMs, long queueTimeMs, String userData, String exitReason,
                         String output, XmlNode parameterNode, String clientId,
                         boolean originatorOnly) {
}
