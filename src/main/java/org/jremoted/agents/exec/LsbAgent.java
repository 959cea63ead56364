package org.jremoted.agents.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jremoted.agents.AgentAction;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.RunningAction;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildProcess;
import org.jremoted.process.ChildSettings;
import org.jremoted.process.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lsb} class (docs/agents.md §3): {@code /etc/init.d/<type> <action>}, with {@code monitor}
 * run as {@code status}. Init scripts get no parameters and no {@code OCF_*} variables; their exit
 * codes are mapped by the requested action, and exit reasons are never parsed.
 */
public final class LsbAgent implements AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(LsbAgent.class);

    /** Debian's build-time INITDIR. */
    public static final Path DEFAULT_INIT_DIRECTORY = Path.of("/etc/init.d");

    // LSB status exit codes (LSB 3.0, "Init Script Actions").
    static final int LSB_STATUS_OK = 0;
    static final int LSB_STATUS_DEAD_PIDFILE = 1;
    static final int LSB_STATUS_DEAD_LOCKFILE = 2;
    static final int LSB_STATUS_NOT_RUNNING = 3;
    static final int LSB_STATUS_UNKNOWN = 4;
    /** Reserved by Pacemaker for a status action whose script is not installed. */
    static final int LSB_STATUS_NOT_INSTALLED = 150;
    /** Reserved by Pacemaker for a status action the daemon may not run. */
    static final int LSB_STATUS_INSUFFICIENT_PRIV = 151;

    private final ChildLauncher launcher;
    private final Path initDirectory;

    /** The daemon's LSB class: {@code /etc/init.d}, daemon child settings. */
    public LsbAgent() {
        this(new ChildLauncher(ChildSettings.daemonDefaults()), DEFAULT_INIT_DIRECTORY);
    }

    public LsbAgent(ChildLauncher launcher) {
        this(launcher, DEFAULT_INIT_DIRECTORY);
    }

    /** @param initDirectory where scripts named by a relative type are looked up */
    public LsbAgent(ChildLauncher launcher, Path initDirectory) {
        this.launcher = launcher;
        this.initDirectory = initDirectory;
    }

    public Path initDirectory() {
        return initDirectory;
    }

    /**
     * The script a type names: an absolute type is used as it is, anything else is looked up in
     * the init directory. Null when the type cannot name a file there.
     */
    public Path scriptPath(String type) {
        if (type == null || type.isEmpty() || type.indexOf('\0') >= 0) {
            return null;
        }
        if (type.startsWith("/")) {
            return Path.of(type);
        }
        if (type.equals(".") || type.equals("..") || type.indexOf('/') >= 0) {
            return null;
        }
        return initDirectory.resolve(type);
    }

    /** Whether the script exists (the {@code service} class's first test, docs/agents.md §4). */
    public boolean scriptExists(String type) {
        Path p = scriptPath(type);
        return p != null && Files.exists(p);
    }

    @Override
    public RunningAction start(AgentAction action) {
        Path script = scriptPath(action.type());
        if (script == null) {
            // Not a file name in the init directory, so it cannot be installed on any node.
            return RunningAction.done(AgentResult.error(ExitStatus.NOT_INSTALLED,
                    ExecutionStatus.ERROR_FATAL, "Invalid LSB script name '"
                            + action.type().replace('\0', '?') + "'"));
        }
        AgentResult missing = checkScript(script);
        if (missing != null) {
            return RunningAction.done(missing);
        }
        String requested = action.action();
        boolean statusAction = isStatus(requested);
        // Scripts know "status"; only the cluster calls it "monitor".
        String argument = "monitor".equalsIgnoreCase(requested) ? "status" : requested;
        boolean killGroup = !"block".equalsIgnoreCase(action.parameters().get("CRM_meta_on_fail"));
        String description = action.resourceId() + " " + requested
                + (action.intervalMs() > 0 ? "_" + action.intervalMs() : "");
        ChildProcess child = launcher.start(new ChildProcess.Request(script, List.of(argument), Map.of(),
                action.timeoutMs(), killGroup, description));
        long timeoutMs = action.timeoutMs();
        CompletableFuture<AgentResult> result = child.outcome().thenApply(o -> {
            try {
                return toResult(o, timeoutMs, statusAction);
            } catch (RuntimeException e) {
                log.error("Could not evaluate the result of {}", description, e);
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, "Internal error: " + e);
            }
        });
        return new RunningChild(result, child);
    }

    static AgentResult toResult(ChildProcess.Outcome o, long timeoutMs, boolean statusAction) {
        if (o.ending() == ChildProcess.Ending.NOT_STARTED) {
            // Upstream's child exits with the class's "not installed"/"insufficient privileges"
            // code after a failed exec; the same mapping is applied here to the exec errno.
            int code;
            switch (o.errno()) {
                case Errno.ENOENT, Errno.EISDIR, Errno.ENOTDIR, Errno.EINVAL, Errno.ENOEXEC:
                    code = statusAction ? LSB_STATUS_NOT_INSTALLED : ExitStatus.NOT_INSTALLED;
                    break;
                case Errno.EACCES, Errno.EPERM:
                    code = statusAction ? LSB_STATUS_INSUFFICIENT_PRIV : ExitStatus.INSUFFICIENT_PRIV;
                    break;
                default:
                    return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, o.detail());
            }
            return AgentResult.error(mapExitCode(code, statusAction), ExecutionStatus.DONE,
                    OcfAgent.EXEC_FAILED);
        }
        return AgentResults.fromOutcome(o, timeoutMs, code -> mapExitCode(code, statusAction), false);
    }

    /** True for the actions whose exit code follows the LSB status convention. */
    static boolean isStatus(String action) {
        String a = action.toLowerCase(Locale.ROOT);
        return a.equals("monitor") || a.equals("status");
    }

    /** docs/agents.md §3: the requested action decides which table applies. */
    public static int mapExitCode(int code, boolean statusAction) {
        if (statusAction) {
            switch (code) {
                case LSB_STATUS_OK:
                    return ExitStatus.OK;
                case LSB_STATUS_DEAD_PIDFILE, LSB_STATUS_DEAD_LOCKFILE, LSB_STATUS_NOT_RUNNING:
                    return ExitStatus.NOT_RUNNING;
                case LSB_STATUS_NOT_INSTALLED:
                    return ExitStatus.NOT_INSTALLED;
                case LSB_STATUS_INSUFFICIENT_PRIV:
                    return ExitStatus.INSUFFICIENT_PRIV;
                case LSB_STATUS_UNKNOWN:
                default:
                    return ExitStatus.UNKNOWN_ERROR;
            }
        }
        return code >= 0 && code <= 7 ? code : ExitStatus.UNKNOWN_ERROR;
    }

    /** The stat() before running (docs/agents.md §1.2); null when the script is there. */
    private static AgentResult checkScript(Path script) {
        int errno = Errno.ofStat(script);
        if (errno == 0) {
            return null;
        }
        String reason = script + ": " + Errno.describe(errno);
        if (errno == Errno.EACCES) {
            return AgentResult.error(ExitStatus.INSUFFICIENT_PRIV, ExecutionStatus.ERROR, reason);
        }
        return AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED, reason);
    }
}
