package io.reachflow.system;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.TaskAlreadyClaimedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A claim of review work that another reviewer claimed first is a conflict between two people, not a fault of the
 * server: {@code /engine-rest} answers it with 409, in the engine REST API's own error format, where Camunda's
 * handler gave 500 and logged a stack trace at WARN. Two reviewers claiming the same work is normal use.
 */
@Configuration(proxyBeanMethods = false)
class EngineRestConflicts {

    @Bean
    ResourceConfigCustomizer engineRestClaimConflicts() {
        return config -> config.register(ClaimedAlready.class);
    }

    @Provider
    static class ClaimedAlready implements ExceptionMapper<TaskAlreadyClaimedException> {

        private static final Logger log = LoggerFactory.getLogger(EngineRestConflicts.class);

        @Override
        public Response toResponse(TaskAlreadyClaimedException e) {
            log.info("A claim came second: {}", e.getMessage());
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("type", TaskAlreadyClaimedException.class.getSimpleName());
            error.put("message", e.getMessage());
            error.put("code", e.getCode());
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
        }
    }
}
