package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.lifecycle.LifecycleProcess;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.OperationTask;
import java.time.Clock;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Starts a live push of a running task: its delivery process, which runs on its own. A one-time push that would go
 * out later than the task's grace is not sent: the business error {@value LifecycleProcess#ERROR_SEND_EXPIRED}
 * completes the task as EXPIRED. A push that started in time and was paused mid-way goes on after the resume, late
 * or not.
 */
@Component
public class StartDeliveryDelegate implements JavaDelegate {

    private final LifecycleFacade lifecycle;
    private final LifecycleTransitions transitions;
    private final DeliveryService delivery;
    private final Clock clock;

    public StartDeliveryDelegate(LifecycleFacade lifecycle, LifecycleTransitions transitions, DeliveryService delivery,
                                 Clock clock) {
        this.lifecycle = lifecycle;
        this.transitions = transitions;
        this.delivery = delivery;
        this.clock = clock;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        OperationTask task = transitions.load(taskId);
        if (task.sendExpired(clock.instant()) && !delivery.hasPausedPush(taskId)) {
            throw new BpmnError(LifecycleProcess.ERROR_SEND_EXPIRED,
                    "Task " + taskId + " would send later than " + task.getSchedule().effectiveLateSendGrace()
                            + " after its send time " + task.getSchedule().sendAt());
        }
        lifecycle.startDelivery(taskId);
    }
}
