package io.reachflow.task;

/** A transition the task's current state does not allow. Answered as 409. */
public class IllegalTransitionException extends RuntimeException {

    public IllegalTransitionException(String message) {
        super(message);
    }
}
