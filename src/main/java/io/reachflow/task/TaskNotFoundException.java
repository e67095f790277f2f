package io.reachflow.task;

/** No task with that id, or it was deleted. Answered as 404. */
public class TaskNotFoundException extends RuntimeException {

    public TaskNotFoundException(long id) {
        super("No operation task with id " + id);
    }
}
