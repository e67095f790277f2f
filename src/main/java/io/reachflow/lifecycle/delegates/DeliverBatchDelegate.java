package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.DeliveryProcess;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.TaskStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A delivery worker's step: delivers its current batch and moves on to its next one, while the task runs. Once
 * the task is paused or completed the worker stops, and its batches are left to be cancelled.
 */
@Component
public class DeliverBatchDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(DeliverBatchDelegate.class);

    private final DeliveryService delivery;
    private final LifecycleTransitions transitions;

    public DeliverBatchDelegate(DeliveryService delivery, LifecycleTransitions transitions) {
        this.delivery = delivery;
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        TaskStatus status = transitions.load(taskId).getStatus();
        if (status != TaskStatus.RUNNING) {
            log.debug("Task {} is {}: a worker of push {} stops before batch {}", taskId, status,
                    DeliveryProcess.pushId(execution), DeliveryProcess.batch(execution));
            DeliveryProcess.stopWorker(execution);
            return;
        }
        delivery.deliverBatch(DeliveryProcess.pushId(execution), DeliveryProcess.batch(execution));
        DeliveryProcess.advanceBatch(execution);
    }
}
