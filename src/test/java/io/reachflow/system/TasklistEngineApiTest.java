package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.reachflow.review.ReviewProcess;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.support.Logs;
import io.reachflow.support.WebappSession;
import io.reachflow.task.OperationTask;
import io.reachflow.task.TaskAction;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Two reviewers at the same review work in Tasklist, which calls the webapps' copy of the engine's API
 * ({@code /camunda/api/engine}) with its session and CSRF token: the second claim is a conflict (409), and work that
 * another decided is gone (404), in the engine API's error format and without a server error in the log.
 * ({@code /engine-rest}: see EngineRestSecurityTest.)
 *
 * <p>Logged in over HTTP, so with an application context of its own, whose engine takes a generated name that
 * every path names: see {@link WebappSession}.
 */
@ReachflowSpringTest
@TestPropertySource(properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class TasklistEngineApiTest {

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    ProcessEngine engine;

    @Test
    void answersASecondClaimWithAConflict(CapturedOutput output) {
        String work = openReviewWork(fixtures.underReview(Fixtures.manualInApp()));
        assertThat(tasklist("rob").postToEngine("/task/" + work + "/claim", "{\"userId\":\"rob\"}").statusCode())
                .isEqualTo(204);

        HttpResponse<String> second = tasklist(Fixtures.REVIEWER).postToEngine("/task/" + work + "/claim",
                "{\"userId\":\"rita\"}");

        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        JsonNode error = json(second);
        assertThat(error.path("type").asText()).isEqualTo("TaskAlreadyClaimedException");
        assertThat(error.path("message").asText()).contains(work, "already claimed");
        assertThat(engine.getTaskService().createTaskQuery().taskId(work).singleResult().getAssignee())
                .isEqualTo("rob");
        assertThat(output.getOut()).doesNotContain("ENGINE-REST-HTTP500");
    }

    /** Decided through /api by another reviewer meanwhile: the list Tasklist showed is out of date. */
    @Test
    void answersWorkDecidedMeanwhileWithNotFound(CapturedOutput output) {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        String work = openReviewWork(task);
        WebappSession rob = tasklist("rob");
        fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.APPROVE, "fine");
        String decision = "{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"},"
                + "\"reviewComment\":{\"value\":\"ok\",\"type\":\"String\"}}}";

        AtomicReference<HttpResponse<String>> claimed = new AtomicReference<>();
        Logs.atInfo(EngineRestConflicts.class, () -> claimed.set(rob.postToEngine("/task/" + work + "/claim",
                "{\"userId\":\"rob\"}")));
        HttpResponse<String> claim = claimed.get();
        HttpResponse<String> complete = rob.postToEngine("/task/" + work + "/complete", decision);
        HttpResponse<String> submitted = rob.postToEngine("/task/" + work + "/submit-form", decision);
        HttpResponse<String> unclaim = rob.postToEngine("/task/" + work + "/unclaim", "");
        HttpResponse<String> unknown = rob.postToEngine("/task/no-such-work/claim", "{\"userId\":\"rob\"}");

        for (HttpResponse<String> gone : List.of(claim, complete, submitted, unclaim, unknown)) {
            assertThat(gone.statusCode()).as("%s: %s", gone.request().uri(), gone.body()).isEqualTo(404);
            assertThat(json(gone).path("message").asText()).contains("Cannot find task with id");
            assertThat(json(gone).has("code")).as("the engine API's error format").isTrue();
        }
        assertThat(json(claim).path("type").asText()).isEqualTo("NullValueException");
        assertThat(json(complete).path("message").asText()).startsWith("Cannot complete task " + work);
        assertThat(output.getOut()).doesNotContain("ENGINE-REST-HTTP500")
                .as("who, though the webapps' login is no Spring Security user")
                .containsPattern("rob of engine/[^/]+/task/" + work + "/claim: no such review work");
    }

    /**
     * Tasklist opens the work it listed by reading its form: of work decided meanwhile, or unknown, each read answers
     * 404 saying so, not a 500 (deployed form, rendered form) or a 400 (form, form variables).
     */
    @Test
    void answersReadsOfTheFormOfGoneWorkWithNotFound(CapturedOutput output) {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        String work = openReviewWork(task);
        WebappSession rob = tasklist("rob");
        assertThat(rob.getFromEngine("/task/" + work + "/form").statusCode()).isEqualTo(200);
        fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.APPROVE, "fine");

        for (String read : List.of("form", "deployed-form", "rendered-form", "form-variables")) {
            for (String id : List.of(work, "no-such-work")) {
                HttpResponse<String> gone = rob.getFromEngine("/task/" + id + "/" + read);
                assertThat(gone.statusCode()).as("%s: %s", gone.request().uri(), gone.body()).isEqualTo(404);
                assertThat(json(gone).path("message").asText())
                        .isEqualTo("No task with id " + id + ": it was completed, deleted, or never existed");
                assertThat(json(gone).has("code")).as("the engine API's error format").isTrue();
            }
        }
        assertThat(output.getOut()).doesNotContain("ENGINE-REST-HTTP500", "NullPointerException");
    }

    private WebappSession tasklist(String user) {
        return WebappSession.tasklist(api.baseUrl(), engine.getName(), user);
    }

    private String openReviewWork(OperationTask task) {
        Task work = engine.getTaskService().createTaskQuery().processDefinitionKey(ReviewProcess.KEY)
                .processInstanceBusinessKey(String.valueOf(task.getId())).singleResult();
        return work.getId();
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return HttpJson.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new AssertionError("Not JSON: " + response.body(), e);
        }
    }
}
