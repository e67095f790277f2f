package io.reachflow.system;

import static io.reachflow.support.HttpJson.array;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.object;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.texts;
import static io.reachflow.support.HttpJson.uniqueWord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.lifecycle.DeliveryProcess;
import io.reachflow.lifecycle.HousekeepingProcess;
import io.reachflow.lifecycle.LifecycleProcess;
import io.reachflow.review.ReviewProcess;
import io.reachflow.review.SeparationOfDutiesListener;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.Logs;
import io.reachflow.support.ReachflowSpringTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.camunda.bpm.engine.authorization.AuthorizationQuery;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * The reviewers' Tasklist path, {@code /engine-rest}, with Camunda authorization on: who sees which review work,
 * separation of duties on claim and completion, and the admin-only deployment endpoints.
 */
@ReachflowSpringTest
class EngineRestSecurityTest {

    private static final String UNA = Fixtures.OPERATOR_AND_REVIEWER;

    @Autowired
    Api api;

    @Autowired
    Engine engine;

    @Test
    void showsReviewersOnlyTheReviewWorkOfTheirGroups() {
        long id = underReviewSms();

        List<JsonNode> ritasWork = reviewWorkSeenBy(Fixtures.REVIEWER, id);
        assertThat(ritasWork).extracting(work -> work.path("taskDefinitionKey").asText())
                .containsExactly(ReviewProcess.Element.USER_TASK_REVIEW.id());
        assertThat(reviewWorkSeenBy(Fixtures.OPERATOR, id)).isEmpty();

        approveThroughApi("rob", id);

        assertThat(reviewWorkSeenBy(Fixtures.REVIEWER, id)).isEmpty();
        assertThat(reviewWorkSeenBy("rob", id)).isEmpty();
        assertThat(reviewWorkSeenBy(Fixtures.SENIOR_REVIEWER, id)).extracting(work -> work.path("taskDefinitionKey").asText())
                .containsExactly(ReviewProcess.Element.USER_TASK_SENIOR_REVIEW.id());
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
        String seniorWork = openReviewWork(id).getId();
        assertThat(post(api.as(Fixtures.REVIEWER), "/engine-rest/task/{id}/claim",
                object().put("userId", Fixtures.REVIEWER), seniorWork).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);

        claimAndComplete(Fixtures.SENIOR_REVIEWER, seniorWork, true, "second level ok");
        assertThat(task(id).path("status").asText()).isEqualTo("RUNNING");
    }

    /**
     * Tasklist's list of the "Review work" filter, as Tasklist asks for it (HAL): each work names its operation task,
     * so that one review is told from another without opening it.
     */
    @Test
    void namesTheOperationTaskInTasklistsList() {
        long id = underReviewSms();
        JsonNode filters = get(rita(), "/engine-rest/filter?name={name}", CamundaAccessSetup.REVIEW_FILTER).getBody();
        assertThat(filters).hasSize(1);

        JsonNode list = rita().post().uri("/engine-rest/filter/{id}/list", filters.get(0).path("id").asText())
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.parseMediaType("application/hal+json"))
                .body(object()).retrieve().body(JsonNode.class);

