package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.camunda.bpm.webapp.impl.security.filter.util.CsrfConstants;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

/**
 * What the engine's REST API allows outside camunda-admin, on /engine-rest (see EngineRestSecurityTest, over HTTP) and
 * on the webapps' copy, whose users are in the webapps' session. (The webapps are tested here with their session
 * as they keep it, not logged in to over HTTP: a test JVM holds several application contexts, and the webapps look
 * the engine up by its name, "default", in a registry of the whole JVM, so that a login over HTTP could reach
 * another test context's engine.)
 */
class EngineApiAccessTest {

    private static final String WEBAPP_ENGINE = "/camunda/api/engine/engine/default";

    @Test
    void allowsEveryoneReadsAndTheirReviewWorkOnly() {
        assertThat(EngineApiAccess.allowsEveryone("GET", "/task")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("GET", "/process-definition/key/x/xml")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task/count")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task/abc/claim")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task/abc/unclaim")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task/abc/submit-form")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/filter/abc/list")).isTrue();
        assertThat(EngineApiAccess.allowsEveryone("PUT", "/user/rita/credentials")).isTrue();

        assertThat(EngineApiAccess.allowsEveryone("GET", "/metrics/activity-instance-start/sum")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("GET", "/deployment")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/job/abc/execute")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task/abc/identity-links")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/task/abc/variables")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("POST", "/message")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("PUT", "/task/abc")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("DELETE", "/process-instance/abc")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("PATCH", "/task/abc")).isFalse();
    }

    @Test
    void readsThePathAsTheEngineWould() {
        assertThat(EngineApiAccess.adminsOnlyOnEngineRest(request("POST", "/engine-rest/%6Aob/abc/execute"))).isTrue();
        assertThat(EngineApiAccess.adminsOnlyOnEngineRest(request("POST", "/engine-rest//job/abc/execute"))).isTrue();
        assertThat(EngineApiAccess.adminsOnlyOnEngineRest(request("POST", "/engine-rest/engine/default/job/abc/execute")))
                .isTrue();
        assertThat(EngineApiAccess.adminsOnlyOnEngineRest(request("POST", "/engine-rest/task/abc/complete"))).isFalse();
        assertThat(EngineApiAccess.adminsOnlyOnEngineRest(request("POST", "/api/tasks/1/send"))).isFalse();
    }

    @Test
    void keepsTheWebappsCopyToTheSameRulesForTheirSessionsUser() throws Exception {
        MockHttpSession reviewer = session("rita", "reviewers");
        MockHttpSession admin = session("demo", "camunda-admin");

        assertThat(filtered("POST", WEBAPP_ENGINE + "/job/abc/execute", reviewer).getStatus()).isEqualTo(403);
        assertThat(filtered("POST", WEBAPP_ENGINE + "/job/abc/execute", reviewer).getContentAsString())
                .contains("Only camunda-admin may POST");
        assertThat(filtered("POST", WEBAPP_ENGINE + "/message", reviewer).getStatus()).isEqualTo(403);
        assertThat(filtered("POST", WEBAPP_ENGINE + "/task", reviewer).getStatus()).isEqualTo(200);
        assertThat(filtered("POST", WEBAPP_ENGINE + "/task/abc/complete", reviewer).getStatus()).isEqualTo(200);
        assertThat(filtered("POST", WEBAPP_ENGINE + "/job/abc/execute", admin).getStatus()).isEqualTo(200);
        assertThat(filtered("POST", WEBAPP_ENGINE + "/job/abc/execute", null).getStatus())
                .as("no login: the webapps answer it").isEqualTo(200);
    }

    /**
     * A reviewer's unclaim from the webapps is a claim for nobody, made only with the session's CSRF token (the
     * webapps' own check may come after this filter); an admin's goes on to the engine's.
     */
    @Test
    void unclaimsForAReviewerOfTheWebappsWithTheSessionsCsrfTokenOnly() throws Exception {
        TaskService tasks = Mockito.mock(TaskService.class);
        EngineApiAccess.UnclaimFilter filter = new EngineApiAccess.UnclaimFilter(Mockito.mock(IdentityService.class),
                tasks);
        MockHttpSession reviewer = session("rita", "reviewers");
        reviewer.setAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME, "token-1");
        String unclaim = WEBAPP_ENGINE + "/task/abc/unclaim";

        MockHttpServletResponse withoutToken = unclaimed(filter, unclaim, reviewer, null);
        Mockito.verifyNoInteractions(tasks);
        MockHttpServletResponse withToken = unclaimed(filter, unclaim, reviewer, "token-1");
        MockHttpServletResponse admin = unclaimed(filter, unclaim, session("demo", "camunda-admin"), null);

        assertThat(withoutToken.getStatus()).isEqualTo(403);
        assertThat(withToken.getStatus()).isEqualTo(204);
        Mockito.verify(tasks).claim("abc", null);
        assertThat(admin.getStatus()).as("passed on to the engine").isEqualTo(200);
        Mockito.verifyNoMoreInteractions(tasks);
    }

    private static MockHttpServletResponse unclaimed(EngineApiAccess.UnclaimFilter filter, String path,
                                                     MockHttpSession session, String csrfToken) throws Exception {
        MockHttpServletRequest request = request("POST", path);
        request.setSession(session);
        if (csrfToken != null) {
            request.addHeader(CsrfConstants.CSRF_TOKEN_HEADER_NAME, csrfToken);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    private static MockHttpServletResponse filtered(String method, String path, MockHttpSession session)
            throws Exception {
        MockHttpServletRequest request = request(method, path);
        request.setSession(session);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new EngineApiAccess.WebappFilter().doFilter(request, response, chain);
        assertThat(chain.getRequest() != null).as("passed on").isEqualTo(response.getStatus() == 200);
        return response;
    }

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setRequestURI(path);
        return request;
    }

    private static MockHttpSession session(String user, String group) {
        MockHttpSession session = new MockHttpSession();
        UserAuthentication authentication = new UserAuthentication(user, "default");
        authentication.setGroupIds(List.of(group));
        Authentications authentications = new Authentications();
        authentications.addOrReplace(authentication);
        AuthenticationUtil.updateSession(session, authentications);
        return session;
    }
}
