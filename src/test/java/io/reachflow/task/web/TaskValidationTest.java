package io.reachflow.task.web;

import static io.reachflow.support.HttpJson.errorFields;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTaskRepository;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Bad requests get 400 {@code application/problem+json} whose {@code errors} name each bad field, and change
 * nothing.
 */
@ReachflowSpringTest
class TaskValidationTest {

    @Autowired
    Api api;

    @Autowired
    OperationTaskRepository tasks;

    @Test
    void listsEveryMissingRequiredField() {
        JsonNode problem = refusedCreate(HttpJson.object());

        assertThat(errorFields(problem))
                .containsExactlyInAnyOrder("name", "channel", "pushType", "audience", "content");
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        problem.path("errors").forEach(error -> assertThat(error.path("message").asText()).isNotBlank());
    }

    @Test
    void listsMissingNestedFields() {
        ObjectNode body = manualInAppTask("Nested");
        body.with("audience").remove("type");
        body.with("content").remove("body");

        assertThat(errorFields(refusedCreate(body))).containsExactlyInAnyOrder("audience.type", "content.body");
    }

    /** One answer names every invalid field: those invalid alone and those that disagree with others. */
    @Test
    void listsInvalidFieldsAndRulesBrokenAtOnce() {
        ObjectNode body = manualInAppTask("y".repeat(65));
        body.put("pushType", "RECURRING");
        body.with("content").put("link", "javascript:alert(1)");

        JsonNode problem = refusedCreate(body);

        assertThat(errorFields(problem)).containsExactly("content.link", "name", "schedule.endAt",
                "schedule.recurrence");
    }

    /** A field invalid on its own is named once, for that, not also by a rule between fields that reads it. */
    @Test
    void namesAFieldInvalidAloneOnce() {
        JsonNode problem = refusedCreate(recurring("0 9 * * *", "Zone/" + "z".repeat(60)));

        assertThat(errorFields(problem)).containsExactly("schedule.timeZone");
        assertThat(problem.path("errors").get(0).path("message").asText()).startsWith("size must be");
    }

    /** A message that quotes what was sent says it as sent, never read as a message template. */
    @Test
    void quotesWhatWasSentLiterally() {
        String zone = "Mars/{jakarta.validation.constraints.NotNull.message}${1+1}";

        JsonNode problem = refusedCreate(recurring("0 9 * * *", zone));

        assertThat(problem.path("errors").get(0).path("message").asText()).endsWith(": " + zone);
    }

    @Test
    void refusesANameOverSixtyFourCharacters() {
        assertThat(errorFields(refusedCreate(manualInAppTask("x".repeat(65))))).containsExactly("name");
        assertThat(errorFields(refusedCreate(manualInAppTask("   ")))).containsExactly("name");
    }

    @Test
    void acceptsANameOfSixtyFourCharacters() {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", manualInAppTask("x".repeat(64)));

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    @Test
    void requiresRecurrenceAndEndForARecurringTask() {
        ObjectNode body = manualInAppTask("Every day");
        body.put("pushType", "RECURRING");

        assertThat(errorFields(refusedCreate(body))).containsExactlyInAnyOrder("schedule.recurrence", "schedule.endAt");
    }

    @Test
    void refusesABadCronExpression() {
        ObjectNode body = recurring("0 9 * * MONDAYS-ISH", "UTC");

        JsonNode problem = refusedCreate(body);

        assertThat(errorFields(problem)).containsExactly("schedule.recurrence");
        assertThat(problem.path("errors").get(0).path("message").asText()).contains("cron");
    }

    @Test
    void refusesABadTimeZone() {
        JsonNode problem = refusedCreate(recurring("0 9 * * *", "Mars/Olympus_Mons"));

        assertThat(errorFields(problem)).containsExactly("schedule.timeZone");
    }

    @Test
    void refusesATemplateThatDoesNotCompile() {
        ObjectNode body = manualInAppTask("Broken template");
        body.with("content").put("title", "Hi {{#name}} there");
        body.with("content").put("body", "Stray {{/name}} close");

        JsonNode problem = refusedCreate(body);

        assertThat(errorFields(problem)).containsExactlyInAnyOrder("content.title", "content.body");
        problem.path("errors").forEach(error ->
                assertThat(error.path("message").asText()).startsWith("is not a valid template: ").contains("name"));
    }

    /** JMustache would load a partial only when rendering, and fail every push then: refused when saved. */
    @Test
    void refusesATemplateThatIncludesAnother() {
        ObjectNode body = manualInAppTask("Partial");
        body.with("content").put("body", "{{#name}}{{> footer}}{{/name}}");

        JsonNode problem = refusedCreate(body);

        assertThat(errorFields(problem)).containsExactly("content.body");
        assertThat(problem.path("errors").get(0).path("message").asText()).contains("partials");
    }

    @Test
    void acceptsAValidRecurringTask() {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", recurring("0 9 * * MON-FRI", "Europe/Berlin"));

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getBody().path("schedule").path("recurrence").asText()).isEqualTo("0 9 * * MON-FRI");
    }

