package io.reachflow.system;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a user id may be, wherever one is named: a profile's, a tester's, a USERS audience's, a path's. An id is a
 * path segment of {@code /api/users/{id}} and {@code /api/inbox/{userId}}: what the server refuses in a URL
 * ({@code %}, {@code ;} and a backslash, even encoded), a segment that is no name ({@code .}, {@code ..}), or
 * characters that do not show (control and format characters, spaces of any kind) would make a profile that nobody
 * can read again, or name one that cannot exist. At most 128 characters. Null is valid.
 */
@Pattern(regexp = UserId.PATTERN, message = UserId.RULE)
@Size(max = 128)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {})
public @interface UserId {

    String PATTERN = "(?!\\.{1,2}$)[^/\\\\\\s%;\\p{Cc}\\p{Cf}\\p{Z}]+";
    String RULE = "must not contain spaces, control characters, '/', '\\', '%' or ';', nor be '.' or '..'";

    String message() default RULE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
