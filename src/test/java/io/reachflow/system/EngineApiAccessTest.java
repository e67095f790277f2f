package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.junit.jupiter.api.Test;
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
