package io.reachflow.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * What of the engine's REST API a user outside {@code camunda-admin} may call, on {@code /engine-rest} and on the
 * webapps' own copy of it ({@code /camunda/api/engine}): reads, which the engine's authorizations filter (but not
 * the engine's metrics, which they do not cover, nor deployments); the review work's query, claim (also for nobody:
 * a reviewer gives back their own claim so), complete, form submission and comments; the Tasklist filters' lists;
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
    private static final Pattern ADMIN_READS = Pattern.compile("^/(metrics|deployment)(/.*)?$");
    private static final List<Pattern> POSTS = List.of(
            Pattern.compile("^/task(/count)?$"),
            Pattern.compile("^/task/[^/]+/(claim|complete|submit-form|comment/create)$"),
            Pattern.compile("^/filter/[^/]+/(list|count|singleResult)$"));
    private static final Pattern PUTS = Pattern.compile("^/user/[^/]+/(profile|credentials)$");
    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private EngineApiAccess() {
    }

    /** Whether the request is to {@code /engine-rest} and for admins only. */
    static boolean adminsOnlyOnEngineRest(HttpServletRequest request) {
        return adminsOnly(request, ENGINE_REST);
    }

    private static boolean adminsOnly(HttpServletRequest request, Pattern api) {
        // decoded, without path parameters, so that an encoded letter does not pass for another path
        Matcher matcher = api.matcher(PATHS.getPathWithinApplication(request).replaceAll("/{2,}", "/"));
        return matcher.matches()
                && !allowsEveryone(request.getMethod(), matcher.group(1) == null ? "/" : matcher.group(1));
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
                + "read, and work on their review work: query, claim (for themselves, or for nobody to give it back), "
                + "complete, submit-form, comments";
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
                response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                        + "\"detail\":\"" + refusal(request).replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
                return;
            }
            chain.doFilter(request, response);
        }

        private static boolean loggedInNonAdmin(HttpServletRequest request) {
            HttpSession session = request.getSession(false);
            Authentications authentications = session == null ? null : AuthenticationUtil.getAuthsFromSession(session);
            if (authentications == null || authentications.getAuthentications().isEmpty()) {
                return false;
            }
            return authentications.getAuthentications().stream()
                    .map(UserAuthentication::getGroupIds)
                    .noneMatch(groups -> groups != null && groups.contains(Groups.ADMINS));
        }
    }
}
