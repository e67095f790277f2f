package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.TaskStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The run ended by itself: a one-time task after its push, a recurring or triggered one at its end time, also while
 * paused. Nothing of a recurring or triggered task is sent after its end: what a pause stopped mid-way is cancelled,
 * and so is what its pushes being delivered have not sent yet (recipients waiting for their send window, say), as
 * soon as the end commits ({@link DeliveryService#callOffPushes}). A one-time task's push, which is the task, goes on to its end.
 */
@Component
public class CompleteTaskDelegate implements JavaDelegate {

    /** The cancel reason of what is not sent after the end. */
    static final String ENDED = "TASK_COMPLETED";

    private final LifecycleTransitions transitions;
    private final DeliveryService delivery;

    public CompleteTaskDelegate(LifecycleTransitions transitions, DeliveryService delivery) {
        this.transitions = transitions;
        this.delivery = delivery;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        OperationTask task = transitions.load(taskId);
        boolean paused = task.getStatus() == TaskStatus.PAUSED;
        transitions.completed(taskId,
                task.getPushType() == PushType.ONE_TIME ? CompletionReason.DELIVERED : CompletionReason.END_TIME_REACHED);
        if (paused) {
            delivery.stopPushes(taskId, ENDED);
        } else if (task.getPushType() != PushType.ONE_TIME) {
            delivery.callOffPushes(taskId, ENDED);
        }
    }
}
