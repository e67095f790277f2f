package io.reachflow.lifecycle;

import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The dates of the lifecycle's timers, read from the task when each timer is created:
 * {@code ${lifecycleSchedule.sendAt(execution)}} and friends. Occurrences are computed from now, so a pause or
 * an outage skips the missed ones instead of catching up; one whose timer fires later than the task's late-send
 * grace (the node was down at its time) is skipped too.
 */
@Component("lifecycleSchedule")
public class LifecycleSchedule {

    /** After the last occurrence the next one is "never": later than the end timer, which then wins. */
    private static final Duration AFTER_END = Duration.ofDays(1);

    private final LifecycleTransitions transitions;
    private final Clock clock;

    public LifecycleSchedule(LifecycleTransitions transitions, Clock clock) {
        this.transitions = transitions;
        this.clock = clock;
    }

    /** ONE_TIME: the send time, or now when the task has none (send on approval). */
    public Date sendAt(DelegateExecution execution) {
        Instant sendAt = schedule(execution).sendAt();
        return Date.from(sendAt == null ? clock.instant() : sendAt);
    }

    /**
     * RECURRING: the next occurrence after now (and not before the start), in the task's time zone; remembered
     * ({@link LifecycleVariables#OCCURRENCE_AT}) so that its start can tell whether it comes too late.
     */
    public Date nextOccurrence(DelegateExecution execution) {
        Schedule schedule = schedule(execution);
        Date next = Date.from(schedule.nextOccurrence(clock.instant()).orElse(schedule.endAt().plus(AFTER_END)));
        LifecycleVariables.setOccurrenceAt(execution, next);
        return next;
    }

    /** RECURRING and TRIGGERED: when the task stops running. */
    public Date endAt(DelegateExecution execution) {
        return Date.from(schedule(execution).endAt());
    }

    /** Whether the task ends at its end time by itself, paused or not: RECURRING and TRIGGERED tasks. */
    public boolean endsAtEndTime(DelegateExecution execution) {
        OperationTask task = transitions.load(LifecycleVariables.taskId(execution));
        return (task.getPushType() == PushType.RECURRING || task.getPushType() == PushType.TRIGGERED)
                && task.getSchedule().endAt() != null;
    }

    private Schedule schedule(DelegateExecution execution) {
        OperationTask task = transitions.load(LifecycleVariables.taskId(execution));
        return task.getSchedule();
    }
}
