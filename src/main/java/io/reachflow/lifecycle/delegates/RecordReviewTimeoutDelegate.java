package io.reachflow.lifecycle.delegates;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Nobody decided the review in time: the request is withdrawn and the task returns to TESTING. */
@Component
public class RecordReviewTimeoutDelegate implements JavaDelegate {

    private final LifecycleTransitions transitions;

    public RecordReviewTimeoutDelegate(LifecycleTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        transitions.reviewTimedOut(LifecycleVariables.taskId(execution));
    }
}
