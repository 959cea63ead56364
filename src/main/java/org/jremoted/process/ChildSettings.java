package org.jremoted.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every agent process inherits from the daemon (docs/agents.md §1.3, docs/daemon.md §2).
 *
 * @param baseEnvironment   the daemon's environment as the C daemon would have it after start-up:
 *                          inherited variables, minus {@code NOTIFY_SOCKET}, plus
 *                          {@code PCMK_service} and the {@code HA_*} logging variables; each agent
 *                          class adds its own variables on top
 * @param workingDirectory  the agents' working directory ({@code /var/lib/pacemaker/cores}); null to
 *                          keep the JVM's
 * @param umask             the daemon's umask (0026), applied to the whole JVM once because children
 *                          inherit it; negative to leave the umask alone
 * @param outputLimitBytes  how much of each of stdout and stderr is kept (3.0: 10 MiB); the rest is
 *                          discarded with a warning
 * @param scratchDirectory  where the (immediately unlinked) capture files for stdout/stderr are
 *                          created; a private 0700 directory is made inside it
 */
public record ChildSettings(Map<String, String> baseEnvironment, Path workingDirectory, int umask,
                            long outputLimitBytes, Path scratchDirectory) {

    public static final Path CORES_DIRECTORY = Path.of("/var/lib/pacemaker/cores");
    public static final int DAEMON_UMASK = 0026;
    public static final long OUTPUT_LIMIT = 10L * 1024 * 1024;

    public ChildSettings {
        baseEnvironment = Map.copyOf(baseEnvironment);
        if (outputLimitBytes <= 0) {
            throw new IllegalArgumentException("output limit must be positive");
        }
    }

    /**
     * Settings as the daemon uses them, from the JVM's own environment and default logging
     * (see {@link #daemonEnvironment}).
     */
    public static ChildSettings daemonDefaults() {
        Map<String, String> env = daemonEnvironment(System.getenv(), null, null, false);
        return new ChildSettings(env, Files.isDirectory(CORES_DIRECTORY) ? CORES_DIRECTORY : null,
                DAEMON_UMASK, OUTPUT_LIMIT, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** The same settings with another base environment (tests, or the daemon after reading its config). */
    public ChildSettings withBaseEnvironment(Map<String, String> env) {
        return new ChildSettings(env, workingDirectory, umask, outputLimitBytes, scratchDirectory);
    }

    public ChildSettings withWorkingDirectory(Path dir) {
        return new ChildSettings(baseEnvironment, dir, umask, outputLimitBytes, scratchDirectory);
    }

    public ChildSettings withOutputLimit(long bytes) {
        return new ChildSettings(baseEnvironment, workingDirectory, umask, bytes, scratchDirectory);
    }

    /**
     * The environment pacemaker-remoted hands to every child: what it inherited (from systemd's
     * EnvironmentFile, the init script or the container) plus what it adds to its own environment
     * during start-up (docs/daemon.md §2). A Java process cannot change its own environment, so the
     * additions are made here, once, and passed to each child explicitly.
     *
     * @param inherited   the daemon's environment at start
     * @param logfile     the detail log file in effect (null: {@code PCMK_logfile}/{@code HA_logfile}
     *                    or the default)
     * @param logfacility the syslog facility in effect (null: {@code PCMK_logfacility}/
     *                    {@code HA_logfacility} or {@code daemon})
     * @param debug       whether debug logging is enabled for this daemon
     */
    public static Map<String, String> daemonEnvironment(Map<String, String> inherited, String logfile,
                                                        String logfacility, boolean debug) {
        Map<String, String> env = new LinkedHashMap<>(inherited);
        // Services started by agents must not report readiness to systemd on the daemon's behalf.
        env.remove("NOTIFY_SOCKET");
        env.put("PCMK_service", "pacemaker-remoted");

        String file = logfile != null ? logfile : option(env, "logfile");
        if (option(env, "logfile") == null) {
            if (file == null) {
                file = "/var/log/pacemaker/pacemaker.log";
            }
            env.put("PCMK_logfile", file);
            env.put("HA_logfile", file);
        }
        String facility = logfacility != null ? logfacility : option(env, "logfacility");
        if (option(env, "logfacility") == null) {
            if (facility == null) {
                facility = "daemon";
            }
            env.put("PCMK_logfacility", facility);
            env.put("HA_logfacility", facility);
        }
        if (!"none".equalsIgnoreCase(facility) && !"/dev/null".equals(facility)) {
            env.put("HA_LOGFACILITY", facility);
        }
        if (!"none".equalsIgnoreCase(file)) {
            env.put("HA_LOGFILE", file);
            if (debug) {
                env.put("HA_DEBUGLOG", file);
            }
        }
        return env;
    }

    private static String option(Map<String, String> env, String name) {
        String v = env.get("PCMK_" + name);
        if (v == null || v.isEmpty()) {
            v = env.get("HA_" + name);
        }
        return v == null || v.isEmpty() ? null : v;
    }
}
