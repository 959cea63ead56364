package org.jremoted.agents;

/** Pacemaker's execution status ({@code lrmd_exec_op_status}): could the action run at all. */
public enum ExecutionStatus {
    UNKNOWN(-2), PENDING(-1), DONE(0), CANCELLED(1), TIMEOUT(2), NOT_SUPPORTED(3), ERROR(4),
    ERROR_HARD(5), ERROR_FATAL(6), NOT_INSTALLED(7), NOT_CONNECTED(8), INVALID(9),
    NO_FENCE_DEVICE(10), NO_SECRETS(11);

    private final int code;

    ExecutionStatus(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }
}
