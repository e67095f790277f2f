package io.reachflow.system;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole transaction again when the engine reports that one of its executions changed under it ({@link
 * #isConflict}). Such a
 * conflict is the engine's own (an operator's action meets the task's own timer or start job, or a delivery's
 * message to the lifecycle), not a concurrent edit of the task: that one comes as Spring's
 * {@code OptimisticLockingFailureException} (a stale task version), is never retried here and stays a 409.
 */
public final class EngineConflicts {

    private static final Logger log = LoggerFactory.getLogger(EngineConflicts.class);
    static final int ATTEMPTS = 5;
    private static final String EXECUTION_GONE = "ENGINE-03077 ";

    private EngineConflicts() {
    }

    /** {@code transaction} must start and commit a transaction of its own (a call through a transactional bean). */
    public static <T> T retrying(String what, Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException conflict) {
                if (!isConflict(conflict) || attempt == ATTEMPTS) {
                    throw conflict;
                }
                log.debug("{}: the engine's executions changed meanwhile (attempt {} of {}), trying again", what,
                        attempt, ATTEMPTS);
                pause(attempt);
            }
        }
    }

    /**
     * The engine's executions changed under the command: a concurrent update of one
     * ({@link OptimisticLockingException}), or one of them gone from its tree as the command walked it
     * ({@code ENGINE-03077}, "perhaps it was deleted in the meantime": a deletion's message met a test round's job
     * moving on); or the database chose this transaction as a deadlock's loser (SQL state 40001 or 40P01), wherever
     * in the causes it is (a task listener's write comes wrapped).
     */
    static boolean isConflict(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof OptimisticLockingException || isDeadlock(cause)
                    || cause.getClass() == ProcessEngineException.class && cause.getMessage() != null
                    && cause.getMessage().startsWith(EXECUTION_GONE)) {
                return true;
            }
        }
        return false;
    }

    /** A deadlock's loser, or a serialization failure, as H2 and PostgreSQL say it. */
    static boolean isDeadlock(Throwable e) {
        return e instanceof SQLException sql
                && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()));
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying after an engine conflict", e);
        }
    }
}
