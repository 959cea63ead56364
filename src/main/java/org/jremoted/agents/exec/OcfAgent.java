package org.jremoted.agents.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
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
 * The {@code ocf} class (docs/agents.md §2): {@code <dir>/<provider>/<type> <action>} for the first
 * directory of the search path where that file exists, parameters as {@code OCF_RESKEY_*}.
 */
public final class OcfAgent implements AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(OcfAgent.class);

    /** Debian's build-time OCF root and agent search path. */
    public static final Path DEFAULT_OCF_ROOT = Path.of("/usr/lib/ocf");
    public static final String DEFAULT_RA_PATH = "/usr/lib/ocf/resource.d";
    public static final Path DEFAULT_SECRETS_DIRECTORY = Path.of("/var/lib/pacemaker/lrm/secrets");

    static final String EXEC_FAILED = "Child process was unable to execute file";
    static final String SECRETS_VALUE = "lrm://";

    private final ChildLauncher launcher;
    private final List<Path> searchPath;
    private final Path ocfRoot;
    private final Path secretsDirectory;

    /** The daemon's OCF class: Debian paths, daemon child settings. */
    public OcfAgent() {
        this(new ChildLauncher(ChildSettings.daemonDefaults()), parseSearchPath(DEFAULT_RA_PATH), DEFAULT_OCF_ROOT,
                DEFAULT_SECRETS_DIRECTORY);
    }

    public OcfAgent(ChildLauncher launcher) {
        this(launcher, parseSearchPath(DEFAULT_RA_PATH), DEFAULT_OCF_ROOT, DEFAULT_SECRETS_DIRECTORY);
    }

    /**
     * @param searchPath       directories holding {@code <provider>/<type>}, searched in order
     * @param ocfRoot          exported as {@code OCF_ROOT}
     * @param secretsDirectory where CIB secrets ({@code lrm://} parameter values) are looked up
     */
    public OcfAgent(ChildLauncher launcher, List<Path> searchPath, Path ocfRoot, Path secretsDirectory) {
        this.launcher = launcher;
        this.searchPath = List.copyOf(searchPath);
        this.ocfRoot = ocfRoot;
        this.secretsDirectory = secretsDirectory;
    }

    /** A colon-separated directory list, as {@code OCF_RA_PATH} is written; empty elements skipped. */
    public static List<Path> parseSearchPath(String text) {
        List<Path> dirs = new ArrayList<>();
        for (String s : text.split(":")) {
            if (!s.isEmpty()) {
                dirs.add(Path.of(s));
            }
        }
        return dirs;
    }

    /** For the start-up log line "OCF resource agent search path is …". */
    public String searchPathText() {
        return String.join(":", searchPath.stream().map(Path::toString).toList());
    }

    @Override
    public RunningAction start(AgentAction action) {
        String bad = badName(action.provider()) ? action.provider() : badName(action.type()) ? action.type() : null;
        if (bad != null) {
            // Not a file name, so it cannot be installed on any node; fatal stops the cluster
            // from retrying it elsewhere, and rc 5 is what an operator expects for a bad agent.
            return RunningAction.done(AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.ERROR_FATAL,
                    "Invalid OCF agent name component '" + printable(bad) + "'"));
        }

        Path executable = null;
        int errno = Errno.ENOENT;
        String errPath = null;
        for (Path dir : searchPath) {
            Path candidate = Path.of(dir.toString(), action.provider(), action.type());
            errno = Errno.ofStat(candidate);
            if (errno == 0) {
                executable = candidate;
                break;
            }
            if (errno != Errno.ENOENT) {
                errPath = candidate.toString();
            }
        }
        if (executable == null) {
            return RunningAction.done(statFailure(action, errno, errPath));
        }

        Map<String, String> params = action.parameters();
        Map<String, String> env = new LinkedHashMap<>();
        boolean secretsFailed = false;
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = p.getValue();
            if (SECRETS_VALUE.equals(value)) {
                String secret = loadSecret(action.resourceId(), p.getKey());
                if (secret != null) {
                    value = secret;
                } else if (!"stop".equalsIgnoreCase(action.action())) {
                    secretsFailed = true;
                }
            }
            // OCF_CHECK_LEVEL is the one parameter agents read without the prefix.
            String name = "OCF_CHECK_LEVEL".equals(p.getKey()) ? p.getKey() : "OCF_RESKEY_" + p.getKey();
            env.put(name, value);
        }
        if (secretsFailed) {
            return RunningAction.done(new AgentResult(ExitStatus.INVALID_PARAM, ExecutionStatus.DONE, null,
                    "Unable to load CIB secrets"));
        }
        env.put("OCF_RA_VERSION_MAJOR", "1");
        env.put("OCF_RA_VERSION_MINOR", "1");
        env.put("OCF_ROOT", ocfRoot.toString());
        env.put("OCF_EXIT_REASON_PREFIX", AgentResults.EXIT_REASON_PREFIX);
        env.put("OCF_RESOURCE_INSTANCE", action.resourceId());
        env.put("OCF_RESOURCE_TYPE", action.type());
        env.put("OCF_RESOURCE_PROVIDER", action.provider());

        String onFail = params.get("CRM_meta_on_fail");
        boolean killGroup = !"block".equalsIgnoreCase(onFail);
        String description = action.resourceId() + " " + action.action()
                + (action.intervalMs() > 0 ? "_" + action.intervalMs() : "");
        ChildProcess child = launcher.start(new ChildProcess.Request(executable, List.of(action.action()), env,
                action.timeoutMs(), killGroup, description));
        long timeoutMs = action.timeoutMs();
        CompletableFuture<AgentResult> result = child.outcome().thenApply(o -> {
            try {
                return toResult(o, timeoutMs);
            } catch (RuntimeException e) {
                log.error("Could not evaluate the result of {}", description, e);
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, "Internal error: " + e);
            }
        });
        return new RunningChild(result, child);
    }

    static AgentResult toResult(ChildProcess.Outcome o, long timeoutMs) {
        if (o.ending() == ChildProcess.Ending.NOT_STARTED) {
            switch (o.errno()) {
                case Errno.ENOENT, Errno.EISDIR, Errno.ENOTDIR, Errno.EINVAL, Errno.ENOEXEC:
                    // Upstream's child exits "not installed" with this reason after a failed exec.
                    return AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.DONE, EXEC_FAILED);
                case Errno.EACCES, Errno.EPERM:
                    return AgentResult.error(ExitStatus.INSUFFICIENT_PRIV, ExecutionStatus.DONE, EXEC_FAILED);
                default:
                    // E2BIG (a parameter too large for the environment) and resource shortages.
                    return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, o.detail());
            }
        }
        return AgentResults.fromOutcome(o, timeoutMs, OcfAgent::mapExitCode, true);
    }

    /** OCF exit codes 0–9, 190 and 191 are kept; anything else is a generic error. */
    public static int mapExitCode(int code) {
        if ((code >= 0 && code <= 9) || code == ExitStatus.DEGRADED || code == ExitStatus.DEGRADED_PROMOTED) {
            return code;
        }
        return ExitStatus.UNKNOWN_ERROR;
    }

    private static AgentResult statFailure(AgentAction action, int errno, String path) {
        switch (errno) {
            case Errno.EACCES, Errno.EPERM:
                return AgentResult.error(ExitStatus.INSUFFICIENT_PRIV, ExecutionStatus.ERROR,
                        path + ": " + Errno.describe(errno));
            case Errno.ENOENT, Errno.ENOTDIR, Errno.EISDIR, Errno.EINVAL, Errno.ENOEXEC:
                return AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                        action.type() + ": " + Errno.describe(errno));
            default:
                return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, Errno.describe(errno));
        }
    }

    /**
     * CIB secrets (docs/agents.md §7): the first line of {@code <dir>/<rsc>/<param>}, trailing
     * whitespace removed, at most 255 bytes, accepted only if its MD5 matches {@code <param>.sign}.
     */
    private String loadSecret(String resourceId, String param) {
        if (badName(resourceId) || badName(param)) {
            log.warn("Cannot look up CIB secret {} of {}: invalid name", param, resourceId);
            return null;
        }
        Path file = secretsDirectory.resolve(resourceId).resolve(param);
        Path sign = secretsDirectory.resolve(resourceId).resolve(param + ".sign");
        try {
            String secret = firstLine(Files.readAllBytes(file));
            String expected = firstLine(Files.readAllBytes(sign));
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
            if (!actual.equalsIgnoreCase(expected)) {
                log.error("CIB secret for {} of {} does not match its signature", param, resourceId);
                return null;
            }
            return secret;
        } catch (IOException | NoSuchAlgorithmException e) {
            log.error("Could not load CIB secret {} of {}: {}", param, resourceId, e.toString());
            return null;
        }
    }

    private static String firstLine(byte[] content) {
        int end = 0;
        while (end < content.length && end < 255 && content[end] != '\n') {
            end++;
        }
        while (end > 0 && Character.isWhitespace(content[end - 1])) {
            end--;
        }
        return new String(content, 0, end, StandardCharsets.UTF_8);
    }

    private static boolean badName(String s) {
        return s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\0') >= 0;
    }

    private static String printable(String s) {
        return s.replace('\0', '?');
    }
}
