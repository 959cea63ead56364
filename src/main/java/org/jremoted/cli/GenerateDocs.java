package org.jremoted.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Build-time generator (run by Maven in prepare-package): the man page {@code jremoted.8} and the
 * bash completion script, both from the picocli annotations the program itself parses with, so
 * the documentation cannot drift from the options. picocli's own man page generator writes
 * AsciiDoc, which would need Asciidoctor (JRuby) at build time; troff is written directly instead.
 */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    /** {@code GenerateDocs OUTPUT_DIR}: writes {@code jremoted.8} and {@code jremoted.bash}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GenerateDocs OUTPUT_DIR");
            System.exit(Main.EXIT_USAGE);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        CommandLine cmd = new CommandLine(new Main());
        Files.writeString(dir.resolve("jremoted.8"), manPage(cmd), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("jremoted.bash"), AutoComplete.bash("jremoted", cmd), StandardCharsets.UTF_8);
    }

    static String manPage(CommandLine cmd) {
        CommandSpec spec = cmd.getCommandSpec();
        StringBuilder m = new StringBuilder(8192);
        m.append(".\\\" Generated from the jremoted command definitions; do not edit.\n");
        m.append(".TH JREMOTED 8 \"\" \"jremoted\" \"System Administration\"\n");
        m.append(".SH NAME\njremoted \\- Pacemaker Remote daemon (Java reimplementation of pacemaker\\-remoted)\n");
        m.append(".SH SYNOPSIS\n");
        m.append(".B jremoted\n[\\fIOPTIONS\\fR]\n.br\n");
        for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
            m.append(".B jremoted ").append(sub.getKey()).append("\n");
            m.append(synopsisArgs(sub.getValue().getCommandSpec())).append("\n.br\n");
        }
        m.append(".SH DESCRIPTION\n");
        paragraphs(m, spec.usageMessage().description());
        m.append(".PP\nThe systemd unit \\fBpacemaker_remote.service\\fR (alias \\fBpacemaker\\-remote.service\\fR)"
                + " runs it, reading \\fB/etc/default/pacemaker\\fR (or \\fB/etc/sysconfig/pacemaker\\fR).\n");
        m.append(".SH OPTIONS\n");
        options(m, spec);
        exitCodes(m, spec);
        for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
            CommandSpec s = sub.getValue().getCommandSpec();
            m.append(".SH \"COMMAND: ").append(sub.getKey().toUpperCase(Locale.ROOT)).append("\"\n");
            m.append(".B jremoted ").append(sub.getKey()).append("\n").append(synopsisArgs(s)).append("\n.PP\n");
            paragraphs(m, s.usageMessage().header());
            m.append(".PP\n");
            paragraphs(m, s.usageMessage().description());
            for (PositionalParamSpec p : s.positionalParameters()) {
                m.append(".TP\n.I ").append(escape(p.paramLabel())).append("\n");
                m.append(escape(String.join(" ", p.description()))).append("\n");
            }
            options(m, s);
            exitCodes(m, s);
        }
        m.append(".SH ENVIRONMENT\n");
        env(m, "PCMK_remote_port", "TCP port to listen on (default 3121).");
        env(m, "PCMK_remote_address", "Address to listen on (default: all).");
        env(m, "PCMK_authkey_location", "Pre-shared key file (default /etc/pacemaker/authkey).");
        env(m, "PCMK_logfile", "Detail log file (default /var/log/pacemaker/pacemaker.log); none disables it.");
        env(m, "PCMK_logfile_mode", "Octal mode of the log file when running as root (default 0660; owner"
                + " hacluster:haclient).");
        env(m, "PCMK_logfacility", "Syslog facility (daemon, user, local0 ... local7) or none (default daemon).");
        env(m, "PCMK_logpriority", "Lowest syslog severity sent (default notice).");
        env(m, "PCMK_debug", "yes, or a list containing pacemaker\\-remoted: debug logging.");
        env(m, "PCMK_stderr", "yes: also log to stderr; no: never. Unset: stderr is used unless it leads to"
                + " /dev/null or to the journal while syslog is active.");
        env(m, "PCMK_tls_priorities", "Only \\-VERS\\-TLS1.3 is honoured (switches TLS 1.3 off).");
        env(m, "SBD_WATCHDOG_TIMEOUT", "Half of it becomes the TCP user timeout of cluster connections.");
        env(m, "JREMOTED_JAVA_OPTS", "Extra JVM options for the launcher.");
        m.append(".SH FILES\n");
        env(m, "/etc/pacemaker/authkey", "The cluster's pre-shared key (jremoted keygen creates it).");
        env(m, "/etc/default/pacemaker", "Environment read by the systemd unit.");
        env(m, "/var/log/pacemaker/pacemaker.log", "Detail log.");
        env(m, "/run/jremoted/status.sock", "Root-only status channel used by jremoted status.");
        m.append(".SH SEE ALSO\n.BR pacemaker\\-remoted (8),\n.BR crm_mon (8),\n.BR systemctl (1)\n");
        return m.toString();
    }

    private static String synopsisArgs(CommandSpec s) {
        StringBuilder b = new StringBuilder();
        for (OptionSpec o : s.options()) {
            if (o.hidden()) {
                continue;
            }
            b.append("[\\fB").append(escape(o.longestName())).append("\\fR");
            if (o.arity().max() > 0) {
                b.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            b.append("] ");
        }
        for (PositionalParamSpec p : s.positionalParameters()) {
            b.append("\\fI").append(escape(p.paramLabel())).append("\\fR ");
        }
        return b.toString().trim();
    }

    private static void options(StringBuilder m, CommandSpec s) {
        for (OptionSpec o : s.options()) {
            if (o.hidden()) {
                continue;
            }
            m.append(".TP\n");
            String[] names = o.names();
            for (int i = 0; i < names.length; i++) {
                m.append(i == 0 ? ".BR \"" : ", ").append(escape(names[i]));
            }
            m.append('"');
            if (o.arity().max() > 0) {
                m.append(" \" \" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            m.append("\n");
            String text = String.join(" ", o.description())
                    .replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
            m.append(escape(text)).append("\n");
        }
    }

    private static void exitCodes(StringBuilder m, CommandSpec s) {
        Map<String, String> codes = s.usageMessage().exitCodeList();
        if (codes.isEmpty()) {
            return;
        }
        m.append(".SS \"Exit status\"\n");
        for (Map.Entry<String, String> e : codes.entrySet()) {
            m.append(".TP\n.B ").append(escape(e.getKey().trim())).append("\n").append(escape(e.getValue())).append("\n");
        }
    }

    private static void paragraphs(StringBuilder m, String[] lines) {
        for (String line : lines) {
            if (line.isEmpty()) {
                m.append(".PP\n");
            } else {
                m.append(escape(String.format(line))).append("\n");
            }
        }
    }

    private static void env(StringBuilder m, String name, String text) {
        m.append(".TP\n.B ").append(escape(name)).append("\n").append(text).append("\n");
    }

    /** troff: backslashes, leading dots/quotes, and hyphens that must not become typographic. */
    static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-").replace("%n", "\n");
        StringBuilder b = new StringBuilder(e.length());
        for (String line : e.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            if (line.startsWith(".") || line.startsWith("'")) {
                b.append("\\&");
            }
            b.append(line);
        }
        return b.toString();
    }
}
