package io.reachflow.audience;

import io.reachflow.system.StrictJson;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A profile the database can store as it is: no NUL character in any text (PostgreSQL stores none; a profile with
 * one is refused, not half written), and attributes that fit their column as JSON. Each violation names its field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StorableProfile.Check.class)
public @interface StorableProfile {

    String message() default "must be storable";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The longest attributes may be, as JSON. */
    int MAX_ATTRIBUTES_JSON = 100_000;

    class Check implements ConstraintValidator<StorableProfile, UserProfile> {

        @Override
        public boolean isValid(UserProfile profile, ConstraintValidatorContext context) {
            if (profile == null) {
                return true;
            }
            Map<String, String> problems = new LinkedHashMap<>();
            Map<String, String> texts = new LinkedHashMap<>();
            texts.put("id", profile.id());
            texts.put("name", profile.name());
            texts.put("email", profile.email());
            texts.put("phone", profile.phone());
            texts.put("pushToken", profile.pushToken());
            texts.put("timeZone", profile.timeZone());
            texts.put("locale", profile.locale());
            texts.put("tags", profile.tags() == null ? null : String.join("", profile.tags()));
            String attributes = profile.attributesJson();
            texts.put("attributes", attributes);
            texts.forEach((field, text) -> {
                if (StrictJson.hasNul(text)) {
                    problems.put(field, StrictJson.NUL_MESSAGE);
                }
            });
            if (nulInAName(profile.attributes())) {
                // the JSON escapes it (a name's NUL is no NUL in the text above), and PostgreSQL refuses it all the same
                problems.put("attributes", StrictJson.NUL_MESSAGE);
            }
            if (attributes.length() > MAX_ATTRIBUTES_JSON) {
                problems.put("attributes", "must be at most 100,000 characters as JSON");
            }
            context.disableDefaultConstraintViolation();
            problems.forEach((field, message) -> context.buildConstraintViolationWithTemplate(message)
                    .addPropertyNode(field).addConstraintViolation());
            return problems.isEmpty();
        }

        /** Whether an attribute's name, or a name in an attribute's object, at any depth, holds a NUL character. */
        private static boolean nulInAName(Object value) {
            if (value instanceof Map<?, ?> object) {
                return object.entrySet().stream().anyMatch(entry -> StrictJson.hasNul(String.valueOf(entry.getKey()))
                        || nulInAName(entry.getValue()));
            }
            return value instanceof Collection<?> list && list.stream().anyMatch(Check::nulInAName);
        }
    }
}
