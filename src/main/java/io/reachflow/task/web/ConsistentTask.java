package io.reachflow.task.web;

import io.reachflow.system.RuleBetweenFields;
import io.reachflow.task.TaskDefinitionRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * A task request whose fields agree with each other ({@link TaskDefinitionRules}: what each push type needs, cron,
 * time zones, templates), checked with its single fields, so that one 400 names every invalid field (each once: a
 * field invalid on its own is named for that, {@link RuleBetweenFields}). A rule that needs a field which is itself
 * invalid (the push type, the audience's type) waits until it is valid; where a field the rules read is missing
 * inside a list (a tester that is null), they all wait. The service checks them all the same.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentTask.Check.class)
@interface ConsistentTask {

    String message() default "must be consistent";

    Class<?>[] groups() default {};

    /** {@link RuleBetweenFields}, where it is used (the default must be none). */
    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<ConsistentTask, TaskRequest> {

        @Override
        public boolean isValid(TaskRequest request, ConstraintValidatorContext context) {
            if (request == null) {
                return true;
            }
            Map<String, String> errors;
            try {
                errors = TaskDefinitionRules.errors(request.toDefinition());
            } catch (RuntimeException unreadable) {
                return true; // a field of its own is invalid (null where the rules need a value): its error says so
            }
            context.disableDefaultConstraintViolation();
            errors.forEach((field, message) -> context.buildConstraintViolationWithTemplate(literal(message))
                    .addPropertyNode(field).addConstraintViolation());
            return errors.isEmpty();
        }

        /** The message as it is: it may quote what was sent, which must not be read as a message template. */
        private static String literal(String message) {
            return message.replaceAll("([\\\\{}$])", "\\\\$1");
        }
    }
}
