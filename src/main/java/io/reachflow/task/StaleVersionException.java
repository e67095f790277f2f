package io.reachflow.task;

/** The caller changed a version of the task that is no longer current. Answered as 409. */
public class StaleVersionException extends RuntimeException {

    public StaleVersionException(Long taskId, long expected, long actual) {
        super("Task " + taskId + " is at version " + actual + ", not " + expected + ": reload it and apply your change again");
    }
}
