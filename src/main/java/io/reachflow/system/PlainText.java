package io.reachflow.system;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Text a person reads, in a list, a log line or Tasklist: no control characters (a line break in a name forged a line
 * of the application's log; an escape sequence colours a terminal) but, where {@link #multiLine}, line breaks and
 * tabs; no half of a surrogate pair (PostgreSQL stores it as {@code ?}); and not only characters that show nothing (a
 * no-break or zero-width space, which {@code @NotBlank} takes for text). Null and empty are left to
 * {@code @NotBlank} where a value is required.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PlainText.Validator.class)
public @interface PlainText {

    String message() default "must be text that shows: no control characters, and not only spaces";

    /** Whether line breaks and tabs are allowed (a description, a comment). */
    boolean multiLine() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<PlainText, String> {

        private boolean multiLine;

        @Override
        public void initialize(PlainText annotation) {
            multiLine = annotation.multiLine();
        }

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            if (text == null || text.isBlank()) {
                return true;
            }
            return !showsNothing(text) && wellFormed(text, multiLine);
        }

        /** Whether the text is only characters that show nothing (spaces of any kind, format characters), or empty. */
        public static boolean showsNothing(String text) {
            return text.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT);
        }

        private static boolean wellFormed(String text, boolean multiLine) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\r' || c == '\t'))) {
                    return false;
                }
                if (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))) {
                    return false;
                }
                if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                    return false;
                }
            }
            return true;
        }
    }
}
