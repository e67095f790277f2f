package io.reachflow.lifecycle.delegates;

import io.reachflow.system.IdempotentRequests;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The housekeeping process's last step ({@link io.reachflow.lifecycle.HousekeepingProcess}): the API's idempotency keys older
 * than their retention are forgotten, in one statement (a day's keys at most).
 */
@Component
public class ForgetIdempotencyKeysDelegate implements JavaDelegate {

    private final IdempotentRequests idempotentRequests;

    public ForgetIdempotencyKeysDelegate(IdempotentRequests idempotentRequests) {
        this.idempotentRequests = idempotentRequests;
    }

    @Override
    public void execute(DelegateExecution execution) {
        idempotentRequests.forgetOld();
    }
}
