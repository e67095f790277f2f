package io.reachflow.task.web;

import static io.reachflow.support.HttpJson.errorFields;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

/** The Idempotency-Key header of {@code POST /api/tasks} and {@code POST /api/tasks/{id}/{action}}, over HTTP. */
@ReachflowSpringTest
class IdempotencyKeyApiTest {

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aSendSentAgainWithItsKeyPushesOnce() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        String key = UUID.randomUUID().toString();

        ResponseEntity<JsonNode> first = send(olivia(), task.getId(), key);
        ResponseEntity<JsonNode> again = send(olivia(), task.getId(), key);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(first.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.getBody().path("id").asLong()).isEqualTo(task.getId());
        assertThat(pushes(task)).as("one push for the key").isEqualTo(1);
        assertThat(sends(task)).isEqualTo(1);

        assertThat(send(olivia(), task.getId(), UUID.randomUUID().toString()).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(pushes(task)).as("another key: another send").isEqualTo(2);
    }

    @Test
    void aCreateSentAgainWithItsKeyCreatesOneTaskForThatCaller() {
        String key = UUID.randomUUID().toString();
        JsonNode body = manualInAppTask("Created once");

        ResponseEntity<JsonNode> first = create(olivia(), body, key);
        ResponseEntity<JsonNode> again = create(olivia(), body, "\"" + key + "\""); // as a structured-field string
        ResponseEntity<JsonNode> another = create(api.as(Fixtures.OPERATOR_AND_REVIEWER), body, key);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(again.getHeaders().getLocation()).isEqualTo(first.getHeaders().getLocation());
        assertThat(again.getBody().path("id")).isEqualTo(first.getBody().path("id"));
        assertThat(again.getHeaders().getETag()).isEqualTo(first.getHeaders().getETag());
        assertThat(another.getStatusCode()).as("a key is the caller's own").isEqualTo(HttpStatus.CREATED);
        assertThat(another.getBody().path("id")).isNotEqualTo(first.getBody().path("id"));
    }

    @Test
    void aKeyUsedForAnotherRequestIsRefusedAndChangesNothing() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        String key = UUID.randomUUID().toString();
        assertThat(send(olivia(), task.getId(), key).getStatusCode()).isEqualTo(HttpStatus.OK);

        ResponseEntity<JsonNode> complete = olivia().post().uri("/api/tasks/{id}/complete", task.getId())
                .header("Idempotency-Key", key).retrieve().toEntity(JsonNode.class);
        ResponseEntity<JsonNode> commented = olivia().post().uri("/api/tasks/{id}/send", task.getId())
                .header("Idempotency-Key", key).body(object().put("comment", "another comment")).retrieve()
                .toEntity(JsonNode.class);
        ResponseEntity<JsonNode> created = create(olivia(), manualInAppTask("Another body"), key);

