package io.reachflow.system;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A 400 for a bad query parameter, as every other validation error is: typed, with the parameter in {@code errors}. */
public final class InvalidParameter {

    private InvalidParameter() {
    }

    /** The parameter is refused for {@code message}, which is the problem's detail too. */
    public static ErrorResponseException of(String parameter, String message) {
        return of(parameter, message, message);
    }

    /** The parameter is refused for {@code message}; {@code detail} says it in a sentence. */
    public static ErrorResponseException of(String parameter, String detail, String message) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetailsAdvice.invalidRequest(detail,
                List.of(new ProblemDetailsAdvice.FieldError(parameter, message))), null);
    }
}
