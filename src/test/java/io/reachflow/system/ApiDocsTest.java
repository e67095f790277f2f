package io.reachflow.system;

import static io.reachflow.support.HttpJson.get;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The OpenAPI document says what the API answers: its success codes as they are (201, 204), JSON, and the errors
 * of each operation as problem details; the import takes its files.
 */
@ReachflowSpringTest
class ApiDocsTest {

    @Autowired
    Api api;

    JsonNode paths;

    @BeforeEach
    void readTheDocument() {
        paths = get(api.as(Fixtures.OPERATOR), "/v3/api-docs").getBody().path("paths");
    }

    private JsonNode operation(String path, String method) {
        JsonNode operation = paths.path(path).path(method);
        assertThat(operation.isObject()).as(method + " " + path).isTrue();
        return operation;
    }

    private static List<String> codes(JsonNode operation) {
        List<String> codes = new ArrayList<>();
        operation.path("responses").fieldNames().forEachRemaining(codes::add);
        return codes;
    }

    @Test
    void documentsTheSuccessCodesTheApiAnswers() {
        JsonNode create = operation("/api/tasks", "post");
        assertThat(codes(create)).contains("201", "400", "401", "403", "422").doesNotContain("200", "404");
        assertThat(create.path("responses").path("422").path("content").has("application/problem+json")).isTrue();
        assertThat(create.path("responses").path("201").path("headers").has("Idempotent-Replayed")).isTrue();
        assertThat(create.path("responses").path("201").path("content").path("application/json").path("schema")
                .path("$ref").asText()).endsWith("/TaskView");
        assertThat(codes(operation("/api/tasks/{id}", "delete"))).contains("204", "404", "409")
                .doesNotContain("200", "428");
        assertThat(codes(operation("/api/tasks/{id}", "put"))).contains("200", "409", "428");
        assertThat(codes(operation("/api/tasks/{id}/testers", "put"))).contains("428");
        assertThat(codes(operation("/api/tasks/{id}/subgroup", "put"))).doesNotContain("428");
        assertThat(codes(operation("/api/tasks/{id}/{action}", "post"))).contains("200", "201", "404", "409")
                .doesNotContain("428");
        assertThat(codes(operation("/api/users/{id}", "put"))).contains("200", "201");
        assertThat(operation("/api/tasks/{id}", "get").path("responses").path("200").path("content")
                .fieldNames().next()).isEqualTo("application/json");
    }

    /** The errors of one endpoint only: a body of another type where a body is read, recipients pruned. */
    @Test
    void documentsTheUnsupportedMediaTypeAndThePrunedRecipients() {
        JsonNode importUsers = operation("/api/users/import", "post");
        JsonNode recipients = operation("/api/tasks/{id}/pushes/{pushId}/recipients", "get");

        assertThat(codes(importUsers)).contains("201", "400", "415");
        assertThat(importUsers.path("responses").path("415").path("content").path("application/problem+json")
                .path("schema").path("$ref").asText()).endsWith("/Problem");
        assertThat(codes(operation("/api/tasks", "post"))).contains("415");
        assertThat(codes(operation("/api/users/{id}", "put"))).contains("415");
        assertThat(codes(operation("/api/tasks/{id}", "get"))).doesNotContain("415", "410");
        assertThat(codes(recipients)).contains("200", "404", "410").doesNotContain("415");
        assertThat(recipients.path("responses").path("410").path("content").path("application/problem+json")
                .path("schema").path("$ref").asText()).endsWith("/Problem");
        assertThat(codes(operation("/api/tasks/{id}/pushes", "get"))).doesNotContain("410");
    }

