package io.reachflow.task.web;

import static io.reachflow.support.HttpJson.delete;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.AuditEntry;
import io.reachflow.task.AuditRepository;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Create, read, edit and delete of {@code /api/tasks}, with versions, over real HTTP. */
@ReachflowSpringTest
class TaskApiTest {

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    OperationTaskRepository tasks;

    @Autowired
    AuditRepository audits;

    @Test
    void createsADraftWithLocationAndTheTask() {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", manualInAppTask("Spring sale"));

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        JsonNode task = created.getBody();
        long id = task.path("id").asLong();
        assertThat(created.getHeaders().getLocation()).isEqualTo(URI.create("/api/tasks/" + id));
        assertThat(task.path("name").asText()).isEqualTo("Spring sale");
        assertThat(task.path("status").asText()).isEqualTo("DRAFT");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("NONE");
        assertThat(task.path("createdBy").asText()).isEqualTo(Fixtures.OPERATOR);
        assertThat(task.path("channel").asText()).isEqualTo("IN_APP");
        assertThat(texts(task.path("audience").path("users"))).containsExactly("alice");
        assertThat(task.path("content").path("title").asText()).isEqualTo("Hi {{name|there}}");
        assertThat(texts(task.path("testers"))).containsExactly(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER);
        assertThat(texts(task.path("allowedActions")))
                .containsExactlyInAnyOrder("EDIT", "TEST", "COPY", "DELETE", "CHANGE_SUBGROUP");

        ResponseEntity<JsonNode> read = get(olivia(), "/api/tasks/{id}", id);
        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(read.getBody()).isEqualTo(task);
        assertThat(read.getHeaders().getETag()).isEqualTo(created.getHeaders().getETag())
                .isEqualTo("\"" + task.path("version").asLong() + "\"");
    }

    @Test
    void letsReviewersReadTasks() {
        long id = createdByOlivia("Readable by reviewers").path("id").asLong();

        ResponseEntity<JsonNode> read = get(api.as(Fixtures.REVIEWER), "/api/tasks/{id}", id);

        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(read.getBody().path("name").asText()).isEqualTo("Readable by reviewers");
    }

