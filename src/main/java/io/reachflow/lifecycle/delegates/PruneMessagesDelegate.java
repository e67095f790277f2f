package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.MessageRetention;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The housekeeping process's round of deleting old inbox and outbox messages ({@code bpmn/reachflow-housekeeping.bpmn}):
 * about {@link PruneRecipientsDelegate#ROUND} of it; the process loops while some are left
 * ({@code moreMessagesToPrune}).
 */
@Component
public class PruneMessagesDelegate implements JavaDelegate {

    static final String MORE = "moreMessagesToPrune";

    private final MessageRetention retention;

    public PruneMessagesDelegate(MessageRetention retention) {
        this.retention = retention;
    }

    @Override
    public void execute(DelegateExecution execution) {
        execution.setVariable(MORE, retention.prune(PruneRecipientsDelegate.ROUND));
    }
}
