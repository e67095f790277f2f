package io.reachflow.system;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.reachflow.lifecycle.TaskActionPolicy.ActionNotAllowedException;
import io.reachflow.task.IllegalTransitionException;
import io.reachflow.task.InvalidTaskException;
import io.reachflow.task.StaleVersionException;
import io.reachflow.task.TaskNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.net.URI;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * Every error of {@code /api} as RFC 9457 problem details: validation errors list each field in {@code errors};
 * a refused action lists {@code allowedActions}; anything unforeseen is a 500 problem whose cause is logged. Also
 * those raised before a controller is chosen (no such endpoint, a method or media type it does not take), so the
 * advice is not limited to our controllers.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
    /** The prefix of the types of problems a client may tell apart. */
    static final String PROBLEM_TYPES = "urn:reachflow:problem:";

    /** No endpoint at that path: said as such, not as the static resource Spring looked for last. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
                                                                    HttpStatusCode status, WebRequest request) {
        // the request's path: the exception's is the one within the handler mapping that looked last
        String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI()
                : "/" + e.getResourcePath();
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "No endpoint " + e.getHttpMethod() + " " + path
                + "; the API is described at /v3/api-docs");
        problem.setTitle("Not Found");
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = fieldErrors(e.getBindingResult().getFieldErrors());
        return ResponseEntity.badRequest().body(invalidRequest("The request has " + errors.size() + " invalid field(s)",
                errors));
    }

    /**
     * A body's invalid fields, in the order of their names; a rule between fields ({@link RuleBetweenFields}) about a
     * field invalid on its own is left out, so that it is named once, for that.
     */
    private static List<FieldError> fieldErrors(List<org.springframework.validation.FieldError> errors) {
        Set<String> invalidAlone = errors.stream().filter(error -> !betweenFields(error))
                .map(org.springframework.validation.FieldError::getField).collect(Collectors.toSet());
        return errors.stream()
                .filter(error -> !(betweenFields(error) && invalidAlone.contains(error.getField())))
                .map(error -> new FieldError(error.getField(),
                        SetElements.message(error.getField(), error.getRejectedValue(), error.getDefaultMessage())))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
    }

    private static boolean betweenFields(org.springframework.validation.FieldError error) {
        return error.contains(ConstraintViolation.class) && error.unwrap(ConstraintViolation.class)
                .getConstraintDescriptor().getPayload().contains(RuleBetweenFields.class);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result instanceof ParameterErrors body
                        // a body validated with the parameters: its fields, as when it is validated on its own
                        ? fieldErrors(body.getFieldErrors()).stream()
                        : result.getResolvableErrors().stream().map(error -> new FieldError(
                                parameterName(result.getMethodParameter()), error.getDefaultMessage())))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        boolean body = e.getParameterValidationResults().stream().anyMatch(ParameterErrors.class::isInstance);
        boolean parameters = e.getParameterValidationResults().stream()
                .anyMatch(result -> !(result instanceof ParameterErrors));
        return ResponseEntity.badRequest().body(invalidRequest("The request has " + errors.size() + " invalid "
                + (body && parameters ? "field(s) or parameter(s)" : body ? "field(s)" : "parameter(s)"), errors));
    }

    /**
     * A body Jackson could not read, said in words of the API: not JSON (where), missing, or a field it cannot take
     * (which, and what it may be). The detail never names a Java type or method.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem;
        if (e.getCause() instanceof JsonMappingException mapping) {
            JsonReadProblem read = JsonReadProblem.of(mapping);
            problem = problem(HttpStatus.BAD_REQUEST, read.sentence());
            if (!read.field().isEmpty()) {
                problem.setProperty("errors", List.of(new FieldError(read.field(), read.message())));
            }
        } else if (e.getCause() instanceof JacksonException syntax) {
            problem = problem(HttpStatus.BAD_REQUEST, "The body is not valid JSON: " + JsonReadProblem.syntax(syntax));
        } else if (e.getCause() == null
                && String.valueOf(e.getMessage()).startsWith("Required request body is missing")) {
            problem = problem(HttpStatus.BAD_REQUEST, "The body is missing");
        } else {
            log.debug("Unreadable request body", e);
            problem = problem(HttpStatus.BAD_REQUEST, "The body cannot be read");
        }
        typed(problem, "unreadable-body", "Unreadable request body");
        return ResponseEntity.badRequest().body(problem);
    }

    /** A 400 for a body that cannot be read as what the endpoint takes. */
    static ProblemDetail unreadableBody(String detail) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, detail);
        typed(problem, "unreadable-body", "Unreadable request body");
        return problem;
    }

    /** A body of a type the endpoint does not read: which ones it does (a bulk import's NDJSON or CSV, say). */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        String sent = e.getContentType() == null ? "no Content-Type" : "Content-Type '" + e.getContentType() + "'";
        String supported = e.getSupportedMediaTypes().stream().map(MediaType::toString)
                .collect(Collectors.joining("', '", "'", "'"));
        ProblemDetail problem = problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "This endpoint does not read a body with "
                + sent + (e.getSupportedMediaTypes().isEmpty() ? "" : "; send one of " + supported));
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraintViolations(ConstraintViolationException e) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(violation -> new FieldError(fieldPath(violation.getPropertyPath()), violation.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        return ResponseEntity.badRequest().body(invalidRequest("The request has " + errors.size() + " invalid field(s)",
                errors));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        // a list of values (status=DRAFT,TESTING) names the values its elements may take
        Class<?> type = e.getRequiredType() != null && Collection.class.isAssignableFrom(e.getRequiredType())
                ? e.getParameter().nested().getNestedParameterType() : e.getRequiredType();
        return ResponseEntity.badRequest().body(invalidRequest("Parameter '" + e.getName() + "' cannot be '"
                + e.getValue() + "'" + (type != null && type.isEnum() ? "; one of " + List.of(type.getEnumConstants())
                : ""), List.of(new FieldError(e.getName(), "invalid value '" + e.getValue() + "'"))));
    }

    @ExceptionHandler(InvalidTaskException.class)
    ResponseEntity<ProblemDetail> invalidTask(InvalidTaskException e) {
        List<FieldError> errors = e.errors().entrySet().stream()
                .map(entry -> new FieldError(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        return ResponseEntity.badRequest().body(invalidRequest("The request has " + errors.size() + " invalid field(s)",
                errors));
    }

    @ExceptionHandler(BadUserRequestException.class)
    ResponseEntity<ProblemDetail> badUserRequest(BadUserRequestException e) {
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, e.getMessage()));
    }

    /** A review decided without its variables (a task listener's refusal, as Camunda's form validators throw it). */
    @ExceptionHandler(FormFieldValidationException.class)
    ResponseEntity<ProblemDetail> invalidDecision(FormFieldValidationException e) {
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, e.getMessage()));
    }

    @ExceptionHandler(TaskNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(TaskNotFoundException e) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, e.getMessage());
        typed(problem, "task-not-found", "Task not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    @ExceptionHandler(ActionNotAllowedException.class)
    ResponseEntity<ProblemDetail> actionNotAllowed(ActionNotAllowedException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, e.getMessage());
        typed(problem, "action-not-allowed", "Action not allowed");
        problem.setProperty("allowedActions", e.allowedActions());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(IllegalTransitionException.class)
    ResponseEntity<ProblemDetail> illegalTransition(IllegalTransitionException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, e.getMessage());
        typed(problem, "action-not-possible", "Action not possible now");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(StaleVersionException.class)
    ResponseEntity<ProblemDetail> stale(StaleVersionException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, e.getMessage());
        typed(problem, "stale-version", "Stale version");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler({OptimisticLockingFailureException.class, OptimisticLockingException.class})
    ResponseEntity<ProblemDetail> concurrentChange(RuntimeException e) {
        log.info("Concurrent change refused: {}", e.getMessage());
        ProblemDetail problem = problem(HttpStatus.CONFLICT,
                "The task was changed at the same time by someone else: reload it and try again");
        typed(problem, "concurrent-change", "Concurrent change");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(AuthorizationException.class)
    ResponseEntity<ProblemDetail> forbidden(AuthorizationException e) {
        ProblemDetail problem = problem(HttpStatus.FORBIDDEN, e.getMessage());
        problem.setTitle("Forbidden");
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem);
    }

    /**
     * Whatever else fails: 500 with a problem body that names no internals (the stack trace is in the log, with the
     * request). Spring Security's exceptions go on to its filters, which answer 401 or 403. A client that went away
     * gets nothing, and is no error of the server's.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) throws Exception {
        if (e instanceof AccessDeniedException || e instanceof AuthenticationException) {
            throw e;
        }
        // a task listener's refusal wrapped by another layer still keeps its status (the engine's own wrapping is
        // undone by ListenerRefusalPlugin)
        RuntimeException refusal = e instanceof RuntimeException runtime ? ListenerRefusalPlugin.refusal(runtime) : null;
        if (refusal instanceof AuthorizationException authorization) {
            return forbidden(authorization);
        }
        if (refusal instanceof FormFieldValidationException invalid) {
            return invalidDecision(invalid);
        }
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // the client went away (a broken-off upload, a closed connection): not the server's failure, and there
            // is nobody left to answer; what it interrupted logs what it means (an import: FAILED, and why)
            log.debug("{} {}: the client went away ({})", request.getMethod(), request.getRequestURI(), e.toString());
            return null;
        }
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR,
                "The server could not answer the request; its log has the cause");
        problem.setTitle(HttpStatus.INTERNAL_SERVER_ERROR.getReasonPhrase());
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
    }

    /** A parameter as the request names it: the name of its query parameter, path variable or header. */
    private static String parameterName(MethodParameter parameter) {
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        String name = query != null ? query.name() : path != null ? path.name() : header != null ? header.name() : "";
        return name.isEmpty() ? parameter.getParameterName() : name;
    }

    /**
     * A violation's path without the method it was found on: a method parameter's reads {@code upsert.id}, and the
     * API knows only {@code id}.
     */
    private static String fieldPath(Path path) {
        Iterator<Path.Node> nodes = path.iterator();
        Path.Node first = nodes.hasNext() ? nodes.next() : null;
        if (first != null && (first.getKind() == ElementKind.METHOD || first.getKind() == ElementKind.CONSTRUCTOR)
                && path.toString().startsWith(first.getName() + ".")) {
            return path.toString().substring(first.getName().length() + 1);
        }
        return path.toString();
    }

    /** A 400 for invalid fields or parameters, each in {@code errors}: the type every validation error has. */
    static ProblemDetail invalidRequest(String detail, List<?> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, detail);
        typed(problem, "invalid-request", "Invalid request");
        problem.setProperty("errors", errors);
        return problem;
    }

    /**
     * A kind of problem a client may act on, named by its {@code type} ({@code urn:reachflow:problem:stale-version}),
     * so that it need not read the title: the four kinds of 409 differ only in it. Others keep {@code about:blank}
     * with their status's phrase as title.
     */
    private static void typed(ProblemDetail problem, String kind, String title) {
        problem.setType(URI.create(PROBLEM_TYPES + kind));
        problem.setTitle(title);
    }

    private static ProblemDetail problem(HttpStatus status, @Nullable String detail) {
        return ProblemDetail.forStatusAndDetail(status, detail == null ? status.getReasonPhrase() : detail);
    }

    record FieldError(String field, String message) {
    }

}
