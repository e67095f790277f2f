package io.reachflow.lifecycle;

import io.reachflow.system.CurrentActor;
import io.reachflow.task.AuditTrail;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.TaskNotFoundException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The transitions the engine drives (after a review, at the end of a run, on a timeout), each through the
 * entity's guarded methods and into the audit trail. Delegates call these; they never touch status themselves.
 */
@Component
public class LifecycleTransitions {

    private static final Logger log = LoggerFactory.getLogger(LifecycleTransitions.class);
    static final String REVIEW_TIMED_OUT = "review timed out";

    private final OperationTaskRepository tasks;
    private final AuditTrail audit;
    private final CurrentActor actor;
    private final Clock clock;

    public LifecycleTransitions(OperationTaskRepository tasks, AuditTrail audit, CurrentActor actor, Clock clock) {
        this.tasks = tasks;
        this.audit = audit;
        this.actor = actor;
        this.clock = clock;
    }

    public OperationTask load(long taskId) {
        return tasks.findById(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
    }

    /**
     * The task, its row locked until the transaction ends: taken first by whatever then writes the review's own rows,
     * in the order the operators' actions take them (task, then the rest), so that the two wait for each other
     * rather than deadlock.
     */
    public OperationTask lock(long taskId) {
        return tasks.findLocked(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
    }

    /** Submitted, having passed the check; the audience's estimated size (what the review's routing reads) is logged. */
    public void submitted(long taskId, String comment, long audienceSize) {
        OperationTask task = load(taskId);
        String submitter = actor.name();
        audit.record(task, submitter, "SUBMIT", comment, t -> t.submit(submitter, clock.instant()));
        log.info("Task {} submitted for review by {} ({} on {}, an audience of about {})", taskId, submitter,
                task.getPushType(), task.getChannel(),
                audienceSize == 1 ? "1 user" : String.format(Locale.ROOT, "%,d users", audienceSize));
    }

    public void submissionFailed(long taskId, List<String> reasons, String comment) {
        OperationTask task = load(taskId);
        String submitter = actor.name();
        audit.record(task, submitter, "SUBMIT", String.join("; ", reasons),
                t -> t.failSubmission(submitter, reasons, clock.instant()));
        log.info("Task {}: submission by {} failed the check: {}", taskId, submitter, reasons);
    }

    public OperationTask approved(long taskId, String reviewer, String comment) {
        OperationTask task = load(taskId);
        audit.record(task, reviewer, "APPROVE", comment, t -> t.approve(reviewer, clock.instant()));
        log.info("Task {} approved by {}: it runs ({})", taskId, reviewer, task.getPushType());
        return task;
    }

    public void rejected(long taskId, String reviewer, String comment) {
        OperationTask task = load(taskId);
        audit.record(task, reviewer, "REJECT", comment, t -> t.reject(reviewer, comment, clock.instant()));
        log.info("Task {} rejected by {}", taskId, reviewer);
    }

    public void reviewTimedOut(long taskId) {
        OperationTask task = load(taskId);
        audit.record(task, CurrentActor.SYSTEM, "WITHDRAW", REVIEW_TIMED_OUT,
                t -> t.withdraw(REVIEW_TIMED_OUT, clock.instant()));
        log.info("Task {}: review timed out, the request is withdrawn", taskId);
    }

    public void completed(long taskId, CompletionReason reason) {
        OperationTask task = load(taskId);
        audit.record(task, CurrentActor.SYSTEM, "COMPLETE", reason.name(), t -> t.complete(reason, clock.instant()));
        if (reason == CompletionReason.EXPIRED) {
            log.info("Task {} completed: EXPIRED, nothing sent: at {} its send time {} was more than its grace of {} "
                    + "ago", taskId, clock.instant(), task.getSchedule().sendAt(),
                    task.getSchedule().effectiveLateSendGrace());
        } else {
            log.info("Task {} completed: {}", taskId, reason);
        }
    }
}
