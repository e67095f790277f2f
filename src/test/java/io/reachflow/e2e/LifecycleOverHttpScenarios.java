package io.reachflow.e2e;

import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.object;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.texts;
import static io.reachflow.support.HttpJson.uniqueWord;
import static io.reachflow.support.HttpJson.userProfile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * A task's whole life over HTTP, as operators, reviewers and the users' app see it. The only thing not done
 * over HTTP is the job executor's work, which {@link Engine#runDueJobs()} does where a real node would.
 * Subclasses choose the database.
 */
abstract class LifecycleOverHttpScenarios {

    @Autowired
    Api api;

    @Autowired
    Engine engine;

    @Autowired
    Fixtures fixtures;

    @Test
    void runsATaskFromDraftToCompletedOverHttp() {
        String anna = audienceUser("Anna", "Berlin");
        String ben = audienceUser("Ben", "Hamburg");
        ResponseEntity<JsonNode> created = post(operator(), "/api/tasks", manualInAppTask("Summer sale", anna, ben));
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = created.getBody().path("id").asLong();
        assertThat(status(id)).isEqualTo("DRAFT");

        act(operator(), id, "test", null);
        assertThat(status(id)).isEqualTo("TESTING");
        engine.runDueJobs();
        JsonNode round = get(operator(), "/api/tasks/{id}/test-rounds", id).getBody().get(0);
        assertThat(texts(round.path("testers"), "status")).containsExactly("DELIVERED", "DELIVERED");

        act(operator(), id, "submit", "ready for review");
        assertThat(task(id).path("approvalStatus").asText()).isEqualTo("UNDER_REVIEW");
        assertThat(status(id)).isEqualTo("UNDER_REVIEW");

        JsonNode approved = act(reviewer(), id, "approve", "good to go");
        assertThat(approved.path("status").asText()).isEqualTo("RUNNING");
        assertThat(approved.path("approvalStatus").asText()).isEqualTo("APPROVED");
        assertThat(approved.path("approvedBy").asText()).isEqualTo(Fixtures.REVIEWER);

        act(operator(), id, "send", null);
        engine.runDueJobs();
        JsonNode push = get(operator(), "/api/tasks/{id}/pushes", id).getBody().path("items").get(0);
        assertThat(push.path("targeted").asLong()).isEqualTo(2);
        assertThat(push.path("delivered").asLong()).isEqualTo(2);
        JsonNode inbox = get(operator(), "/api/inbox/{user}", anna).getBody();
        assertThat(inbox.path("items")).hasSize(1);
        assertThat(inbox.path("total").asLong()).isEqualTo(1);
        assertThat(inbox.path("unread").asLong()).isEqualTo(1);
        JsonNode message = inbox.path("items").get(0);
        assertThat(message.path("taskId").asLong()).isEqualTo(id);
        assertThat(message.path("title").asText()).isEqualTo("Hi Anna");
        assertThat(message.path("body").asText()).isEqualTo("News from Berlin");
        assertThat(get(operator(), "/api/inbox/{user}", ben).getBody().path("items").get(0).path("body").asText())
                .isEqualTo("News from Hamburg");

        act(operator(), id, "pause", "hold on");
        assertThat(status(id)).isEqualTo("PAUSED");
        assertThat(post(operator(), "/api/tasks/{id}/send", null, id).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        act(operator(), id, "resume", null);
        assertThat(status(id)).isEqualTo("RUNNING");

        JsonNode completed = act(operator(), id, "complete", "campaign over");
        assertThat(completed.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.path("completionReason").asText()).isEqualTo("COMPLETED_BY_OPERATOR");
        assertThat(texts(completed.path("allowedActions"))).containsExactlyInAnyOrder("COPY", "CHANGE_SUBGROUP");
        assertThat(engine.lifecycle(id)).as("lifecycle process of the completed task").isNull();
        assertThat(texts(get(operator(), "/api/tasks/{id}/history", id).getBody(), "action"))
                .containsSubsequence("CREATE", "TEST", "SUBMIT", "SEND", "PAUSE", "RESUME", "COMPLETE");
        assertThat(get(operator(), "/api/inbox/{user}", anna).getBody().path("items")).hasSize(1);
    }

    @Test
    void resubmitsARejectedTaskAfterAnEditAndARetest() {
        String clara = audienceUser("Clara", "Munich");
        long id = post(operator(), "/api/tasks", manualInAppTask("Autumn sale", clara)).getBody().path("id").asLong();
        act(operator(), id, "test", null);
        engine.runDueJobs();
        act(operator(), id, "submit", null);

        JsonNode rejected = act(reviewer(), id, "reject", "Say which city");
        assertThat(rejected.path("status").asText()).isEqualTo("TESTING");
        assertThat(rejected.path("approvalStatus").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("approvalNote").asText()).isEqualTo("Say which city");
        assertThat(engine.review(id)).as("review process after the rejection").isNull();

        ResponseEntity<JsonNode> current = get(operator(), "/api/tasks/{id}", id);
        ObjectNode edit = manualInAppTask("Autumn sale", clara);
        edit.with("content").put("body", "Autumn news from {{attributes.city}}");
        ResponseEntity<JsonNode> edited = operator().put().uri("/api/tasks/{id}", id)
                .header(HttpHeaders.IF_MATCH, current.getHeaders().getETag()).body(edit)
                .retrieve().toEntity(JsonNode.class);
        assertThat(edited.getStatusCode()).isEqualTo(HttpStatus.OK);

        JsonNode untested = act(operator(), id, "submit", null);
        assertThat(untested.path("status").asText()).isEqualTo("TESTING");
        assertThat(untested.path("approvalStatus").asText()).isEqualTo("SUBMISSION_FAILED");
        assertThat(untested.path("approvalNote").asText()).isNotBlank();

        act(operator(), id, "test", "retest after the edit");
        engine.runDueJobs();
        assertThat(get(operator(), "/api/tasks/{id}/test-rounds", id).getBody()).hasSize(2);
        assertThat(act(operator(), id, "submit", null).path("status").asText()).isEqualTo("UNDER_REVIEW");
        JsonNode approved = act(api.as(Fixtures.SENIOR_REVIEWER), id, "approve", null);
        assertThat(approved.path("status").asText()).isEqualTo("RUNNING");
        assertThat(approved.path("approvedBy").asText()).isEqualTo(Fixtures.SENIOR_REVIEWER);

        act(operator(), id, "send", null);
        engine.runDueJobs();
        assertThat(get(operator(), "/api/inbox/{user}", clara).getBody().path("items").get(0).path("body").asText())
                .isEqualTo("Autumn news from Munich");
        assertThat(texts(get(operator(), "/api/tasks/{id}/history", id).getBody(), "action"))
                .containsSubsequence("SUBMIT", "REVIEW_REJECTED (Review task)", "EDIT", "TEST", "SUBMIT");
    }

    /**
     * A wrong password is answered 401 and written down: the identity service counts failed logins and locks the
     * user out for a while, so the count must commit with the refusal (on a user of its own, not a demo user).
     */
    @Test
    void refusesAWrongPasswordAndCountsTheFailedLogin() {
        String user = fixtures.newOperator("guessed", "right");

        RestClient wrongPassword = api.anonymous().mutate()
                .defaultHeaders(headers -> headers.setBasicAuth(user, "wrong")).build();
        assertThat(get(wrongPassword, "/api/tasks").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);

        UserEntity stored = (UserEntity) engine.processEngine().getIdentityService().createUserQuery().userId(user).singleResult();
        assertThat(stored.getAttempts()).isEqualTo(1);
        assertThat(stored.getLockExpirationTime()).isNotNull();
    }

    /**
     * The largest a task's lists may be, each item as long as it may be, is stored whole: 10,000 listed users of 128
     * characters (their JSON over a million characters), and fifty testers of 64 (staff: the engine's longest user
     * id), whose change the history records.
     */
    @Test
    void storesTheLargestAudienceAndTestersTheRulesAllow() {
        String[] users = new String[10_000];
        for (int i = 0; i < users.length; i++) {
            users[i] = String.format("%05d", i) + "u".repeat(123);
        }
        ResponseEntity<JsonNode> created = post(operator(), "/api/tasks", manualInAppTask("Listed " + uniqueWord(), users));
        assertThat(created.getStatusCode()).as(String.valueOf(created.getBody())).isEqualTo(HttpStatus.CREATED);
        long id = created.getBody().path("id").asLong();
        JsonNode audience = task(id).path("audience").path("users");
        assertThat(audience).hasSize(10_000);
        assertThat(audience.get(9_999).asText()).isEqualTo(users[9_999]);

        // testers are staff, users of the identity service, whose ids the engine keeps to 64 characters
        ArrayNode testers = HttpJson.MAPPER.createArrayNode();
        String prefix = uniqueWord();
        for (int i = 0; i < 50; i++) {
            String tester = prefix + String.format("%02d", i);
            tester += "t".repeat(64 - tester.length());
            engine.processEngine().getIdentityService().saveUser(
                    engine.processEngine().getIdentityService().newUser(tester));
            testers.add(tester);
        }
        ResponseEntity<JsonNode> changed = operator().put().uri("/api/tasks/{id}/testers", id)
                .header(HttpHeaders.IF_MATCH, "\"" + task(id).path("version").asLong() + "\"")
                .body(object().<ObjectNode>set("testers", testers)).retrieve().toEntity(JsonNode.class);
        assertThat(changed.getStatusCode()).as(String.valueOf(changed.getBody())).isEqualTo(HttpStatus.OK);
        assertThat(changed.getBody().path("testers")).hasSize(50);
        JsonNode history = get(operator(), "/api/tasks/{id}/history", id).getBody();
        String recorded = history.get(history.size() - 1).path("comment").asText();
        assertThat(recorded).as("the testers, whole").hasSize(50 * 66 - 2)
                .startsWith(testers.get(0).asText() + ", " + testers.get(1).asText())
                .endsWith(testers.get(49).asText());
    }

    /** A fresh audience profile, so that no other test's users are in the audience. */
    String audienceUser(String name, String city) {
        String id = name.toLowerCase() + "-" + uniqueWord();
        assertThat(put(operator(), "/api/users/{id}", userProfile(name, city), id).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
        return id;
    }

    JsonNode act(RestClient client, long id, String action, String comment) {
        ResponseEntity<JsonNode> done = post(client, "/api/tasks/{id}/{action}",
                comment == null ? null : object().put("comment", comment), id, action);
        assertThat(done.getStatusCode()).as(action + " " + done.getBody()).isEqualTo(HttpStatus.OK);
        return done.getBody();
    }

    JsonNode task(long id) {
        return get(operator(), "/api/tasks/{id}", id).getBody();
    }

    String status(long id) {
        return task(id).path("status").asText();
    }

    RestClient operator() {
        return api.as(Fixtures.OPERATOR);
    }

    RestClient reviewer() {
        return api.as(Fixtures.REVIEWER);
    }
}
