package io.reachflow.system;

import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.object;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.userProfile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.support.Logs;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.TaskStatus;
import io.reachflow.support.Engine;
import io.reachflow.support.HttpJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Who may call what on {@code /api/**} and {@code /engine-rest/**}: 401 without a known user, 403 for a wrong role. */
@ReachflowSpringTest
class ApiSecurityTest {

    private static final List<String> PROTECTED = List.of("/api/tasks", "/api/tasks/1", "/api/users/alice",
            "/api/inbox/alice", "/engine-rest/task", "/engine-rest/deployment", "/engine-rest/process-definition",
            "/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/swagger-config");

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    OperationTaskRepository tasks;

    @Autowired
    Engine engine;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void challengesCallsWithoutCredentials() {
        for (String path : PROTECTED) {
            assertUnauthorized(path, api.anonymous());
        }
        long before = tasks.count();
        assertUnauthorized(post(api.anonymous(), "/api/tasks", manualInAppTask("Anonymous")), "POST /api/tasks");
        assertThat(tasks.count()).isEqualTo(before);
    }

    /**
     * The wrong password is tried on a user of its own: the identity service locks a user out after failed
     * logins, and a locked demo user would fail every later test of the shared application.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void challengesCallsWithAWrongPasswordOrAnUnknownUser(CapturedOutput output) {
        String user = fixtures.newOperator("locked", "right");
        RestClient wrongPassword = api.anonymous().mutate()
                .defaultHeaders(headers -> headers.setBasicAuth(user, "wrong")).build();
        RestClient unknownUser = api.anonymous().mutate()
                .defaultHeaders(headers -> headers.setBasicAuth("mallory", "demo")).build();
        // a name with a line break, which would have forged a line of the log of its own
        RestClient forger = api.anonymous().mutate().defaultHeaders(headers -> headers.set(HttpHeaders.AUTHORIZATION,
                "Basic " + Base64.getEncoder().encodeToString("eve\nINFO Task 4 approved by sam:x"
                        .getBytes(StandardCharsets.UTF_8)))).build();
        Logs.atInfo(CamundaIdentityAuthenticationProvider.class, () -> {
            for (String path : PROTECTED) {
                assertUnauthorized(path, wrongPassword);
                assertUnauthorized(path, unknownUser);
            }
            assertUnauthorized(PROTECTED.get(0), forger);
        });
        assertThat(output.getOut())
                .contains("HTTP Basic login of '" + user + "' from 127.0.0.1 refused: wrong password, or locked "
                        + "(1 failed login(s) in a row: locked until ")
                .contains("HTTP Basic login of 'mallory' from 127.0.0.1 refused: no such user")
                .contains("HTTP Basic login of 'eve\\u000aINFO Task 4 approved by sam' from 127.0.0.1 refused")
                .doesNotContain("\nINFO Task 4 approved by sam")
                .doesNotContain("wrong\"")
                .doesNotContain(":wrong");
    }

    /**
     * A change that a page of another site asks a browser to send (which may add the credentials it remembers for
     * this one) is refused before its credentials are read, and so is a read of the inbox, which marks messages
     * opened; other reads, and changes from the API's own pages or from clients that are no browser, go through.
     */
    @Test
    void refusesAChangeSentFromAnotherSitesPage() {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        RestClient fromElsewhere = api.as(Fixtures.OPERATOR).mutate()
                .defaultHeader("Sec-Fetch-Site", "cross-site").defaultHeader("Origin", "https://evil.example").build();

        ResponseEntity<JsonNode> refused = post(fromElsewhere, "/api/tasks/{id}/test", null, draft.getId());

        assertForbidden(refused);
        assertThat(refused.getBody().path("detail").asText()).startsWith("A change from another site's page")
                .doesNotContain("inbox");
        assertThat(tasks.findById(draft.getId()).orElseThrow().getStatus()).isEqualTo(TaskStatus.DRAFT);
        assertForbidden(fromElsewhere.delete().uri("/api/tasks/{id}", draft.getId()).retrieve().toEntity(JsonNode.class));
        assertThat(get(fromElsewhere, "/api/tasks/{id}", draft.getId()).getStatusCode()).isEqualTo(HttpStatus.OK);
        // reading a message marks it opened: an image on another site's page must not open a user's messages
        ResponseEntity<JsonNode> inboxRead = get(fromElsewhere, "/api/inbox/alice");
        assertForbidden(inboxRead);
        assertThat(inboxRead.getBody().path("detail").asText()).startsWith("A read of the inbox from another site's page");
        RestClient sameOrigin = api.as(Fixtures.OPERATOR).mutate().defaultHeader("Sec-Fetch-Site", "same-origin").build();
        assertThat(post(sameOrigin, "/api/tasks/{id}/test", null, draft.getId()).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    /**
     * An unknown path under {@code /api} reaches the application (404) for any authenticated user, so every endpoint
     * must have its own rule: a user in no group is refused each of them.
     */
    @Test
    void everyEndpointNeedsAGroup() {
        IdentityService identity = engine.processEngine().getIdentityService();
        String nobody = "nobody-" + HttpJson.uniqueWord();
        User user = identity.newUser(nobody);
        user.setPassword("secret");
        identity.saveUser(user);
        RestClient groupless = api.anonymous().mutate()
                .defaultHeaders(headers -> headers.setBasicAuth(nobody, "secret")).build();
        List<String> checked = new ArrayList<>();
        mappings.getHandlerMethods().keySet().forEach(mapping -> mapping.getPatternValues().stream()
                .filter(pattern -> pattern.startsWith("/api/"))
                .flatMap(ApiSecurityTest::paths)
                .forEach(path -> {
                    Set<RequestMethod> methods = mapping.getMethodsCondition().getMethods();
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                        ResponseEntity<JsonNode> answer = groupless.method(HttpMethod.valueOf(method.name()))
                                .uri(api.baseUrl() + path).retrieve()
                                .toEntity(JsonNode.class);
                        assertThat(answer.getStatusCode()).as(method + " " + path).isEqualTo(HttpStatus.FORBIDDEN);
                        checked.add(method + " " + path);
                    }
                }));
        assertThat(checked).hasSizeGreaterThan(25).contains("GET /api/tasks", "DELETE /api/tasks/1",
                "POST /api/tasks/1/approve", "POST /api/tasks/1/copy");

        ResponseEntity<JsonNode> typo = get(api.as(Fixtures.OPERATOR), "/api/task");
        assertThat(typo.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(typo.getBody().path("detail").asText()).startsWith("No endpoint GET /api/task");
        assertThat(get(api.as("demo"), "/api/foo").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** The paths a mapping's pattern stands for: each variable as 1, each of a variable's alternatives (actions). */
    private static Stream<String> paths(String pattern) {
        Matcher choice = Pattern.compile("\\{[^}:]+:([a-z|]+)}").matcher(pattern);
        if (choice.find()) {
            String variable = choice.group();
            return Arrays.stream(choice.group(1).split("\\|"))
                    .flatMap(alternative -> paths(pattern.replace(variable, alternative)));
        }
        return Stream.of(pattern.replaceAll("\\{([^}:]+)(:[^}]*)?}", "1"));
    }

    @Test
    void letsTheDemoUsersIn() {
        for (String user : List.of(Fixtures.OPERATOR, Fixtures.REVIEWER, Fixtures.SENIOR_REVIEWER, "demo")) {
            assertThat(get(api.as(user), "/engine-rest/task").getStatusCode()).as(user).isEqualTo(HttpStatus.OK);
        }
        assertThat(get(api.as(Fixtures.OPERATOR), "/api/tasks").getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get(api.as(Fixtures.REVIEWER), "/api/tasks").getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void forbidsAReviewerToCreateOrActAsAnOperator() {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        long before = tasks.count();

        assertForbidden(post(rita(), "/api/tasks", manualInAppTask("By a reviewer")));
        assertThat(tasks.count()).isEqualTo(before);
        assertForbidden(post(rita(), "/api/tasks/{id}/test", null, draft.getId()));
        assertForbidden(put(rita(), "/api/tasks/{id}", manualInAppTask("Renamed by a reviewer"), draft.getId()));
        assertForbidden(rita().delete().uri("/api/tasks/{id}", draft.getId()).retrieve().toEntity(JsonNode.class));
        assertForbidden(put(rita(), "/api/users/{id}", userProfile("Rita", "Berlin"), "rita-profile"));
        assertForbidden(get(rita(), "/api/inbox/alice"));

        OperationTask unchanged = fixtures.reload(draft);
        assertThat(unchanged.getStatus()).hasToString("DRAFT");
        assertThat(unchanged.getName()).isEqualTo(draft.getName());
        assertThat(unchanged.isDeleted()).isFalse();
    }

    /** A reviewer reads a task, its test rounds and its pushes' counts, but not whom a push reached, one by one. */
    @Test
    void keepsAPushsRecipientsFromReviewers() {
        OperationTask tested = fixtures.testing(Fixtures.manualInApp());
        JsonNode rounds = get(rita(), "/api/tasks/{id}/test-rounds", tested.getId()).getBody();
        long round = rounds.get(0).path("id").asLong();
        assertThat(rounds.get(0).path("testers")).as("the testers' outcomes, which a review reads").isNotEmpty();

        assertForbidden(get(rita(), "/api/tasks/{id}/pushes/{pushId}/recipients", tested.getId(), round));
        assertThat(get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/pushes/{pushId}/recipients", tested.getId(), round)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get(api.as("demo"), "/api/tasks/{id}/pushes/{pushId}/recipients", tested.getId(), round)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get(rita(), "/api/tasks/{id}/pushes", tested.getId()).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void forbidsAnOperatorToApproveOrReject() {
        OperationTask underReview = fixtures.underReview(Fixtures.manualInApp());

        assertForbidden(post(api.as(Fixtures.OTHER_OPERATOR), "/api/tasks/{id}/approve", null, underReview.getId()));
        assertForbidden(post(api.as(Fixtures.OTHER_OPERATOR), "/api/tasks/{id}/reject",
                object().put("comment", "no"), underReview.getId()));

        OperationTask unchanged = fixtures.reload(underReview);
        assertThat(unchanged.getStatus()).hasToString("UNDER_REVIEW");
        assertThat(unchanged.getApprovalStatus()).hasToString("UNDER_REVIEW");
    }

    @Test
    void forbidsTheAdminToActAsAnOperator() {
        assertForbidden(post(api.as("demo"), "/api/tasks", manualInAppTask("By the admin")));
    }

    private void assertUnauthorized(String path, RestClient client) {
        ResponseEntity<JsonNode> response = get(client, path);
        assertUnauthorized(response, "GET " + path);
        assertThat(response.getBody().path("instance").asText()).as("GET " + path).isEqualTo(path);
    }

    private static void assertUnauthorized(ResponseEntity<JsonNode> response, String call) {
        assertThat(response.getStatusCode()).as(call).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).as(call).startsWith("Basic");
        assertThat(response.getHeaders().getContentType()).as(call).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody().path("status").asInt()).as(call).isEqualTo(401);
    }

    private static void assertForbidden(ResponseEntity<JsonNode> response) {
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody().path("status").asInt()).isEqualTo(403);
        assertThat(response.getBody().path("detail").asText()).isNotBlank();
    }

    private RestClient rita() {
        return api.as(Fixtures.REVIEWER);
    }
}
