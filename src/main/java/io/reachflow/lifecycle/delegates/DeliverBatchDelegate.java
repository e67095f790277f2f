package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.BatchResult;
import io.reachflow.delivery.DeliveryDeferredException;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.RecipientCounts;
import io.reachflow.lifecycle.DeliveryProcess;
import java.util.LinkedHashMap;
import java.util.Map;
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
    /** Progress is logged at each tenth of a push's recipients done. */
    private static final int PROGRESS_STEPS = 10;

    private final DeliveryService delivery;
    private final ProgressLogged progressLogged = new ProgressLogged();

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
            // the incident's message, in Cockpit and /api/tasks/{id}/incidents: the business key is the task id; the
            // reason is the provider's status or error and any Retry-After, never its answer, which may name recipients
            throw new DeliveryDeferredException("Task " + execution.getBusinessKey() + ", push " + pushId + ", batch "
                    + batch + ": " + result.left() + " recipients wait (" + result.reason() + ")", result.dueAt());
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
        logProgress(execution, pushId, batch);
        DeliveryProcess.advanceBatch(execution);
    }

    /**
     * A line at each tenth of a push of ten batches or more, with what its recipients show: how many are done
     * (delivered, failed, skipped or cancelled) of those targeted, and how many were delivered. The workers take the
     * batches in order, a few at a time, so a batch whose number crosses a tenth of them is about when the push may
     * have done one more: only then are its recipients counted (a count over the push, some ten per delivery; none
     * for the other batches). A delivery that takes over a paused push crosses the tenths done before at once, and
     * the count tells what is done. Each tenth is logged once per push on this node, the first time a count
     * reaches it.
     */
    private void logProgress(DelegateExecution execution, long pushId, int batch) {
        int batches = DeliveryProcess.batchCount(execution);
        if (batches < PROGRESS_STEPS || (batch + 1) * PROGRESS_STEPS / batches == batch * PROGRESS_STEPS / batches
                || !log.isInfoEnabled()) {
            return;
        }
        RecipientCounts counts = delivery.counts(pushId);
        if (counts.total() == 0) {
            return;
        }
        long done = counts.total() - counts.remaining();
        int tenth = (int) (done * PROGRESS_STEPS / counts.total());
        if (tenth > 0 && progressLogged.firstTime(pushId, tenth)) {
            log.info("Task {}: push {}: {}% done, {} of {} recipients: {} delivered, {} failed, {} skipped, {} left",
                    execution.getProcessBusinessKey(), pushId, done * 100 / counts.total(), done, counts.total(),
                    counts.delivered(), counts.failed(), counts.skipped(), counts.remaining());
        }
    }

    /** The highest tenth of each push logged on this node, for the pushes of late (a push's memory is a few bytes). */
    private static final class ProgressLogged {

        private static final int PUSHES = 1_000;

        private final Map<Long, Integer> tenths = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
                return size() > PUSHES;
            }
        };

        /** Whether {@code tenth} is higher than the push's tenths logged before, which it then becomes. */
        synchronized boolean firstTime(long pushId, int tenth) {
            Integer logged = tenths.get(pushId);
            if (logged != null && logged >= tenth) {
                return false;
            }
            tenths.put(pushId, tenth);
            return true;
        }
    }
}
