package org.jremoted.agents.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.RunningAction;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildProcess;
import org.jremoted.process.ChildSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one alert agent (docs/agents.md §8): the executable exactly as the cluster names it, no
 * arguments, the request's attributes ({@code CRM_alert_*}, user-defined variables) exported
 * verbatim on top of the daemon's environment, as user {@code hacluster} with its primary group and
 * no supplementary groups, killed with its process group when the timeout expires.
 *
 * <p>The launcher spawns with {@code posix_spawn}, which cannot change credentials, so when the
 * daemon runs as root the agent is started through util-linux's {@code setpriv}, which switches
 * user and group and then execs the agent in place: the PID, process group and argv the agent
 * sees are its own. Alerts are rare (a handful per cluster event), so the extra exec is cheap.
 */
public final class AlertAgent {

    private static final Logger log = LoggerFactory.getLogger(AlertAgent.class);

    public static final String DEFAULT_USER = "hacluster";
    public static final String DEFAULT_GROUP = "haclient";
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    static final Path PASSWD = Path.of("/etc/passwd");

    /** setpriv's exit codes when it could not exec the agent (util-linux, c.h EX_EXEC_*). */
    private static final int SETPRIV_EXEC_FAILED = 126;
    private static final int SETPRIV_EXEC_ENOENT = 127;

    private final ChildLauncher launcher;
    private final String user;

    /** Alerts as the daemon runs them: daemon child settings, user {@code hacluster}. */
    public AlertAgent() {
        this(new ChildLauncher(ChildSettings.daemonDefaults()), DEFAULT_USER);
    }

    /** @param user the account alert agents run as; null to run them with the daemon's credentials */
    public AlertAgent(ChildLauncher launcher, String user) {
        this.launcher = launcher;
        this.user = user;
    }

    /**
     * One alert run. The result's exit status is the agent's raw exit code when it exited (alerts
     * have no OCF mapping; it is only logged), else as for other agents.
     *
     * @param alertId     {@code lrmd_alert_id}, for log lines
     * @param path        {@code lrmd_alert_path}, used exactly as given
     * @param timeoutMs   {@code lrmd_timeout}; 0 or less: no timeout
     * @param environment the request's attributes, exported verbatim
     */
    public RunningAction run(String alertId, String path, long timeoutMs, Map<String, String> environment) {
        String description = "alert " + alertId + " (" + path + ")";
        Path executable = Path.of(path);
        if (!executable.isAbsolute() || !Files.isRegularFile(executable)) {
            // Upstream's child fails its exec; the cluster never hears about it either way.
            String detail = path.isEmpty() ? "empty alert path"
                    : path + ": " + (!executable.isAbsolute() ? "Not an absolute path"
                    : Files.exists(executable) ? "Not a regular file" : "No such file or directory");
            return RunningAction.done(AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                    detail));
        }
        Credentials credentials = null;
        if (user != null && runningAsRoot()) {
            credentials = lookUp(user);
            if (credentials == null) {
                return RunningAction.done(AgentResult.error(ExitStatus.INSUFFICIENT_PRIV, ExecutionStatus.ERROR,
                        "Could not find user " + user + " to run the alert agent as"));
            }
        }
        ChildProcess.Request request;
        if (credentials == null) {
            request = new ChildProcess.Request(executable, List.of(), environment, timeoutMs, true, description);
        } else {
            List<String> args = new ArrayList<>();
            args.add("--reuid=" + credentials.uid());
            args.add("--regid=" + credentials.gid());
            args.add("--clear-groups");
            args.add("--");
            args.add(path);
            request = new ChildProcess.Request(SETPRIV, args, environment, timeoutMs, true, description);
        }
        ChildProcess child = launcher.start(request);
        boolean wrapped = credentials != null;
        CompletableFuture<AgentResult> result = child.outcome().thenApply(o -> toResult(o, timeoutMs, wrapped));
        return new RunningChild(result, child);
    }

    static AgentResult toResult(ChildProcess.Outcome o, long timeoutMs, boolean wrapped) {
        if (wrapped && o.ending() == ChildProcess.Ending.EXITED
                && (o.exitCode() == SETPRIV_EXEC_FAILED || o.exitCode() == SETPRIV_EXEC_ENOENT)
                && o.stderr().startsWith("setpriv:")) {
            return AgentResult.error(o.exitCode() == SETPRIV_EXEC_ENOENT ? ExitStatus.NOT_INSTALLED
                    : ExitStatus.INSUFFICIENT_PRIV, ExecutionStatus.ERROR, o.stderr().strip());
        }
        if (o.ending() == ChildProcess.Ending.NOT_STARTED) {
            return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, o.detail());
        }
        // The raw exit code: alerts are not mapped onto OCF codes, the number is only logged.
        return AgentResults.fromOutcome(o, timeoutMs, code -> code, false);
    }

    /** Numeric uid and primary gid of a user. */
    record Credentials(int uid, int gid) {
    }

    /**
     * The account from {@code /etc/passwd}. Cluster accounts are local system users created by
     * the packages, so the passwd file is where they are; NSS-only accounts are not supported.
     */
    static Credentials lookUp(String user) {
        try {
            for (String line : Files.readAllLines(PASSWD)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(user)) {
                    return new Credentials(Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Could not read {}: {}", PASSWD, e.toString());
        }
        return null;
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The environment of one alert: its attributes plus the daemon's sequence number. */
    public static Map<String, String> environment(Map<String, String> attributes, long sequence) {
        Map<String, String> env = new LinkedHashMap<>(attributes);
        env.put("CRM_alert_node_sequence", Long.toString(sequence));
        // A 2.1.x cluster sends the legacy CRM_notify_* duplicates and 2.1.5 answers in kind.
        if (attributes.keySet().stream().anyMatch(k -> k.startsWith("CRM_notify_"))) {
            env.put("CRM_notify_node_sequence", Long.toString(sequence));
        }
        return env;
    }
}