        JsonNode work = null;
        for (JsonNode candidate : list.path("_embedded").path("task")) {
            for (JsonNode variable : candidate.path("_embedded").path("variable")) {
                if (variable.path("name").asText().equals("taskId") && variable.path("value").asText().equals(id + "")) {
                    work = candidate;
                }
            }
        }
        assertThat(work).as("rita's list holds the review of task %d", id).isNotNull();
        assertThat(work.path("_embedded").path("variable"))
                .extracting(variable -> variable.path("name").asText() + "=" + variable.path("value").asText())
                .contains("taskName=" + task(id).path("name").asText(), "taskChannel=SMS");
    }

    /**
     * Tasklist's comments and History tab read the work's history: reviewers of its group read it and comment, its
     * submitter (a reviewer too) neither reads it nor comments.
     */
    @Test
    void letsReviewersCommentOnTheirGroupsWorkButNotTheSubmitter() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);
        String work = openReviewWork(id).getId();

        ResponseEntity<JsonNode> commented = post(rita(), "/engine-rest/task/{id}/comment/create",
                object().put("message", "Is the link right?"), work);
        ResponseEntity<JsonNode> unasComment = post(api.as(UNA), "/engine-rest/task/{id}/comment/create",
                object().put("message", "It is"), work);

        assertThat(commented.getStatusCode()).as("%s", commented.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(get(rita(), "/engine-rest/task/{id}/comment", work).getBody())
                .extracting(comment -> comment.path("message").asText()).containsExactly("Is the link right?");
        assertThat(get(rita(), "/engine-rest/history/task?taskId={id}", work).getBody()).hasSize(1);
        assertThat(unasComment.getStatusCode().is4xxClientError()).as("%s", unasComment.getBody()).isTrue();
        assertThat(get(api.as(UNA), "/engine-rest/history/task?taskId={id}", work).getBody()).isEmpty();
        // una's revoke ends with the rest of the history, as the group's grant does (same root process instance)
        AuthorizationQuery history = engine.processEngine().getAuthorizationService().createAuthorizationQuery()
                .resourceType(Resources.HISTORIC_TASK).resourceId(work);
        String root = history.groupIdIn("reviewers").singleResult().getRootProcessInstanceId();
        assertThat(root).isNotNull();
        assertThat(engine.processEngine().getAuthorizationService().createAuthorizationQuery()
                .resourceType(Resources.HISTORIC_TASK).resourceId(work).userIdIn(UNA).singleResult()
                .getRootProcessInstanceId()).isEqualTo(root);
    }

    /**
     * Tasklist's "Start process" offers none of Reachflow's processes, not even to an admin: the application starts
     * them for a task (or on its own schedule); one started by hand would belong to no task.
     */
    @Test
    void offersNoProcessToStartInTasklist() {
        JsonNode all = get(api.as("demo"), "/engine-rest/process-definition?latestVersion=true").getBody();
        JsonNode startable = get(api.as("demo"),
                "/engine-rest/process-definition?latestVersion=true&startableInTasklist=true").getBody();

        assertThat(texts(all, "key")).contains(ReviewProcess.KEY, LifecycleProcess.KEY, DeliveryProcess.KEY,
                HousekeepingProcess.KEY);
        assertThat(startable).isEmpty();
    }

    @Test
    void refusesApprovalBySubmitterThroughApi() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);

        ResponseEntity<JsonNode> refused = post(api.as(UNA), "/api/tasks/{id}/approve", null, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getBody().path("detail").asText()).as("says why")
                .contains(UNA, "separation of duties").doesNotContain("permission");
        assertStillWaitingForReview(id);
    }

    /**
     * The second level through /api: neither the first reviewer (the review work was hidden from him when it was
     * created) nor a reviewer outside senior-reviewers may decide it.
     */
    @Test
    void refusesTheSecondLevelToItsFirstReviewerThroughApi() {
        long id = underReviewSms();
        approveThroughApi(Fixtures.SENIOR_REVIEWER, id);
        assertThat(openReviewWork(id).getTaskDefinitionKey())
                .isEqualTo(ReviewProcess.Element.USER_TASK_SENIOR_REVIEW.id());

        ResponseEntity<JsonNode> again = post(api.as(Fixtures.SENIOR_REVIEWER), "/api/tasks/{id}/approve", null, id);
        ResponseEntity<JsonNode> notSenior = post(rita(), "/api/tasks/{id}/approve", null, id);

        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(again.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(again.getBody().path("detail").asText()).contains("sam");
        assertThat(notSenior.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(notSenior.getBody().path("detail").asText()).contains("senior-reviewers");
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(openReviewWork(id).getAssignee()).isNull();
    }

    @Test
    void refusesApprovalByCreatorThroughApi() {
        long id = createdBy(UNA);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);

        ResponseEntity<JsonNode> refused = post(api.as(UNA), "/api/tasks/{id}/approve", null, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertStillWaitingForReview(id);
    }

    @Test
    void refusesApprovalBySubmitterThroughEngineRest() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);
        String work = openReviewWork(id).getId();

        ResponseEntity<JsonNode> claim = post(api.as(UNA), "/engine-rest/task/{id}/claim", object().put("userId", UNA), work);
        ResponseEntity<JsonNode> complete = post(api.as(UNA), "/engine-rest/task/{id}/complete", decision(true, "mine"), work);

        assertThat(claim.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(complete.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertStillWaitingForReview(id);
    }

    @Test
    void refusesApprovalByCreatorThroughEngineRest() {
        long id = createdBy(UNA);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        String work = openReviewWork(id).getId();

        ResponseEntity<JsonNode> claim = post(api.as(UNA), "/engine-rest/task/{id}/claim", object().put("userId", UNA), work);
        ResponseEntity<JsonNode> complete = post(api.as(UNA), "/engine-rest/task/{id}/complete", decision(true, "mine"), work);

        assertThat(claim.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(complete.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertStillWaitingForReview(id);
    }

    @Test
    void refusesCompletionBySubmitterOfWorkAnotherReviewerClaimed() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);
        String work = openReviewWork(id).getId();
        assertThat(post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", Fixtures.REVIEWER), work)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        ResponseEntity<JsonNode> complete = post(api.as(UNA), "/engine-rest/task/{id}/complete", decision(true, "mine"), work);

        assertThat(complete.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(openReviewWork(id).getAssignee()).isEqualTo(Fixtures.REVIEWER);
    }

    @Test
    void refusesAssigningTheReviewToTheSubmitter() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);
        String work = openReviewWork(id).getId();

        ResponseEntity<JsonNode> assigned = post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", UNA), work);

        assertThat(assigned.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertStillWaitingForReview(id);
    }

    /** The refusals are the caller's errors: 403s, not a server error in the log. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void refusesTheReviewToAnAdminWhoIsNoReviewer(CapturedOutput output) {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        String work = openReviewWork(id).getId();
        RestClient admin = api.as("demo");

        AtomicReference<ResponseEntity<JsonNode>> claimed = new AtomicReference<>();
        Logs.atInfo(SeparationOfDutiesListener.class, () -> claimed.set(
                post(admin, "/engine-rest/task/{id}/claim", object().put("userId", "demo"), work)));
        ResponseEntity<JsonNode> claim = claimed.get();
        ResponseEntity<JsonNode> complete = post(admin, "/engine-rest/task/{id}/complete", decision(true, "admin"), work);
        ResponseEntity<JsonNode> assignToAnOperator = post(admin, "/engine-rest/task/{id}/assignee",
                object().put("userId", "oscar"), work);

        assertThat(claim.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(claim.getBody().path("message").asText()).contains("only members of reviewers decide it");
        assertThat(complete.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(assignToAnOperator.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(output.getOut()).doesNotContain("ERROR")
                .as("said once, at INFO, for an admin asked why").containsOnlyOnce("Task " + id + ": demo may not claim '");
        assertStillWaitingForReview(id);
        claimAndComplete(Fixtures.REVIEWER, work, true, "fine");
        assertThat(task(id).path("status").asText()).isEqualTo("RUNNING");
    }

    @Test
    void hidesReviewWorkFromItsCreatorAndSubmitter() {
        long createdByUna = createdBy(UNA);
        testedAndSubmittedBy(Fixtures.OPERATOR, createdByUna);
        long submittedByUna = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, submittedByUna);

        for (long id : List.of(createdByUna, submittedByUna)) {
            assertThat(reviewWorkSeenBy(UNA, id)).as("una's view of task %d", id).isEmpty();
            assertThat(reviewWorkSeenBy(Fixtures.REVIEWER, id)).as("rita's view of task %d", id).hasSize(1);
            ResponseEntity<JsonNode> direct = get(api.as(UNA), "/engine-rest/task/{id}", openReviewWork(id).getId());
            assertThat(direct.getStatusCode()).isIn(HttpStatus.FORBIDDEN, HttpStatus.NOT_FOUND);
        }
        long othersTask = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(Fixtures.OTHER_OPERATOR, othersTask);
        assertThat(reviewWorkSeenBy(UNA, othersTask)).as("una may review what others made").hasSize(1);
    }

    @Test
    void approvesThroughEngineRestByAnotherReviewer() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);
        List<JsonNode> visible = reviewWorkSeenBy(Fixtures.REVIEWER, id);
        assertThat(visible).hasSize(1);
        String work = visible.get(0).path("id").asText();

        claimAndComplete(Fixtures.REVIEWER, work, true, "Looks right");
        engine.runDueJobs();

        JsonNode task = task(id);
        assertThat(task.path("status").asText()).isEqualTo("RUNNING");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("APPROVED");
        assertThat(task.path("approvedBy").asText()).isEqualTo(Fixtures.REVIEWER);
        JsonNode history = get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/history", id).getBody();
        JsonNode decided = history.get(history.size() - 2);
        assertThat(decided.path("actor").asText()).isEqualTo(Fixtures.REVIEWER);
        assertThat(decided.path("comment").asText()).isEqualTo("Looks right");
        assertThat(reviewWorkSeenBy(Fixtures.REVIEWER, id)).isEmpty();
    }

    @Test
    void rejectsThroughEngineRestOnlyWithAComment() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, id);
        String work = openReviewWork(id).getId();
        assertThat(post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", Fixtures.REVIEWER), work)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        ResponseEntity<JsonNode> withoutComment = post(rita(), "/engine-rest/task/{id}/complete", decision(false, null), work);
        // what Tasklist's form sends, an empty comment, through Camunda's own exception handlers (as in the webapps)
        ResponseEntity<JsonNode> formWithoutComment = post(rita(), "/engine-rest/task/{id}/submit-form",
                decision(false, ""), work);

        for (ResponseEntity<JsonNode> refused : List.of(withoutComment, formWithoutComment)) {
            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(refused.getBody().path("message").asText()).contains("A rejection needs a comment")
                    .doesNotContain("ENGINE-03051");
        }
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
        ResponseEntity<JsonNode> tooLong = post(rita(), "/engine-rest/task/{id}/complete",
                decision(false, "x".repeat(2001)), work);
        assertThat(tooLong.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(tooLong.getBody().path("message").asText()).contains("may be at most 2,000 characters; it has 2001");
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");

        ResponseEntity<JsonNode> withComment = post(rita(), "/engine-rest/task/{id}/complete",
                decision(false, "Wrong audience"), work);

        assertThat(withComment.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        JsonNode task = task(id);
        assertThat(task.path("status").asText()).isEqualTo("TESTING");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("REJECTED");
        assertThat(task.path("approvalNote").asText()).isEqualTo("Wrong audience");
    }

    /**
     * A decision sets the decision only: a reviewer who also sets the route (one level instead of two), or rewrites
     * the briefing the form showed, is refused, through {@code complete} and {@code submit-form} alike, and the review
     * goes on as routed. A comment that is no text is a 400.
     */
    @Test
    void refusesADecisionThatAlsoSetsTheRoute() {
        long id = underReviewSms();
        String work = openReviewWork(id).getId();
        assertThat(post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", Fixtures.REVIEWER), work)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        ObjectNode oneLevel = decision(true, "one level will do");
        ((ObjectNode) oneLevel.path("variables")).putObject("reviewLevels").put("value", 1).put("type", "Integer");
        ObjectNode anotherTask = decision(true, "fine");
        ((ObjectNode) anotherTask.path("variables")).putObject("newVariable").put("value", "x").put("type", "String");

        ResponseEntity<JsonNode> completed = post(rita(), "/engine-rest/task/{id}/complete", oneLevel, work);
        ResponseEntity<JsonNode> submitted = post(rita(), "/engine-rest/task/{id}/submit-form", oneLevel, work);
        ResponseEntity<JsonNode> added = post(rita(), "/engine-rest/task/{id}/complete", anotherTask, work);

        for (ResponseEntity<JsonNode> refused : List.of(completed, submitted)) {
            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(refused.getBody().path("message").asText()).contains("reviewLevels", "sets only 'approved'");
        }
        assertThat(added.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(added.getBody().path("message").asText()).contains("newVariable");
        // submit-form sets a variable the work has on the work: the briefing, what the reviewer was shown, stays
        ObjectNode forged = decision(true, "fine");
        ((ObjectNode) forged.path("variables")).putObject("contentTemplate").put("value", "not what was shown")
                .put("type", "String");
        ResponseEntity<JsonNode> rewritten = post(rita(), "/engine-rest/task/{id}/submit-form", forged, work);
        assertThat(rewritten.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(rewritten.getBody().path("message").asText()).contains("may not set contentTemplate when deciding");
        assertThat(engine.processEngine().getTaskService().getVariableLocal(work, "contentTemplate"))
                .isNotEqualTo("not what was shown");
        ObjectNode numberComment = decision(false, null);
        ((ObjectNode) numberComment.path("variables")).putObject("reviewComment").put("value", 5)
                .put("type", "Integer");
        ResponseEntity<JsonNode> number = post(rita(), "/engine-rest/task/{id}/complete", numberComment, work);
        assertThat(number.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(number.getBody().path("message").asText()).contains("must be a text");
        assertThat(openReviewWork(id).getTaskDefinitionKey()).isEqualTo(ReviewProcess.Element.USER_TASK_REVIEW.id());
        assertThat(post(rita(), "/engine-rest/task/{id}/complete", decision(true, "fine"), work).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(openReviewWork(id).getTaskDefinitionKey())
                .isEqualTo(ReviewProcess.Element.USER_TASK_SENIOR_REVIEW.id());
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
    }

    /**
     * A reviewer may see, claim and complete review work of their group (TASK_WORK), not change it: no other
     * candidate group (an operator's), no owner (the creator), no variables (the second level's group).
     */
    @Test
    void refusesReviewersChangingTheirWork() {
        long id = underReviewSms();
        String work = openReviewWork(id).getId();
        RestClient rita = rita();

        ResponseEntity<JsonNode> group = post(rita, "/engine-rest/task/{id}/identity-links",
                object().put("groupId", "operators").put("type", "candidate"), work);
        ResponseEntity<JsonNode> owner = rita.put().uri("/engine-rest/task/{id}", work).contentType(MediaType.APPLICATION_JSON)
                .body(object().put("name", "Review task").put("owner", Fixtures.OPERATOR)).retrieve()
                .toEntity(JsonNode.class);
        ObjectNode modifications = object();
        modifications.putObject("modifications").putObject("level2Group").put("value", "reviewers").put("type", "String");
        ResponseEntity<JsonNode> variables = post(rita, "/engine-rest/task/{id}/variables", modifications, work);

        assertThat(group.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(owner.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(variables.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        Task open = openReviewWork(id);
        assertThat(open.getOwner()).isNull();
        assertThat(engine.processEngine().getTaskService().getIdentityLinksForTask(work))
                .extracting(org.camunda.bpm.engine.task.IdentityLink::getGroupId).doesNotContain("operators");
        assertThat(engine.processEngine().getRuntimeService().getVariable(open.getProcessInstanceId(), "level2Group"))
                .isEqualTo("senior-reviewers");
    }

    /**
     * Reviewers claim for themselves and give back only their own claim: the engine lets whoever may claim also claim
     * for nobody or for another, which would let one reviewer take over another's work.
     */
    @Test
    void letsReviewersClaimAndGiveBackOnlyTheirOwnWork() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        String work = openReviewWork(id).getId();

        ResponseEntity<JsonNode> forRob = post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", "rob"), work);
        assertThat(post(api.as("rob"), "/engine-rest/task/{id}/claim", object().put("userId", "rob"), work)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        ResponseEntity<JsonNode> robsClaimGivenBack = post(rita(), "/engine-rest/task/{id}/claim",
                object().putNull("userId"), work);

        assertThat(forRob.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(robsClaimGivenBack.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(robsClaimGivenBack.getBody().path("message").asText()).contains("rob claimed it");
        ResponseEntity<JsonNode> second = post(rita(), "/engine-rest/task/{id}/claim",
                object().put("userId", Fixtures.REVIEWER), work);
        assertThat(second.getStatusCode()).as("two reviewers at once: a conflict, no server error")
                .isEqualTo(HttpStatus.CONFLICT);
        assertThat(second.getBody().path("type").asText()).isEqualTo("TaskAlreadyClaimedException");
        assertThat(openReviewWork(id).getAssignee()).isEqualTo("rob");
        assertThat(post(api.as("rob"), "/engine-rest/task/{id}/claim", object().putNull("userId"), work)
                .getStatusCode()).as("his own, given back").isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(openReviewWork(id).getAssignee()).isNull();
    }

    /**
     * Work that is gone (decided meanwhile by another reviewer, or never there): its claim, completion, form
     * submission and unclaim answer 404 in the engine API's error format, not a server error in the log.
     * (The webapps' copy of the API, which Tasklist calls: TasklistEngineApiTest.)
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void answersWorkDecidedMeanwhileWithNotFound(CapturedOutput output) {
        String work = reviewWorkDecided();
        RestClient rob = api.as("rob");

        AtomicReference<ResponseEntity<JsonNode>> claimed = new AtomicReference<>();
        Logs.atInfo(EngineRestConflicts.class, () -> claimed.set(
                post(rob, "/engine-rest/task/{id}/claim", object().put("userId", "rob"), work)));
        ResponseEntity<JsonNode> claim = claimed.get();
        assertThat(output.getOut()).as("who, and what they asked for")
                .contains("rob of task/" + work + "/claim: no such review work");
        ResponseEntity<JsonNode> complete = post(rob, "/engine-rest/task/{id}/complete", decision(true, "mine"), work);
        ResponseEntity<JsonNode> submitted = post(rob, "/engine-rest/task/{id}/submit-form", decision(true, "mine"),
                work);
        ResponseEntity<JsonNode> adminsUnclaim = post(api.as("demo"), "/engine-rest/task/{id}/unclaim", null, work);
        ResponseEntity<JsonNode> unknown = post(rob, "/engine-rest/engine/default/task/{id}/claim",
                object().put("userId", "rob"), "no-such-work");

        for (ResponseEntity<JsonNode> gone : List.of(claim, complete, submitted, adminsUnclaim, unknown)) {
            assertThat(gone.getStatusCode()).as("%s", gone.getBody()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(gone.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            assertThat(gone.getBody().path("message").asText()).contains("Cannot find task with id");
            assertThat(gone.getBody().has("code")).as("the engine API's error format").isTrue();
        }
        assertThat(claim.getBody().path("type").asText()).isEqualTo("NullValueException");
        assertThat(complete.getBody().path("message").asText()).startsWith("Cannot complete task " + work);
        assertThat(submitted.getBody().path("message").asText()).startsWith("Cannot submit task form " + work);
        assertThat(adminsUnclaim.getBody().path("type").asText()).isEqualTo("NotFoundException");
        ResponseEntity<JsonNode> variables = rob.get().uri("/engine-rest/task/{id}/variables", work).retrieve()
                .toEntity(JsonNode.class);
        assertThat(variables.getStatusCode()).as("%s", variables.getBody()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(output.getOut()).doesNotContain("ENGINE-REST-HTTP500");
    }

    /**
     * Tasklist opens work by reading its form. Of work that is gone (or never was), each of those reads answers 404
     * saying so, in the engine API's error format, where Camunda answered 500 with a stack trace in the log (the
     * deployed form, the rendered form) or 400 (the form, its variables). Work that its submitter may not see exists,
     * and stays a 403 for them, as a read of its variables does: nothing tells it apart that did not before.
     * (The webapps' copy of the API: TasklistEngineApiTest.)
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void answersReadsOfTheFormOfGoneWorkWithNotFound(CapturedOutput output) {
        String gone = reviewWorkDecided();
        long unasSubmission = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(UNA, unasSubmission);
        String unseen = openReviewWork(unasSubmission).getId();
        RestClient rob = api.as("rob");

        for (String read : List.of("form", "deployed-form", "rendered-form", "form-variables")) {
            for (String path : List.of("/engine-rest/task/{id}/", "/engine-rest/engine/default/task/{id}/")) {
                for (String id : List.of(gone, "no-such-work")) {
                    // any type, as Tasklist asks: the rendered form is XHTML only, and a JSON-only read of it is a 406
                    ResponseEntity<JsonNode> answer = rob.get().uri(path + read, id).accept(MediaType.ALL).retrieve()
                            .toEntity(JsonNode.class);
                    assertThat(answer.getStatusCode()).as("%s%s of %s: %s", path, read, id, answer.getBody())
                            .isEqualTo(HttpStatus.NOT_FOUND);
                    assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
                    assertThat(answer.getBody().path("message").asText())
                            .isEqualTo("No task with id " + id + ": it was completed, deleted, or never existed");
                    assertThat(answer.getBody().has("code")).as("the engine API's error format").isTrue();
                }
            }
            ResponseEntity<JsonNode> unasRead = api.as(UNA).get().uri("/engine-rest/task/{id}/" + read, unseen)
                    .accept(MediaType.ALL).retrieve().toEntity(JsonNode.class);
            assertThat(unasRead.getStatusCode()).as("%s: %s", read, unasRead.getBody()).isEqualTo(HttpStatus.FORBIDDEN);
        }
        assertThat(get(api.as(UNA), "/engine-rest/task/{id}/variables", unseen).getStatusCode())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(get(rob, "/engine-rest/task/{id}/form", unseen).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get(rob, "/engine-rest/task/{id}/form-variables", unseen).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(output.getOut()).doesNotContain("ENGINE-REST-HTTP500", "NullPointerException");
    }

    /**
     * Unclaim (Tasklist's button): a reviewer gives back their own claim, not another's, although the engine's own
     * unclaim needs a permission reviewers do not have (it would also let them add candidate groups).
     */
    @Test
    void letsAReviewerUnclaimOnlyTheirOwnClaim() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        String work = openReviewWork(id).getId();
        assertThat(post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", Fixtures.REVIEWER), work)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        ResponseEntity<JsonNode> robs = post(api.as("rob"), "/engine-rest/task/{id}/unclaim", null, work);
        ResponseEntity<JsonNode> unknown = post(rita(), "/engine-rest/task/{id}/unclaim", null, "no-such-work");

        assertThat(robs.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(robs.getBody().path("message").asText()).contains("rita claimed it");
        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(openReviewWork(id).getAssignee()).isEqualTo(Fixtures.REVIEWER);
        assertThat(post(rita(), "/engine-rest/engine/default/task/{id}/unclaim", null, work).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(openReviewWork(id).getAssignee()).isNull();
        claimAndComplete(Fixtures.REVIEWER, work, true, "fine after all");
        assertThat(task(id).path("status").asText()).isEqualTo("RUNNING");
    }

    /** The second level decides afresh: completing it without a decision does not take over the first level's. */
    @Test
    void refusesASecondLevelCompletionWithoutADecision() {
        long id = underReviewSms();
        approveThroughApi(Fixtures.REVIEWER, id);
        String senior = openReviewWork(id).getId();
        assertThat(post(api.as(Fixtures.SENIOR_REVIEWER), "/engine-rest/task/{id}/claim",
                object().put("userId", Fixtures.SENIOR_REVIEWER), senior).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        ResponseEntity<JsonNode> none = post(api.as(Fixtures.SENIOR_REVIEWER), "/engine-rest/task/{id}/complete",
                object(), senior);
        ObjectNode notBoolean = object();
        notBoolean.putObject("variables").putObject("approved").put("value", "yes").put("type", "String");
        ResponseEntity<JsonNode> text = post(api.as(Fixtures.SENIOR_REVIEWER), "/engine-rest/task/{id}/complete",
                notBoolean, senior);
        ObjectNode javaSerialized = object();
        javaSerialized.putObject("variables").putObject("approved").put("value", "rO0ABXNyABFqYXZhLmxhbmcuQm9vbGVhbg==")
                .put("type", "Object").putObject("valueInfo")
                .put("objectTypeName", "java.lang.Boolean")
                .put("serializationDataFormat", "application/x-java-serialized-object");
        ResponseEntity<JsonNode> serialized = post(api.as(Fixtures.SENIOR_REVIEWER), "/engine-rest/task/{id}/complete",
                javaSerialized, senior);

        assertThat(none.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(text.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(serialized.getStatusCode()).as("%s", serialized.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(serialized.getBody().path("message").asText())
                .endsWith(": Cannot set variable with name approved. Java serialization format is prohibited");
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
    }

    @Test
    void refusesCompletingWorkAnotherReviewerClaimed() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        String work = openReviewWork(id).getId();
        assertThat(post(api.as("rob"), "/engine-rest/task/{id}/claim", object().put("userId", "rob"), work)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        ResponseEntity<JsonNode> complete = post(rita(), "/engine-rest/task/{id}/complete", decision(true, "mine"), work);

        assertThat(complete.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(complete.getBody().path("message").asText()).contains("rob claimed it");
        assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
    }

    /**
     * Two reviewers claiming the same work at once, its claimant completing it twice at once (a double click), and an
     * operator withdrawing it as the claimant completes it: one succeeds, the other is told it lost (409) or that the
     * work is gone (404), never a 500 nor a 403. Repeated, as the two requests meet in a different order each time.
     */
    @Test
    void answersTwoRequestsAtTheSameWorkWithOneSuccessAndAConflict() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                long id = createdBy(Fixtures.OPERATOR);
                testedAndSubmittedBy(Fixtures.OPERATOR, id);
                String work = openReviewWork(id).getId();

                List<HttpStatusCode> claims = atOnce(two,
                        () -> post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", Fixtures.REVIEWER),
                                work).getStatusCode(),
                        () -> post(api.as("rob"), "/engine-rest/task/{id}/claim", object().put("userId", "rob"),
                                work).getStatusCode());
                assertThat(claims).as("round %d", round).containsOnlyOnce(HttpStatus.NO_CONTENT)
                        .allMatch(status -> status == HttpStatus.NO_CONTENT || status == HttpStatus.CONFLICT);
                String claimant = engine.processEngine().getTaskService().createTaskQuery().taskId(work).singleResult()
                        .getAssignee();

                List<HttpStatusCode> completions = atOnce(two,
                        () -> post(api.as(claimant), "/engine-rest/task/{id}/complete", decision(true, "fine"), work)
                                .getStatusCode(),
                        () -> post(api.as(claimant), "/engine-rest/task/{id}/complete", decision(true, "fine"), work)
                                .getStatusCode());
                assertThat(completions).as("round %d", round).containsOnlyOnce(HttpStatus.NO_CONTENT)
                        .allMatch(status -> status == HttpStatus.NO_CONTENT || status == HttpStatus.CONFLICT
                                || status == HttpStatus.NOT_FOUND);
                assertThat(task(id).path("status").asText()).isEqualTo("RUNNING");
            }
            // an operator's withdrawal while the claimant completes: one of them, and the other told so
            for (int round = 0; round < 4; round++) {
                long id = createdBy(Fixtures.OPERATOR);
                testedAndSubmittedBy(Fixtures.OPERATOR, id);
                String work = openReviewWork(id).getId();
                assertThat(post(rita(), "/engine-rest/task/{id}/claim", object().put("userId", Fixtures.REVIEWER),
                        work).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

                List<HttpStatusCode> answers = atOnce(two,
                        () -> post(rita(), "/engine-rest/task/{id}/complete", decision(true, "fine"), work)
                                .getStatusCode(),
                        () -> post(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/withdraw", null, id).getStatusCode());
                String status = task(id).path("status").asText();
                if (answers.get(0) == HttpStatus.NO_CONTENT) {
                    assertThat(answers.get(1)).as("round %d: the withdrawal", round).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(status).isEqualTo("RUNNING");
                } else {
                    assertThat(answers.get(0)).as("round %d: the completion", round)
                            .isIn(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT);
                    assertThat(answers.get(1)).as("round %d: the withdrawal", round).isEqualTo(HttpStatus.OK);
                    assertThat(status).isEqualTo("TESTING");
                }
            }
        } finally {
            two.shutdownNow();
        }
    }

    /**
     * A reviewer and a senior reviewer approving a two-level review at once through the API, each with the version
     * it read: the second is not taken to have decided the senior level it never saw (409, read again), nor refused
     * as if it were not theirs, whether it came while the first was being decided (the work it saw is not the one
     * open) or just after (the first level's decision changed the task's version).
     */
    @Test
    void neverDecidesTheSeniorLevelForAnApprovalThatWaitedForTheFirst() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                long id = underReviewSms();
                String version = get(rita(), "/api/tasks/{id}", id).getHeaders().getETag();

                List<HttpStatusCode> answers = atOnce(two,
                        () -> rita().post().uri("/api/tasks/{id}/approve", id).header(HttpHeaders.IF_MATCH, version)
                                .retrieve().toEntity(JsonNode.class).getStatusCode(),
                        () -> api.as(Fixtures.SENIOR_REVIEWER).post().uri("/api/tasks/{id}/approve", id)
                                .header(HttpHeaders.IF_MATCH, version).retrieve().toEntity(JsonNode.class)
                                .getStatusCode());

                assertThat(answers).as("round %d", round).containsExactlyInAnyOrder(HttpStatus.OK,
                        HttpStatus.CONFLICT);
                assertThat(task(id).path("status").asText()).isEqualTo("UNDER_REVIEW");
                assertThat(openReviewWork(id).getTaskDefinitionKey())
                        .isEqualTo(ReviewProcess.Element.USER_TASK_SENIOR_REVIEW.id());
            }
        } finally {
            two.shutdownNow();
        }
        // one after the other: the first level's decision is a new version of the task
        long id = underReviewSms();
        String version = get(rita(), "/api/tasks/{id}", id).getHeaders().getETag();
        ResponseEntity<JsonNode> first = rita().post().uri("/api/tasks/{id}/approve", id)
                .header(HttpHeaders.IF_MATCH, version).retrieve().toEntity(JsonNode.class);
        ResponseEntity<JsonNode> unseen = api.as(Fixtures.SENIOR_REVIEWER).post().uri("/api/tasks/{id}/approve", id)
                .header(HttpHeaders.IF_MATCH, version).retrieve().toEntity(JsonNode.class);
        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(first.getHeaders().getETag()).isNotEqualTo(version);
        assertThat(unseen.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(unseen.getBody().path("type").asText()).endsWith("stale-version");
    }

    /** Both calls started together; their answers in order. */
    private static List<HttpStatusCode> atOnce(ExecutorService threads, Callable<HttpStatusCode> first,
                                               Callable<HttpStatusCode> second) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpStatusCode>> answers = new ArrayList<>();
        for (Callable<HttpStatusCode> call : List.of(first, second)) {
            answers.add(threads.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        List<HttpStatusCode> statuses = new ArrayList<>();
        for (Future<HttpStatusCode> answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS));
        }
        return statuses;
    }

    /**
     * The history of variables is an admin's: the engine lets whoever may read one task of an instance read all its
     * variables' history, so a first-level reviewer read the senior level's briefing and comment, which the senior
     * work itself hides from them.
     */
    @Test
    void keepsTheHistoryOfVariablesToAdmins() {
        long id = underReviewSms();
        approveThroughApi(Fixtures.REVIEWER, id);
        String senior = openReviewWork(id).getId();
        for (String path : List.of("/engine-rest/history/variable-instance?taskIdIn=" + senior,
                "/engine-rest/history/variable-instance/count", "/engine-rest/history/detail?taskId=" + senior)) {
            ResponseEntity<JsonNode> refused = get(rita(), path);
            assertThat(refused.getStatusCode()).as(path).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(refused.getBody().path("detail").asText()).contains("Only camunda-admin may GET");
            assertThat(get(api.as("demo"), path).getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
        }
        // the rule of both copies of the API: the webapps' too (a reviewer logged in to Tasklist)
        assertThat(EngineApiAccess.allowsEveryone("GET", "/history/variable-instance")).isFalse();
        assertThat(EngineApiAccess.allowsEveryone("GET", "/history/user-operation")).as("Tasklist's History tab")
                .isTrue();
    }

    /**
     * Beyond reads and their review work, the engine's API is for admins. The engine itself would have refused the
     * job's execution too, but only after using up one of the job's retries: three such calls made an incident.
     */
    @Test
    void keepsJobsProcessInstancesAndMetricsToAdmins() {
        long id = createdBy(Fixtures.OPERATOR);
        String instance = engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                .processInstanceBusinessKey(String.valueOf(id)).singleResult().getId();
        String job = engine.processEngine().getManagementService().createJobQuery().list().stream()
                .findFirst().map(org.camunda.bpm.engine.runtime.Job::getId).orElse("no-job");
        for (String user : List.of(Fixtures.OPERATOR, Fixtures.REVIEWER)) {
            RestClient client = api.as(user);
            for (String path : List.of("/engine-rest/job/" + job + "/execute", "/engine-rest/engine/default/job/" + job
                    + "/execute", "/engine-rest/process-instance/" + instance
                    + "/modification", "/engine-rest/message", "/engine-rest/signal", "/engine-rest/condition")) {
                ResponseEntity<JsonNode> refused = post(client, path, object());
                assertThat(refused.getStatusCode()).as("POST %s as %s", path, user).isEqualTo(HttpStatus.FORBIDDEN);
                assertThat(refused.getBody().path("detail").asText()).contains("Only camunda-admin may POST");
            }
            assertThat(post(client, "/engine-rest/%6Aob/" + job + "/execute", object()).getStatusCode())
                    .as("an encoded letter").isIn(HttpStatus.FORBIDDEN, HttpStatus.BAD_REQUEST);
            assertThat(get(client, "/engine-rest/metrics/activity-instance-start/sum").getStatusCode())
                    .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(client.delete().uri("/engine-rest/process-instance/{id}", instance).retrieve()
                    .toEntity(JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(get(client, "/engine-rest/process-definition").getStatusCode()).isEqualTo(HttpStatus.OK);
        }
        assertThat(engine.processEngine().getManagementService().createJobQuery().withException().count()).isZero();
        assertThat(get(api.as("demo"), "/engine-rest/metrics/activity-instance-start/sum").getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    /** An upload nobody may make is refused as such, not failed on: no 500, nothing at ERROR. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void refusesUploadsWithoutAServerError(CapturedOutput output) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("a", "b");
        ResponseEntity<JsonNode> anonymous = api.anonymous().post()
                .uri("/camunda/api/engine/engine/default/deployment/create").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form).retrieve().toEntity(JsonNode.class);

        assertThat(anonymous.getStatusCode().is4xxClientError()).as("%s", anonymous).isTrue();
        assertThat(deploy(api.as(Fixtures.OPERATOR)).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(output.getOut()).doesNotContain("ERROR");
    }

    @Test
    void refusesDeploymentEndpointsToNonAdmins() {
        for (String user : List.of(Fixtures.OPERATOR, Fixtures.REVIEWER, Fixtures.SENIOR_REVIEWER)) {
            assertThat(deploy(api.as(user)).getStatusCode()).as("deploy as " + user).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(get(api.as(user), "/engine-rest/deployment").getStatusCode()).as("list as " + user)
                    .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(get(api.as(user), "/engine-rest/engine/default/deployment").getStatusCode())
                    .as("list of the named engine as " + user).isEqualTo(HttpStatus.FORBIDDEN);
        }
        RestClient admin = api.as("demo");
        assertThat(get(admin, "/engine-rest/engine/default/deployment").getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode deployments = get(admin, "/engine-rest/deployment").getBody();
        assertThat(deployments).isNotEmpty();
        String deploymentId = deployments.get(0).path("id").asText();
        for (String user : List.of(Fixtures.OPERATOR, Fixtures.REVIEWER)) {
            assertThat(get(api.as(user), "/engine-rest/deployment/{id}", deploymentId).getStatusCode())
                    .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(api.as(user).delete().uri("/engine-rest/deployment/{id}?cascade=true", deploymentId)
                    .retrieve().toEntity(JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        }
        assertThat(get(admin, "/engine-rest/deployment/{id}", deploymentId).getStatusCode()).isEqualTo(HttpStatus.OK);

        ResponseEntity<JsonNode> deployed = deploy(admin);
        assertThat(deployed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(admin.delete().uri("/engine-rest/deployment/{id}?cascade=true", deployed.getBody().path("id").asText())
                .retrieve().toEntity(JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
    }

    /**
     * An SMS task under review: two levels, reviewers then senior-reviewers. Its audience has phone numbers, and so do
     * its testers, the demo's operators (testers are staff).
     */
    private long underReviewSms() {
        String word = uniqueWord();
        List<String> audience = List.of("sms-one-" + word, "sms-two-" + word);
        for (String user : audience) {
            ObjectNode profile = object().put("name", "SMS user").put("phone", "+49 170 1234567");
            assertThat(put(api.as(Fixtures.OPERATOR), "/api/users/{id}", profile, user).getStatusCode())
                    .isEqualTo(HttpStatus.CREATED);
        }
        ObjectNode sms = manualInAppTask("Text message", audience.toArray(String[]::new));
        sms.put("channel", "SMS");
        sms.set("testers", array(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER));
        long id = post(api.as(Fixtures.OPERATOR), "/api/tasks", sms).getBody().path("id").asLong();
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        return id;
    }

    private long createdBy(String operator) {
        ResponseEntity<JsonNode> created = post(api.as(operator), "/api/tasks", manualInAppTask("Four eyes"));
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return created.getBody().path("id").asLong();
    }

    private void testedAndSubmittedBy(String operator, long id) {
        assertThat(post(api.as(operator), "/api/tasks/{id}/test", null, id).getStatusCode()).isEqualTo(HttpStatus.OK);
        engine.runDueJobs();
        ResponseEntity<JsonNode> submitted = post(api.as(operator), "/api/tasks/{id}/submit", null, id);
        assertThat(submitted.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(submitted.getBody().path("status").asText()).as("%s", submitted.getBody()).isEqualTo("UNDER_REVIEW");
    }

    private void approveThroughApi(String reviewer, long id) {
        assertThat(post(api.as(reviewer), "/api/tasks/{id}/approve", null, id).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private void claimAndComplete(String reviewer, String work, boolean approved, String comment) {
        RestClient client = api.as(reviewer);
        assertThat(post(client, "/engine-rest/task/{id}/claim", object().put("userId", reviewer), work).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(post(client, "/engine-rest/task/{id}/complete", decision(approved, comment), work).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
    }

    /** The review decision in the engine REST format: typed variables {@code approved} and {@code reviewComment}. */
    private static ObjectNode decision(boolean approved, String comment) {
        ObjectNode body = object();
        ObjectNode variables = body.putObject("variables");
        variables.putObject("approved").put("value", approved).put("type", "Boolean");
        if (comment != null) {
            variables.putObject("reviewComment").put("value", comment).put("type", "String");
        }
        return body;
    }

    /** The review work of the task that {@code GET /engine-rest/task} shows the user. */
    private List<JsonNode> reviewWorkSeenBy(String user, long taskId) {
        ResponseEntity<JsonNode> work = get(api.as(user),
                "/engine-rest/task?processDefinitionKey={key}&processInstanceBusinessKey={id}", ReviewProcess.KEY, taskId);
        assertThat(work.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<JsonNode> items = new java.util.ArrayList<>();
        work.getBody().forEach(items::add);
        return items;
    }

    /** Straight from the engine, without anyone's authorizations: what is open, whoever may see it. */
    /** The review work of an operator's task, approved by a reviewer: work that is gone. */
    private String reviewWorkDecided() {
        long id = createdBy(Fixtures.OPERATOR);
        testedAndSubmittedBy(Fixtures.OPERATOR, id);
        String work = openReviewWork(id).getId();
        claimAndComplete(Fixtures.REVIEWER, work, true, "fine");
        return work;
    }

    private Task openReviewWork(long taskId) {
        return engine.processEngine().getTaskService().createTaskQuery()
                .processDefinitionKey(ReviewProcess.KEY)
                .processInstanceBusinessKey(String.valueOf(taskId))
                .singleResult();
    }

    private void assertStillWaitingForReview(long id) {
        JsonNode task = task(id);
        assertThat(task.path("status").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(task.path("approvalStatus").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(task.has("approvedBy")).isFalse();
        Task work = openReviewWork(id);
        assertThat(work).isNotNull();
        assertThat(work.getAssignee()).isNull();
        assertThat(texts(get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/history", id).getBody(), "action"))
                .noneMatch(action -> action.startsWith("REVIEW_"));
    }

    private ResponseEntity<JsonNode> deploy(RestClient client) {
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
                             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="https://reachflow.io/probe">
                  <process id="deployment-probe" isExecutable="true" camunda:historyTimeToLive="P1D">
                    <startEvent id="start_probe" />
                  </process>
                </definitions>
                """;
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("deployment-name", "probe-" + uniqueWord());
        form.add("deployment-source", "engine-rest-security-test");
        form.add("data", new ByteArrayResource(bpmn.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public String getFilename() {
                return "deployment-probe.bpmn";
            }
        });
        return client.post().uri("/engine-rest/deployment/create").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form).retrieve().toEntity(JsonNode.class);
    }

    private JsonNode task(long id) {
        return get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}", id).getBody();
    }

    private RestClient rita() {
        return api.as(Fixtures.REVIEWER);
    }
}
