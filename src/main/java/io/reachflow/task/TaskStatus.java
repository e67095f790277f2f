package io.reachflow.task;

/** Where an operation task stands in its lifecycle. */
public enum TaskStatus {
    DRAFT, TESTING, UNDER_REVIEW, RUNNING, PAUSED, COMPLETED
}
