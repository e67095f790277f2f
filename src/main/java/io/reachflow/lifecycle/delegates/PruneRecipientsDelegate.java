package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.RecipientRetention;
import io.reachflow.lifecycle.HousekeepingProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The housekeeping process's round of pruning ({@link HousekeepingProcess}): about {@link HousekeepingProcess#ROUND}
 * of it; the process loops while pushes are left, each round going on after the push the last one stopped at.
 */
@Component
public class PruneRecipientsDelegate implements JavaDelegate {

    private final RecipientRetention retention;

    public PruneRecipientsDelegate(RecipientRetention retention) {
        this.retention = retention;
    }

    @Override
    public void execute(DelegateExecution execution) {
        RecipientRetention.Round round = retention.prune(HousekeepingProcess.pruneAfter(execution),
                HousekeepingProcess.ROUND);
        HousekeepingProcess.setPruned(execution, round.more(), round.after());
    }
}
