package io.reachflow.task.web;

import static io.reachflow.support.HttpJson.errorFields;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.object;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.RecipientCounts;
import io.reachflow.lifecycle.TaskCommands;
import io.reachflow.support.Api;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.Logs;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

/** {@code POST /api/tasks/{id}/{action}}, subgroup, history, test rounds and pushes over real HTTP. */
@ReachflowSpringTest
class TaskActionsApiTest {

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    UserService users;

    @Autowired
    Deliveries deliveries;

    @Autowired
    DeliveryService delivery;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void refusesAnActionTheStateDoesNotAllowListingTheAllowedOnes() {
        long id = created("Not running yet");

        ResponseEntity<JsonNode> refused = post(olivia(), "/api/tasks/{id}/pause", null, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getBody().path("detail").asText()).contains("PAUSE");
        assertThat(refused.getBody().path("type").asText()).isEqualTo("urn:reachflow:problem:action-not-allowed");
        assertThat(texts(refused.getBody().path("allowedActions")))
                .containsExactlyInAnyOrder("EDIT", "TEST", "COPY", "DELETE", "CHANGE_SUBGROUP");
        assertThat(task(id).path("status").asText()).isEqualTo("DRAFT");
    }

    @Test
    void refusesToSubmitAnUntestedDraft() {
        long id = created("Untested");

        ResponseEntity<JsonNode> refused = post(olivia(), "/api/tasks/{id}/submit", null, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(texts(refused.getBody().path("allowedActions"))).doesNotContain("SUBMIT");
        assertThat(task(id).path("status").asText()).isEqualTo("DRAFT");
    }

    @Test
    void refusesEveryActionButCopyAndSubgroupOnACompletedTask() {
        OperationTask completed = fixtures.completed(Fixtures.manualInApp());

        for (String action : List.of("test", "submit", "pause", "resume", "complete", "send", "withdraw")) {
            ResponseEntity<JsonNode> refused = post(olivia(), "/api/tasks/{id}/{action}", null, completed.getId(), action);
            assertThat(refused.getStatusCode()).as(action).isEqualTo(HttpStatus.CONFLICT);
            assertThat(texts(refused.getBody().path("allowedActions"))).as(action)
                    .containsExactlyInAnyOrder("COPY", "CHANGE_SUBGROUP");
        }
        assertThat(task(completed.getId()).path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void answersNotFoundForAnUnknownAction() {
        long id = created("No such action");

        ResponseEntity<JsonNode> unknown = post(olivia(), "/api/tasks/{id}/launch", null, id);

        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(unknown.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void refusesARejectionWithoutComment() {
        OperationTask underReview = fixtures.underReview(Fixtures.manualInApp());

        ResponseEntity<JsonNode> noBody = post(rita(), "/api/tasks/{id}/reject", null, underReview.getId());
        ResponseEntity<JsonNode> blank = post(rita(), "/api/tasks/{id}/reject", object().put("comment", "  "),
                underReview.getId());

        for (ResponseEntity<JsonNode> refused : List.of(noBody, blank)) {
            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(errorFields(refused.getBody())).containsExactly("comment");
        }
        JsonNode task = task(underReview.getId());
        assertThat(task.path("status").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("UNDER_REVIEW");
    }

    @Test
    void rejectsWithACommentBackToTesting() {
        OperationTask underReview = fixtures.underReview(Fixtures.manualInApp());

        ResponseEntity<JsonNode> rejected = post(rita(), "/api/tasks/{id}/reject",
                object().put("comment", "The link is wrong"), underReview.getId());

        assertThat(rejected.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(rejected.getBody().path("status").asText()).isEqualTo("TESTING");
        assertThat(rejected.getBody().path("approvalStatus").asText()).isEqualTo("REJECTED");
        assertThat(rejected.getBody().path("approvalNote").asText()).isEqualTo("The link is wrong");
    }

    @Test
    void copiesAsANewDraftOfTheCaller() {
        OperationTask running = fixtures.running(Fixtures.manualInApp());
        JsonNode original = task(running.getId());

        ResponseEntity<JsonNode> copied = post(api.as(Fixtures.OTHER_OPERATOR), "/api/tasks/{id}/copy", null,
                running.getId());

        assertThat(copied.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        JsonNode copy = copied.getBody();
        long copyId = copy.path("id").asLong();
        assertThat(copyId).isNotEqualTo(running.getId());
        assertThat(copied.getHeaders().getLocation()).isEqualTo(URI.create("/api/tasks/" + copyId));
        assertThat(copy.path("name").asText()).isEqualTo("Copy of " + original.path("name").asText());
        assertThat(copy.path("status").asText()).isEqualTo("DRAFT");
        assertThat(copy.path("approvalStatus").asText()).isEqualTo("NONE");
        assertThat(copy.path("createdBy").asText()).isEqualTo(Fixtures.OTHER_OPERATOR);
        for (String field : List.of("content", "audience", "schedule", "channel", "pushType", "testers", "campaign")) {
            assertThat(copy.path(field)).as(field).isEqualTo(original.path(field));
        }
        assertThat(copy.has("approvedBy")).isFalse();
        assertThat(task(running.getId()).path("status").asText()).isEqualTo("RUNNING");
        assertThat(task(copyId).path("name").asText()).isEqualTo(copy.path("name").asText());
    }

    @Test
    void copiesALongNameWithinSixtyFourCharacters() {
        long id = created("z".repeat(64));

        ResponseEntity<JsonNode> copied = post(olivia(), "/api/tasks/{id}/copy", null, id);

        assertThat(copied.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(copied.getBody().path("name").asText()).startsWith("Copy of zzz").hasSize(64);
    }

    /** A name cut for "Copy of " is cut between characters: an emoji is never split into a lone surrogate. */
    @Test
    void copiesANameOfEmojiWithoutSplittingOne() {
        String grin = "\uD83D\uDE00";
        long id = created("a" + grin.repeat(31));

        ResponseEntity<JsonNode> copied = post(olivia(), "/api/tasks/{id}/copy", null, id);

        assertThat(copied.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(copied.getBody().path("name").asText()).isEqualTo("Copy of a" + grin.repeat(27));
    }

    @Test
    void movesATaskToNoSubgroupForABlankOne() {
        long id = created("Leaves its subgroup");

        ResponseEntity<JsonNode> moved = put(olivia(), "/api/tasks/{id}/subgroup", object().put("subgroup", " "), id);

        assertThat(moved.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(task(id).has("subgroup")).isFalse();
    }

    @Test
    void changesTheSubgroupOfARunningTaskAndKeepsItsApproval() {
        OperationTask running = fixtures.running(Fixtures.manualInApp());

        ResponseEntity<JsonNode> moved = put(olivia(), "/api/tasks/{id}/subgroup", object().put("subgroup", "south"),
                running.getId());

        assertThat(moved.getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode task = task(running.getId());
        assertThat(task.path("subgroup").asText()).isEqualTo("south");
        assertThat(task.path("status").asText()).isEqualTo("RUNNING");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("APPROVED");
        assertThat(task.path("approvedBy").asText()).isEqualTo(Fixtures.REVIEWER);
        assertThat(texts(task.path("allowedActions"))).contains("PAUSE", "SEND");
    }

    @Test
    void editingAPausedTaskSendsItBackToTestingWithoutApproval() {
        OperationTask paused = fixtures.paused(Fixtures.manualInApp());

        long version = get(olivia(), "/api/tasks/{id}", paused.getId()).getBody().path("version").asLong();
        ResponseEntity<JsonNode> edited = put(olivia(), "/api/tasks/{id}",
                manualInAppTask("Changed while paused").put("version", version), paused.getId());

        assertThat(edited.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(edited.getBody().path("status").asText()).isEqualTo("TESTING");
        assertThat(edited.getBody().path("approvalStatus").asText()).isEqualTo("NONE");
        assertThat(edited.getBody().has("approvedBy")).as("the approval is gone, and who gave it").isFalse();
        assertThat(edited.getBody().has("approvedAt")).isFalse();
        assertThat(texts(edited.getBody().path("allowedActions"))).contains("TEST", "SUBMIT").doesNotContain("RESUME");
    }

    /**
     * A task read and sent back whole, unchanged or with only its subgroup changed, keeps its approval: nothing that
     * was approved changed (before, any edit of a paused task sent it back to testing).
     */
    @Test
    void anEditThatChangesNothingMaterialKeepsTheApproval() {
        OperationTask paused = fixtures.paused(Fixtures.manualInApp());
        ObjectNode asRead = (ObjectNode) get(olivia(), "/api/tasks/{id}", paused.getId()).getBody();
        int historyBefore = get(olivia(), "/api/tasks/{id}/history", paused.getId()).getBody().size();

        ResponseEntity<JsonNode> sameAgain = put(olivia(), "/api/tasks/{id}", asRead, paused.getId());
        ResponseEntity<JsonNode> moved = put(olivia(), "/api/tasks/{id}", asRead.deepCopy().put("subgroup", "east")
                .put("version", sameAgain.getBody().path("version").asLong()), paused.getId());

        assertThat(sameAgain.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(moved.getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode task = task(paused.getId());
        assertThat(task.path("status").asText()).isEqualTo("PAUSED");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("APPROVED");
        assertThat(task.path("subgroup").asText()).isEqualTo("east");
        JsonNode history = get(olivia(), "/api/tasks/{id}/history", paused.getId()).getBody();
        assertThat(history).hasSize(historyBefore + 1);
        assertThat(history.get(history.size() - 1).path("action").asText()).isEqualTo("CHANGE_SUBGROUP");

        ResponseEntity<JsonNode> changed = put(olivia(), "/api/tasks/{id}", asRead.deepCopy().put("name", "Renamed")
                .put("version", task.path("version").asLong()), paused.getId());
        assertThat(changed.getBody().path("status").asText()).as("a real change still needs a new approval")
                .isEqualTo("TESTING");
    }

    /**
     * A tester named twice is one tester, first place kept, on create, edit and a new list: the test round reaches
     * each once (it recorded the second as a duplicate and failed its job into an incident). Ids are case-sensitive.
     */
    @Test
    void aTesterNamedTwiceIsOneTester() {
        ObjectNode body = manualInAppTask("Tested once each");
        body.set("testers",
                HttpJson.array(Fixtures.OPERATOR_AND_REVIEWER, Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER));
        JsonNode created = post(olivia(), "/api/tasks", body).getBody();
        long id = created.path("id").asLong();
        assertThat(texts(created.path("testers"))).containsExactly(Fixtures.OPERATOR_AND_REVIEWER, Fixtures.OPERATOR);

        ObjectNode otherCase = object();
        otherCase.set("testers", HttpJson.array(Fixtures.OPERATOR, "OLIVIA"));
        ResponseEntity<JsonNode> refused = olivia().put().uri("/api/tasks/{id}/testers", id)
                .header(HttpHeaders.IF_MATCH, "*").body(otherCase).retrieve().toEntity(JsonNode.class);
        assertThat(refused.getStatusCode()).as("OLIVIA is not olivia, and no user").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("testers");

        ObjectNode twice = object();
        twice.set("testers", HttpJson.array(Fixtures.OPERATOR, Fixtures.OTHER_OPERATOR, Fixtures.OPERATOR));
        ResponseEntity<JsonNode> changed = olivia().put().uri("/api/tasks/{id}/testers", id)
                .header(HttpHeaders.IF_MATCH, "*").body(twice).retrieve().toEntity(JsonNode.class);

        assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(texts(changed.getBody().path("testers")))
                .containsExactly(Fixtures.OPERATOR, Fixtures.OTHER_OPERATOR);
        act(Fixtures.OPERATOR, id, "test", null);
        engine.runDueJobs(id);
        assertThat(get(olivia(), "/api/tasks/{id}/incidents", id).getBody()).isEmpty();
        JsonNode round = get(olivia(), "/api/tasks/{id}/test-rounds", id).getBody().get(0);
        assertThat(texts(round.path("testers"), "userId")).as("in user id order")
                .containsExactly(Fixtures.OPERATOR, Fixtures.OTHER_OPERATOR);
    }

    /**
     * The testers are part of what is approved: a new list sends a paused task back to testing. The list is replaced
     * whole, so the change says which version it was made from.
     */
    @Test
    void changingTheTestersOfAPausedTaskSendsItBackToTestingAndWantsTheVersion() {
        OperationTask paused = fixtures.paused(Fixtures.manualInApp());
        String testers = "/api/tasks/{id}/testers";
        ObjectNode una = HttpJson.object();
        una.set("testers", HttpJson.array(Fixtures.OPERATOR_AND_REVIEWER));
        String etag = get(olivia(), "/api/tasks/{id}", paused.getId()).getHeaders().getETag();

        ResponseEntity<JsonNode> blind = put(olivia(), testers, una, paused.getId());
        ResponseEntity<JsonNode> stale = olivia().put().uri(testers, paused.getId())
                .header(HttpHeaders.IF_MATCH, "\"0\"").body(una).retrieve().toEntity(JsonNode.class);
        assertThat(blind.getStatusCode()).isEqualTo(HttpStatus.PRECONDITION_REQUIRED);
        assertThat(stale.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(get(olivia(), "/api/tasks/{id}", paused.getId()).getBody().path("status").asText())
                .isEqualTo("PAUSED");

        ResponseEntity<JsonNode> changed = olivia().put().uri(testers, paused.getId())
                .header(HttpHeaders.IF_MATCH, etag).body(una).retrieve().toEntity(JsonNode.class);

        assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(texts(changed.getBody().path("testers"))).containsExactly(Fixtures.OPERATOR_AND_REVIEWER);
        assertThat(changed.getBody().path("status").asText()).isEqualTo("TESTING");
        assertThat(changed.getBody().path("approvalStatus").asText()).isEqualTo("NONE");
        assertThat(changed.getBody().has("approvedBy")).isFalse();
        assertThat(texts(get(olivia(), "/api/tasks/{id}/history", paused.getId()).getBody(), "action"))
                .endsWith("CHANGE_TESTERS");
        ObjectNode both = HttpJson.object();
        both.set("testers", HttpJson.array(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER));
        assertThat(olivia().put().uri(testers, paused.getId()).header(HttpHeaders.IF_MATCH, changed.getHeaders().getETag())
                .body(both).retrieve().toEntity(JsonNode.class).getStatusCode())
                .as("the answer's ETag is the new version").isEqualTo(HttpStatus.OK);
    }

    @Test
    void showsTheHistoryOldestFirstWithActorStatusAndComment() {
        long id = created("With a history");
        act(Fixtures.OPERATOR, id, "test", "first round");
        engine.runDueJobs();
        act(Fixtures.OPERATOR, id, "submit", null);
        act(Fixtures.REVIEWER, id, "reject", "Wrong audience");

        ResponseEntity<JsonNode> history = get(olivia(), "/api/tasks/{id}/history", id);

        assertThat(history.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<JsonNode> entries = new ArrayList<>();
        history.getBody().forEach(entries::add);
        assertThat(entries).extracting(e -> e.path("action").asText())
                .startsWith("CREATE", "TEST").containsSubsequence("CREATE", "TEST", "SUBMIT");
        assertThat(entries).extracting(e -> e.path("id").asLong()).isSorted();
        assertThat(entries).extracting(e -> Instant.parse(e.path("at").asText())).isSorted();
        JsonNode created = entries.get(0);
        assertThat(created.path("actor").asText()).isEqualTo(Fixtures.OPERATOR);
        assertThat(created.path("taskId").asLong()).isEqualTo(id);
        JsonNode test = entries.get(1);
        assertThat(test.path("actor").asText()).isEqualTo(Fixtures.OPERATOR);
        assertThat(test.path("statusBefore").asText()).isEqualTo("DRAFT");
        assertThat(test.path("statusAfter").asText()).isEqualTo("TESTING");
        assertThat(test.path("comment").asText()).isEqualTo("first round");
        JsonNode submitted = entries.stream().filter(e -> e.path("action").asText().equals("SUBMIT")).findFirst()
                .orElseThrow();
        assertThat(submitted.path("statusBefore").asText()).isEqualTo("TESTING");
        assertThat(submitted.path("statusAfter").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(submitted.path("approvalAfter").asText()).isEqualTo("UNDER_REVIEW");
        JsonNode last = entries.get(entries.size() - 1);
        assertThat(last.path("actor").asText()).isEqualTo(Fixtures.REVIEWER);
        assertThat(last.path("statusBefore").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(last.path("statusAfter").asText()).isEqualTo("TESTING");
        assertThat(last.path("approvalAfter").asText()).isEqualTo("REJECTED");
        assertThat(last.path("comment").asText()).isEqualTo("Wrong audience");
    }

    @Test
    void showsTestRoundsWithEachTestersResult() {
        long id = created("Tested twice");
        act(Fixtures.OPERATOR, id, "test", null);
        engine.runDueJobs();
        ObjectNode body = manualInAppTask("Tested twice")
                .put("version", get(olivia(), "/api/tasks/{id}", id).getBody().path("version").asLong());
        // staff without a profile: no inbox to reach
        body.set("testers", HttpJson.array(Fixtures.OPERATOR, fixtures.newOperator("nobody", "secret")));
        assertThat(put(olivia(), "/api/tasks/{id}", body, id).getStatusCode()).isEqualTo(HttpStatus.OK);
        act(Fixtures.OPERATOR, id, "test", null);
        engine.runDueJobs();

        ResponseEntity<JsonNode> rounds = get(olivia(), "/api/tasks/{id}/test-rounds", id);

        assertThat(rounds.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(rounds.getBody()).hasSize(2);
        JsonNode newest = rounds.getBody().get(0);
        JsonNode oldest = rounds.getBody().get(1);
        assertThat(newest.path("id").asLong()).isGreaterThan(oldest.path("id").asLong());
        assertThat(newest.path("taskRevision").asInt()).isGreaterThan(oldest.path("taskRevision").asInt());
        assertThat(oldest.path("channel").asText()).isEqualTo("IN_APP");
        assertThat(texts(oldest.path("testers"), "userId"))
                .containsExactlyInAnyOrder(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER);
        assertThat(texts(oldest.path("testers"), "status")).containsOnly("DELIVERED");
        JsonNode unknownTester = null;
        for (JsonNode tester : newest.path("testers")) {
            if (tester.path("userId").asText().startsWith("nobody-")) {
                unknownTester = tester;
            } else {
                assertThat(tester.path("status").asText()).isEqualTo("DELIVERED");
            }
        }
        assertThat(unknownTester).isNotNull();
        assertThat(unknownTester.path("status").asText()).isEqualTo("FAILED");
        assertThat(unknownTester.path("reason").asText()).isEqualTo("UNKNOWN_USER");
        assertThat(oldest.path("number").asInt()).isEqualTo(1);
        assertThat(oldest.path("result").asText()).as("it reached every tester").isEqualTo("PASSED");
        assertThat(newest.path("number").asInt()).isEqualTo(2);
        assertThat(newest.path("status").asText()).as("the run is done").isEqualTo("DELIVERED");
        assertThat(newest.path("result").asText()).as("it missed a tester").isEqualTo("FAILED");
    }

    /** Each action's log line names the task, who did it, and its status before and after. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void logsEachActionWithWhoAndTheStatusBeforeAndAfter(CapturedOutput output) {
        OperationTask underReview = fixtures.underReview(Fixtures.manualInApp());
        long id = underReview.getId();

        Logs.atInfo(TaskCommands.class, () -> {
            act(Fixtures.REVIEWER, id, "approve", "fine");
            act(Fixtures.OPERATOR, id, "pause", null);
        });

        assertThat(output.getOut()).contains("Task " + id + ": APPROVE by " + Fixtures.REVIEWER
                        + " (UNDER_REVIEW -> RUNNING)")
                .contains("Task " + id + ": PAUSE by " + Fixtures.OPERATOR + " (RUNNING -> PAUSED)");
    }

    @Test
    void showsPushesWithTriggerTimesStatusAndCounts() {
        OperationTask running = fixtures.running(Fixtures.manualInApp());
        JsonNode none = get(olivia(), "/api/tasks/{id}/pushes", running.getId()).getBody();
        assertThat(none.path("items")).isEmpty();
        assertThat(none.path("total").asLong()).isZero();
        act(Fixtures.OPERATOR, running.getId(), "send", "first wave");
        engine.runDueJobs();

        ResponseEntity<JsonNode> pushes = get(rita(), "/api/tasks/{id}/pushes", running.getId());

        assertThat(pushes.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(pushes.getBody().path("items")).hasSize(1);
        assertThat(pushes.getBody().path("total").asLong()).isEqualTo(1);
        JsonNode push = pushes.getBody().path("items").get(0);
        assertThat(push.path("trigger").asText()).isEqualTo("MANUAL");
        assertThat(push.path("channel").asText()).isEqualTo("IN_APP");
        assertThat(push.path("status").asText()).isNotBlank();
        assertThat(push.path("createdAt").asText()).isNotBlank();
        assertThat(push.path("finishedAt").asText()).isNotBlank();
        long targeted = push.path("targeted").asLong();
        assertThat(targeted).isPositive();
        assertThat(push.path("delivered").asLong() + push.path("skipped").asLong() + push.path("failed").asLong())
                .isEqualTo(targeted);
        assertThat(push.path("delivered").asLong()).isPositive();
        assertThat(push.path("opened").asLong()).isZero();
    }

    /** A task that pushes often (each send of a MANUAL task, each occurrence of a RECURRING one) pages its history. */
    @Test
    void pagesThePushHistoryNewestFirst() {
        OperationTask running = fixtures.running(Fixtures.manualInApp());
        for (int wave = 1; wave <= 3; wave++) {
            act(Fixtures.OPERATOR, running.getId(), "send", "wave " + wave);
            engine.runDueJobs();
        }

        JsonNode first = get(olivia(), "/api/tasks/{id}/pushes?size=2", running.getId()).getBody();
        JsonNode second = get(olivia(), "/api/tasks/{id}/pushes?size=2&page=1", running.getId()).getBody();

        assertThat(first.path("total").asLong()).isEqualTo(3);
        assertThat(first.path("page").asInt()).isZero();
        assertThat(first.path("size").asInt()).isEqualTo(2);
        assertThat(second.path("page").asInt()).isEqualTo(1);
        List<Long> ids = new ArrayList<>();
        first.path("items").forEach(push -> ids.add(push.path("id").asLong()));
        second.path("items").forEach(push -> ids.add(push.path("id").asLong()));
        assertThat(ids).hasSize(3).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(get(olivia(), "/api/tasks/{id}/pushes?size=201", running.getId()).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(get(olivia(), "/api/tasks/{id}/pushes?page=-1", running.getId()).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        ResponseEntity<JsonNode> beyond = get(olivia(), "/api/tasks/{id}/pushes?page=2147483647&size=200",
                running.getId());
        assertThat(beyond.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(beyond.getBody().path("errors").get(0).path("field").asText()).isEqualTo("page");
    }

    /** Completed mid-push: who was not sent to yet shows as cancelled, and every recipient is counted once. */
    @Test
    void aPushCompletedMidWayCountsWhoWasCalledOff() {
        List<String> audience = deliveries.audienceOf(5);
        OperationTask running = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP,
                Schedule.immediately());
        act(Fixtures.OPERATOR, running.getId(), "complete", "campaign over");
        engine.runDueJobs();

        JsonNode push = get(rita(), "/api/tasks/{id}/pushes", running.getId()).getBody().path("items").get(0);

        assertThat(push.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(push.path("cancelReason").asText()).isEqualTo("TASK_COMPLETED");
        assertThat(push.path("targeted").asLong()).isEqualTo(5);
        assertThat(push.path("cancelled").asLong()).isEqualTo(5);
        assertThat(push.path("remaining").asLong()).isZero();
        assertThat(push.path("percentDone").asDouble()).isEqualTo(100.0);
        assertThat(push.path("sent").asLong()).isZero();
    }

    /** A finished push keeps its counts: its history reads the same once its recipients' rows are gone. */
    @Test
    void aFinishedPushKeepsItsCountsByStatusAndReason() {
        List<String> audience = deliveries.audienceOf(3);
        OperationTask running = deliveredWithAnOptOut(audience, audience.get(0));

        JsonNode finished = get(rita(), "/api/tasks/{id}/pushes", running.getId()).getBody().path("items").get(0);
        long pushId = finished.path("id").asLong();
        RecipientCounts counted = delivery.counts(pushId);
        assertThat(finished.path("status").asText()).isEqualTo("DELIVERED");
        assertThat(finished.path("targeted").asLong()).isEqualTo(counted.total());
        assertThat(finished.path("delivered").asLong()).isEqualTo(counted.delivered()).isPositive();
        assertThat(finished.path("skipped").asLong()).isEqualTo(counted.skipped()).isPositive();
        assertThat(finished.path("skippedByReason").path("OPTED_OUT").asLong())
                .isEqualTo(counted.skippedByReason().get("OPTED_OUT")).isPositive();

        jdbc.update("delete from push_recipient where push_id = ?", pushId);

        assertThat(get(rita(), "/api/tasks/{id}/pushes", running.getId()).getBody().path("items").get(0)).isEqualTo(finished);
    }

    /** A push's recipients, a page at a time in user id order, filtered by status and reason; bad input is a 4xx. */
    @Test
    void aPushsRecipientsArePagedInUserIdOrderWithTheirStatusAndReason() {
        List<String> audience = deliveries.audienceOf(5);
        OperationTask task = deliveredWithAnOptOut(audience, audience.get(1));
        long pushId = get(rita(), "/api/tasks/{id}/pushes", task.getId()).getBody().path("items").get(0).path("id").asLong();
        String recipients = "/api/tasks/{id}/pushes/{pushId}/recipients";

        List<String> pagedThrough = new ArrayList<>();
        JsonNode page = get(olivia(), recipients + "?size=2", task.getId(), pushId).getBody();
        for (int pages = 1; ; pages++) {
            assertThat(pages).as("pages of 2 for 5 recipients").isLessThanOrEqualTo(3);
            assertThat(page.path("items").size()).isBetween(1, 2);
            pagedThrough.addAll(texts(page.path("items"), "userId"));
            if (!page.hasNonNull("next")) {
                break;
            }
            assertThat(page.path("next").asText()).isEqualTo(pagedThrough.get(pagedThrough.size() - 1));
            page = get(olivia(), recipients + "?size=2&after={after}", task.getId(), pushId, page.path("next").asText())
                    .getBody();
        }
        assertThat(pagedThrough).isEqualTo(audience.stream().sorted().toList());
        JsonNode afterTheLast = get(olivia(), recipients + "?after={after}", task.getId(), pushId,
                pagedThrough.get(pagedThrough.size() - 1)).getBody();
        assertThat(afterTheLast.path("items").isEmpty()).isTrue();
        assertThat(afterTheLast.hasNonNull("next")).isFalse();

        JsonNode skipped = get(olivia(), recipients + "?status=SKIPPED&reason=OPTED_OUT", task.getId(), pushId)
                .getBody();
        assertThat(texts(skipped.path("items"), "userId")).containsExactly(audience.get(1));
        assertThat(skipped.path("items").get(0).path("status").asText()).isEqualTo("SKIPPED");
        assertThat(skipped.hasNonNull("next")).as("no next page").isFalse();
        assertThat(texts(get(olivia(), recipients + "?status=DELIVERED", task.getId(), pushId).getBody().path("items"),
                "userId")).hasSize(4).doesNotContain(audience.get(1));

        long otherTask = created("Someone else's push");
        assertThat(get(olivia(), recipients, otherTask, pushId).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(get(olivia(), recipients + "?status=GONE", task.getId(), pushId).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(get(olivia(), recipients + "?size=0", task.getId(), pushId).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(get(olivia(), recipients + "?size=1001", task.getId(), pushId).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
    }

    /**
     * An incident other than a delivery waiting on its provider shows operators its kind, not its message, which may
     * hold SQL or class names (a delivery's own message is shown: ProviderDeliveryTest).
     */
    @Test
    void anIncidentsInternalMessageIsNotShownToOperators() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        RuntimeService runtime = engine.processEngine().getRuntimeService();
        String lifecycle = engine.lifecycle(task.getId()).getId();
        String waiting = runtime.createExecutionQuery().processInstanceId(lifecycle)
                .activityId(runtime.getActiveActivityIds(lifecycle).get(0)).list().get(0).getId();
        runtime.createIncident("failedJob", waiting, null,
                "PreparedStatementCallback; SQL [select secret from operation_task]");
        try {
            JsonNode stuck = get(olivia(), "/api/tasks/{id}/incidents", task.getId()).getBody();

            assertThat(stuck).hasSize(1);
            assertThat(stuck.get(0).path("message").asText())
                    .isEqualTo("The job failed (failedJob); an admin sees its cause in Cockpit, where it is retried");
        } finally {
            // an incident of a job that never was cannot be resolved: it goes with its process, so that the
            // engine's count of open incidents stays as other tests expect it
            runtime.deleteProcessInstance(lifecycle, "the test is over");
        }
    }

    /** A MANUAL IN_APP task pushed to {@code audience}, in which {@code optedOut} opted out of IN_APP. */
    private OperationTask deliveredWithAnOptOut(List<String> audience, String optedOut) {
        users.upsert(new UserProfile(optedOut, "Opted out", null, null, null, null, null, Set.of(), Map.of(),
                Set.of(Channel.IN_APP)));
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP,
                Schedule.immediately());
        engine.runDueJobs();
        return task;
    }

    private long created(String name) {
        ResponseEntity<JsonNode> created = post(olivia(), "/api/tasks", manualInAppTask(name));
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return created.getBody().path("id").asLong();
    }

    private void act(String user, long id, String action, String comment) {
        ResponseEntity<JsonNode> done = post(api.as(user), "/api/tasks/{id}/{action}",
                comment == null ? null : object().put("comment", comment), id, action);
        assertThat(done.getStatusCode()).as(action).isEqualTo(HttpStatus.OK);
    }

    private JsonNode task(long id) {
        ResponseEntity<JsonNode> task = get(olivia(), "/api/tasks/{id}", id);
        assertThat(task.getStatusCode()).isEqualTo(HttpStatus.OK);
        return task.getBody();
    }

    private RestClient olivia() {
        return api.as(Fixtures.OPERATOR);
    }

    private RestClient rita() {
        return api.as(Fixtures.REVIEWER);
    }
}
