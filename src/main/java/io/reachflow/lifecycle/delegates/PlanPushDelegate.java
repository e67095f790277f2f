package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.DeliveryProcess;
import io.reachflow.lifecycle.LifecycleVariables;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Plans one live push of a running task (its recipients, in batches) for the workers of the delivery process, or
 * takes over the paused push the delivery was started for after a resume; no workers when the task was paused or
 * completed since (see {@link DeliveryService#planLive}).
 */
@Component
public class PlanPushDelegate implements JavaDelegate {

    private final DeliveryService delivery;

    public PlanPushDelegate(DeliveryService delivery) {
        this.delivery = delivery;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        String deliveryId = execution.getProcessInstanceId();
        Optional<Long> paused = DeliveryProcess.pausedPushId(execution);
        Optional<DeliveryService.Plan> planned;
        if (paused.isPresent()) {
            planned = delivery.continuePaused(taskId, paused.get(), deliveryId);
        } else {
            planned = delivery.planLive(taskId, deliveryId, DeliveryProcess.taskRevision(execution).orElse(null));
        }
        planned.ifPresentOrElse(
                plan -> DeliveryProcess.setPlan(execution, plan.pushId(), plan.batches(), plan.workers()),
                () -> DeliveryProcess.setNothingPlanned(execution));
    }
}
