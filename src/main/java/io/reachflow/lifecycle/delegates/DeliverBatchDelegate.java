package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.BatchResult;
import io.reachflow.delivery.DeliveryDeferredException;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.DeliveryProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A delivery worker's step: delivers its current batch and moves on to its next one, while the push is being
 * delivered. Once an operator has stopped it (pause, complete), or a resume's delivery took it over, the worker
 * stops too. A batch whose provider took nothing (every message failed temporarily) fails its job: the engine tries
 * it again after the backoff of the activity's retry cycle (see {@code RetryAfterPlugin} for a provider's
 * {@code Retry-After}), and raises an incident when the retries are used up. A batch whose recipients left are not
 * due yet (send windows, do-not-disturb days, the rate limit, a deferral's pause) waits at a timer until the next of
 * them is; one that ran out of time goes on in a new job.
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
        if (!delivery.isDelivering(pushId, execution.getProcessInstanceId())) {
            log.debug("Push {} was stopped: a worker stops before batch {}", pushId, DeliveryProcess.batch(execution));
            DeliveryProcess.stopWorker(execution);
            return;
        }
        int batch = DeliveryProcess.batch(execution);
        DeliveryProcess.clearWait(execution);
        BatchResult result = delivery.deliverBatch(pushId, batch, execution.getProcessInstanceId());
        if (result.mustRetry()) {
            throw new DeliveryDeferredException("Push " + pushId + " batch " + batch + ": " + result.left()
                    + " recipients wait (" + result.reason() + ")"
                    + (result.retryAfter() == null ? "" : ", at least " + result.retryAfter()), result.retryAfter());
        }
        if (result.waits()) {
            log.debug("Push {} batch {}: {} recipients left, the next due at {}", pushId, batch, result.left(),
                    result.dueAt());
            DeliveryProcess.waitUntil(execution, result.dueAt());
            return;
        }
        if (result.goesOn()) {
            log.debug("Push {} batch {}: {} recipients left go on in the next job", pushId, batch, result.left());
            return;
        }
        DeliveryProcess.advanceBatch(execution);
    }
}
