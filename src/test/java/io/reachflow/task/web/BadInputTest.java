package io.reachflow.task.web;

import static io.reachflow.support.HttpJson.errorFields;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.TaskStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Bad input a fuzzing of every endpoint found taken, or refused in words that did not say what was wrong: each gets a
 * 400 problem naming the field, and changes nothing. Each of these tests failed before its fix.
 */
@ReachflowSpringTest
class BadInputTest {

    @Autowired
    Api api;

    @Autowired
    OperationTaskRepository tasks;

    @Autowired
    Fixtures fixtures;

    /** A client that sends epoch milliseconds (as JavaScript's Date.now() gives) gets a task 56,000 years away. */
    @Test
    void refusesASendAtInEpochMilliseconds() {
        ObjectNode body = oneTime("Millis");
        body.putObject("schedule").put("sendAt", 1_795_000_000_000L); // 2026-11-18 in ms; read as seconds: year 58851

        assertThat(errorFields(refusedCreate(body))).containsExactly("schedule.sendAt");
    }

    /** An instant past year 999,999,999 is stored, then cannot be read back: the task and the whole list answer 500. */
    @Test
    void refusesASendAtThatCannotBeReadBack() {
        ObjectNode body = oneTime("Far away");
        body.putObject("schedule").put("sendAt", 31_556_889_864_403_199L); // Instant.MAX

        ResponseEntity<JsonNode> answer = post(olivia(), "/api/tasks", body);

        assertThat(get(olivia(), "/api/tasks").getStatusCode()).as("the task list").isEqualTo(HttpStatus.OK);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    /** sendAt + lateSendGrace overflows when the push starts: an approved task then fails its job into an incident. */
    @Test
    void refusesALateSendGraceTooLongToAddToTheSendTime() {
        ObjectNode body = oneTime("Huge grace");
        body.putObject("schedule").put("sendAt", Instant.now().plus(1, ChronoUnit.DAYS).toString())
                .put("lateSendGrace", "PT2562047788015215H");

        assertThat(errorFields(refusedCreate(body))).containsExactly("schedule.lateSendGrace");
    }

    /** Text after the JSON object is ignored: "{…} garbage" creates a task. */
    @Test
    void refusesTextAfterTheBody() {
        String body = manualInAppTask("Trailing").toString() + " this is not JSON";
        long before = tasks.count();

        ResponseEntity<JsonNode> answer = olivia().post().uri("/api/tasks").contentType(MediaType.APPLICATION_JSON)
                .body(body).retrieve().toEntity(JsonNode.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(answer.getBody().path("detail").asText()).startsWith("The body is not valid JSON").contains("line 1");
        assertThat(tasks.count()).isEqualTo(before);
    }

    /** Two profiles on one line of an import: a bad row, said without Jackson's own words and types. */
    @Test
    void refusesAnImportRowWithTwoObjectsInPlainWords() {
        JsonNode report = olivia().post().uri("/api/users/import")
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .body("{\"id\": \"two-a\"} {\"id\": \"two-b\"}\n").retrieve().toEntity(JsonNode.class).getBody();

        assertThat(report.path("failed").asLong()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("message").asText())
                .isEqualTo("not valid JSON: more after its JSON value at line 1, column 17");
    }

    /** "{} x" as an action's body is acted on. */
    @Test
    void refusesAnActionBodyWithTextAfterIt() {
        long id = post(olivia(), "/api/tasks", manualInAppTask("Act trailing")).getBody().path("id").asLong();

        ResponseEntity<JsonNode> answer = olivia().post().uri("/api/tasks/{id}/test", id)
                .contentType(MediaType.APPLICATION_JSON).body("{} x").retrieve().toEntity(JsonNode.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(get(olivia(), "/api/tasks/{id}", id).getBody().path("status").asText()).isEqualTo("DRAFT");
    }

    /** @NotBlank knows only Java whitespace: a name of no-break or zero-width spaces is saved. */
    @Test
    void refusesANameOfInvisibleCharacters() {
        assertThat(errorFields(refusedCreate(manualInAppTask("\u00a0\u00a0")))).containsExactly("name");
        assertThat(errorFields(refusedCreate(manualInAppTask("\u200b")))).containsExactly("name");
    }

    /** A line break in a name forges a line in the application log ("Task 5 'x\nINFO …' created by …"). */
    @Test
    void refusesControlCharactersInAName() {
        assertThat(errorFields(refusedCreate(manualInAppTask("Sale\nINFO forged log line")))).containsExactly("name");
    }

    /** A reject needs a comment: one of a no-break space is none. */
    @Test
    void refusesARejectionWhoseCommentShowsNothing() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());

        ResponseEntity<JsonNode> answer = post(api.as(Fixtures.REVIEWER), "/api/tasks/{id}/reject",
                JsonNodeFactory.instance.objectNode().put("comment", "\u00a0"), task.getId());

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);
    }

