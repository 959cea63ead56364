package org.jremoted.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Log targets as pacemaker-remoted chooses them: a detail log file ({@code PCMK_logfile}, "none"
 * disables it) in Pacemaker's line format, and stderr with the priority prefixes journald reads
 * ({@code <3>} error ... {@code <7>} debug), so the unit's journal keeps severities.
 */
public final class Logging {
    private Logging() {
    }

    /**
     * @param verbosity number of -V options: each raises the level one step (info, debug, trace)
     * @return problems to report (a log file that cannot be opened)
     */
    public static List<String> configure(Config config, List<String> extraLogfiles, int verbosity) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        Level level = Level.INFO;
        if (config.debug() || verbosity == 1) {
            level = Level.DEBUG;
        }
        if (verbosity >= 2) {
            level = Level.TRACE;
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        // Netty's and Bouncy Castle's internals are not what an operator greps for.
        ctx.getLogger("io.netty").setLevel(level == Level.TRACE ? Level.DEBUG : Level.INFO);

        boolean syslog = !config.syslogDisabled() && Files.exists(Path.of(DEV_LOG));
        if (syslog) {
            SyslogAppender appender = new SyslogAppender(new SyslogSocket(DEV_LOG),
                    SyslogFacility.code(config.logfacility()), config.logpriority());
            appender.setContext(ctx);
            appender.setName("syslog");
            appender.start();
            root.addAppender(appender);
        }
        if (stderrWanted(config, verbosity, syslog, config.journalStream(), Path.of("/proc/self/fd/2"))) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(ctx);
            console.setName("stderr");
            console.setTarget("System.err");
            console.setEncoder(encoder(ctx, new JournalLayout()));
            console.start();
            root.addAppender(console);
        }

