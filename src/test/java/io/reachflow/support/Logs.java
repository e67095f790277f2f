package io.reachflow.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The tests log warnings only; a test that checks an INFO line turns its class's log up for a while. */
public final class Logs {

    private Logs() {
    }

    /** Runs {@code action} with the log of {@code type} at INFO. */
    public static void atInfo(Class<?> type, Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            action.run();
        } finally {
            logger.setLevel(level);
        }
    }
}
