package io.reachflow.lifecycle.delegates;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** A reviewer rejected the task: it goes back to TESTING with approval REJECTED and the reviewer's comment. */
@Component
public class RecordRejectionDelegate implements JavaDelegate {

    private final LifecycleTransitions transitions;

    public RecordRejectionDelegate(LifecycleTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        transitions.rejected(LifecycleVariables.taskId(execution), LifecycleVariables.reviewer(execution),
                LifecycleVariables.reviewComment(execution));
    }
}