    /** What no endpoint takes is a problem too: a path, a method or a media type. */
    @Test
    void answersAProblemForWhatNoEndpointTakes() {
        ResponseEntity<JsonNode> noPath = get(olivia(), "/api/users/alice/nothing-here");
        ResponseEntity<JsonNode> noMethod = olivia().patch().uri("/api/tasks/1").body(HttpJson.object()).retrieve()
                .toEntity(JsonNode.class);
        ResponseEntity<JsonNode> noMediaType = olivia().post().uri("/api/users/import")
                .contentType(MediaType.APPLICATION_JSON).body("{}").retrieve().toEntity(JsonNode.class);

        assertThat(List.of(noPath, noMethod, noMediaType)).extracting(ResponseEntity::getStatusCode)
                .containsExactly(HttpStatus.NOT_FOUND, HttpStatus.METHOD_NOT_ALLOWED,
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(List.of(noPath, noMethod, noMediaType))
                .extracting(response -> response.getHeaders().getContentType())
                .containsOnly(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(noPath.getBody().path("detail").asText())
                .startsWith("No endpoint GET /api/users/alice/nothing-here");
        assertThat(noMethod.getBody().path("detail").asText()).contains("PATCH");
        assertThat(noMediaType.getBody().path("detail").asText()).isEqualTo("This endpoint does not read a body with "
                + "Content-Type 'application/json'; send one of 'application/x-ndjson', 'text/csv'");
    }

    /** A path the firewall refuses (a double slash, a matrix parameter) is a 400 problem too, saying why. */
    @Test
    void answersAProblemForAPathTheFirewallRefuses() {
        for (String path : List.of("/api//tasks/1", "/api/tasks/1;x=1")) {
            ResponseEntity<JsonNode> refused = olivia().get().uri(URI.create(api.baseUrl() + path)).retrieve()
                    .toEntity(JsonNode.class);

            assertThat(refused.getStatusCode()).as(path).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(refused.getHeaders().getContentType()).as(path).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(refused.getBody().path("detail").asText()).as(path).contains("rejected");
            assertThat(refused.getBody().path("instance").asText()).as(path).isEqualTo(path);
        }
    }

    /** A task's sub-resource that does not exist is no endpoint, not a method the actions' POST does not take. */
    @Test
    void answersNotFoundForAnUnknownSubResourceOfATask() {
        long id = createdByOlivia("Sub-resources").path("id").asLong();

        ResponseEntity<JsonNode> effect = get(olivia(), "/api/tasks/{id}/effect", id);
        ResponseEntity<JsonNode> getAnAction = get(olivia(), "/api/tasks/{id}/test", id);

        assertThat(effect.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(effect.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(effect.getBody().path("detail").asText()).startsWith("No endpoint GET /api/tasks/" + id + "/effect");
        assertThat(getAnAction.getStatusCode()).as("an action is POSTed").isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    }

    /** Read, change, send back: the fields only the view has (state, who, when) are ignored, not refused. */
    @Test
    void editsATaskAsItWasReadWithItsReadOnlyFieldsIgnored() {
        long id = createdByOlivia("As read").path("id").asLong();
        ObjectNode read = (ObjectNode) get(olivia(), "/api/tasks/{id}", id).getBody();
        read.put("name", "As read, renamed");
        read.put("status", "RUNNING");
        read.put("createdBy", "mallory");

        ResponseEntity<JsonNode> edited = put(olivia(), "/api/tasks/{id}", read.deepCopy().put("revision", 99), id);

        assertThat(edited.getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode task = get(olivia(), "/api/tasks/{id}", id).getBody();
        assertThat(task.path("name").asText()).isEqualTo("As read, renamed");
        assertThat(task.path("status").asText()).isEqualTo("DRAFT");
        assertThat(task.path("createdBy").asText()).isEqualTo(Fixtures.OPERATOR);
        assertThat(read.path("revision").asInt()).isEqualTo(1);
        assertThat(task.path("revision").asInt()).as("a material change, which a test round must see again")
                .isEqualTo(2);
        for (String field : List.of("audience", "content", "schedule", "testers", "subgroup")) {
            assertThat(task.path(field)).as(field).isEqualTo(read.path(field));
        }
    }

    /** A blank subgroup is none: the task is in no subgroup, as without one. */
    @Test
    void takesABlankSubgroupForNone() {
        JsonNode created = post(olivia(), "/api/tasks", manualInAppTask("No subgroup").put("subgroup", "  ")).getBody();

        assertThat(created.has("subgroup")).isFalse();
        assertThat(get(olivia(), "/api/tasks/{id}", created.path("id").asLong()).getBody().has("subgroup")).isFalse();
    }

    @Test
    void answersNotFoundForAnUnknownTask() {
        long unknown = 987_654_321L;

        for (ResponseEntity<JsonNode> response : java.util.List.of(
                get(olivia(), "/api/tasks/{id}", unknown),
                put(olivia(), "/api/tasks/{id}", manualInAppTask("Nobody").put("version", 0), unknown),
                delete(olivia(), "/api/tasks/{id}", unknown),
                post(olivia(), "/api/tasks/{id}/test", null, unknown),
                put(olivia(), "/api/tasks/{id}/subgroup", HttpJson.object().put("subgroup", "x"), unknown),
                get(olivia(), "/api/tasks/{id}/history", unknown),
                get(olivia(), "/api/tasks/{id}/test-rounds", unknown),
                get(olivia(), "/api/tasks/{id}/pushes", unknown))) {
            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(response.getBody().path("status").asInt()).isEqualTo(404);
            assertThat(response.getBody().path("detail").asText()).contains(String.valueOf(unknown));
        }
    }

    @Test
    void answersNotFoundForADeletedTask() {
        long id = createdByOlivia("Soon gone").path("id").asLong();
        assertThat(delete(olivia(), "/api/tasks/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        assertThat(get(olivia(), "/api/tasks/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(put(olivia(), "/api/tasks/{id}", manualInAppTask("Back").put("version", 0), id).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(post(olivia(), "/api/tasks/{id}/copy", null, id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(delete(olivia(), "/api/tasks/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        for (String under : java.util.List.of("history", "test-rounds", "pushes")) {
            assertThat(get(olivia(), "/api/tasks/{id}/" + under, id).getStatusCode()).as(under)
                    .isEqualTo(HttpStatus.NOT_FOUND);
        }
    }

    @Test
    void editsWithTheCurrentVersionInIfMatch() {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", manualInAppTask("Before"));
        long id = created.getBody().path("id").asLong();

        ResponseEntity<JsonNode> edited = olivia().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, created.getHeaders().getETag())
                .body(manualInAppTask("After"))
                .retrieve().toEntity(JsonNode.class);

        assertThat(edited.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(edited.getBody().path("name").asText()).isEqualTo("After");
        assertThat(edited.getBody().path("version").asLong()).isGreaterThan(created.getBody().path("version").asLong());
        assertThat(edited.getHeaders().getETag()).isNotEqualTo(created.getHeaders().getETag());
        assertThat(get(olivia(), "/api/tasks/{id}", id).getBody().path("name").asText()).isEqualTo("After");
    }

    @Test
    void refusesAnEditWithAStaleIfMatchAndKeepsTheTask() {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", manualInAppTask("Original"));
        long id = created.getBody().path("id").asLong();
        String staleETag = created.getHeaders().getETag();
        ResponseEntity<JsonNode> firstEdit = olivia().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, staleETag).body(manualInAppTask("First edit"))
                .retrieve().toEntity(JsonNode.class);
        assertThat(firstEdit.getStatusCode()).isEqualTo(HttpStatus.OK);

        ResponseEntity<JsonNode> lostUpdate = api.as(Fixtures.OTHER_OPERATOR).put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, staleETag).body(manualInAppTask("Lost update"))
                .retrieve().toEntity(JsonNode.class);

        assertThat(lostUpdate.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(lostUpdate.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(lostUpdate.getBody().path("detail").asText()).isNotBlank();
        assertThat(lostUpdate.getBody().path("type").asText()).isEqualTo("urn:reachflow:problem:stale-version");
        JsonNode current = get(olivia(), "/api/tasks/{id}", id).getBody();
        assertThat(current.path("name").asText()).isEqualTo("First edit");
        assertThat(current.path("version").asLong()).isEqualTo(firstEdit.getBody().path("version").asLong());
    }

    @Test
    void refusesAnEditWithAStaleVersionInTheBodyAndKeepsTheTask() {
        JsonNode created = createdByOlivia("Original");
        long id = created.path("id").asLong();
        long staleVersion = created.path("version").asLong();
        ResponseEntity<JsonNode> firstEdit = put(olivia(), "/api/tasks/{id}",
                manualInAppTask("First edit").put("version", staleVersion), id);
        assertThat(firstEdit.getStatusCode()).isEqualTo(HttpStatus.OK);

        ResponseEntity<JsonNode> lostUpdate = put(api.as(Fixtures.OTHER_OPERATOR), "/api/tasks/{id}",
                manualInAppTask("Lost update").put("version", staleVersion), id);

        assertThat(lostUpdate.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(lostUpdate.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode current = get(olivia(), "/api/tasks/{id}", id).getBody();
        assertThat(current.path("name").asText()).isEqualTo("First edit");
        assertThat(current.path("version").asLong()).isEqualTo(firstEdit.getBody().path("version").asLong());
    }

    /** An edit replaces the whole task: one that does not say which version it was made from could undo another's. */
    @Test
    void requiresTheVersionForAnEditUnlessIfMatchIsAStarWhichOutweighsABodyVersion() {
        JsonNode created = createdByOlivia("Versioned edit");
        long id = created.path("id").asLong();

        ResponseEntity<JsonNode> blind = put(olivia(), "/api/tasks/{id}", manualInAppTask("Blind"), id);

        assertThat(blind.getStatusCode()).isEqualTo(HttpStatus.PRECONDITION_REQUIRED);
        assertThat(blind.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(blind.getBody().path("detail").asText()).contains("If-Match");
        JsonNode unchanged = get(olivia(), "/api/tasks/{id}", id).getBody();
        assertThat(unchanged.path("name").asText()).isEqualTo("Versioned edit");
        assertThat(unchanged.path("version").asLong()).isEqualTo(created.path("version").asLong());

        ResponseEntity<JsonNode> overwrite = olivia().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, " * ").body(manualInAppTask("Overwritten").put("version", 99))
                .retrieve().toEntity(JsonNode.class);
        assertThat(overwrite.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(overwrite.getBody().path("name").asText()).isEqualTo("Overwritten");
    }

    @Test
    void refusesADeleteWithAStaleVersionAndKeepsTheTask() {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", manualInAppTask("Kept"));
        long id = created.getBody().path("id").asLong();
        assertThat(put(olivia(), "/api/tasks/{id}", manualInAppTask("Kept, edited")
                .put("version", created.getBody().path("version").asLong()), id).getStatusCode())
                .isEqualTo(HttpStatus.OK);

        ResponseEntity<JsonNode> staleDelete = olivia().delete().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, created.getHeaders().getETag())
                .retrieve().toEntity(JsonNode.class);

        assertThat(staleDelete.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(delete(olivia(), "/api/tasks/{id}?version={v}", id, created.getBody().path("version").asLong())
                .getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(get(olivia(), "/api/tasks/{id}", id).getStatusCode()).isEqualTo(HttpStatus.OK);
        long current = get(olivia(), "/api/tasks/{id}", id).getBody().path("version").asLong();
        assertThat(delete(olivia(), "/api/tasks/{id}?version={v}", id, current).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
    }

    @Test
    void deletesSoftlyKeepingTheHistory() {
        JsonNode created = createdByOlivia("Deleted " + HttpJson.uniqueWord());
        long id = created.path("id").asLong();

        ResponseEntity<JsonNode> deleted = delete(olivia(), "/api/tasks/{id}", id);

        assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(get(olivia(), "/api/tasks?q={q}", created.path("name").asText()).getBody().path("total").asLong())
                .isZero();
        assertThat(get(olivia(), "/api/tasks?q={id}&createdBy=olivia&size=200", id).getBody().path("items"))
                .noneMatch(item -> item.path("id").asLong() == id);
        OperationTask stored = tasks.findById(id).orElseThrow();
        assertThat(stored.isDeleted()).isTrue();
        assertThat(audits.findByTaskIdOrderByIdAsc(id)).extracting(AuditEntry::getAction)
                .containsExactly("CREATE", "DELETE");
        AuditEntry deletion = audits.findByTaskIdOrderByIdAsc(id).get(1);
        assertThat(deletion.getActor()).isEqualTo(Fixtures.OPERATOR);
        assertThat(deletion.getStatusBefore()).hasToString("DRAFT");
    }

    @Test
    void refusesToDeleteARunningTask() {
        OperationTask running = fixtures.running(Fixtures.manualInApp());

        ResponseEntity<JsonNode> refused = delete(olivia(), "/api/tasks/{id}", running.getId());

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(texts(refused.getBody().path("allowedActions"))).doesNotContain("DELETE").contains("PAUSE");
        assertThat(get(olivia(), "/api/tasks/{id}", running.getId()).getBody().path("status").asText())
                .isEqualTo("RUNNING");
    }

    private JsonNode createdByOlivia(String name) {
        ObjectNode body = manualInAppTask(name);
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", body);
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return created.getBody();
    }

    private RestClient olivia() {
        return api.as(Fixtures.OPERATOR);
    }
}
