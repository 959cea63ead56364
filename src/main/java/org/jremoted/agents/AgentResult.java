package org.jremoted.agents;

/**
 * The outcome of one agent run.
 *
 * @param exitStatus      OCF exit code (see {@link ExitStatus}), already mapped from the class's own
 * @param executionStatus whether the action could run at all
 * @param output          what the cluster gets as {@code lrmd_rsc_output}: stderr if the agent wrote
 *                        any, else stdout; null when both were empty
 * @param exitReason      from the last {@code ocf-exit-reason:} line, or a message of ours; may be null
 */
public record AgentResult(int exitStatus, ExecutionStatus executionStatus, String output,
                          String exitReason) {

    public static AgentResult error(int exitStatus, ExecutionStatus status, String reason) {
        return new AgentResult(exitStatus, status, null, reason);
    }
}
