package io.reachflow.system;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** A 400 for a bad query parameter, as every other validation error is: typed, with the parameter in {@code errors}. */
public final class InvalidParameter {

    private InvalidParameter() {
    }

    /** The parameter is refused for {@code message}, which is the problem's detail too. */
    public static ResponseStatusException of(String parameter, String message) {
        return of(parameter, message, message);
    }

    /** The parameter is refused for {@code message}; {@code detail} says it in a sentence. */
    public static ResponseStatusException of(String parameter, String detail, String message) {
        ResponseStatusException e = new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
        e.getBody().setType(URI.create(ProblemDetailsAdvice.PROBLEM_TYPES + "invalid-request"));
        e.getBody().setTitle("Invalid request");
        e.getBody().setProperty("errors", List.of(Map.of("field", parameter, "message", message)));
        return e;
    }
}
