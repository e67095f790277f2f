package io.reachflow.task;

import java.util.Map;

/** A task definition that breaks a rule spanning several fields. Answered as 400 with each field's error. */
public class InvalidTaskException extends RuntimeException {

    private final Map<String, String> errors;

    public InvalidTaskException(Map<String, String> errors) {
        super("The task is not valid: " + errors);
        this.errors = Map.copyOf(errors);
    }

    public Map<String, String> errors() {
        return errors;
    }
}
