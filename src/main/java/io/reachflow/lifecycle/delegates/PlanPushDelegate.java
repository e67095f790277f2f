package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.PushTrigger;
import io.reachflow.lifecycle.DeliveryProcess;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.PushType;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Plans one live push of a running task (its recipients, in batches) for the workers of the delivery process, or
 * takes over the push a pause stopped mid-way; nothing, and no workers, when the task was paused or completed since.
 */
@Component
public class PlanPushDelegate implements JavaDelegate {

    private final DeliveryService delivery;
    private final LifecycleTransitions transitions;

    public PlanPushDelegate(DeliveryService delivery, LifecycleTransitions transitions) {
        this.delivery = delivery;
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        PushType pushType = transitions.load(taskId).getPushType();
        delivery.planLive(taskId, pushType == PushType.MANUAL ? PushTrigger.MANUAL : PushTrigger.SCHEDULE,
                execution.getProcessInstanceId()).ifPresentOrElse(
                plan -> DeliveryProcess.setPlan(execution, plan.pushId(), plan.batches(), plan.workers()),
                () -> DeliveryProcess.setNothingPlanned(execution));
    }
}
