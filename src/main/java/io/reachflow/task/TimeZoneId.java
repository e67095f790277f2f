package io.reachflow.task;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * A time zone that schedules, send windows and do-not-disturb days can be kept in: an IANA id ({@code Europe/Berlin})
 * or an offset ({@code UTC}, {@code +02:00}). Null is valid: the task's time zone (or UTC) then applies. On a user
 * profile; the task's own is checked by {@link TaskDefinitionRules}, with the same {@link Validator#known}.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = TimeZoneId.Validator.class)
public @interface TimeZoneId {

    String message() default "must be an IANA time zone, such as Europe/Berlin, or an offset, such as +02:00";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<TimeZoneId, String> {

        /** Whether {@code zone} names a time zone that {@link ZoneId#of} knows. */
        public static boolean known(String zone) {
            try {
                ZoneId.of(zone);
                return true;
            } catch (DateTimeException unknown) {
                return false;
            }
        }

        @Override
        public boolean isValid(String zone, ConstraintValidatorContext context) {
            return zone == null || known(zone);
        }
    }
}
