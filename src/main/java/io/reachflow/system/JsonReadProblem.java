package io.reachflow.system;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Jackson could not read in a request body or an import row, in the API's words: the JSON path of the field
 * ({@code schedule.sendAt}, {@code testers[0]}; empty for the whole body), a {@code message} for a problem's
 * {@code errors} entry and a {@code sentence} for its {@code detail}. Neither names a Java type, as Jackson's own
 * messages do.
 */
public record JsonReadProblem(String field, String message, String sentence) {

    public static JsonReadProblem of(JsonMappingException e) {
        String field = fieldPath(e);
        if (e instanceof MismatchedInputException && e.getOriginalMessage() != null
                && e.getOriginalMessage().startsWith("Trailing token")) {
            // StrictJson: "{…} x", or two objects on one NDJSON line
            return about("", "has more after its JSON value" + where(e));
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : "; known fields: "
                    + String.join(", ", unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
            return new JsonReadProblem(field, "unknown field" + known, "Field '" + field + "' is unknown" + known);
        }
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType() != null
                && invalid.getTargetType().isEnum()) {
            return notOneOf(field, invalid.getValue(), invalid.getTargetType());
        }
        if (e instanceof InvalidFormatException invalid && invalid.getValue() instanceof String text
                && StrictJson.hasNul(text)) {
            return about(field, StrictJson.NUL_MESSAGE);
        }
        if (e instanceof ValueInstantiationException refused
                && refused.getCause() instanceof NoNulls.NullElementException element) {
            return about(field.isEmpty() ? element.field() : field + "." + element.field(), "must not be null");
        }
        if (e instanceof ValueInstantiationException refused && refused.getCause() instanceof IllegalArgumentException
                && refused.getCause().getMessage() != null) {
            // what the value's own parser said of it
            return about(field, refused.getCause().getMessage());
        }
        Class<?> type = e instanceof MismatchedInputException mismatched ? mismatched.getTargetType() : null;
        String expected = expected(type);
        if (expected == null) {
            return about(field, "cannot be read from the given JSON");
        }
        if (field.isEmpty()) {
            return new JsonReadProblem(field, "must be " + expected, "The body must be " + expected);
        }
        return about(field, "must be " + expected);
    }

    /** A value that is none of an enum's constants: what it may be instead. */
    public static JsonReadProblem notOneOf(String field, Object value, Class<?> type) {
        String oneOf = "; one of " + List.of(type.getEnumConstants());
        return new JsonReadProblem(field, "invalid value '" + value + "'" + oneOf,
                "Field '" + field + "' cannot be '" + value + "'" + oneOf);
    }

    /**
     * Where a text is not JSON and why, without the source Jackson read it from (which it names as a Java type):
     * "… at line 1, column 10".
     */
    public static String syntax(JacksonException e) {
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
            // Jackson's words name its own types and settings
            return "more after its JSON value" + where(e);
        }
        return Objects.requireNonNullElse(e.getOriginalMessage(), "unexpected text")
                .replaceAll("\\[Source: .*?; line: ", "[line: ") + where(e);
    }

    /** " at line 1, column 10", or nothing when Jackson does not know. */
    private static String where(JacksonException e) {
        JsonLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + (location.getColumnNr() < 1 ? "" : ", column " + location.getColumnNr());
    }

    private static JsonReadProblem about(String field, String message) {
        return new JsonReadProblem(field, message, field.isEmpty() ? "The body " + message
                : "Field '" + field + "' " + message);
    }

    /** The JSON path of the value Jackson could not read, as {@code audience.type} or {@code testers[0]}. */
    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What a value of the type looks like in JSON, or null when that cannot be said plainly. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (type.isEnum()) {
            return "one of " + List.of(type.getEnumConstants());
        }
        if (List.of(Integer.class, int.class, Long.class, long.class, Short.class, short.class, BigInteger.class)
                .contains(type)) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class && type != char.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class) {
            return "a text";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == Duration.class) {
            return "a duration such as PT1H";
        }
        if (type == LocalTime.class) {
            return "a time such as 09:00";
        }
        if (type == LocalDate.class) {
            return "a date such as 2026-12-01";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a date and time such as 2026-12-01T09:00:00Z";
        }
        if (Map.class.isAssignableFrom(type) || (!type.getName().startsWith("java.") && !readFromOneValue(type))) {
            return "an object";
        }
        return null;
    }

    /** A type of ours that a factory makes from a single value (a text, a number), not from an object's fields. */
    private static boolean readFromOneValue(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).anyMatch(method -> Modifier.isStatic(method.getModifiers())
                && method.isAnnotationPresent(JsonCreator.class) && method.getParameterCount() == 1);
    }
}
