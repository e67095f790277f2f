package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;

/**
 * What the server refuses before the application answers: a URL Tomcat cannot read (a problem detail too, not
 * Tomcat's HTML page), and any request while the application is still starting (503, until it is ready).
 */
@ReachflowSpringTest
class ServerRefusalsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    Api api;

    @Autowired
    ApplicationContext context;

    @Test
    void aUrlTheServerCannotReadIsA400Problem() throws Exception {
        for (String path : new String[] {"/api/tasks/%2F", "/api/tasks/a%00b", "/api/tasks/..%5Cx"}) {
            HttpResponse<String> refused = get(path);

            assertThat(refused.statusCode()).as(path).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json;charset=UTF-8");
            JsonNode problem = new ObjectMapper().readTree(refused.body());
            assertThat(problem.path("status").asInt()).isEqualTo(400);
            assertThat(problem.path("title").asText()).isEqualTo("Bad Request");
            assertThat(problem.path("detail").asText()).contains("%2F");
        }
    }

    @Test
    void answersTheApplicationWroteStayAsTheyWere() throws Exception {
        HttpResponse<String> unknown = get("/api/tasks/1/nothing-here");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(unknown.body()).path("detail").asText())
                .startsWith("No endpoint GET /api/tasks/1/nothing-here");
        assertThat(get("/api/tasks/" + Long.MAX_VALUE).statusCode()).isEqualTo(404);
    }

    /** Spring Boot's error page, asked for directly, has no error to show: it is no endpoint (it answered 500). */
    @Test
    void theErrorPageAskedForDirectlyIsNoEndpoint() throws Exception {
        HttpResponse<String> direct = get("/error");

        assertThat(direct.statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(direct.body()).path("detail").asText()).startsWith("No endpoint GET /error");
    }

    @Test
    void untilTheApplicationIsReadyARequestIsToldToComeBack() throws Exception {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            HttpResponse<String> starting = get("/api/tasks");

            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.headers().firstValue("Retry-After")).hasValue("3");
            assertThat(new ObjectMapper().readTree(starting.body()).path("detail").asText())
                    .isEqualTo(StartupGate.STARTING);
            assertThat(get("/engine-rest/task").statusCode()).isEqualTo(503);
            assertThat(get("/actuator/health/liveness").statusCode()).as("the probes answer").isEqualTo(200);
            assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(get("/api/tasks").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        String credentials = Fixtures.OPERATOR + ":demo";
        return http.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
