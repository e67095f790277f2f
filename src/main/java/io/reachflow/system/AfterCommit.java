package io.reachflow.system;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that must see the current transaction committed (what it wrote is then visible to everyone, or counted), or
 * that tells what a rolled-back one had already done outside the database.
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    /**
     * Runs {@code step} once the current transaction has committed, and not at all if it rolls back; at once when
     * there is none. A step that writes needs a transaction of its own ({@code REQUIRES_NEW}): the committed one's
     * resources are still bound while it runs.
     */
    public static void run(Runnable step) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            step.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                step.run();
            }
        });
    }

    /**
     * Runs {@code step} if the current transaction rolls back (what it did outside the database, such as messages
     * handed to a provider, is then not undone, and says so); not at all when there is none or it commits.
     */
    public static void onRollback(Runnable step) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_ROLLED_BACK) {
                    step.run();
                }
            }
        });
    }
}