    /** A one-time send at 09:00 in Tokyo: without an offset the time is the task's, with one it is as given. */
    @Test
    void readsScheduleTimesWithoutAnOffsetInTheTasksTimeZone() {
        String day = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
        ObjectNode body = manualInAppTask("Tokyo morning");
        body.put("pushType", "ONE_TIME");
        body.putObject("schedule").put("sendAt", day + "T09:00:00").put("timeZone", "Asia/Tokyo");

        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", body);

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(Instant.parse(created.getBody().path("schedule").path("sendAt").asText()))
                .isEqualTo(Instant.parse(day + "T00:00:00Z"));

        body.with("schedule").put("sendAt", day + "T09:00:00+02:00");
        assertThat(Instant.parse(post(olivia(), "/api/tasks", body).getBody().path("schedule").path("sendAt")
                .asText())).as("an offset given wins").isEqualTo(Instant.parse(day + "T07:00:00Z"));

        body.with("schedule").put("sendAt", Instant.parse(day + "T01:00:00Z").getEpochSecond());
        assertThat(Instant.parse(post(olivia(), "/api/tasks", body).getBody().path("schedule").path("sendAt")
                .asText())).as("seconds since the epoch, as before").isEqualTo(Instant.parse(day + "T01:00:00Z"));

        body.with("schedule").put("sendAt", Instant.parse(day + "T01:00:00Z").getEpochSecond() + ".5");
        assertThat(Instant.parse(post(olivia(), "/api/tasks", body).getBody().path("schedule").path("sendAt")
                .asText())).as("in a text, with a fraction").isEqualTo(Instant.parse(day + "T01:00:00.500Z"));

        body.with("schedule").put("sendAt", 1e300);
        assertThat(errorFields(refusedCreate(body))).containsExactly("schedule.sendAt");

        body.with("schedule").put("sendAt", "");
        ResponseEntity<JsonNode> empty = post(olivia(), "/api/tasks", body);
        assertThat(empty.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(empty.getBody().path("schedule").has("sendAt")).as("empty: at once on approval").isFalse();

        body.with("schedule").put("sendAt", day + "T25:00");
        JsonNode refused = refusedCreate(body);
        assertThat(errorFields(refused)).containsExactly("schedule.sendAt");
        assertThat(refused.path("errors").get(0).path("message").asText()).contains("is not a date and time");
    }

    @Test
    void refusesCrossFieldRulesOfOtherPushTypes() {
        ObjectNode triggered = manualInAppTask("Triggered without trigger");
        triggered.put("pushType", "TRIGGERED");
        triggered.putObject("schedule").put("endAt", inDays(10));
        assertThat(errorFields(refusedCreate(triggered))).containsExactly("trigger");

        ObjectNode manualWithSendAt = manualInAppTask("Manual with sendAt");
        manualWithSendAt.putObject("schedule").put("sendAt", inDays(1));
        assertThat(errorFields(refusedCreate(manualWithSendAt))).containsExactly("schedule.sendAt");

        ObjectNode endBeforeStart = recurring("0 9 * * *", "UTC");
        endBeforeStart.with("schedule").put("startAt", inDays(20));
        assertThat(errorFields(refusedCreate(endBeforeStart))).containsExactly("schedule.endAt");

        ObjectNode manualWithStartAt = manualInAppTask("Manual with startAt");
        manualWithStartAt.putObject("schedule").put("startAt", inDays(1));
        assertThat(errorFields(refusedCreate(manualWithStartAt))).containsExactly("schedule.startAt");

        ObjectNode oneTimeWithEndAt = manualInAppTask("One-time with endAt").put("pushType", "ONE_TIME");
        oneTimeWithEndAt.putObject("schedule").put("sendAt", inDays(2)).put("endAt", inDays(1));
        assertThat(errorFields(refusedCreate(oneTimeWithEndAt))).containsExactly("schedule.endAt");

        ObjectNode manualWithEndAt = manualInAppTask("Manual with endAt");
        manualWithEndAt.putObject("schedule").put("endAt", inDays(1));
        assertThat(errorFields(refusedCreate(manualWithEndAt))).containsExactly("schedule.endAt");
    }

    /** Tags or users that the audience's type does not read are refused: they would read as a narrower audience. */
    @Test
    void refusesTagsOrUsersThatTheAudiencesTypeDoesNotRead() {
        ObjectNode allWithTags = manualInAppTask("All but tagged");
        allWithTags.putObject("audience").put("type", "ALL").set("tags", HttpJson.array("vip"));
        ObjectNode allWithUsers = manualInAppTask("All but named");
        allWithUsers.putObject("audience").put("type", "ALL").set("users", HttpJson.array("alice"));
        ObjectNode tagsWithUsers = manualInAppTask("Tags and users");
        tagsWithUsers.putObject("audience").put("type", "TAGS").set("tags", HttpJson.array("vip"));
        tagsWithUsers.with("audience").set("users", HttpJson.array("alice"));
        ObjectNode usersWithTags = manualInAppTask("Users and tags");
        usersWithTags.putObject("audience").put("type", "USERS").set("users", HttpJson.array("alice"));
        usersWithTags.with("audience").set("tags", HttpJson.array("vip"));
        ObjectNode allButExcluded = manualInAppTask("All but the excluded");
        allButExcluded.putObject("audience").put("type", "ALL").set("excludeTags", HttpJson.array("churned"));

        assertThat(errorFields(refusedCreate(allWithTags))).containsExactly("audience.tags");
        assertThat(errorFields(refusedCreate(allWithUsers))).containsExactly("audience.users");
        assertThat(errorFields(refusedCreate(tagsWithUsers))).containsExactly("audience.users");
        assertThat(errorFields(refusedCreate(usersWithTags))).containsExactly("audience.tags");
        assertThat(post(olivia(), "/api/tasks", allButExcluded).getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    @Test
    void refusesAnUnknownEnumValueInTheBody() {
        ObjectNode body = manualInAppTask("Fax campaign");
        body.put("channel", "FAX");

        JsonNode problem = refusedCreate(body);

        assertThat(errorFields(problem)).containsExactly("channel");
        assertThat(problem.path("errors").get(0).path("message").asText()).contains("FAX").contains("IN_APP");
    }

    @Test
    void refusesAnUnknownNestedEnumValueInTheBody() {
        ObjectNode body = manualInAppTask("Everyone");
        body.with("audience").put("type", "EVERYONE");

        assertThat(errorFields(refusedCreate(body))).containsExactly("audience.type");
    }

    @Test
    void refusesAMalformedBody() {
        long before = tasks.count();

        ResponseEntity<JsonNode> refused = olivia().post().uri("/api/tasks")
                .contentType(MediaType.APPLICATION_JSON).body("{\"name\": ")
                .retrieve().toEntity(JsonNode.class);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getBody().path("detail").asText()).startsWith("The body is not valid JSON: ")
                .endsWith(" at line 1, column 10");
        assertThat(tasks.count()).isEqualTo(before);
    }

    /** What Jackson says of a body names Java types and methods; the API says it in its own words. */
    @Test
    void saysWhatIsWrongWithABodyWithoutJavaInternals() {
        long id = post(olivia(), "/api/tasks", manualInAppTask("Read back")).getBody().path("id").asLong();
        ObjectNode doNotDisturb = manualInAppTask("Funday");
        doNotDisturb.putObject("schedule").set("doNotDisturbDays", HttpJson.array("FUNDAY"));

        Map<String, ResponseEntity<JsonNode>> refused = new LinkedHashMap<>();
        refused.put("The body is missing", olivia().post().uri("/api/tasks").contentType(MediaType.APPLICATION_JSON)
                .retrieve().toEntity(JsonNode.class));
        refused.put("The body must be an object", post(olivia(), "/api/tasks", HttpJson.array("name")));
        refused.put("Field 'channel' cannot be 'FAX'; one of [IN_APP, PUSH, SMS, EMAIL, WEBHOOK]",
                post(olivia(), "/api/tasks", manualInAppTask("Fax").put("channel", "FAX")));
        refused.put("Field 'version' must be a whole number",
                put(olivia(), "/api/tasks/{id}", manualInAppTask("Renamed").put("version", "latest"), id));
        refused.put("Field 'testers' must be a list",
                post(olivia(), "/api/tasks", manualInAppTask("One tester").put("testers", Fixtures.OPERATOR)));
        refused.put("Field 'schedule.doNotDisturbDays[0]' cannot be 'FUNDAY'; one of [MONDAY, TUESDAY, WEDNESDAY, "
                + "THURSDAY, FRIDAY, SATURDAY, SUNDAY]", post(olivia(), "/api/tasks", doNotDisturb));

        refused.forEach((detail, response) -> {
            assertThat(response.getStatusCode()).as(detail).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(response.getHeaders().getContentType()).as(detail).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(response.getBody().path("detail").asText()).isEqualTo(detail);
            assertThat(response.getBody().toString()).as(detail)
                    .doesNotContain("io.reachflow", "java.", "TaskController", "`", "Source");
        });
        assertThat(refused.get("Field 'version' must be a whole number").getBody().path("errors").get(0).path("field")
                .asText()).isEqualTo("version");
    }

    /**
     * PostgreSQL stores no NUL character in text (H2 does), so one would be a 500 there: it is a 400 naming the field
     * or the parameter, on every database, and nothing is written.
     */
    @Test
    void refusesANulCharacterInAnyTextOrParameter() {
        long before = tasks.count();
        ObjectNode inName = manualInAppTask("Spring\u0000sale");
        ObjectNode inTester = manualInAppTask("Testers");
        inTester.set("testers", HttpJson.array(Fixtures.OPERATOR, "ghost\u0000"));
        ObjectNode inBody = manualInAppTask("Body");
        inBody.with("content").put("body", "Hello\u0000");

        assertThat(errorFields(refusedCreate(inName))).containsExactly("name");
        assertThat(errorFields(refusedCreate(inTester))).containsExactly("testers[1]");
        JsonNode problem = refusedCreate(inBody);
        assertThat(errorFields(problem)).containsExactly("content.body");
        assertThat(problem.path("detail").asText()).isEqualTo("Field 'content.body' must not contain a NUL character "
                + "(\\u0000)");
        assertThat(tasks.count()).isEqualTo(before);
        assertThat(errorFields(refusedList("/api/tasks?createdBy={who}", "olivia\u0000"))).containsExactly("createdBy");
        assertThat(errorFields(refusedList("/api/tasks/1/pushes/1/recipients?reason={reason}", "\u0000")))
                .containsExactly("reason");
    }

    /** A value of another JSON type than the field's is refused, not converted: what was meant is not guessed. */
    @Test
    void refusesAValueOfTheWrongJsonTypeInsteadOfConvertingIt() {
        long id = post(olivia(), "/api/tasks", manualInAppTask("Typed")).getBody().path("id").asLong();
        ObjectNode fractionalLimit = manualInAppTask("Limit");
        fractionalLimit.putObject("schedule").put("rateLimitPerMinute", 1.5);
        ObjectNode textLimit = manualInAppTask("Limit");
        textLimit.putObject("schedule").put("rateLimitPerMinute", "10");

        assertThat(refusedCreate(manualInAppTask("x").put("name", 5)).path("detail").asText())
                .isEqualTo("Field 'name' must be a text");
        assertThat(refusedCreate(manualInAppTask("x").put("name", true)).path("detail").asText())
                .isEqualTo("Field 'name' must be a text");
        assertThat(refusedCreate(fractionalLimit).path("detail").asText())
                .isEqualTo("Field 'schedule.rateLimitPerMinute' must be a whole number");
        assertThat(errorFields(refusedCreate(textLimit))).containsExactly("schedule.rateLimitPerMinute");
        ResponseEntity<JsonNode> fractionalVersion = put(olivia(), "/api/tasks/{id}",
                manualInAppTask("Renamed").put("version", 0.7), id);
        assertThat(fractionalVersion.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(fractionalVersion.getBody())).containsExactly("version");
        assertThat(get(olivia(), "/api/tasks/{id}", id).getBody().path("name").asText()).isEqualTo("Typed");
    }

    /** An enum's value is its name: a number (its position) would pick a value silently. */
    @Test
    void refusesANumberForAnEnumsValue() {
        assertThat(errorFields(refusedCreate(manualInAppTask("x").put("channel", 3)))).containsExactly("channel");
        assertThat(errorFields(refusedCreate(manualInAppTask("x").put("channel", "3")))).containsExactly("channel");
        ObjectNode dayNumber = manualInAppTask("x");
        dayNumber.putObject("schedule").putArray("doNotDisturbDays").add(6);
        assertThat(errorFields(refusedCreate(dayNumber))).containsExactly("schedule.doNotDisturbDays[0]");
    }

    @Test
    void refusesAFieldGivenTwice() {
        ResponseEntity<JsonNode> refused = olivia().post().uri("/api/tasks").contentType(MediaType.APPLICATION_JSON)
                .body("{\"name\": \"one\", \"name\": \"two\"}").retrieve().toEntity(JsonNode.class);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody().path("detail").asText()).startsWith("The body is not valid JSON: ")
                .contains("Duplicate field 'name'");
    }

    /** A misspelt field would have been dropped: a one-time task without its send time sends at once on approval. */
    @Test
    void refusesAnUnknownFieldNamingIt() {
        ObjectNode misspelt = manualInAppTask("Misspelt");
        misspelt.put("pushType", "ONE_TIME");
        misspelt.putObject("schedule").put("sendat", inDays(30));
        ObjectNode unknown = manualInAppTask("Coloured").put("colour", "red");

        JsonNode problem = refusedCreate(misspelt);

        assertThat(errorFields(problem)).containsExactly("schedule.sendat");
        assertThat(problem.path("errors").get(0).path("message").asText()).startsWith("unknown field; known fields: ")
                .contains("sendAt", "timeZone");
        assertThat(problem.path("detail").asText()).startsWith("Field 'schedule.sendat' is unknown");
        assertThat(errorFields(refusedCreate(unknown))).containsExactly("colour");
    }

    /**
     * The API reads JSON only: the same misspelt body in YAML, which a YAML converter would read leniently (dropping
     * the unknown field, converting "10" to a number, taking a field given twice), is a 415 naming what it reads, and
     * changes nothing; so is a profile in YAML. Nor does it answer in YAML, nor a task as a problem.
     */
    @Test
    void refusesABodyInYamlNamingJson() throws Exception {
        ObjectNode misspelt = manualInAppTask("Misspelt in YAML");
        misspelt.put("pushType", "ONE_TIME");
        misspelt.putObject("schedule").put("sendat", inDays(30)).put("rateLimitPerMinute", "10");
        String yaml = new YAMLMapper().writeValueAsString(misspelt);
        MediaType applicationYaml = MediaType.parseMediaType("application/yaml");
        long before = tasks.count();

        ResponseEntity<JsonNode> refused = olivia().post().uri("/api/tasks").contentType(applicationYaml).body(yaml)
                .retrieve().toEntity(JsonNode.class);
        String user = "yaml-" + HttpJson.uniqueWord();
        ResponseEntity<JsonNode> profile = olivia().put().uri("/api/users/{id}", user).contentType(applicationYaml)
                .body("name: Yaml\nname: Twice\nnickname: unknown\n").retrieve().toEntity(JsonNode.class);

        for (ResponseEntity<JsonNode> inYaml : List.of(refused, profile)) {
            assertThat(inYaml.getStatusCode()).as("%s", inYaml.getBody()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
            assertThat(inYaml.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(inYaml.getBody().path("detail").asText())
                    .startsWith("This endpoint does not read a body with Content-Type 'application/yaml")
                    .endsWith("; send one of 'application/json', 'application/*+json'");
        }
        assertThat(tasks.count()).isEqualTo(before);
        assertThat(get(olivia(), "/api/users/{id}", user).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        long id = post(olivia(), "/api/tasks", manualInAppTask("Read in JSON")).getBody().path("id").asLong();
        ResponseEntity<String> asYaml = olivia().get().uri("/api/tasks/{id}", id).accept(applicationYaml).retrieve()
                .toEntity(String.class);
        ResponseEntity<String> asProblem = olivia().get().uri("/api/tasks/{id}", id)
                .accept(MediaType.APPLICATION_PROBLEM_JSON).retrieve().toEntity(String.class);
        ResponseEntity<String> listAsProblem = olivia().get().uri("/api/tasks/{id}/history", id)
                .accept(MediaType.APPLICATION_PROBLEM_JSON).retrieve().toEntity(String.class);
        for (ResponseEntity<String> notAcceptable : List.of(asYaml, asProblem, listAsProblem)) {
            assertThat(notAcceptable.getStatusCode()).isEqualTo(HttpStatus.NOT_ACCEPTABLE);
            assertThat(notAcceptable.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(notAcceptable.getBody()).contains("application/json");
        }
        ResponseEntity<JsonNode> either = olivia().get().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.ACCEPT, "application/problem+json, application/json").retrieve()
                .toEntity(JsonNode.class);
        assertThat(either.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(either.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        ResponseEntity<JsonNode> missing = olivia().get().uri("/api/tasks/{id}", Long.MAX_VALUE)
                .accept(MediaType.APPLICATION_PROBLEM_JSON).retrieve().toEntity(JsonNode.class);
        assertThat(missing.getStatusCode()).as("a problem still is one").isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /**
     * A task as {@code GET} answers it can be changed and sent back: what the view has beyond the request (its state,
     * who and when) is ignored, not refused as unknown.
     */
    @Test
    void theFieldsARequestIgnoresAreTheViewsReadOnlyOnes() {
        Set<String> request = Arrays.stream(TaskRequest.class.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toSet());
        Set<String> readOnly = Arrays.stream(TaskView.class.getRecordComponents()).map(RecordComponent::getName)
                .filter(name -> !request.contains(name)).collect(Collectors.toSet());

        assertThat(TaskRequest.class.getAnnotation(JsonIgnoreProperties.class).value())
                .containsExactlyInAnyOrderElementsOf(readOnly);
    }

    @Test
    void refusesALinkThatIsNoWebAddress() {
        for (String link : List.of("javascript:alert(1)", "data:text/html,<b>hi</b>", "ftp://example.com/file",
                "/sale", "https://", "https://exa mple.com")) {
            ObjectNode body = manualInAppTask("Link");
            body.with("content").put("link", link);
            assertThat(errorFields(refusedCreate(body))).as(link).containsExactly("content.link");
        }
        ObjectNode plain = manualInAppTask("Plain link");
        plain.with("content").put("link", "HTTP://shop.example.com:8080/sale?week=1#top");
        assertThat(post(olivia(), "/api/tasks", plain).getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    @Test
    void refusesAnInvalidEditAndKeepsTheTask() {
        JsonNode created = post(olivia(), "/api/tasks", manualInAppTask("Stays valid")).getBody();
        long id = created.path("id").asLong();

        ResponseEntity<JsonNode> refused = put(olivia(), "/api/tasks/{id}", manualInAppTask("y".repeat(65)), id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("name");
        JsonNode current = get(olivia(), "/api/tasks/{id}", id).getBody();
        assertThat(current.path("name").asText()).isEqualTo("Stays valid");
        assertThat(current.path("version").asLong()).isEqualTo(created.path("version").asLong());
    }

    @Test
    void refusesBadQueryParametersWithTheParameterNamed() {
        assertThat(errorFields(refusedList("/api/tasks?status=SLEEPING"))).containsExactly("status");
        assertThat(errorFields(refusedList("/api/tasks?channel=FAX"))).containsExactly("channel");
        assertThat(errorFields(refusedList("/api/tasks?size=0"))).containsExactly("size");
        assertThat(errorFields(refusedList("/api/tasks?size=201"))).containsExactly("size");
        assertThat(errorFields(refusedList("/api/tasks?page=-1"))).containsExactly("page");
        assertThat(errorFields(refusedList("/api/tasks?page=first"))).containsExactly("page");
        assertThat(errorFields(refusedList("/api/tasks?sort=password,asc"))).containsExactly("sort");
        assertThat(errorFields(refusedList("/api/tasks?sort=name,sideways"))).containsExactly("sort");
        assertThat(errorFields(refusedList("/api/tasks?sort=name,asc,desc"))).containsExactly("sort");
        for (String twoSorts : List.of("sort=name,asc&sort=id,desc", "sort=name&sort=id")) {
            assertThat(refusedList("/api/tasks?" + twoSorts).path("errors").get(0).path("message").asText())
                    .as("two sorts, joined by the binding").contains("a list sorts by one property");
        }
        assertThat(get(olivia(), "/api/tasks?sort=name,DESC").getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(errorFields(refusedList("/api/tasks/1/pushes/1/recipients?size=0"))).containsExactly("size");
    }

    /** A page's offset, page × size, must fit the database query's: beyond it is a 400 on page, not a 500. */
    @Test
    void refusesAPageBeyondAnyListWithThePageNamed() {
        JsonNode refused = refusedList("/api/tasks?page=10737419&size=200");

        assertThat(errorFields(refused)).containsExactly("page");
        assertThat(refused.path("detail").asText()).contains("10737418");
        ResponseEntity<JsonNode> last = get(olivia(), "/api/tasks?page=10737418&size=200");
        assertThat(last.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(last.getBody().path("items")).isEmpty();
    }

    @Test
    void refusesAnIfMatchThatIsNoVersion() {
        long id = post(olivia(), "/api/tasks", manualInAppTask("Versioned")).getBody().path("id").asLong();

        ResponseEntity<JsonNode> refused = olivia().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, "\"latest\"").body(manualInAppTask("Renamed"))
                .retrieve().toEntity(JsonNode.class);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(errorFields(refused.getBody())).containsExactly("If-Match");
        assertThat(get(olivia(), "/api/tasks/{id}", id).getBody().path("name").asText()).isEqualTo("Versioned");
    }

    /** An If-Match and a body's version that disagree: which one the caller read is unknown, so neither is taken. */
    @Test
    void refusesAnIfMatchThatDisagreesWithTheBodysVersion() {
        JsonNode created = post(olivia(), "/api/tasks", manualInAppTask("Versioned twice")).getBody();
        long id = created.path("id").asLong();
        long version = created.path("version").asLong();

        ResponseEntity<JsonNode> refused = olivia().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, "\"" + version + "\"")
                .body(manualInAppTask("Renamed").put("version", version + 1)).retrieve().toEntity(JsonNode.class);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("If-Match");
        assertThat(refused.getBody().path("detail").asText()).contains("version " + version)
                .contains("version " + (version + 1));
        assertThat(get(olivia(), "/api/tasks/{id}", id).getBody().path("name").asText()).isEqualTo("Versioned twice");
        ResponseEntity<JsonNode> agreed = olivia().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, "\"" + version + "\"")
                .body(manualInAppTask("Renamed").put("version", version)).retrieve().toEntity(JsonNode.class);
        assertThat(agreed.getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private JsonNode refusedList(String uri, Object... variables) {
        ResponseEntity<JsonNode> refused = get(olivia(), uri, variables);
        assertThat(refused.getStatusCode()).as(uri).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).as(uri).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getBody().path("status").asInt()).isEqualTo(400);
        assertThat(refused.getBody().path("type").asText()).as(uri).isEqualTo("urn:reachflow:problem:invalid-request");
        return refused.getBody();
    }

    /** Posts a body that must be refused, and checks the refusal created nothing. */
    private JsonNode refusedCreate(ObjectNode body) {
        long before = tasks.count();
        ResponseEntity<JsonNode> refused = post(olivia(), "/api/tasks", body);
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getBody().path("status").asInt()).isEqualTo(400);
        assertThat(tasks.count()).as("tasks after a refused create").isEqualTo(before);
        return refused.getBody();
    }

    private static ObjectNode recurring(String cron, String timeZone) {
        ObjectNode body = manualInAppTask("Recurring");
        body.put("pushType", "RECURRING");
        ObjectNode schedule = body.putObject("schedule");
        schedule.put("startAt", inDays(1));
        schedule.put("endAt", inDays(10));
        schedule.put("recurrence", cron);
        schedule.put("timeZone", timeZone);
        return body;
    }

    private static String inDays(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private RestClient olivia() {
        return api.as(Fixtures.OPERATOR);
    }
}