    @Test
    void documentsEveryErrorAsAProblem() {
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (!path.getKey().startsWith("/api/")) {
                return;
            }
            JsonNode badRequest = operation.getValue().path("responses").path("400");
            assertThat(badRequest.path("content").path("application/problem+json").path("schema").path("$ref")
                    .asText()).as(operation.getKey() + " " + path.getKey()).endsWith("/Problem");
        }));
        JsonNode problem = get(api.as(Fixtures.OPERATOR), "/v3/api-docs").getBody()
                .path("components").path("schemas").path("Problem").path("properties");
        List<String> fields = new ArrayList<>();
        problem.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).contains("type", "title", "status", "detail", "errors", "allowedActions");
    }

    @Test
    void documentsTheImportsFilesAndTheActionsNames() {
        JsonNode importUsers = operation("/api/users/import", "post");
        List<String> mediaTypes = new ArrayList<>();
        importUsers.path("requestBody").path("content").fieldNames().forEachRemaining(mediaTypes::add);
        assertThat(mediaTypes).containsExactlyInAnyOrder("text/csv", "application/x-ndjson");
        assertThat(texts(importUsers.path("parameters"), "name")).doesNotContain("Content-Type");

        JsonNode action = null;
        for (JsonNode parameter : operation("/api/tasks/{id}/{action}", "post").path("parameters")) {
            if (parameter.path("name").asText().equals("action")) {
                action = parameter;
            }
        }
        assertThat(action).isNotNull();
        assertThat(texts(action.path("schema").path("enum"))).contains("submit", "approve", "copy");
    }

    /** What Swagger UI's "Try it out" fills in is a request the API takes, not one it refuses. */
    @Test
    void theExamplesAreRequestsTheApiTakes() {
        RestClient operator = api.as(Fixtures.OPERATOR);
        JsonNode task = example(operation("/api/tasks", "post"), "application/json");
        assertThat(schemaRef(operation("/api/tasks", "post"))).endsWith("/TaskRequest");
        assertThat(post(operator, "/api/tasks", task).getStatusCode()).isEqualTo(HttpStatus.CREATED);

        JsonNode profile = example(operation("/api/users/{id}", "put"), "application/json");
        assertThat(schemaRef(operation("/api/users/{id}", "put"))).endsWith("/UserProfile");
        assertThat(put(operator, "/api/users/{id}", profile, "docs-" + HttpJson.uniqueWord()).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);

        for (String type : List.of("application/x-ndjson", "text/csv")) {
            String rows = example(operation("/api/users/import", "post"), type).asText();
            JsonNode report = operator.post().uri("/api/users/import").contentType(MediaType.parseMediaType(type))
                    .body(rows).retrieve().toEntity(JsonNode.class).getBody();
            assertThat(report.path("failed").asLong()).as(type).isZero();
            assertThat(report.path("imported").asLong()).as(type).isPositive();
        }
    }

    /** The headers a client needs: a task's ETag for If-Match, a created resource's Location, a 503's Retry-After. */
    @Test
    void documentsTheHeadersOfSuccessesAndOfAStartOrStop() {
        assertThat(operation("/api/tasks/{id}", "get").path("responses").path("200").path("headers").has("ETag"))
                .isTrue();
        JsonNode created = operation("/api/tasks", "post").path("responses").path("201").path("headers");
        assertThat(created.has("ETag")).isTrue();
        assertThat(created.has("Location")).isTrue();
        assertThat(operation("/api/users/{id}", "put").path("responses").path("200").path("headers").has("ETag"))
                .as("a profile has no version").isFalse();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (path.getKey().startsWith("/api/")) {
                assertThat(operation.getValue().path("responses").path("503").path("headers").has("Retry-After"))
                        .as(operation.getKey() + " " + path.getKey()).isTrue();
            }
        }));
    }

    /**
     * A user id's rule, wherever one is named, as a pattern a browser reads as the server does (the server's own,
     * with {@code \p{Cc}}, made Swagger UI refuse ids such as "pc" before sending them): compared here on ids of
     * each kind, with Java reading {@code \s} as ECMAScript does.
     */
    @Test
    void documentsTheUserIdRuleAsABrowserReadsIt() {
        JsonNode schemas = get(api.as(Fixtures.OPERATOR), "/v3/api-docs").getBody().path("components").path("schemas");
        List<JsonNode> documented = List.of(schemas.path("UserProfile").path("properties").path("id"),
                schemas.path("Audience").path("properties").path("users").path("items"),
                schemas.path("TaskRequest").path("properties").path("testers").path("items"),
                schemas.path("TestersRequest").path("properties").path("testers").path("items"));
        JsonNode path = null;
        for (JsonNode parameter : operation("/api/users/{id}", "put").path("parameters")) {
            if (parameter.path("name").asText().equals("id")) {
                path = parameter.path("schema");
            }
        }
        assertThat(path).isNotNull();
        java.util.regex.Pattern server = java.util.regex.Pattern.compile(io.reachflow.system.UserId.PATTERN);
        List<JsonNode> all = new ArrayList<>(documented);
        all.add(path);
        for (JsonNode schema : all) {
            assertThat(schema.path("pattern").asText()).isEqualTo(ApiDocs.USER_ID_PATTERN);
            assertThat(schema.path("maxLength").asInt()).isEqualTo(128);
        }
        java.util.regex.Pattern browser = java.util.regex.Pattern.compile(ApiDocs.USER_ID_PATTERN,
                java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
        for (String id : List.of("pc", "cc", "fZ", "alice", "olivia@example.com", "a.b", "...", "José", "用户",
                "a b",
                "x/y", ".", "..", "a\\b", "a%b", "a;b", "a\u200bb", "a\u00a0b", "a\u3000b", "a\tb", "a\u0085b",
                "a\u2028b", "a\u00adb")) {
            assertThat(browser.matcher(id).find()).as(id).isEqualTo(server.matcher(id).matches());
        }
    }

    /** Times of day and durations say how they are written: Swagger UI's generated "string" was refused. */
    @Test
    void documentsTimesOfDayAndDurationsWithExamplesTheApiTakes() {
        JsonNode schemas = get(api.as(Fixtures.OPERATOR), "/v3/api-docs").getBody().path("components").path("schemas");
        JsonNode from = schemas.path("SendWindow").path("properties").path("from");
        JsonNode grace = schemas.path("Schedule").path("properties").path("lateSendGrace");
        assertThat(from.path("example").asText()).isEqualTo("09:00");
        assertThat(grace.path("format").asText()).isEqualTo("duration");
        assertThat(schemas.path("Trigger").path("properties").path("delay").path("example").asText()).isEqualTo("PT1H");

        ObjectNode task = HttpJson.manualInAppTask("Documented examples");
        ObjectNode schedule = task.withObject("/schedule").put("lateSendGrace", grace.path("example").asText());
        schedule.putArray("sendWindows").addObject().put("from", from.path("example").asText()).put("to", "21:00");
        assertThat(post(api.as(Fixtures.OPERATOR), "/api/tasks", task).getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    /**
     * A text that must not be blank takes at least a character; what clients send is not closed to other fields in
     * the document (profiles, schedules, audiences and contents are also answers, which may gain fields).
     */
    @Test
    void saysWhichTextsMustNotBeBlank() {
        JsonNode schemas = get(api.as(Fixtures.OPERATOR), "/v3/api-docs").getBody().path("components").path("schemas");
        assertThat(schemas.path("TaskRequest").path("properties").path("name").path("minLength").asInt())
                .as("not blank").isEqualTo(1);
        assertThat(schemas.path("Content").path("properties").path("body").path("minLength").asInt()).isEqualTo(1);
        assertThat(schemas.path("Content").path("properties").path("title").path("minLength").asInt()).isZero();
        assertThat(schemas.path("Content").has("additionalProperties")).as("an answer's part too").isFalse();
    }

    /** A generated client names its methods after the operations: each id is its own, none numbered by springdoc. */
    @Test
    void namesEachOperationOnce() {
        List<String> ids = new ArrayList<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (path.getKey().startsWith("/api/")) {
                ids.add(operation.getValue().path("operationId").asText());
            }
        }));
        assertThat(ids).doesNotHaveDuplicates().noneMatch(id -> id.matches(".*_\\d+"));
    }

    /** The document in YAML too, for tools that read it so: the API reads and answers JSON only, the document not. */
    @Test
    void givesTheDocumentInYamlToo() {
        ResponseEntity<String> yaml = api.as(Fixtures.OPERATOR).get().uri("/v3/api-docs.yaml").accept(MediaType.ALL)
                .retrieve().toEntity(String.class);

        assertThat(yaml.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(yaml.getHeaders().getContentType().getSubtype()).contains("openapi");
        assertThat(yaml.getBody()).startsWith("openapi: 3.").contains("\n  /api/tasks:\n");
    }

    private static JsonNode example(JsonNode operation, String mediaType) {
        JsonNode content = operation.path("requestBody").path("content").path(mediaType);
        JsonNode example = content.has("example") ? content.path("example")
                : content.path("examples").elements().next().path("value");
        assertThat(example.isMissingNode()).as(mediaType + " example").isFalse();
        return example;
    }

    private static String schemaRef(JsonNode operation) {
        return operation.path("requestBody").path("content").path("application/json").path("schema").path("$ref")
                .asText();
    }
}
