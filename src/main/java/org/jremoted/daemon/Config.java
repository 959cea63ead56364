package org.jremoted.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jremoted.ipc.LocalIpcSettings;
import org.jremoted.ipc.PcmkIpcCodec;
import org.jremoted.protocol.Values;
import org.jremoted.proxy.SchemaDownload;
import org.jremoted.transport.ConnectionLimits;
import org.jremoted.transport.ListenerSettings;

/**
 * The daemon's configuration, read from the environment the way pacemaker-remoted reads it:
 * {@code PCMK_<name>} first, then {@code HA_<name>}; an invalid value is warned about and replaced
 * by the default.
 *
 * <p>The daemon reads its environment here and nowhere else: the composition root
 * ({@link Services}) passes these values down.
 *
 * @param warnings       problems found while reading, logged once logging is up
 * @param statusSocket   where `jremoted status` asks the daemon (JREMOTED_STATUS_SOCKET)
 * @param environment    the whole environment read, the base of what agents get
 * @param x509           X.509 TLS instead of PSK ({@code PCMK_cert_file} and friends)
 * @param warmup         JREMOTED_WARMUP: run the transport warm-up before listening
 * @param journalStream  JOURNAL_STREAM as systemd sets it, null when unset
 * @param ipcBufferBytes PCMK_ipc_buffer, normalised
 * @param schemaDownload JREMOTED_SCHEMA_DOWNLOAD: fetch Pacemaker 3.0's newer CIB schemas
 * @param installedSchemaDirectory PCMK_schema_directory: the schemas installed on this node
 * @param localIpc       JREMOTED_LOCAL_IPC and JREMOTED_IPC_HELPER
 */
