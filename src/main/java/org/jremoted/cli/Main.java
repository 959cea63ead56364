package org.jremoted.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jremoted.daemon.Config;
import org.jremoted.daemon.Daemon;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jremoted}: runs the Pacemaker Remote daemon. Options mirror pacemaker-remoted's; the rest
 * of the configuration comes from the environment (PCMK_* variables), as upstream.
 */
@Command(name = "jremoted", mixinStandardHelpOptions = false, exitCodeOnInvalidInput = Main.EXIT_USAGE,
        versionProvider = Main.Version.class,
        subcommands = {Probe.class, Keygen.class, Status.class},
        synopsisSubcommandLabel = "[COMMAND]",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:normal termination (after SIGTERM and the cluster's acknowledgement), --help, --version",
            "64:command-line usage error",
            "100:fatal start-up error (e.g. the port is taken); systemd does not restart the unit",
        },
        description = "Pacemaker Remote daemon (a Java reimplementation of pacemaker-remoted).%n"
                + "Configuration comes from the environment: PCMK_remote_port, PCMK_remote_address,"
                + " PCMK_authkey_location, PCMK_logfile, PCMK_logfacility, PCMK_debug, PCMK_stderr, ..."
                + " (see /etc/default/pacemaker). Without a command it runs the daemon in the foreground.")
public final class Main implements Callable<Integer> {
    /** Usage errors exit like pacemaker-remoted's (EX_USAGE). */
    static final int EXIT_USAGE = 64;

    @Option(names = {"-V", "--verbose"}, description = "Increase debug output (repeatable)")
    boolean[] verbose = new boolean[0];

    @Option(names = {"-l", "--logfile"}, paramLabel = "FILE", description = "Send logs to the additional named logfile")
    List<String> logfiles = new ArrayList<>();

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port to listen on (overrides PCMK_remote_port)")
    String port;

    @Option(names = {"-$", "--version"}, versionHelp = true, description = "Display version information and exit")
    boolean version;

    @Option(names = {"-?", "-h", "--help"}, usageHelp = true, description = "Display this help and exit")
    boolean help;

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (port != null) {
            env.put("PCMK_remote_port", port);
        }
        return Daemon.run(Config.fromEnvironment(env), logfiles, verbose.length);
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            // The daemon as systemd and container runtimes start it: nothing to parse, so picocli
            // (~170 classes and its reflection over the annotations) stays unloaded
            // (docs/benchmarks.md, "Loading only what is used").
            System.exit(new Main().call());
        }
        CommandLine cmd = new CommandLine(new Main());
        System.exit(cmd.execute(args));
    }

    /** Version text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "jremoted " + (v == null ? "development" : v),
                "Pacemaker Remote protocol 1.2, compatible with Pacemaker 2.1 and 3.0 clusters",
            };
        }
    }
}
