package io.reachflow.lifecycle.delegates;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.CompletionReason;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** A one-time task too late to send completes as EXPIRED, having sent nothing. */
@Component
public class ExpireTaskDelegate implements JavaDelegate {

    private final LifecycleTransitions transitions;

    public ExpireTaskDelegate(LifecycleTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        transitions.completed(LifecycleVariables.taskId(execution), CompletionReason.EXPIRED);
    }
}
