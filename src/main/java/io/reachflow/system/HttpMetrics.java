package io.reachflow.system;

import io.micrometer.common.KeyValue;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/**
 * The {@code uri} of {@code http.server.requests} for the engine's API and the webapps, whose requests Spring MVC does
 * not map (Jersey and the webapps' own servlets answer them): {@code /engine-rest/**} and {@code /camunda/**}, where
 * they were {@code UNKNOWN} with the paths that are indeed unknown. One value each: their paths hold ids, and a
 * finer split by resource would let any caller add tag values.
 */
@Configuration(proxyBeanMethods = false)
class HttpMetrics {

    static final String ENGINE_API = "/engine-rest/**";
    static final String WEBAPPS = "/camunda/**";

    @Bean
    ServerRequestObservationConvention requestsByApi() {
        return new DefaultServerRequestObservationConvention() {
            @Override
            protected KeyValue uri(ServerRequestObservationContext context) {
                KeyValue uri = super.uri(context);
                if (context.getPathPattern() != null || !"UNKNOWN".equals(uri.getValue())) {
                    return uri;
                }
                HttpServletRequest request = context.getCarrier();
                String path = request.getRequestURI().substring(request.getContextPath().length());
                return path.startsWith("/engine-rest/") ? KeyValue.of(uri.getKey(), ENGINE_API)
                        : path.startsWith("/camunda/") ? KeyValue.of(uri.getKey(), WEBAPPS) : uri;
            }
        };
    }
}
