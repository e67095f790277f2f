package io.reachflow.system;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A start the configuration does not allow (a production database with the demo users, an admin without a password):
 * what is wrong and what to set, printed as Spring Boot's short "APPLICATION FAILED TO START" summary
 * ({@link Analyzer}) instead of the last cause of a long stack trace.
 */
public class StartRefusedException extends IllegalStateException {

    private final String description;
    private final String action;

    public StartRefusedException(String description, String action) {
        super(description + ". " + action);
        this.description = description;
        this.action = action;
    }

    /** Registered in {@code META-INF/spring.factories}. */
    static class Analyzer extends AbstractFailureAnalyzer<StartRefusedException> {

        @Override
        protected FailureAnalysis analyze(Throwable root, StartRefusedException cause) {
            return new FailureAnalysis(cause.description, cause.action, cause);
        }
    }
}
