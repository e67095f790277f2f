package io.reachflow.lifecycle;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleProcess.Message;
import io.reachflow.system.CurrentActor;
import io.reachflow.system.PlainText;
import io.reachflow.system.Staff;
import io.reachflow.task.AuditTrail;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.InvalidTaskException;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.TaskDefinitionRules;
import io.reachflow.task.TaskNotFoundException;
import io.reachflow.task.TaskStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What operators and reviewers do to tasks. Each command checks the action against
 * {@code dmn/task-actions.dmn}, applies the entity's transition with an audit line, and tells the task's
 * lifecycle, all in one transaction: if the process refuses, nothing changes.
 */
@Service
@Transactional
public class TaskCommands {

    private static final Logger log = LoggerFactory.getLogger(TaskCommands.class);

    private final OperationTaskRepository tasks;
    private final TaskActionPolicy policy;
    private final LifecycleFacade lifecycle;
    private final DeliveryService delivery;
    private final AuditTrail audit;
    private final CurrentActor actor;
    private final Staff staff;
    private final Clock clock;

    public TaskCommands(OperationTaskRepository tasks, TaskActionPolicy policy, LifecycleFacade lifecycle,
                        DeliveryService delivery, AuditTrail audit, CurrentActor actor, Staff staff, Clock clock) {
        this.tasks = tasks;
        this.policy = policy;
        this.lifecycle = lifecycle;
        this.delivery = delivery;
        this.audit = audit;
        this.actor = actor;
        this.staff = staff;
        this.clock = clock;
    }

    public OperationTask create(TaskDefinition definition) {
        TaskDefinitionRules.check(definition);
        requireStaff(definition.testers());
        OperationTask task = tasks.save(OperationTask.create(definition, actor.name(), clock.instant()));
        audit.note(task, actor.name(), "CREATE", null);
        lifecycle.start(task.getId());
        log.info("Task {} '{}' created by {} ({} {})", task.getId(), task.getName(), task.getCreatedBy(),
                task.getChannel(), task.getPushType());
        return task;
    }

    /** Cancels what is left of the task's pushes called off by its complete, now that workers see the call-off. */
    public OperationTask edit(long id, TaskDefinition definition, Long expectedVersion) {
        OperationTask task = load(id, expectedVersion, TaskAction.EDIT);
        TaskDefinitionRules.check(definition);
        requireStaff(definition.testers());
        if (task.definition().equals(definition.withSubgroup(task.getSubgroup()))) {
            // nothing that was tested or approved changed (a form saved again, or only its subgroup, never material):
            // the test round and the approval stand
            if (!Objects.equals(task.getSubgroup(), definition.subgroup())) {
                moveToSubgroup(task, definition.subgroup());
            } else {
                log.info("Task {}: edit by {} changed nothing", id, actor.name());
            }
            return task;
        }
        boolean wasPaused = task.getStatus() == TaskStatus.PAUSED;
        audit.record(task, actor.name(), AuditTrail.EDIT, null, t -> t.edit(definition, clock.instant()));
        if (wasPaused) {
            lifecycle.send(id, Message.REOPENED);
            delivery.stopPushes(id, "TASK_EDITED");
            log.info("Task {} edited while paused by {}: back to TESTING, it needs a new test and approval", id,
                    actor.name());
        } else {
            log.info("Task {} edited by {} ({})", id, actor.name(), task.getStatus());
        }
        return task;
    }

    public OperationTask changeTesters(long id, List<String> testers, Long expectedVersion) {
        OperationTask task = load(id, expectedVersion, TaskAction.EDIT);
        boolean wasPaused = task.getStatus() == TaskStatus.PAUSED;
        List<String> distinct = TaskDefinition.distinctTesters(testers);
        requireStaff(distinct);
        audit.record(task, actor.name(), AuditTrail.CHANGE_TESTERS, String.join(", ", distinct),
                t -> t.changeTesters(distinct, clock.instant()));
        if (wasPaused) {
            lifecycle.send(id, Message.REOPENED);
            delivery.stopPushes(id, "TASK_EDITED");
            log.info("Task {}: testers changed while paused by {}: back to TESTING, it needs a new test and "
                    + "approval", id, actor.name());
        } else {
            log.info("Task {}: testers changed by {} ({} testers)", id, actor.name(), distinct.size());
        }
        return task;
    }

    /**
     * Testers are staff, users of the identity service ({@link Staff}): a customer's id is refused when it is saved,
     * not found out when the test round fails it ({@code NOT_STAFF}, for a tester who has left since).
     */
    private void requireStaff(List<String> testers) {
        List<String> others = staff.outside(testers);
        if (!others.isEmpty()) {
            throw new InvalidTaskException(Map.of("testers", others.stream().map(tester -> "'" + tester + "'")
                    .collect(Collectors.joining(", ")) + (others.size() == 1 ? " is not a user" : " are not users")
                    + " of Reachflow: testers are staff, whom an admin adds (a test round's content is not reviewed)"));
        }
    }

    public OperationTask changeSubgroup(long id, String subgroup, Long expectedVersion) {
        return moveToSubgroup(load(id, expectedVersion, TaskAction.CHANGE_SUBGROUP), subgroup);
    }

