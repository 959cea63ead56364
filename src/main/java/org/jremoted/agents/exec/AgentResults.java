package org.jremoted.agents.exec;

import java.nio.charset.StandardCharsets;
import java.util.function.IntUnaryOperator;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.process.ChildProcess;

/** Turning a finished child into the result the cluster sees (docs/agents.md §1.4–1.5), for every fork/exec class. */
public final class AgentResults {

    /** The prefix OCF agents put before their exit reason on stderr. */
    public static final String EXIT_REASON_PREFIX = "ocf-exit-reason:";
    /** Longest exit reason kept, in bytes. */
    public static final int MAX_EXIT_REASON = 128;

    private static final String[] SIGNAL_NAMES = {
        null, "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap", "Aborted",
        "Bus error", "Floating point exception", "Killed", "User defined signal 1", "Segmentation fault",
        "User defined signal 2", "Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited",
        "Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)", "Stopped (tty output)",
        "Urgent I/O condition", "CPU time limit exceeded", "File size limit exceeded", "Virtual timer expired",
        "Profiling timer expired", "Window changed", "I/O possible", "Power failure", "Bad system call",
    };
    /** glibc reserves 32 and 33 for itself, so SIGRTMIN as applications see it is 34. */
    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;

    private AgentResults() {
    }

    /**
     * The common mapping of a child's end to a result.
     *
     * @param exitMap     the class's exit code mapping (called only for a normal exit)
     * @param parseReason whether an exit reason is taken from stderr (OCF only)
     */
    public static AgentResult fromOutcome(ChildProcess.Outcome o, long timeoutMs, IntUnaryOperator exitMap,
                                          boolean parseReason) {
        String output = chooseOutput(o.stdout(), o.stderr());
        switch (o.ending()) {
            case EXITED:
                return new AgentResult(exitMap.applyAsInt(o.exitCode()), ExecutionStatus.DONE, output,
                        parseReason ? parseExitReason(o.stderr()) : null);
            case TIMED_OUT:
                return new AgentResult(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT, output,
                        "Resource agent did not complete within " + AgentResult.readableInterval(timeoutMs));
            case CANCELLED:
                return new AgentResult(ExitStatus.OK, ExecutionStatus.CANCELLED, output, null);
            case SIGNALLED:
                return new AgentResult(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, output,
                        "Resource agent interrupted by " + signalDescription(o.signal()) + " signal");
            case NOT_STARTED:
            default:
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, o.detail());
        }
    }

    /** What goes into {@code lrmd_rsc_output}: stderr when the agent wrote any, else stdout; null if neither. */
    public static String chooseOutput(String stdout, String stderr) {
        if (stderr != null && !stderr.isEmpty()) {
            return stderr;
        }
        return stdout == null || stdout.isEmpty() ? null : stdout;
    }

    /**
     * The text after the last {@code ocf-exit-reason:} up to the next newline, at most 128 bytes
     * (cut back to a whole UTF-8 character); null when absent or empty.
     */
    public static String parseExitReason(String stderr) {
        if (stderr == null) {
            return null;
        }
        int at = stderr.lastIndexOf(EXIT_REASON_PREFIX);
        if (at < 0) {
            return null;
        }
        int start = at + EXIT_REASON_PREFIX.length();
        int end = stderr.indexOf('\n', start);
        String reason = stderr.substring(start, end < 0 ? stderr.length() : end);
        if (reason.isEmpty()) {
            return null;
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_EXIT_REASON) {
            return reason;
        }
        int cut = MAX_EXIT_REASON;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return new String(bytes, 0, cut, StandardCharsets.UTF_8);
    }

    /** strsignal() text as glibc prints it in the C locale. */
    public static String signalDescription(int signal) {
        if (signal > 0 && signal < SIGNAL_NAMES.length) {
            return SIGNAL_NAMES[signal];
        }
        if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
            return "Real-time signal " + (signal - SIGRTMIN);
        }
        return "Unknown signal " + signal;
    }
}
