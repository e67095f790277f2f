package io.reachflow.lifecycle;

import io.reachflow.system.DecisionTables;
import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.IllegalTransitionException;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskStatus;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.camunda.bpm.dmn.engine.DmnDecisionTableResult;
import org.springframework.stereotype.Component;

/** Asks {@code dmn/task-actions.dmn} which actions a task allows. The API and {@code allowedActions} both use it. */
@Component
public class TaskActionPolicy {

    public static final String DECISION_KEY = "task-actions";
    public static final String OUTPUT_ACTION = "action";

    private final DecisionTables decisionTables;

    /** The facts the table is given. */
    static final String STATUS = "status";
    static final String APPROVAL_STATUS = "approvalStatus";
    static final String PUSH_TYPE = "pushType";
    /** A list of actions for a task's status, approval status and push type. */
    static final DecisionTables.Shape SHAPE = new DecisionTables.Shape(DecisionTables.Shape.LISTS,
            Set.of(STATUS, APPROVAL_STATUS, PUSH_TYPE), Set.of(OUTPUT_ACTION));

    public TaskActionPolicy(DecisionTables decisionTables) {
        this.decisionTables = decisionTables;
        decisionTables.check(DECISION_KEY, (table, evaluate) -> {
            SHAPE.verify(table);
            DecisionTables.Shape.requireKnownValues(table, Map.of(
                    STATUS, DecisionTables.Shape.namesOf(TaskStatus.values()),
                    APPROVAL_STATUS, DecisionTables.Shape.namesOf(ApprovalStatus.values()),
                    PUSH_TYPE, DecisionTables.Shape.namesOf(PushType.values())));
            namesOurActions(evaluate);
        });
    }

    /**
     * A version of the table is used only when, for every status, approval status and push type, its outputs name
     * actions the code knows: a typo would otherwise fail every read of a task.
     */
    static void namesOurActions(Function<Map<String, Object>, DmnDecisionTableResult> evaluate) {
        for (TaskStatus status : TaskStatus.values()) {
            for (ApprovalStatus approval : ApprovalStatus.values()) {
                for (PushType pushType : PushType.values()) {
                    for (Object action : evaluate.apply(Map.of(STATUS, status.name(), APPROVAL_STATUS,
                            approval.name(), PUSH_TYPE, pushType.name())).collectEntries(OUTPUT_ACTION)) {
                        if (!(action instanceof String name) || Arrays.stream(TaskAction.values())
                                .noneMatch(known -> known.name().equals(name))) {
                            throw new IllegalStateException("its output '" + OUTPUT_ACTION + "' is " + action + " for "
                                    + status + ", " + approval + ", " + pushType + ": not one of "
                                    + Arrays.toString(TaskAction.values()));
                        }
                    }
                }
            }
        }
    }

    public Set<TaskAction> allowedActions(OperationTask task) {
        Set<TaskAction> actions = EnumSet.noneOf(TaskAction.class);
        decisionTables.collectMemoized(DECISION_KEY, OUTPUT_ACTION, Map.of(
                        STATUS, task.getStatus().name(),
                        APPROVAL_STATUS, task.getApprovalStatus().name(),
                        PUSH_TYPE, task.getPushType().name()))
                .forEach(action -> actions.add(TaskAction.valueOf(action)));
        return actions;
    }

    /** Refuses, with the allowed ones, an action the table does not allow for the task. */
    public void require(OperationTask task, TaskAction action) {
        Set<TaskAction> allowed = allowedActions(task);
        if (!allowed.contains(action)) {
            throw new ActionNotAllowedException(task, action, allowed);
        }
    }

    /** An action that {@code task-actions.dmn} does not allow in the task's state. Answered as 409. */
    public static class ActionNotAllowedException extends IllegalTransitionException {

        private final Set<TaskAction> allowedActions;

        ActionNotAllowedException(OperationTask task, TaskAction action, Set<TaskAction> allowedActions) {
            super("Task " + task.getId() + " is " + task.getStatus() + " with approval " + task.getApprovalStatus()
                    + ": " + action + " is not allowed");
            this.allowedActions = allowedActions;
        }

        public Set<TaskAction> allowedActions() {
            return allowedActions;
        }
    }
}
