package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.MessageRetention;
import io.reachflow.lifecycle.HousekeepingProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The housekeeping process's round of deleting old inbox and outbox messages ({@link HousekeepingProcess}): about
 * {@link HousekeepingProcess#ROUND} of it; the process loops while some are left.
 */
@Component
public class PruneMessagesDelegate implements JavaDelegate {

    private final MessageRetention retention;

    public PruneMessagesDelegate(MessageRetention retention) {
        this.retention = retention;
    }

    @Override
    public void execute(DelegateExecution execution) {
        HousekeepingProcess.setMessagesLeft(execution, retention.prune(HousekeepingProcess.ROUND));
    }
}