        for (ResponseEntity<JsonNode> refused : new ResponseEntity[] {complete, commented, created}) {
            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
            assertThat(refused.getBody().path("type").asText())
                    .isEqualTo("urn:reachflow:problem:idempotency-key-reused");
            assertThat(refused.getBody().path("detail").asText()).contains(key, "POST /api/tasks/" + task.getId()
                    + "/send");
        }
        assertThat(get(olivia(), "/api/tasks/{id}", task.getId()).getBody().path("status").asText())
                .isEqualTo("RUNNING");
        assertThat(pushes(task)).isEqualTo(1);
    }

    @Test
    void aCopySentAgainWithItsKeyCopiesOnce() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        String key = UUID.randomUUID().toString();

        ResponseEntity<JsonNode> first = olivia().post().uri("/api/tasks/{id}/copy", task.getId())
                .header("Idempotency-Key", key).retrieve().toEntity(JsonNode.class);
        ResponseEntity<JsonNode> again = olivia().post().uri("/api/tasks/{id}/copy", task.getId())
                .header("Idempotency-Key", key).retrieve().toEntity(JsonNode.class);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(again.getHeaders().getLocation()).isEqualTo(first.getHeaders().getLocation());
        assertThat(jdbc.queryForObject("select count(*) from task_audit where task_id = ? and action = 'COPY'",
                Integer.class, task.getId())).isOne();
    }

    /** The first request was done: a task deleted since is a 404 that says so, not a reason to do it again. */
    @Test
    void aTaskDeletedSinceIsA404ThatSaysTheRequestWasDone() {
        String key = UUID.randomUUID().toString();
        JsonNode body = manualInAppTask("Deleted after");
        ResponseEntity<JsonNode> created = create(olivia(), body, key);
        long id = created.getBody().path("id").asLong();
        assertThat(olivia().delete().uri("/api/tasks/{id}", id).retrieve().toBodilessEntity().getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);

        ResponseEntity<JsonNode> again = create(olivia(), body, key);

        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.getBody().path("detail").asText()).contains("was done (201)", "task " + id);
    }

    /** A comment left out and an empty one are two requests (a withdrawal records either). */
    @Test
    void aCommentLeftOutIsNotAnEmptyOne() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        String key = UUID.randomUUID().toString();
        assertThat(send(olivia(), task.getId(), key).getStatusCode()).isEqualTo(HttpStatus.OK);

        ResponseEntity<JsonNode> empty = olivia().post().uri("/api/tasks/{id}/send", task.getId())
                .header("Idempotency-Key", key).body(object().put("comment", "")).retrieve().toEntity(JsonNode.class);

        assertThat(empty.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
    }

    /** A request that failed changed nothing and keeps no key: the same request, allowed later, is done then. */
    @Test
    void aRequestThatFailedKeepsNoKey() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        String key = UUID.randomUUID().toString();

        ResponseEntity<JsonNode> early = send(olivia(), task.getId(), key);
        fixtures.act(Fixtures.REVIEWER, task.getId(), io.reachflow.task.TaskAction.APPROVE, "ok");
        ResponseEntity<JsonNode> later = send(olivia(), task.getId(), key);

        assertThat(early.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(later.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(later.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(pushes(task)).isEqualTo(1);
    }

    @Test
    void aKeyPastItsRetentionIsANewKey() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        String key = UUID.randomUUID().toString();
        send(olivia(), task.getId(), key);
        jdbc.update("update idempotent_request set created_at = ? where idempotency_key = ?",
                Timestamp.from(Instant.now().minus(25, ChronoUnit.HOURS)), key);

        ResponseEntity<JsonNode> again = send(olivia(), task.getId(), key);

        assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(pushes(task)).isEqualTo(2);
    }

    @Test
    void aKeyThatIsNoPrintableAsciiIsRefused() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());

        for (String bad : new String[] {"x".repeat(256), "\"\"", "tab\there", "one,two", "a\"b"}) {
            ResponseEntity<JsonNode> refused = send(olivia(), task.getId(), bad);

            assertThat(refused.getStatusCode()).as(bad).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(errorFields(refused.getBody())).containsExactly("Idempotency-Key");
        }
        assertThat(pushes(task)).isZero();
        assertThat(send(olivia(), task.getId(), "x".repeat(255)).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private ResponseEntity<JsonNode> send(RestClient client, long id, String key) {
        return client.post().uri("/api/tasks/{id}/send", id).header("Idempotency-Key", key).retrieve()
                .toEntity(JsonNode.class);
    }

    private ResponseEntity<JsonNode> create(RestClient client, JsonNode body, String key) {
        return client.post().uri("/api/tasks").header("Idempotency-Key", key).body(body).retrieve()
                .toEntity(JsonNode.class);
    }

    /** The task's live pushes, once the deliveries its sends started have planned them. */
    private int pushes(OperationTask task) {
        engine.runDueJobs(task.getId());
        return jdbc.queryForObject("select count(*) from push where task_id = ? and kind = 'LIVE'", Integer.class,
                task.getId());
    }

    private int sends(OperationTask task) {
        return jdbc.queryForObject("select count(*) from task_audit where task_id = ? and action = 'SEND'",
                Integer.class, task.getId());
    }

    private RestClient olivia() {
        return api.as(Fixtures.OPERATOR);
    }
}
