package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.OptimisticLockingFailureException;

/** Engine-internal conflicts are tried again a few times; a stale task (a concurrent edit) never is. */
class EngineConflictsTest {

    @Test
    void triesAgainAfterAnEngineConflict() {
        AtomicInteger attempts = new AtomicInteger();

        String result = EngineConflicts.retrying("test", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new OptimisticLockingException("execution changed");
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(3);
    }

    /** A deletion's message that met a test round's job moving the lifecycle on finds an execution gone. */
    @Test
    void triesAgainWhenAnExecutionWentAsTheCommandWalkedTheTree() {
        AtomicInteger attempts = new AtomicInteger();

        String result = EngineConflicts.retrying("test", () -> {
            if (attempts.incrementAndGet() < 2) {
                throw new ProcessEngineException("ENGINE-03077 Cannot resolve parent with id '1' of execution '2', "
                        + "perhaps it was deleted in the meantime");
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(2);
        AtomicInteger other = new AtomicInteger();
        assertThatThrownBy(() -> EngineConflicts.retrying("test", () -> {
            other.incrementAndGet();
            throw new ProcessEngineException("ENGINE-09005 something else");
        })).hasMessageStartingWith("ENGINE-09005");
        assertThat(other).as("not a conflict: not tried again").hasValue(1);
    }

    /** A deadlock's loser, however deep in the causes (a task listener's write comes wrapped), is tried again. */
    @Test
    void triesAgainAfterLosingADeadlock() {
        AtomicInteger attempts = new AtomicInteger();

        String result = EngineConflicts.retrying("test", () -> {
            if (attempts.incrementAndGet() < 2) {
                throw new ProcessEngineException("ENGINE-03051 There was an exception while invoking the TaskListener",
                        new CannotAcquireLockException("could not execute", new SQLException("Deadlock detected",
                                "40001")));
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(2);
        assertThat(EngineConflicts.isConflict(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(EngineConflicts.isConflict(new SQLException("lock timeout", "HYT00"))).isFalse();
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> EngineConflicts.retrying("test", () -> {
            attempts.incrementAndGet();
            throw new OptimisticLockingException("execution changed");
        })).isInstanceOf(OptimisticLockingException.class);
        assertThat(attempts).hasValue(EngineConflicts.ATTEMPTS);
    }

    @Test
    void neverRetriesAStaleTask() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> EngineConflicts.retrying("test", () -> {
            attempts.incrementAndGet();
            throw new OptimisticLockingFailureException("task version 3 is stale");
        })).isInstanceOf(OptimisticLockingFailureException.class);
        assertThat(attempts).hasValue(1);
    }
}
