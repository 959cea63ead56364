package org.jremoted.agents;

/** OCF exit codes ({@code lrmd_exec_rc}); every agent class is mapped onto these. */
public final class ExitStatus {
    public static final int OK = 0;
    public static final int UNKNOWN_ERROR = 1;
    public static final int INVALID_PARAM = 2;
    public static final int UNIMPLEMENT_FEATURE = 3;
    public static final int INSUFFICIENT_PRIV = 4;
    public static final int NOT_INSTALLED = 5;
    public static final int NOT_CONFIGURED = 6;
    public static final int NOT_RUNNING = 7;
    public static final int RUNNING_PROMOTED = 8;
    public static final int FAILED_PROMOTED = 9;
    public static final int DEGRADED = 190;
    public static final int DEGRADED_PROMOTED = 191;
    /** Action still pending (with {@link ExecutionStatus#PENDING}). */
    public static final int PENDING = 193;

    private ExitStatus() {
    }
}
