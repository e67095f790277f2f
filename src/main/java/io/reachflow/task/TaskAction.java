package io.reachflow.task;

import java.util.Locale;
import java.util.Optional;

/** What a user may do to a task; which ones apply is decided by {@code dmn/task-actions.dmn}. */
public enum TaskAction {
    EDIT, TEST, SUBMIT, WITHDRAW, APPROVE, REJECT, PAUSE, RESUME, COMPLETE, SEND, COPY, DELETE, CHANGE_SUBGROUP;

    /** Whether the action decides the review work that is open (whichever level it is). */
    public boolean decidesReview() {
        return this == APPROVE || this == REJECT;
    }

    /** The action named by a path segment such as {@code test} or {@code change-subgroup}. */
    public static Optional<TaskAction> fromPathSegment(String segment) {
        String name = segment.toUpperCase(Locale.ROOT).replace('-', '_');
        for (TaskAction action : values()) {
            if (action.name().equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
