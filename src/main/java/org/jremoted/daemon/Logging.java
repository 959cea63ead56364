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
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
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

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("stderr");
        console.setTarget("System.err");
        console.setEncoder(encoder(ctx, new JournalLayout()));
        console.start();
        root.addAppender(console);

        java.util.ArrayList<String> problems = new java.util.ArrayList<>();
        java.util.ArrayList<String> files = new java.util.ArrayList<>();
        if (!"none".equalsIgnoreCase(config.logfile()) && !"/dev/null".equals(config.logfile())) {
            files.add(config.logfile());
        }
        files.addAll(extraLogfiles);
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
