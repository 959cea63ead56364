package org.jremoted.fuzzing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fuzz targets feed the daemon's code millions of bad inputs, each of which it rightly warns
 * about; printing those warnings would cost more than the code under test. A fuzz test class
 * switches logging off in {@code @BeforeAll} and back in {@code @AfterAll}, so the other test
 * classes of the same JVM (some assert on log events) see the usual configuration.
 * Test thread only.
 */
public final class FuzzLogs {
    private static Level saved;

    private FuzzLogs() {
    }

    public static synchronized void silence() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (saved == null) {
            saved = root.getLevel();
        }
        root.setLevel(Level.OFF);
    }

    public static synchronized void restore() {
        if (saved != null) {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(saved);
            saved = null;
        }
    }
}