public record Config(
        int remotePort,
        String remoteAddress,
        Path authkeyLocation,
        String tlsPriorities,
        String logfile,
        String logfacility,
        boolean debug,
        boolean stderr,
        String nodeStartState,
        long sbdWatchdogTimeoutMs,
        Path schemaDirectory,
        int maxMessageBytes,
        int compressThresholdBytes,
        List<String> warnings,
        boolean logfileInherited,
        boolean logfacilityInherited,
        Boolean stderrSetting,
        int logpriority,
        int logfileMode,
        Path statusSocket,
        ConnectionLimits connectionLimits,
        Map<String, String> environment,
        X509Settings x509,
        boolean warmup,
        String journalStream,
        int ipcBufferBytes,
        boolean schemaDownload,
        Path installedSchemaDirectory,
        LocalIpcSettings localIpc) {

    public static final int DEFAULT_PORT = 3121;
    public static final String DEFAULT_LOGFILE = "/var/log/pacemaker/pacemaker.log";
    /**
     * Largest message accepted from a cluster node. bin/jremoted sizes the heap from it
     * (docs/hardening.md, "Memory budget"), so raising it raises the daemon's memory ceiling.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Below this no executor message fits; above it no heap the launcher derives is sensible. */
    public static final int MIN_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int MAX_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
    public static final int DEFAULT_COMPRESS_THRESHOLD = 4 * 1024 * 1024;

    /** Octal mode for the detail log when running as root ({@code PCMK_logfile_mode}). */
    public static final int DEFAULT_LOGFILE_MODE = 0660;
    /** Syslog severity "notice": the default {@code PCMK_logpriority}. */
    public static final int DEFAULT_LOGPRIORITY = 5;
    /** Name under which the daemon logs and which agents see in {@code PCMK_service}. */
    public static final String SERVICE_NAME = "pacemaker-remoted";

    public Config {
        warnings = List.copyOf(warnings);
        environment = Map.copyOf(environment);
    }

    /** Read every honoured variable from an environment map. */
    public static Config fromEnvironment(Map<String, String> env) {
        java.util.ArrayList<String> warnings = new java.util.ArrayList<>();
        BiConsumer<String, String> warn = (name, msg) -> warnings.add(msg);

        int port = DEFAULT_PORT;
        String portText = option(env, "remote_port");
        if (portText != null) {
            port = parsePort(portText);
            if (port < 0) {
                warn.accept("remote_port", "Environment variable PCMK_remote_port has invalid value '"
                        + portText + "', using " + DEFAULT_PORT + " instead");
                port = DEFAULT_PORT;
            }
        }
        String authkey = option(env, "authkey_location");
        String logfile = option(env, "logfile");
        boolean logfileInherited = logfile != null && !logfile.isEmpty();
        if (!logfileInherited) {
            logfile = DEFAULT_LOGFILE;
        }
        String facility = option(env, "logfacility");
        boolean facilityInherited = facility != null && !facility.isEmpty();
        if (!facilityInherited) {
            facility = "daemon";
        } else if (!isNoFacility(facility) && SyslogFacility.code(facility) < 0) {
            warnings.add("Environment variable PCMK_logfacility has invalid value '" + facility
                    + "', using daemon instead");
            facility = "daemon";
        }
        int priority = DEFAULT_LOGPRIORITY;
        String priorityText = option(env, "logpriority");
        if (priorityText != null && !priorityText.isEmpty()) {
            priority = SyslogFacility.severity(priorityText);
            if (priority < 0) {
                warnings.add("Environment variable PCMK_logpriority has invalid value '" + priorityText
                        + "', using notice instead");
                priority = DEFAULT_LOGPRIORITY;
            }
        }
        // Read under its exact name only, as upstream does.
        int mode = DEFAULT_LOGFILE_MODE;
        String modeText = env.get("PCMK_logfile_mode");
        if (modeText != null && !modeText.isBlank()) {
            try {
                mode = Integer.parseInt(modeText.trim(), 8);
                if (mode < 0 || mode > 07777) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                warnings.add("Environment variable PCMK_logfile_mode has invalid value '" + modeText
                        + "', using 0660 instead");
                mode = DEFAULT_LOGFILE_MODE;
            }
        }
        String debugText = option(env, "debug");
        boolean debug = Values.isTrue(debugText)
                || (debugText != null && (debugText.contains("pacemaker-remoted") || debugText.contains("jremoted")));
        String stderrText = option(env, "stderr");
        boolean stderr = Values.isTrue(stderrText)
                || (stderrText != null && stderrText.contains("pacemaker-remoted"));
        // Unset and set-to-false differ: unset lets Logging choose by where stderr leads.
        Boolean stderrSetting = stderrText == null || stderrText.isEmpty() ? null : stderr;

        long sbd = 0;
        String sbdText = env.get("SBD_WATCHDOG_TIMEOUT");
        if (sbdText != null && !sbdText.isBlank()) {
            sbd = Values.durationMs(sbdText).orElse(0);
            if (sbd < 0) {
                sbd = 0;
            }
        }
        String schemaDir = option(env, "remote_schema_directory");

        int maxMessage = positiveInt(env, "JREMOTED_MAX_MESSAGE_SIZE", DEFAULT_MAX_MESSAGE_BYTES, warnings);
        if (maxMessage < MIN_MAX_MESSAGE_BYTES || maxMessage > MAX_MAX_MESSAGE_BYTES) {
            int clamped = Math.max(MIN_MAX_MESSAGE_BYTES, Math.min(MAX_MAX_MESSAGE_BYTES, maxMessage));
            warnings.add("Environment variable JREMOTED_MAX_MESSAGE_SIZE has value " + maxMessage
                    + " outside " + MIN_MAX_MESSAGE_BYTES + ".." + MAX_MAX_MESSAGE_BYTES + ", using " + clamped);
            maxMessage = clamped;
        }
        ConnectionLimits limits = new ConnectionLimits(
                atLeastOne(env, "JREMOTED_MAX_PENDING_CONNECTIONS", ConnectionLimits.DEFAULT_MAX_PENDING, warnings),
                atLeastOne(env, "JREMOTED_MAX_PENDING_PER_SOURCE", ConnectionLimits.DEFAULT_MAX_PENDING_PER_SOURCE,
                        warnings),
                atLeastOne(env, "JREMOTED_MAX_CLIENTS", ConnectionLimits.DEFAULT_MAX_CLIENTS, warnings));
        int compress = positiveInt(env, "JREMOTED_COMPRESS_THRESHOLD", DEFAULT_COMPRESS_THRESHOLD, warnings);
        String start = option(env, "node_start_state");

        return new Config(port, emptyToNull(option(env, "remote_address")),
                authkey == null || authkey.isEmpty() ? null : Path.of(authkey),
                emptyToNull(option(env, "tls_priorities")), logfile, facility, debug, stderr,
                emptyToNull(start), sbd,
                Path.of(schemaDir == null || schemaDir.isEmpty() ? "/var/lib/pacemaker/schemas" : schemaDir),
                maxMessage, compress, warnings, logfileInherited, facilityInherited, stderrSetting, priority, mode,
                Path.of(env.getOrDefault("JREMOTED_STATUS_SOCKET", "/run/jremoted/status.sock")), limits,
                env, X509Settings.fromEnvironment(env), Values.isTrue(env.get("JREMOTED_WARMUP")),
                env.get("JOURNAL_STREAM"), PcmkIpcCodec.bufferSize(env.get("PCMK_ipc_buffer")),
                // On as in the C daemon; JREMOTED_SCHEMA_DOWNLOAD=no opts out (docs/pacemaker3.md).
                SchemaDownload.enabled(env.get("JREMOTED_SCHEMA_DOWNLOAD")),
                Path.of(env.getOrDefault("PCMK_schema_directory", "/usr/share/pacemaker")),
                LocalIpcSettings.of(env.get("JREMOTED_LOCAL_IPC"), env.get("JREMOTED_IPC_HELPER")));
    }

    /** True when the detail log is switched off. */
    public boolean logfileDisabled() {
        return "none".equalsIgnoreCase(logfile) || "/dev/null".equals(logfile);
    }

    /** True when syslog logging is switched off. */
    public boolean syslogDisabled() {
        return isNoFacility(logfacility);
    }

    private static boolean isNoFacility(String facility) {
        return "none".equalsIgnoreCase(facility) || "/dev/null".equals(facility);
    }

    /**
     * Variables that pacemaker-remoted reads (or 2.1 read and 3.0 dropped) but that have nothing to
     * act on here: accepted, and named once at debug level so nobody wonders why they are ignored.
     */
    static final Map<String, String> IGNORED = Map.of(
            "PCMK_dh_min_bits", "no Diffie-Hellman parameters are generated (TLS 1.3 and ECDHE need none)",
            "PCMK_dh_max_bits", "no Diffie-Hellman parameters are generated (deprecated in Pacemaker 3.0.2)",
            "PCMK_blackbox", "there is no blackbox trace buffer",
            "PCMK_trace_functions", "trace logging is chosen with PCMK_debug or -V",
            "PCMK_trace_files", "trace logging is chosen with PCMK_debug or -V",
            "PCMK_trace_formats", "trace logging is chosen with PCMK_debug or -V",
            "PCMK_trace_tags", "trace logging is chosen with PCMK_debug or -V",
            "PCMK_trace_blackbox", "there is no blackbox trace buffer");

    /** One line per ignored variable that is set, in name order. */
    public static List<String> ignoredSettings(Map<String, String> env) {
        return IGNORED.keySet().stream().sorted().filter(env::containsKey)
                .map(name -> name + " is set but has no effect: " + IGNORED.get(name)).toList();
    }

    /** The listener's part of the configuration. */
    public ListenerSettings listenerSettings() {
        return new ListenerSettings(remoteAddress, remotePort, tls13Allowed(), 10_000, maxMessageBytes,
                compressThresholdBytes, (int) Math.min(Integer.MAX_VALUE, sbdWatchdogTimeoutMs / 2))
                .withLimits(connectionLimits);
    }

    /**
     * GnuTLS priority strings cannot be interpreted here; the one setting administrators use with
     * Pacemaker Remote, switching TLS 1.3 off, is honoured.
     */
    public boolean tls13Allowed() {
        return tlsPriorities == null || !tlsPriorities.contains("-VERS-TLS1.3");
    }

    /** {@code PCMK_<name>}, then {@code HA_<name>}. */
    static String option(Map<String, String> env, String name) {
        String v = env.get("PCMK_" + name);
        return v != null ? v : env.get("HA_" + name);
    }

    /** As strtol would read it: leading digits count, trailing garbage is ignored. -1 if invalid. */
    static int parsePort(String text) {
        String t = text.trim();
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 6) {
            return -1;
        }
        int port = Integer.parseInt(t.substring(0, end));
        return port < 1 || port > 65535 ? -1 : port;
    }

    private static int positiveInt(Map<String, String> env, String name, int dflt, List<String> warnings) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the warning
        }
        warnings.add("Environment variable " + name + " has invalid value '" + v + "', using " + dflt + " instead");
        return dflt;
    }

    private static int atLeastOne(Map<String, String> env, String name, int dflt, List<String> warnings) {
        int n = positiveInt(env, name, dflt, warnings);
        if (n < 1) {
            warnings.add("Environment variable " + name + " must be at least 1, using " + dflt + " instead");
            return dflt;
        }
        return n;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
