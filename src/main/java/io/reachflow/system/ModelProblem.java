package io.reachflow.system;

import java.util.List;
import org.camunda.bpm.engine.Problem;

/**
 * What is wrong with a model being deployed, at the element {@code elementId} (its line is not known here): reported
 * in a {@link org.camunda.bpm.engine.ParseException}, as the engine reports its own parse errors (the engine API
 * answers 400 with them, and Modeler shows them).
 */
record ModelProblem(String message, String elementId) implements Problem {

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public int getLine() {
        return 0;
    }

    @Override
    public int getColumn() {
        return 0;
    }

    @Override
    public String getMainElementId() {
        return elementId;
    }

    @Override
    public List<String> getElementIds() {
        return elementId == null ? List.of() : List.of(elementId);
    }
}
