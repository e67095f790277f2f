package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleVariables;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Sends a test round of the task to its testers. Runs as a job (async before), never in the operator's request. */
@Component
public class SendTestRoundDelegate implements JavaDelegate {

    private final DeliveryService delivery;

    public SendTestRoundDelegate(DeliveryService delivery) {
        this.delivery = delivery;
    }

    @Override
    public void execute(DelegateExecution execution) {
        delivery.sendTestRound(LifecycleVariables.taskId(execution));
    }
}
