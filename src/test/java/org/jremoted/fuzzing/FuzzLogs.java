package org.jremoted.fuzzing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fuzz targets feed the daemon's code millions of bad inputs, each of which it rightly warns
 * about; printing those warnings would cost more than the code under test. A fuzz test class is
 * annotated {@code @ExtendWith(FuzzLogs.class)}: logging goes off before its first test and back
 * on after its last, so the other test classes of the same JVM (some assert on log events) see
 * the usual configuration. Test thread only.
 */
public final class FuzzLogs implements BeforeAllCallback, AfterAllCallback {
    private static Level saved;

    @Override
    public void beforeAll(ExtensionContext context) {
        silence();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        restore();
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
