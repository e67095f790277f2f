package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.lifecycle.LifecycleProcess;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Starts a live push of a running task: its delivery process, which runs on its own. A one-time push that would go
 * out later than the task's grace is not sent: the business error {@value LifecycleProcess#ERROR_SEND_EXPIRED}
 * completes the task as EXPIRED. A push that started in time and was paused mid-way goes on after the resume, late
 * or not. A RECURRING occurrence later than the grace (its timer fired after an outage) is skipped: missed
 * occurrences are never caught up.
 */
@Component
public class StartDeliveryDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(StartDeliveryDelegate.class);

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
        Optional<Instant> occurrenceAt = task.getPushType() == PushType.RECURRING
                ? LifecycleVariables.occurrenceAt(execution) : Optional.empty();
        Duration grace = task.getSchedule().effectiveLateSendGrace();
        if (occurrenceAt.isPresent() && clock.instant().isAfter(occurrenceAt.get().plus(grace))) {
            log.warn("Task {}: the occurrence of {} comes at {}, later than its grace of {} (was the application "
                    + "down?): skipped, the next one is sent on time", taskId, occurrenceAt.get(), clock.instant(), grace);
            return;
        }
        lifecycle.startDelivery(taskId, task.getRevision());
    }
}
