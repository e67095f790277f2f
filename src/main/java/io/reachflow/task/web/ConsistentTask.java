package io.reachflow.task.web;

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
 * time zones, templates), checked with its single fields, so that one 400 names every invalid field. Where a field
 * is itself invalid so that the rules cannot be read (a send window without its {@code from}), that field's own
 * error is the answer and the rules are checked again once it is fixed; the service checks them all the same.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentTask.Check.class)
@interface ConsistentTask {

    String message() default "must be consistent";

    Class<?>[] groups() default {};

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
