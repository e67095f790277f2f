package io.reachflow.audience;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.IllformedLocaleException;
import java.util.Locale;

/**
 * A locale as a well-formed BCP 47 language tag ({@code en}, {@code pt-BR}; {@code pt_BR} is taken too). Null is
 * valid.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = LanguageTag.Validator.class)
public @interface LanguageTag {

    String message() default "must be a language tag, such as en or pt-BR";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<LanguageTag, String> {

        @Override
        public boolean isValid(String tag, ConstraintValidatorContext context) {
            if (tag == null) {
                return true;
            }
            try {
                new Locale.Builder().setLanguageTag(tag.replace('_', '-'));
                return !tag.isBlank();
            } catch (IllformedLocaleException illFormed) {
                return false;
            }
        }
    }
}
