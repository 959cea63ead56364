package org.jremoted.daemon;

import java.util.Locale;
import java.util.Map;

/** Syslog facility and severity names as Pacemaker accepts them in PCMK_logfacility/PCMK_logpriority. */
public final class SyslogFacility {
    private static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("kern", 0), Map.entry("user", 1), Map.entry("mail", 2), Map.entry("daemon", 3),
            Map.entry("auth", 4), Map.entry("syslog", 5), Map.entry("lpr", 6), Map.entry("news", 7),
            Map.entry("uucp", 8), Map.entry("cron", 9), Map.entry("authpriv", 10), Map.entry("ftp", 11),
            Map.entry("local0", 16), Map.entry("local1", 17), Map.entry("local2", 18), Map.entry("local3", 19),
            Map.entry("local4", 20), Map.entry("local5", 21), Map.entry("local6", 22), Map.entry("local7", 23));

    private static final Map<String, Integer> SEVERITIES = Map.ofEntries(
            Map.entry("emerg", 0), Map.entry("alert", 1), Map.entry("crit", 2), Map.entry("err", 3),
            Map.entry("error", 3), Map.entry("warning", 4), Map.entry("warn", 4), Map.entry("notice", 5),
            Map.entry("info", 6), Map.entry("debug", 7));

    private SyslogFacility() {
    }

    /** Facility number (daemon = 3), or -1 for an unknown name. */
    public static int code(String name) {
        Integer c = name == null ? null : FACILITIES.get(name.trim().toLowerCase(Locale.ROOT));
        return c == null ? -1 : c;
    }

    /** Severity number (notice = 5), or -1 for an unknown name. */
    public static int severity(String name) {
        Integer c = name == null ? null : SEVERITIES.get(name.trim().toLowerCase(Locale.ROOT));
        return c == null ? -1 : c;
    }
}
