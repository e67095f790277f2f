package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.DeliveryProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * The end of a delivery process. When it was cancelled rather than finished (an administrator cancelled it in
 * Cockpit, with custom listeners run), what is left of its push is called off: recipients not yet sent to are
 * CANCELLED with the reason {@value #REASON}, and so is the push.
 */
@Component
public class CancelPushListener implements ExecutionListener {

    static final String REASON = "DELIVERY_CANCELLED";

    private final DeliveryService delivery;

    public CancelPushListener(DeliveryService delivery) {
        this.delivery = delivery;
    }

    @Override
    public void notify(DelegateExecution execution) {
        Long pushId = DeliveryProcess.pushId(execution);
        if (execution.isCanceled() && pushId != null) {
            delivery.finish(pushId, execution.getProcessInstanceId(), REASON);
        }
    }
}
