package io.reachflow.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.camunda.bpm.webapp.impl.security.filter.util.CsrfConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * What of the engine's REST API a user outside {@code camunda-admin} may call, on {@code /engine-rest} and on the
 * webapps' own copy of it ({@code /camunda/api/engine}): reads, which the engine's authorizations filter (but not
 * the engine's metrics, which they do not cover, nor deployments, nor the history of variables); the review work's
 * query, claim, unclaim ({@link UnclaimFilter}), complete, form submission and comments; the Tasklist filters' lists;
 * their own profile and password. Everything else (jobs, process instances, messages, signals, variables,
 * incidents, identity, authorizations, batches) is for admins. The engine's authorizations refuse most of it too,
 * but not all of it, and not always without a side effect: a job execution it refuses has still used up one of the
 * job's retries, so that anyone could have driven a delivery batch into an incident.
 */
final class EngineApiAccess {

    /** {@code /engine-rest}, for the default engine or one it names; the rest of the path in group 1. */
    private static final Pattern ENGINE_REST = Pattern.compile("^/engine-rest(?:/engine/[^/]+)?(/.*)?$");
    /** The webapps' copy, always for a named engine. */
    private static final Pattern WEBAPP_ENGINE = Pattern.compile("^/camunda/api/engine/engine/[^/]+(/.*)?$");
    /**
     * Reads the engine's authorizations do not cover (metrics, deployments) or not as the review needs: the history
     * of variables is readable by whoever may read one task of the instance, so that a first-level reviewer read the
     * senior level's briefing and comment, which that level's work hides from them. Tasklist reads none of these.
     */
    private static final Pattern ADMIN_READS = Pattern.compile(
            "^/(metrics|deployment|history/variable-instance|history/detail)(/.*)?$");
    private static final List<Pattern> POSTS = List.of(
            Pattern.compile("^/task(/count)?$"),
            Pattern.compile("^/task/[^/]+/(claim|unclaim|complete|submit-form|comment/create)$"),
            Pattern.compile("^/filter/[^/]+/(list|count|singleResult)$"));
    private static final Pattern PUTS = Pattern.compile("^/user/[^/]+/(profile|credentials)$");
    private static final Pattern UNCLAIM = Pattern.compile("^/task/([^/]+)/unclaim$");
    private static final String CSRF_HEADER = CsrfConstants.CSRF_TOKEN_HEADER_NAME;
    private static final UrlPathHelper PATHS = new UrlPathHelper();
    /** Writes the answers of the filters below, which run before any of the application's converters. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineApiAccess() {
    }

    /** Whether the request is to {@code /engine-rest} and for admins only. */
    static boolean adminsOnlyOnEngineRest(HttpServletRequest request) {
        return adminsOnly(request, ENGINE_REST);
    }

    private static boolean adminsOnly(HttpServletRequest request, Pattern api) {
        String path = pathWithin(request, api);
        return path != null && !allowsEveryone(request.getMethod(), path);
    }

    /** The path within the engine's API of {@code api}; null for a request to another. */
    private static String pathWithin(HttpServletRequest request, Pattern api) {
        // decoded, without path parameters, so that an encoded letter does not pass for another path
        Matcher matcher = api.matcher(PATHS.getPathWithinApplication(request).replaceAll("/{2,}", "/"));
        return !matcher.matches() ? null : matcher.group(1) == null ? "/" : matcher.group(1);
    }

    /** Whether anyone authenticated may call {@code method} on {@code path}, the path within an engine's API. */
    static boolean allowsEveryone(String method, String path) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> !ADMIN_READS.matcher(path).matches();
            case "POST" -> POSTS.stream().anyMatch(post -> post.matcher(path).matches());
            case "PUT" -> PUTS.matcher(path).matches();
            default -> false;
        };
    }

    /** The refusal's detail. */
    static String refusal(HttpServletRequest request) {
        return "Only " + Groups.ADMINS + " may " + request.getMethod() + " " + request.getRequestURI() + ". Others "
                + "read, and work on their review work: query, claim, unclaim, complete, submit-form, comments";
    }

    /**
     * The same for the webapps' copy of the API, whose users Spring Security does not know: they logged in to the
     * webapps, and their groups are in the webapps' session. Without a login it passes, and the webapps answer 401.
     */
    static final class WebappFilter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (adminsOnly(request, WEBAPP_ENGINE) && loggedInNonAdmin(request)) {
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                response.setContentType("application/problem+json");
                JSON.writeValue(response.getWriter(), Map.of("type", "about:blank", "title", "Forbidden", "status",
                        HttpServletResponse.SC_FORBIDDEN, "detail", refusal(request)));
                return;
            }
            chain.doFilter(request, response);
        }

        private static boolean loggedInNonAdmin(HttpServletRequest request) {
            Caller caller = webappCaller(request);
            return caller != null && !caller.admin();
        }
    }

    /** Who calls, and their groups: Spring Security's user on {@code /engine-rest}, the webapps' session's else. */
    private record Caller(String user, List<String> groups) {

        boolean admin() {
            return groups.contains(Groups.ADMINS);
        }
    }

    private static Caller webappCaller(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Authentications authentications = session == null ? null : AuthenticationUtil.getAuthsFromSession(session);
        if (authentications == null || authentications.getAuthentications().isEmpty()) {
            return null;
        }
        UserAuthentication first = authentications.getAuthentications().get(0);
        return new Caller(first.getIdentityId(), first.getGroupIds() == null ? List.of() : first.getGroupIds());
    }

    private static Caller engineRestCaller() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated() || authentication.getName() == null) {
            return null;
        }
        String prefix = Groups.authority("");
        return new Caller(authentication.getName(), authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).filter(authority -> authority.startsWith(prefix))
                .map(authority -> authority.substring(prefix.length())).toList());
    }

    /**
     * Unclaim, for a reviewer. The engine's unclaim needs {@code TASK_ASSIGN} on the work, which would also let a
     * reviewer add candidate groups or set its owner; a claim for nobody needs only the {@code TASK_WORK} reviewers
     * have, and the separation-of-duties listener lets a reviewer give back only their own claim. So a non-admin's
     * {@code POST …/task/{id}/unclaim} is answered here as that claim for nobody, for Tasklist's Unclaim button and
     * {@code /engine-rest} alike; an admin's goes to the engine.
     */
    static final class UnclaimFilter extends OncePerRequestFilter {

        private static final Logger log = LoggerFactory.getLogger(UnclaimFilter.class);

        private final IdentityService identity;
        private final TaskService tasks;

        UnclaimFilter(IdentityService identity, TaskService tasks) {
            this.identity = identity;
            this.tasks = tasks;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String engineRest = pathWithin(request, ENGINE_REST);
            String path = engineRest != null ? engineRest : pathWithin(request, WEBAPP_ENGINE);
            Matcher unclaim = path == null ? null : UNCLAIM.matcher(path);
            Caller caller = unclaim == null || !unclaim.matches() || !"POST".equals(request.getMethod()) ? null
                    : engineRest != null ? engineRestCaller() : webappCaller(request);
            if (caller == null || caller.admin()) {
                chain.doFilter(request, response);
                return;
            }
            if (engineRest == null && !withSessionsCsrfToken(request)) {
                // the webapps' own CSRF check may come after this filter: a cross-site page must not unclaim
                engineError(response, HttpServletResponse.SC_FORBIDDEN,
                        new AuthorizationException("Unclaim needs the session's CSRF token (" + CSRF_HEADER + ")"));
                return;
            }
            identity.setAuthentication(caller.user(), caller.groups());
            try {
                tasks.claim(unclaim.group(1), null);
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            } catch (ProcessEngineException failed) {
                // a task listener's refusal comes wrapped, as the engine's REST API would unwrap it
                RuntimeException cause = failed;
                for (Throwable next = failed; next != null; next = next.getCause()) {
                    if (next instanceof AuthorizationException || next instanceof NullValueException) {
                        cause = (RuntimeException) next;
                    }
                }
                if (cause instanceof AuthorizationException) {
                    engineError(response, HttpServletResponse.SC_FORBIDDEN, cause);
                } else if (cause instanceof NullValueException) {
                    log.info("Review work is gone: {}", cause.getMessage());
                    engineError(response, HttpServletResponse.SC_NOT_FOUND, cause);
                } else {
                    throw failed;
                }
            } finally {
                identity.clearAuthentication();
            }
        }

        /** Whether the request carries the CSRF token the webapps keep in its session, as their pages send it. */
        private static boolean withSessionsCsrfToken(HttpServletRequest request) {
            HttpSession session = request.getSession(false);
            Object token = session == null ? null : session.getAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME);
            String header = request.getHeader(CSRF_HEADER);
            return token != null && header != null && MessageDigest.isEqual(
                    token.toString().getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
        }

        /** As the engine's REST API answers an error, in Camunda's own format (see {@link EngineRestConflicts}). */
        private static void engineError(HttpServletResponse response, int status, RuntimeException e)
                throws IOException {
            response.setStatus(status);
            response.setContentType("application/json");
            JSON.writeValue(response.getWriter(), ExceptionHandlerHelper.getInstance().fromException(e));
        }
    }
}
