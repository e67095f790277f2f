package io.reachflow.lifecycle;

import io.reachflow.system.DecisionTables;
import io.reachflow.task.IllegalTransitionException;
import io.reachflow.task.OperationTask;
import io.reachflow.task.TaskAction;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Asks {@code dmn/task-actions.dmn} which actions a task allows. The API and {@code allowedActions} both use it. */
@Component
public class TaskActionPolicy {

    public static final String DECISION_KEY = "task-actions";
    public static final String OUTPUT_ACTION = "action";

    private final DecisionTables decisionTables;

    public TaskActionPolicy(DecisionTables decisionTables) {
        this.decisionTables = decisionTables;
    }

    public Set<TaskAction> allowedActions(OperationTask task) {
        Set<TaskAction> actions = EnumSet.noneOf(TaskAction.class);
        decisionTables.collectMemoized(DECISION_KEY, OUTPUT_ACTION, Map.of(
                        "status", task.getStatus().name(),
                        "approvalStatus", task.getApprovalStatus().name(),
                        "pushType", task.getPushType().name()))
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
