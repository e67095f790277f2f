package io.reachflow.system;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.camunda.bpm.engine.rest.exception.RestExceptionHandler;
import org.camunda.bpm.engine.rest.impl.CamundaRestResources;
import org.camunda.bpm.spring.boot.starter.rest.CamundaJerseyResourceConfig;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine REST API as the starter configures it, except that a refusal by one of our task listeners keeps its
 * status. The engine wraps whatever a task listener throws in a {@link ProcessEngineException} (and the REST
 * layer a failed completion in a {@link RestException}), which Camunda answers with 500; a separation-of-duties
 * refusal is an {@link AuthorizationException} (403) and a review decided without its variables a
 * {@link BadUserRequestException} (400), in Tasklist's REST path as in {@code /api}.
 */
@Configuration(proxyBeanMethods = false)
class EngineRestConfiguration {

    @Bean
    CamundaJerseyResourceConfig camundaJerseyResourceConfig() {
        return new CamundaJerseyResourceConfig() {
            @Override
            protected void registerCamundaRestResources() {
                registerClasses(CamundaRestResources.getResourceClasses());
                Set<Class<?>> replaced = Set.of(ProcessEngineExceptionHandler.class, RestExceptionHandler.class);
                registerClasses(CamundaRestResources.getConfigurationClasses().stream()
                        .filter(type -> !replaced.contains(type))
                        .collect(Collectors.toSet()));
                register(JacksonFeature.class);
                register(new WrappedEngineExceptions());
                register(new WrappedRestExceptions());
            }
        };
    }

    /** The refusal a listener threw, if the exception wraps one; else the exception itself. */
    static Throwable refusal(Throwable wrapper) {
        for (Throwable cause = wrapper.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof AuthorizationException || cause instanceof BadUserRequestException) {
                return cause;
            }
        }
        return wrapper;
    }

    static class WrappedEngineExceptions implements ExceptionMapper<ProcessEngineException> {

        @Override
        public Response toResponse(ProcessEngineException e) {
            return ExceptionHandlerHelper.getInstance().getResponse(refusal(e));
        }
    }

    static class WrappedRestExceptions implements ExceptionMapper<RestException> {

        @Override
        public Response toResponse(RestException e) {
            Throwable answered = e.getStatus() == null || e.getStatus() == Response.Status.INTERNAL_SERVER_ERROR
                    ? refusal(e) : e;
            return ExceptionHandlerHelper.getInstance().getResponse(answered);
        }
    }
}
