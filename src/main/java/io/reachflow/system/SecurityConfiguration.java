package io.reachflow.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.ContainerBasedAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.PathPatternRequestMatcherBuilderFactoryBean;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.util.UrlPathHelper;

/**
 * Every endpoint is authenticated. {@code /api/**} and {@code /engine-rest/**} take HTTP Basic against the Camunda
 * identity service; the webapps under {@code /camunda/**} keep their own login (same users). Groups decide what
 * {@code /api} allows; on {@code /engine-rest} the authenticated user is handed to the engine, whose
 * authorizations decide, within what {@link EngineApiAccess} allows non-admins.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Methods that change nothing, which any site may send (it cannot read the answer without CORS). */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final String INBOX_PATH = "/api/inbox/";
    private static final UrlPathHelper URL_PATHS = new UrlPathHelper();
    /** The 401's detail: how to authenticate, and the engine's login throttling, which a script runs into. */
    private static final String UNAUTHENTICATED = "Authenticate with HTTP Basic (a user of the Camunda identity "
            + "service). After a wrong password the user's next login is refused for a few seconds, and ten in a row "
            + "lock the user until an admin unlocks it";

    private static final String[] READERS = {Groups.authority(Groups.OPERATORS), Groups.authority(Groups.REVIEWERS),
            Groups.authority(Groups.SENIOR_REVIEWERS), Groups.authority(Groups.ADMINS)};
    private static final String[] REVIEWERS = {Groups.authority(Groups.REVIEWERS), Groups.authority(Groups.SENIOR_REVIEWERS)};
    private static final String OPERATORS = Groups.authority(Groups.OPERATORS);
    private static final String ADMINS = Groups.authority(Groups.ADMINS);

    @Bean
    AuthenticationManager authenticationManager(IdentityService identityService,
                                                PlatformTransactionManager transactions,
                                                ProcessEngineConfigurationImpl engineConfiguration) {
        return new ProviderManager(new CamundaIdentityAuthenticationProvider(identityService, transactions,
                engineConfiguration.getLoginMaxAttempts()));
    }

    /**
     * Path patterns match the whole request path. The default for string patterns with Spring MVC present is an
     * MVC matcher, which never matches {@code /engine-rest/**}: that path is served by the engine's JAX-RS servlet,
     * not by the DispatcherServlet, so its requests fell through to the webapp chain without Basic authentication.
     */
    @Bean
    PathPatternRequestMatcherBuilderFactoryBean pathPatternRequestMatchers() {
        return new PathPatternRequestMatcherBuilderFactoryBean();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, ObjectMapper objectMapper) throws Exception {
        // "/v3/api-docs*": the document in JSON, and in YAML at /v3/api-docs.yaml
        http.securityMatcher("/api/**", "/engine-rest/**", "/v3/api-docs*", "/v3/api-docs/**", "/swagger-ui/**",
                        "/swagger-ui.html", "/actuator/**")
                .csrf(csrf -> csrf.disable())
                // instead of CSRF tokens, which a stateless API has no session for: a browser says where a request
                // comes from (Sec-Fetch-Site), and a change asked for by another site is refused before any
                // credentials are read, so that a page elsewhere cannot use those a browser remembers for this one.
                // Reading an inbox message marks it opened, so the inbox counts as a change whatever the method.
                .addFilterBefore((request, response, chain) -> {
                    HttpServletRequest asked = (HttpServletRequest) request;
                    boolean crossSite = "cross-site".equals(asked.getHeader("Sec-Fetch-Site"));
                    boolean inbox = crossSite && URL_PATHS.getPathWithinApplication(asked).startsWith(INBOX_PATH);
                    if (crossSite && (!SAFE_METHODS.contains(asked.getMethod()) || inbox)) {
                        problem(objectMapper, asked, (HttpServletResponse) response, HttpStatus.FORBIDDEN,
                                (inbox ? "A read of the inbox from another site's page is refused, as reading a "
                                        + "message marks it opened" : "A change from another site's page is refused")
                                        + " (Sec-Fetch-Site: cross-site): call the API from its own origin, or from a "
                                        + "client that is no browser");
                        return;
                    }
                    chain.doFilter(request, response);
                }, BasicAuthenticationFilter.class)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.realmName("Reachflow")
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Basic realm=\"Reachflow\"");
                            problem(objectMapper, request, response, HttpStatus.UNAUTHORIZED, UNAUTHENTICATED);
                        }))
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) ->
                        problem(objectMapper, request, response, HttpStatus.FORBIDDEN,
                                EngineApiAccess.adminsOnlyOnEngineRest(request)
                                ? EngineApiAccess.refusal(request)
                                : "Your groups do not allow " + request.getMethod() + " " + request.getRequestURI())))
                .authorizeHttpRequests(requests -> requests
                        // liveness and readiness for load balancers: the status, and its details to admins only
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(EngineApiAccess::adminsOnlyOnEngineRest).hasAuthority(ADMINS)
                        .requestMatchers("/engine-rest/**").authenticated()
                        .requestMatchers("/v3/api-docs*", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                        .authenticated()
                        .requestMatchers(HttpMethod.POST, "/api/tasks/*/approve", "/api/tasks/*/reject").hasAnyAuthority(REVIEWERS)
                        // who a push reached, customer by customer: not what a review needs (its test rounds show
                        // the testers' outcomes, its pushes their counts)
                        .requestMatchers(HttpMethod.GET, "/api/tasks/*/pushes/*/recipients")
                        .hasAnyAuthority(OPERATORS, ADMINS)
                        .requestMatchers(HttpMethod.GET, "/api/tasks", "/api/tasks/**").hasAnyAuthority(READERS)
                        .requestMatchers("/api/tasks", "/api/tasks/**").hasAuthority(OPERATORS)
                        .requestMatchers("/api/users/**", "/api/events/**", "/api/inbox/**", "/api/outbox/**")
                        .hasAnyAuthority(OPERATORS, ADMINS)
                        .requestMatchers("/actuator/**").hasAuthority(ADMINS)
                        // a path the API does not have: its 404 ("No endpoint …"), not a 403 that sends a client with a
                        // typo (/api/task) looking for a missing group. Every endpoint has its rule above, which
                        // ApiSecurityTest.everyEndpointNeedsAGroup checks.
                        .requestMatchers("/api/**").authenticated()
                        .anyRequest().denyAll());
        return http.build();
    }

    /** The webapps (Tasklist, Cockpit, Admin) authenticate and protect themselves against CSRF. */
    @Bean
    @Order(2)
    SecurityFilterChain webappSecurity(HttpSecurity http) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()))
                // Camunda's first-admin page: anyone who found it while nobody is admin could make themselves one.
                // The first admin is configuration (AdminAccount); a start without one is refused.
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/camunda/api/admin/setup/**").denyAll()
                        .anyRequest().permitAll());
        return http.build();
    }

    /** The webapps' copy of the engine's REST API allows non-admins what {@code /engine-rest} does. */
    @Bean
    FilterRegistrationBean<EngineApiAccess.WebappFilter> webappEngineApiAccess() {
        FilterRegistrationBean<EngineApiAccess.WebappFilter> registration =
                new FilterRegistrationBean<>(new EngineApiAccess.WebappFilter());
        registration.addUrlPatterns("/camunda/api/engine/*");
        registration.setName("webapp-engine-api-access");
        registration.setOrder(1);
        return registration;
    }

    /** A reviewer's unclaim, on both copies of the engine's API: after Spring Security and the rules above. */
    @Bean
    FilterRegistrationBean<EngineApiAccess.UnclaimFilter> reviewerUnclaim(IdentityService identityService,
                                                                          TaskService taskService) {
        FilterRegistrationBean<EngineApiAccess.UnclaimFilter> registration =
                new FilterRegistrationBean<>(new EngineApiAccess.UnclaimFilter(identityService, taskService));
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/engine/*");
        registration.setName("reviewer-unclaim");
        registration.setOrder(2);
        return registration;
    }

    /**
     * Hands the user Spring Security authenticated to the engine for each {@code /engine-rest} call, so that the
     * engine's authorizations (and the separation-of-duties listener) see who is calling.
     */
    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
                ContainerBasedAuthenticationProvider.class.getName());
        registration.setName("engine-rest-authentication");
        return registration;
    }

    /**
     * A request the firewall refuses before any chain sees it (a path with {@code //}, {@code ;}, an encoded
     * {@code /} or {@code .}): a 400 problem saying why, as the API's other refusals, not Spring Boot's error page.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler(ObjectMapper objectMapper) {
        return (request, response, e) -> problem(objectMapper, request, response, HttpStatus.BAD_REQUEST,
                e.getMessage());
    }

    /** A problem detail written by a filter, before any controller (and its advice) is chosen. */
    static void problem(ObjectMapper objectMapper, HttpServletRequest request, HttpServletResponse response,
                                HttpStatus status, String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        try {
            problem.setInstance(URI.create(request.getRequestURI())); // as sent, still encoded
        } catch (IllegalArgumentException notAUri) {
            // the firewall refuses some paths that are no URI either: the problem goes without its instance
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        objectMapper.writeValue(response.getOutputStream(), problem);
    }
}
