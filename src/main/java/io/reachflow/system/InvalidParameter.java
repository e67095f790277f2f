package io.reachflow.system;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A 400 for a bad query parameter (or header, or field), as every other validation error is: typed, with the parameter
 * in {@code errors}.
 */
public final class InvalidParameter {

    private InvalidParameter() {
    }

    /** The parameter is refused for {@code message}, which is the problem's detail too. */
    public static ErrorResponseException of(String parameter, String message) {
        return of(parameter, message, message);
    }

    /**
     * A body that cannot be read as what the endpoint takes, though it is of its type (a CSV import whose header row
     * names no id column): typed {@code unreadable-body}, as a body that is not JSON.
     */
    public static ErrorResponseException unreadableBody(String detail) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetailsAdvice.unreadableBody(detail), null);
    }

    /** The parameter is refused for {@code message}; {@code detail} says it in a sentence. */
    public static ErrorResponseException of(String parameter, String detail, String message) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetailsAdvice.invalidRequest(detail,
                List.of(new ProblemDetailsAdvice.FieldError(parameter, message))), null);
    }
}
