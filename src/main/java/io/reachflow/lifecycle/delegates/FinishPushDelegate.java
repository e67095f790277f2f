package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushStatus;
import io.reachflow.lifecycle.DeliveryProcess;
import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Every worker is done: counts the push's outcomes (nothing when no push was planned). A push an operator paused or
 * called off meanwhile stays as it is; one delivered whole is reported to the lifecycle.
 */
@Component
public class FinishPushDelegate implements JavaDelegate {

    private final DeliveryService delivery;
    private final LifecycleFacade lifecycle;
    private final LifecycleTransitions transitions;

    public FinishPushDelegate(DeliveryService delivery, LifecycleFacade lifecycle, LifecycleTransitions transitions) {
        this.delivery = delivery;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Long pushId = DeliveryProcess.pushId(execution);
        if (pushId == null) {
            return;
        }
        long taskId = LifecycleVariables.taskId(execution);
        Push push = delivery.finish(pushId, execution.getProcessInstanceId(),
                "TASK_" + transitions.load(taskId).getStatus());
        if (push.getStatus() == PushStatus.DELIVERED) {
            lifecycle.pushDelivered(taskId);
        }
    }
}
