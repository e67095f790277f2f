package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.junit.jupiter.api.Test;
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
