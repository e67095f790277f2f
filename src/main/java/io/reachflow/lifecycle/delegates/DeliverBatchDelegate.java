package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.DeliveryProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A delivery worker's step: delivers its current batch and moves on to its next one, while the push is being
 * delivered. Once an operator has stopped it (pause, complete) the worker stops too.
 */
@Component
public class DeliverBatchDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(DeliverBatchDelegate.class);

    private final DeliveryService delivery;

    public DeliverBatchDelegate(DeliveryService delivery) {
        this.delivery = delivery;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long pushId = DeliveryProcess.pushId(execution);
        if (!delivery.isDelivering(pushId)) {
            log.debug("Push {} was stopped: a worker stops before batch {}", pushId, DeliveryProcess.batch(execution));
            DeliveryProcess.stopWorker(execution);
            return;
        }
        delivery.deliverBatch(pushId, DeliveryProcess.batch(execution));
        DeliveryProcess.advanceBatch(execution);
    }
}
