package io.reachflow.lifecycle.delegates;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.OperationTask;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** The review approved the task: it runs, on the branch of its push type. */
@Component
public class StartRunningDelegate implements JavaDelegate {

    private final LifecycleTransitions transitions;

    public StartRunningDelegate(LifecycleTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        OperationTask task = transitions.approved(LifecycleVariables.taskId(execution),
                LifecycleVariables.reviewer(execution), LifecycleVariables.reviewComment(execution));
        LifecycleVariables.setPushType(execution, task.getPushType());
    }
}
