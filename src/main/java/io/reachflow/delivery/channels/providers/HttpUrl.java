package io.reachflow.delivery.channels.providers;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;

/**
 * A provider's address: an absolute {@code http} or {@code https} URL with a host. Checked on start, since
 * {@code localhost:9000/hook} (no scheme) is a URI too, and would fail every send until an incident.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = HttpUrl.Check.class)
@interface HttpUrl {

    String message() default "must be an absolute http or https URL, such as https://gateway.example.com/send";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<HttpUrl, URI> {

        @Override
        public boolean isValid(URI url, ConstraintValidatorContext context) {
            return url == null || ("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                    && url.getHost() != null;
        }
    }
}
