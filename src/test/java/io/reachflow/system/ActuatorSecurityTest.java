package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Api;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The actuator as production has it (tests otherwise leave the Prometheus registry out): health open, its details
 * and the metrics for admins only, with the delivery meters.
 *
 * <p>The metrics registry makes this application context its own: its engine takes a generated name, and it is
 * closed after the class.
 */
@ReachflowSpringTest
@AutoConfigureObservability(tracing = false)
@TestPropertySource(properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ActuatorSecurityTest {

    @Autowired
    Api api;

    @Autowired
    Deliveries deliveries;

    @Autowired
    Engine engine;

    @Autowired
    HealthEndpoint health;

    @Test
    void healthIsOpenWithoutDetails() {
        ResponseEntity<String> health = api.anonymous().get().uri("/actuator/health").retrieve().toEntity(String.class);

        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody()).contains("\"status\":\"UP\"").doesNotContain("components", "db");
    }

    /** An admin sees why the application is up or down: each component, the process engine among them. */
    @Test
    void healthShowsItsComponentsToAdminsOnly() {
        ResponseEntity<String> forAdmin = api.as("demo").get().uri("/actuator/health").retrieve().toEntity(String.class);
        ResponseEntity<String> forOperator = api.as(Fixtures.OPERATOR).get().uri("/actuator/health").retrieve()
                .toEntity(String.class);

        assertThat(forAdmin.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(forAdmin.getBody()).contains("\"components\"", "\"db\"", "\"processEngine\"", "\"diskSpace\"");
        assertThat(forOperator.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(forOperator.getBody()).contains("\"status\":\"UP\"").doesNotContain("components", "db");
    }

    /** Readiness includes the database (a node that lost it takes no traffic); info names the release. */
    @Test
    void readinessChecksTheDatabaseAndInfoNamesTheRelease() {
        ResponseEntity<String> readiness = api.anonymous().get().uri("/actuator/health/readiness").retrieve()
                .toEntity(String.class);
        ResponseEntity<String> info = api.as("demo").get().uri("/actuator/info").retrieve().toEntity(String.class);

        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(readiness.getBody()).contains("\"status\":\"UP\"");
        // the components stay hidden over HTTP; the endpoint itself names them
        assertThat(((CompositeHealth) health.healthForPath("readiness")).getComponents())
                .containsKeys("db", "readinessState");
        assertThat(info.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(info.getBody()).contains("\"build\"", "\"artifact\":\"reachflow\"", "\"version\"");
        assertThat(api.as(Fixtures.OPERATOR).get().uri("/actuator/info").retrieve().toEntity(String.class)
                .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void metricsAreForAdminsOnlyAndShowWhatDeliveryDid() {
        OperationTask task = deliveries.sentToBatchJobs(deliveries.audienceOf(3), PushType.MANUAL, Channel.IN_APP,
                Schedule.immediately());
        engine.runDueJobs(task.getId());

        assertThat(prometheus(api.anonymous()).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(prometheus(api.as(Fixtures.OPERATOR)).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(prometheus(api.as(Fixtures.REVIEWER)).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        ResponseEntity<String> scraped = prometheus(api.as("demo"));

        assertThat(scraped.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(scraped.getBody())
                .contains("reachflow_recipients_total{channel=\"IN_APP\",kind=\"LIVE\",outcome=\"delivered\"} 3.0")
                .contains("reachflow_pushes_total{channel=\"IN_APP\",kind=\"LIVE\",outcome=\"DELIVERED\",reached=\"all\"} 1.0")
                .contains("reachflow_delivery_batch_seconds_count{channel=\"IN_APP\"} 2")
                .containsPattern("reachflow_incidents_open \\d+\\.0")
                .contains("http_server_requests_seconds_count");
        assertThat(api.as("demo").get().uri("/actuator/env").retrieve().toEntity(String.class).getStatusCode())
                .as("not exposed").isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** Requests to the engine's API and the webapps are counted as such, not as UNKNOWN with unknown paths. */
    @Test
    void countsTheEngineApiAndTheWebappsRequestsByApi() {
        assertThat(api.as("demo").get().uri("/engine-rest/engine/{name}/task", engine.processEngine().getName())
                .retrieve().toEntity(String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        // the webapps' engines list, which Tasklist reads before its login
        HttpStatusCode webapps = api.anonymous().get().uri("/camunda/api/engine/engine/").retrieve()
                .toEntity(String.class).getStatusCode();
        assertThat(webapps.is2xxSuccessful()).as("%s", webapps).isTrue();

        String scraped = prometheus(api.as("demo")).getBody();

        assertThat(scraped).contains("uri=\"/engine-rest/**\"", "uri=\"/camunda/**\"");
    }

    private static ResponseEntity<String> prometheus(RestClient client) {
        return client.get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN).retrieve().toEntity(String.class);
    }
}
