package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.PushType;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The task runs (again): each MANUAL or RECURRING push that a pause stopped mid-way goes on where it stopped, in a
 * new delivery process that takes it over (a recurring task's occurrences, or an operator's sends, may overlap). A
 * ONE_TIME task's push goes on through its own start; on the first run there is nothing to continue.
 */
@Component
public class ContinuePausedPushDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(ContinuePausedPushDelegate.class);

    private final DeliveryService delivery;
    private final LifecycleFacade lifecycle;
    private final LifecycleTransitions transitions;

    public ContinuePausedPushDelegate(DeliveryService delivery, LifecycleFacade lifecycle,
                                      LifecycleTransitions transitions) {
        this.delivery = delivery;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        PushType pushType = transitions.load(taskId).getPushType();
        if (pushType == PushType.MANUAL || pushType == PushType.RECURRING) {
            for (long pushId : delivery.pausedPushes(taskId)) {
                log.info("Task {} resumed: its paused push {} goes on", taskId, pushId);
                lifecycle.continueDelivery(taskId, pushId);
            }
        }
    }
}
