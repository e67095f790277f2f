package io.reachflow.system;

import jakarta.validation.Payload;

/**
 * The payload of a constraint that checks fields against each other (a class-level one, such as a RECURRING task's
 * need of a recurrence). Its error about a field that is invalid on its own is left out of a 400, so that each field
 * is named once, for what is wrong with it alone first.
 */
public interface RuleBetweenFields extends Payload {
}