    /** A profile's name is shown in messages ({{name}}) and lists: a bell and a line break are no name. */
    @Test
    void refusesControlCharactersInAProfileName() {
        ResponseEntity<JsonNode> answer = olivia().put().uri("/api/users/{id}", "bell-" + HttpJson.uniqueWord())
                .contentType(MediaType.APPLICATION_JSON).body("{\"name\": \"a\\u0007\\nb\"}")
                .retrieve().toEntity(JsonNode.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(answer.getBody())).containsExactly("name");
    }

    /**
     * A tester or a USERS audience's user is named by an id a profile could have: one no profile can have ("a/b",
     * "../x") was saved, and found only when the test round failed that tester. Nor may a profile's id hold a control
     * character.
     */
    @Test
    void refusesUserIdsNoProfileCanHave() {
        ObjectNode testers = manualInAppTask("Bad tester");
        testers.putArray("testers").add("olivia").add("a/b");
        assertThat(errorFields(refusedCreate(testers))).containsExactly("testers[1]");

        ObjectNode users = manualInAppTask("Bad user");
        users.putObject("audience").put("type", "USERS").putArray("users").add("../x");
        assertThat(errorFields(refusedCreate(users))).containsExactly("audience.users[0]");

        ResponseEntity<JsonNode> control = olivia().put().uri("/api/users/a\u0001b")
                .contentType(MediaType.APPLICATION_JSON).body("{}").retrieve().toEntity(JsonNode.class);
        assertThat(control.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    /** A null in a list reads "Field 'schedule' cannot be read from the given JSON": which element, and what is wrong? */
    @Test
    void namesTheElementThatIsNull() {
        ObjectNode windows = manualInAppTask("Null window");
        windows.putObject("schedule").putArray("sendWindows").addNull();
        assertThat(errorFields(refusedCreate(windows))).containsExactly("schedule.sendWindows[0]");

        ObjectNode tags = manualInAppTask("Null tag");
        tags.putObject("audience").put("type", "TAGS").putArray("tags").addNull();
        assertThat(errorFields(refusedCreate(tags))).containsExactly("audience.tags[0]");
    }

    /** Each field once (README): an empty name is "size must be between 1 and 64" and "must not be blank". */
    @Test
    void namesAnEmptyNameOnce() {
        assertThat(errorFields(refusedCreate(manualInAppTask("")))).containsExactly("name");
    }

    /** If-Match is read (a malformed one gets 400) but a stale one is ignored: the copy is made. */
    @Test
    void refusesACopyFromAStaleVersion() {
        long id = post(olivia(), "/api/tasks", manualInAppTask("Copy stale")).getBody().path("id").asLong();
        long before = tasks.count();

        ResponseEntity<JsonNode> answer = olivia().post().uri("/api/tasks/{id}/copy", id).header("If-Match", "\"99\"")
                .retrieve().toEntity(JsonNode.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(tasks.count()).isEqualTo(before);
    }

    /** NUL is refused in attribute values but not in their names (PostgreSQL stores neither). */
    @Test
    void refusesANulInAnAttributeName() {
        ResponseEntity<JsonNode> answer = olivia().put().uri("/api/users/{id}", "nul-key-" + HttpJson.uniqueWord())
                .contentType(MediaType.APPLICATION_JSON).body("{\"attributes\": {\"a\\u0000\": 1}}")
                .retrieve().toEntity(JsonNode.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    /** Two profiles on one NDJSON line: the second is silently dropped, and the report says nothing failed. */
    @Test
    void reportsALineWithTwoProfilesAsBad() {
        String word = HttpJson.uniqueWord();
        String ndjson = "{\"id\": \"first-" + word + "\"}{\"id\": \"second-" + word + "\"}\n";

        JsonNode report = olivia().post().uri("/api/users/import")
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .body(ndjson).retrieve().toEntity(JsonNode.class).getBody();

        assertThat(report.path("failed").asInt()).as(report.toString()).isEqualTo(1);
        assertThat(report.path("imported").asInt()).isZero();
    }

    private static ObjectNode oneTime(String name) {
        ObjectNode body = manualInAppTask(name);
        body.put("pushType", "ONE_TIME");
        return body;
    }

    private JsonNode refusedCreate(ObjectNode body) {
        long before = tasks.count();
        ResponseEntity<JsonNode> refused = post(olivia(), "/api/tasks", body);
        assertThat(refused.getStatusCode()).as(String.valueOf(refused.getBody())).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(tasks.count()).as("tasks after a refused create").isEqualTo(before);
        return refused.getBody();
    }

    private RestClient olivia() {
        return api.as(Fixtures.OPERATOR);
    }
}