        java.util.ArrayList<String> problems = new java.util.ArrayList<>();
        java.util.ArrayList<String> files = new java.util.ArrayList<>();
        if (!config.logfileDisabled()) {
            files.add(config.logfile());
        }
        files.addAll(extraLogfiles);
        boolean root0 = runningAsRoot();
        for (String path : files) {
            File f = new File(path);
            File dir = f.getAbsoluteFile().getParentFile();
            if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
                problems.add("Logging to " + path + " is disabled: cannot create " + dir);
                continue;
            }
            if (f.exists() ? !f.canWrite() : (dir != null && !dir.canWrite())) {
                problems.add("Logging to " + path + " is disabled: permission denied");
                continue;
            }
            if (root0) {
                String problem = prepareLogfile(f.toPath(), config.logfileMode());
                if (problem != null) {
                    problems.add(problem);
                }
            }
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setContext(ctx);
            file.setName("file:" + path);
            file.setFile(path);
            file.setAppend(true);
            file.setImmediateFlush(true);
            file.setEncoder(encoder(ctx, new PacemakerLayout()));
            file.start();
            root.addAppender(file);
        }
        return problems;
    }

    static final String DEV_LOG = "/dev/log";

    /**
     * Whether to log to stderr. Upstream logs to stderr only with {@code PCMK_stderr} true or
     * {@code -V} in the foreground. Under systemd that would lose the messages of a JVM that
     * cannot reach syslog, so when {@code PCMK_stderr} is unset stderr is used unless it is
     * pointless: it leads to /dev/null, or it is the journal while syslog (which also ends in the
     * journal) is active, where every line would appear twice.
     *
     * @param journalStream the {@code JOURNAL_STREAM} variable systemd sets ("device:inode" of the
     *                      journal stream connected to stdout/stderr), or null
     * @param fd2           a path that resolves to this process's stderr
     */
    static boolean stderrWanted(Config config, int verbosity, boolean syslogActive, String journalStream, Path fd2) {
        if (verbosity > 0) {
            return true;
        }
        if (config.stderrSetting() != null) {
            return config.stderrSetting();
        }
        try {
            Path target = Files.readSymbolicLink(fd2);
            if (target.toString().equals("/dev/null")) {
                return false;
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not a /proc link (tests pass ordinary files): decide by the journal check alone
        }
        return !(syslogActive && isJournal(journalStream, fd2));
    }

    private static boolean isJournal(String journalStream, Path fd2) {
        if (journalStream == null || journalStream.indexOf(':') < 0) {
            return false;
        }
        try {
            long dev = ((Number) Files.getAttribute(fd2, "unix:dev")).longValue();
            long ino = ((Number) Files.getAttribute(fd2, "unix:ino")).longValue();
            String[] parts = journalStream.split(":", 2);
            return Long.parseLong(parts[0].trim()) == dev && Long.parseLong(parts[1].trim()) == ino;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * As upstream does when running as root: the file gets {@code PCMK_logfile_mode} and belongs
     * to hacluster:haclient (where they exist), so the other cluster daemons and crm_report can
     * read it.
     *
     * @return a problem to report, or null
     */
    static String prepareLogfile(Path file, int mode) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            Files.setPosixFilePermissions(file, permissions(mode));
            ClusterOwnership.apply(file, true);
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "Could not set mode/ownership of log file " + file + ": " + e.getMessage();
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    private static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext ctx, LayoutBase<ILoggingEvent> layout) {
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> enc = new LayoutWrappingEncoder<>();
        enc.setContext(ctx);
        enc.setLayout(layout);
        enc.setCharset(StandardCharsets.UTF_8);
        enc.start();
        return enc;
    }

    /** Pacemaker's word for a level, as operators grep for it. */
    static String levelWord(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return "error";
            case Level.WARN_INT:
                return "warning";
            case Level.INFO_INT:
                return "notice";
            case Level.DEBUG_INT:
                return "debug";
            default:
                return "trace";
        }
    }

    static int syslogPriority(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return 3;
            case Level.WARN_INT:
                return 4;
            case Level.INFO_INT:
                return 5;
            default:
                return 7;
        }
    }

    private static String shortLogger(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static void appendThrowable(StringBuilder sb, ILoggingEvent event) {
        if (event.getThrowableProxy() != null) {
            sb.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append(CoreConstants.LINE_SEPARATOR);
        }
    }

    /** {@code <5>jremoted: notice: message} */
    static final class JournalLayout extends LayoutBase<ILoggingEvent> {
        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder sb = new StringBuilder(128);
            sb.append('<').append(syslogPriority(event.getLevel())).append('>')
              .append(levelWord(event.getLevel())).append(": ")
              .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
            appendThrowable(sb, event);
            return sb.toString();
        }
    }

    /**
     * RFC 3164 style, as glibc's syslog() formats it:
     * {@code <29>Dec  1 07:30:00 pacemaker-remoted[1234]: message}. The tag is upstream's daemon
     * name so that {@code journalctl -t pacemaker-remoted} and log scrapers keep working.
     */
    static final class SyslogAppender extends ch.qos.logback.core.AppenderBase<ILoggingEvent> {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());
        /** Large datagrams are refused by some syslog daemons; a stack trace is cut to fit. */
        static final int MAX_MESSAGE = 8192;
        private final SyslogSocket socket;
        private final int facility;
        private final int maxSeverity;
        private final long pid = ProcessHandle.current().pid();

        SyslogAppender(SyslogSocket socket, int facility, int maxSeverity) {
            this.socket = socket;
            this.facility = facility;
            this.maxSeverity = maxSeverity;
        }

        @Override
        protected void append(ILoggingEvent event) {
            int severity = syslogPriority(event.getLevel());
            if (severity > maxSeverity) {
                return;
            }
            socket.send(format(event, facility, pid).getBytes(StandardCharsets.UTF_8));
        }

        static String format(ILoggingEvent event, int facility, long pid) {
            StringBuilder sb = new StringBuilder(160);
            sb.append('<').append(facility * 8 + syslogPriority(event.getLevel())).append('>')
              .append(TIME.format(event.getInstant())).append(' ')
              .append(Config.SERVICE_NAME).append('[').append(pid).append("]: ")
              .append(levelWord(event.getLevel())).append(": ").append(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                sb.append(": ").append(event.getThrowableProxy().getClassName()).append(": ")
                  .append(event.getThrowableProxy().getMessage());
            }
            if (sb.length() > MAX_MESSAGE) {
                sb.setLength(MAX_MESSAGE);
            }
            return sb.toString();
        }

        @Override
        public void stop() {
            super.stop();
            socket.close();
        }
    }

    /** {@code Dec 01 07:30:00.123 host pacemaker-remoted [1234] (Class) notice: message} */
    static final class PacemakerLayout extends LayoutBase<ILoggingEvent> {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());
        private final String host = hostName();
        private final long pid = ProcessHandle.current().pid();

        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder sb = new StringBuilder(160);
            sb.append(TIME.format(event.getInstant())).append(' ').append(host)
              .append(" pacemaker-remoted  [").append(pid).append("] (")
              .append(shortLogger(event.getLoggerName())).append(") ")
              .append(levelWord(event.getLevel())).append(": ")
              .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
            appendThrowable(sb, event);
            return sb.toString();
        }

        private static String hostName() {
            // Not InetAddress.getLocalHost(): that may wait for DNS inside a network namespace.
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (Exception e) {
                return "localhost";
            }
        }
    }
}
