package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reachflow.task.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

/**
 * A batch written in the database counts when its transaction commits, so that an attempt rolled back (and run
 * again by the engine) counts once; a provider's outcomes, committed step by step, count at once.
 */
class DeliveryMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final DeliveryMetrics metrics = new DeliveryMetrics(registry);
    private final BatchResult fiveDelivered = new BatchResult(5, 1, 0, 0, null, null, null);

    @AfterEach
    void endTransaction() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void aDatabaseBatchCountsWhenItsTransactionCommits() {
        TransactionSynchronizationManager.initSynchronization();

        metrics.batch(Channel.IN_APP, false, () -> fiveDelivered);
        assertThat(delivered()).as("not before the commit").isZero();
        TransactionSynchronizationUtils.triggerAfterCommit();

        assertThat(delivered()).isEqualTo(5);
        assertThat(registry.find("reachflow.recipients").tag("outcome", "failed").counter().count()).isEqualTo(1);
        assertThat(registry.find("reachflow.delivery.batch").timer().count()).isEqualTo(1);
    }

    @Test
    void aRolledBackDatabaseBatchCountsNothing() {
        TransactionSynchronizationManager.initSynchronization();

        metrics.batch(Channel.IN_APP, false, () -> fiveDelivered);
        TransactionSynchronizationUtils.triggerAfterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK);

        assertThat(delivered()).isZero();
        assertThat(registry.find("reachflow.delivery.batch").timer()).isNull();
    }

    @Test
    void aProvidersCommittedOutcomesCountAtOnceEvenIfTheJobRollsBack() {
        TransactionSynchronizationManager.initSynchronization();

        metrics.batch(Channel.IN_APP, true, () -> fiveDelivered);

        assertThat(delivered()).isEqualTo(5);
    }

    private double delivered() {
        var counter = registry.find("reachflow.recipients").tag("outcome", "delivered").counter();
        return counter == null ? 0 : counter.count();
    }
}
