package io.reachflow.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Until the application is ready (its admin, demo users, groups and authorizations set up, which happens once the
 * web server is listening), every request but the actuator's gets 503 with {@code Retry-After}: before, a request in
 * those seconds got 401 for a demo user not created yet, or 403 for a grant not there yet. The actuator's
 * {@code /actuator/health/readiness} says when to come (a load balancer's probe). A graceful stop refuses new
 * requests the same way while the running ones finish.
 */
@Configuration(proxyBeanMethods = false)
class StartupGate {

    static final String STARTING = "Reachflow is not ready: it is starting (its users, groups and authorizations "
            + "are being set up) or stopping. Try again in a few seconds";
    private static final String RETRY_AFTER_SECONDS = "3";
    private static final Logger log = LoggerFactory.getLogger(StartupGate.class);

    /**
     * The line to wait for: "Started ReachflowApplication" comes before the users, groups and authorizations are set
     * up, and requests until then get 503.
     */
    @EventListener
    void readiness(AvailabilityChangeEvent<ReadinessState> change) {
        if (change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
            log.info("Reachflow is ready: it takes requests");
        } else {
            log.info("Reachflow refuses new requests (503): it is stopping");
        }
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> startupGateFilter(ApplicationAvailability availability,
                                                                   ObjectMapper objectMapper) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                    FilterChain chain) throws ServletException, IOException {
                        if (availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC
                                || request.getRequestURI().startsWith(request.getContextPath() + "/actuator/")) {
                            chain.doFilter(request, response);
                            return;
                        }
                        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                        SecurityConfiguration.problem(objectMapper, request, response, HttpStatus.SERVICE_UNAVAILABLE,
                                STARTING);
                    }
                });
        registration.setName("startupGate");
        // before everything, security included: a request refused here has its credentials not even read
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
