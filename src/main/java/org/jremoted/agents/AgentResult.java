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

    /**
     * A duration the way Pacemaker writes it in messages: {@code 2s}, {@code 1m30s},
     * {@code 3.333s}, {@code 1000ms}. Each unit is used only when the remainder strictly exceeds
     * it, which is why exactly one second is written {@code 1000ms} and exactly one minute
     * {@code 60s} — upstream's output, kept for identical messages.
     */
    public static String readableInterval(long ms) {
        final long second = 1000;
        final long minute = 60 * second;
        final long hour = 60 * minute;
        final long day = 24 * hour;
        StringBuilder sb = new StringBuilder();
        long rest = ms;
        if (rest > day) {
            sb.append(rest / day).append('d');
            rest %= day;
        }
        if (rest > hour) {
            sb.append(rest / hour).append('h');
            rest %= hour;
        }
        if (rest > minute) {
            sb.append(rest / minute).append('m');
            rest %= minute;
        }
        if (rest > second) {
            sb.append(rest / second);
            rest %= second;
            if (rest > 0) {
                sb.append('.').append(String.format("%03d", rest));
            }
            sb.append('s');
        } else if (rest > 0) {
            sb.append(rest).append("ms");
        } else if (sb.length() == 0) {
            sb.append("0s");
        }
        return sb.toString();
    }
}
