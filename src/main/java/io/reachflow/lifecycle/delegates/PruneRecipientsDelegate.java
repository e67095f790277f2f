package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.RecipientRetention;
import java.time.Duration;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The housekeeping process's round of pruning ({@code bpmn/reachflow-housekeeping.bpmn}): about {@link #ROUND} of it,
 * well under the job lock's five minutes, so that no other node takes the job over meanwhile; the process loops
 * while pushes are left ({@code morePushesToPrune}), each round going on after the push the last one stopped at
 * ({@code pruneAfter}).
 */
@Component
public class PruneRecipientsDelegate implements JavaDelegate {

    static final Duration ROUND = Duration.ofMinutes(2);
    static final String MORE = "morePushesToPrune";
    static final String AFTER = "pruneAfter";

    private final RecipientRetention retention;

    public PruneRecipientsDelegate(RecipientRetention retention) {
        this.retention = retention;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object after = execution.getVariable(AFTER);
        RecipientRetention.Round round = retention.prune(after == null ? 0 : ((Number) after).longValue(), ROUND);
        execution.setVariable(MORE, round.more());
        execution.setVariable(AFTER, round.after());
    }
}
