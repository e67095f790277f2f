package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

/** Steps for a transaction's end: after its commit, or when it rolls back, each only then. */
class AfterCommitTest {

    @AfterEach
    void endSynchronization() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void runsEachStepAtItsEnd() {
        assertThat(ran(TransactionSynchronization.STATUS_COMMITTED)).containsExactly("after commit");
        assertThat(ran(TransactionSynchronization.STATUS_ROLLED_BACK)).containsExactly("on rollback");
    }

    @Test
    void withoutATransactionRunsTheCommitsStepAtOnceAndNotTheRollbacks() {
        List<String> ran = new ArrayList<>();

        AfterCommit.run(() -> ran.add("after commit"));
        AfterCommit.onRollback(() -> ran.add("on rollback"));

        assertThat(ran).containsExactly("after commit");
    }

    /** What ran of one step of each kind, in a transaction that ends with {@code status}. */
    private static List<String> ran(int status) {
        List<String> ran = new ArrayList<>();
        TransactionSynchronizationManager.initSynchronization();
        AfterCommit.run(() -> ran.add("after commit"));
        AfterCommit.onRollback(() -> ran.add("on rollback"));
        List<TransactionSynchronization> registered = TransactionSynchronizationManager.getSynchronizations();
        TransactionSynchronizationManager.clearSynchronization();
        if (status == TransactionSynchronization.STATUS_COMMITTED) {
            TransactionSynchronizationUtils.invokeAfterCommit(registered);
        }
        TransactionSynchronizationUtils.invokeAfterCompletion(registered, status);
        return ran;
    }
}
