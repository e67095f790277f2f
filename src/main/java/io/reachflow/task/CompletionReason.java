package io.reachflow.task;

/** Why a task reached COMPLETED. */
public enum CompletionReason {
    /** A one-time task delivered its push. */
    DELIVERED,
    /** A recurring or triggered task reached its end time. */
    END_TIME_REACHED,
    /** An operator completed it. */
    COMPLETED_BY_OPERATOR,
    /** A one-time task was approved (or resumed) too long after its send time, so nothing was sent. */
    EXPIRED
}
