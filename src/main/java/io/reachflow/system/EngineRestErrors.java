package io.reachflow.system;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.InvalidRequestException;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.camunda.bpm.engine.rest.exception.RestExceptionHandler;
import org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine wraps every exception a task listener throws, so a separation-of-duties refusal, or a review
 * decision without its variables, would reach {@code /engine-rest} clients (Tasklist among them) as a 500. These
 * mappers answer them as the 403 and 400 they are, in the engine REST's own error format, and leave every other
 * error to Camunda's handlers.
 */
@Configuration(proxyBeanMethods = false)
class EngineRestErrors {

    @Bean
    ResourceConfigCustomizer reviewRefusalsAsClientErrors() {
        return config -> config.register(EngineExceptionMapper.class).register(RestExceptionMapper.class);
    }

    static Response refusalOrElse(Throwable error, Supplier<Response> otherwise) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthorizationException refusal) {
                return error(Response.Status.FORBIDDEN, AuthorizationException.class, refusal);
            }
            if (cause instanceof BadUserRequestException badRequest) {
                return error(Response.Status.BAD_REQUEST, InvalidRequestException.class, badRequest);
            }
        }
        return otherwise.get();
    }

    private static Response error(Response.Status status, Class<?> type, Throwable cause) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("type", type.getSimpleName(), "message", cause.getMessage()))
                .build();
    }

    @Priority(1)
    static class EngineExceptionMapper implements ExceptionMapper<ProcessEngineException> {

        private final ProcessEngineExceptionHandler camunda = new ProcessEngineExceptionHandler();

        @Override
        public Response toResponse(ProcessEngineException error) {
            return refusalOrElse(error, () -> camunda.toResponse(error));
        }
    }

    @Priority(1)
    static class RestExceptionMapper implements ExceptionMapper<RestException> {

        private final RestExceptionHandler camunda = new RestExceptionHandler();

        @Override
        public Response toResponse(RestException error) {
            return refusalOrElse(error, () -> camunda.toResponse(error));
        }
    }
}
