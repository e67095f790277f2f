package io.reachflow.lifecycle.delegates;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.PushType;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** The run ended by itself: a one-time task after its push, a recurring or triggered one at its end time. */
@Component
public class CompleteTaskDelegate implements JavaDelegate {

    private final LifecycleTransitions transitions;

    public CompleteTaskDelegate(LifecycleTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        PushType pushType = transitions.load(taskId).getPushType();
        transitions.completed(taskId,
                pushType == PushType.ONE_TIME ? CompletionReason.DELIVERED : CompletionReason.END_TIME_REACHED);
    }
}