    /** Never material: the task keeps its status, approval and test round. */
    private OperationTask moveToSubgroup(OperationTask task, String subgroup) {
        audit.record(task, actor.name(), "CHANGE_SUBGROUP", subgroup, t -> t.changeSubgroup(subgroup, clock.instant()));
        log.info("Task {}: subgroup changed to '{}' by {}", task.getId(), task.getSubgroup(), actor.name());
        return task;
    }

    public void delete(long id, Long expectedVersion) {
        OperationTask task = load(id, expectedVersion, TaskAction.DELETE);
        audit.record(task, actor.name(), "DELETE", null, t -> t.delete(clock.instant()));
        lifecycle.supersedeStuckTestRounds(id);
        lifecycle.send(id, Message.DELETED);
        log.info("Task {} deleted by {}", id, actor.name());
    }

    /** A copy of the task as it is at {@code expectedVersion} (any, when null): a stale one is a 409, as for edits. */
    public OperationTask copy(long id, String comment, Long expectedVersion) {
        OperationTask original = load(id, expectedVersion, TaskAction.COPY);
        OperationTask copy = tasks.save(original.copy(actor.name(), audit.authors(original), clock.instant()));
        audit.note(copy, actor.name(), "CREATE", "copy of task " + id + (comment == null ? "" : ": " + comment));
        audit.note(original, actor.name(), "COPY", "copied to task " + copy.getId());
        lifecycle.start(copy.getId());
        log.info("Task {} '{}' created by {}: a copy of task {}", copy.getId(), copy.getName(), actor.name(), id);
        return copy;
    }

    /** Performs an action of {@code POST /api/tasks/{id}/{action}}. */
    public OperationTask perform(long id, TaskAction action, String comment, Long expectedVersion, List<String> groups) {
        if (action == TaskAction.COPY) {
            return copy(id, comment, expectedVersion);
        }
        // before the task's lock, which another decision of its review may hold: the work this request can have seen
        String seenWork = action.decidesReview() ? lifecycle.openReviewTask(id).map(Task::getId).orElse(null) : null;
        OperationTask task = load(id, expectedVersion, action);
        TaskStatus before = task.getStatus();
        String who = actor.name();
        switch (action) {
            case TEST -> {
                audit.record(task, who, "TEST", comment, t -> t.startTesting(clock.instant()));
                lifecycle.supersedeStuckTestRounds(id);
                lifecycle.send(id, Message.TEST_REQUESTED);
            }
            case SUBMIT -> {
                lifecycle.supersedeStuckTestRounds(id);
                lifecycle.send(id, Message.SUBMITTED, comment);
            }
            case WITHDRAW -> {
                audit.record(task, who, "WITHDRAW", comment,
                        t -> t.withdraw(comment == null ? "withdrawn by " + who : comment, clock.instant()));
                lifecycle.send(id, Message.WITHDRAWN);
            }
            case APPROVE -> lifecycle.decideReview(id, who, groups, true, comment, seenWork);
            case REJECT -> {
                // blank, or only spaces that show nothing (a no-break space)
                if (comment == null || PlainText.Validator.showsNothing(comment)) {
                    throw new InvalidTaskException(Map.of("comment", "is required to reject"));
                }
                lifecycle.decideReview(id, who, groups, false, comment, seenWork);
            }
            case PAUSE -> {
                audit.record(task, who, "PAUSE", comment, t -> t.pause(clock.instant()));
                lifecycle.send(id, Message.PAUSED);
                delivery.pausePushes(id);
                lifecycle.retryStuckDeliveries(id, TaskAction.PAUSE);
            }
            case RESUME -> {
                audit.record(task, who, "RESUME", comment, t -> t.resume(clock.instant()));
                lifecycle.send(id, Message.RESUMED);
            }
            case COMPLETE -> {
                audit.record(task, who, "COMPLETE", comment,
                        t -> t.complete(CompletionReason.COMPLETED_BY_OPERATOR, clock.instant()));
                lifecycle.send(id, Message.COMPLETED);
                delivery.callOffPushes(id, "TASK_COMPLETED");
                lifecycle.retryStuckDeliveries(id, TaskAction.COMPLETE);
            }
            case SEND -> {
                task.requireManualSendable();
                audit.note(task, who, "SEND", comment);
                lifecycle.send(id, Message.SEND_REQUESTED);
            }
            default -> throw new IllegalArgumentException(action + " is not performed through POST /{action}");
        }
        OperationTask after = tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
        // the status tells a first level's approval (still UNDER_REVIEW) from the last one's (RUNNING)
        log.info("Task {}: {} by {} ({} -> {})", id, action, who, before, after.getStatus());
        return after;
    }

    /**
     * The task, its row locked until the action commits: the same order (task, then its pushes) as the delivery's
     * planning, so that an action and a push being planned or taken over wait for each other, never deadlock.
     */
    private OperationTask load(long id, Long expectedVersion, TaskAction action) {
        OperationTask task = tasks.findLocked(id).filter(found -> !found.isDeleted())
                .orElseThrow(() -> new TaskNotFoundException(id));
        task.requireVersion(expectedVersion);
        policy.require(task, action);
        return task;
    }
}
