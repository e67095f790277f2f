package io.reachflow.task.web;

import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.texts;
import static io.reachflow.support.HttpJson.uniqueWord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /api/tasks}: each filter, search by name or id, paging and sort. Every test works in a campaign of
 * its own, so tasks of other tests in the shared application never match.
 */
@ReachflowSpringTest
class TaskListTest {

    @Autowired
    Api api;

    @Autowired
    Engine engine;

    @Test
    void filtersByEachField() {
        String campaign = "list-" + uniqueWord();
        long draft = create(Fixtures.OPERATOR, task("Alpha", campaign));
        ObjectNode emailBody = task("Bravo", campaign);
        emailBody.put("channel", "EMAIL");
        emailBody.put("pushType", "ONE_TIME");
        emailBody.putObject("schedule").put("sendAt", Instant.now().plus(7, ChronoUnit.DAYS).toString());
        emailBody.put("subgroup", "south");
        long testing = create(Fixtures.OTHER_OPERATOR, emailBody);
        ObjectNode clubBody = task("Charlie", campaign);
        clubBody.put("miniProgram", "club");
        long underReview = create(Fixtures.OPERATOR, clubBody);
        act(Fixtures.OTHER_OPERATOR, testing, "test");
        act(Fixtures.OPERATOR, underReview, "test");
        engine.runDueJobs();
        act(Fixtures.OPERATOR, underReview, "submit");

        assertThat(ids("campaign=" + campaign)).containsExactlyInAnyOrder(draft, testing, underReview);
        assertThat(ids("campaign=" + campaign + "&status=DRAFT")).containsExactly(draft);
        assertThat(ids("campaign=" + campaign + "&status=TESTING")).containsExactly(testing);
        assertThat(ids("campaign=" + campaign + "&status=UNDER_REVIEW")).containsExactly(underReview);
        assertThat(ids("campaign=" + campaign + "&approvalStatus=UNDER_REVIEW")).containsExactly(underReview);
        assertThat(ids("campaign=" + campaign + "&approvalStatus=NONE")).containsExactlyInAnyOrder(draft, testing);
        assertThat(ids("campaign=" + campaign + "&channel=EMAIL")).containsExactly(testing);
        assertThat(ids("campaign=" + campaign + "&channel=IN_APP")).containsExactlyInAnyOrder(draft, underReview);
        assertThat(ids("campaign=" + campaign + "&pushType=ONE_TIME")).containsExactly(testing);
        assertThat(ids("campaign=" + campaign + "&subgroup=south")).containsExactly(testing);
        assertThat(ids("campaign=" + campaign + "&miniProgram=club")).containsExactly(underReview);
        assertThat(ids("campaign=" + campaign + "&createdBy=" + Fixtures.OTHER_OPERATOR)).containsExactly(testing);
        assertThat(ids("campaign=" + campaign + "&createdBy=" + Fixtures.OPERATOR))
                .containsExactlyInAnyOrder(draft, underReview);
        assertThat(ids("campaign=" + campaign + "&status=TESTING&channel=IN_APP")).isEmpty();
        assertThat(ids("campaign=" + campaign + "x")).isEmpty();
        assertThat(ids("campaign=" + campaign + "&status=DRAFT&status=UNDER_REVIEW")).as("any of the values")
                .containsExactlyInAnyOrder(draft, underReview);
        assertThat(ids("campaign=" + campaign + "&status=DRAFT,TESTING&channel=IN_APP,EMAIL"))
                .containsExactlyInAnyOrder(draft, testing);
    }

    @Test
    void searchesNamesCaseInsensitivelyByContainedText() {
        String word = uniqueWord();
        long alpha = create(Fixtures.OPERATOR, task("Alpha Sale " + word, "list-" + uniqueWord()));
        long bravo = create(Fixtures.OPERATOR, task("Bravo Promo " + word, "list-" + uniqueWord()));
        long charlie = create(Fixtures.OPERATOR, task("Charlie SALE " + word + " Berlin", "list-" + uniqueWord()));

        assertThat(ids("q=" + word.toUpperCase())).containsExactlyInAnyOrder(alpha, bravo, charlie);
        assertThat(ids("q=sAlE " + word)).containsExactlyInAnyOrder(alpha, charlie);
        assertThat(ids("q=promo " + word.substring(0, 6))).containsExactly(bravo);
        assertThat(ids("q=" + word + "%")).isEmpty();
        assertThat(ids("q=" + word.substring(0, 3) + "_" + word.substring(4))).isEmpty();
    }

    /** A misspelt filter would otherwise answer the whole list as if it had matched. */
    @Test
    void refusesAParameterTheListDoesNotTake() {
        ResponseEntity<JsonNode> refused = get(olivia(), "/api/tasks?stauts=DRAFT");

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody().path("errors").get(0).path("field").asText()).isEqualTo("stauts");
        assertThat(refused.getBody().path("detail").asText()).startsWith("Unknown parameter 'stauts'; this endpoint takes ")
                .contains("status", "campaign", "q", "page", "size", "sort");
        assertThat(get(olivia(), "/api/tasks/{id}?verbose=true", Long.MAX_VALUE).getBody().path("detail").asText())
                .isEqualTo("Unknown parameter 'verbose': this endpoint takes none");
        // a JSON body sent as a form is the content type's mistake, not an unknown parameter's
        assertThat(olivia().post().uri("/api/tasks/{id}/test", Long.MAX_VALUE)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body("{\"comment\":\"go\"}").retrieve()
                .toEntity(JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void namesTheValuesAFilterTakes() {
        ResponseEntity<JsonNode> refused = get(olivia(), "/api/tasks?status=DRAFT,FOO");

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody().path("detail").asText()).isEqualTo("Parameter 'status' cannot be 'DRAFT,FOO'; "
                + "one of [DRAFT, TESTING, UNDER_REVIEW, RUNNING, PAUSED, COMPLETED]");
    }

    @Test
    void searchesById() {
        String campaign = "list-" + uniqueWord();
        create(Fixtures.OPERATOR, task("Alpha", campaign));
        long wanted = create(Fixtures.OPERATOR, task("Bravo", campaign));

        assertThat(ids("campaign=" + campaign + "&q=" + wanted)).containsExactly(wanted);
        assertThat(ids("q=" + wanted)).contains(wanted);
    }

    @Test
    void pagesWithItemsPageSizeAndTotal() {
        String campaign = "list-" + uniqueWord();
        for (String name : List.of("Echo", "Alpha", "Delta", "Bravo", "Charlie")) {
            create(Fixtures.OPERATOR, task(name, campaign));
        }

        JsonNode first = list("campaign=" + campaign + "&sort=name,asc&size=2&page=0");
        JsonNode second = list("campaign=" + campaign + "&sort=name,asc&size=2&page=1");
        JsonNode last = list("campaign=" + campaign + "&sort=name,asc&size=2&page=2");
        JsonNode beyond = list("campaign=" + campaign + "&sort=name,asc&size=2&page=3");

        assertThat(texts(first.path("items"), "name")).containsExactly("Alpha", "Bravo");
        assertThat(texts(second.path("items"), "name")).containsExactly("Charlie", "Delta");
        assertThat(texts(last.path("items"), "name")).containsExactly("Echo");
        assertThat(beyond.path("items")).isEmpty();
        for (JsonNode page : List.of(first, second, last, beyond)) {
            assertThat(page.path("size").asInt()).isEqualTo(2);
            assertThat(page.path("total").asLong()).isEqualTo(5);
        }
        assertThat(List.of(first, second, last, beyond)).extracting(page -> page.path("page").asInt())
                .containsExactly(0, 1, 2, 3);
        assertThat(first.path("items").get(0).path("allowedActions")).isNotEmpty();
    }

    @Test
    void sortsByNameAndIdEitherWayNewestFirstByDefault() {
        String campaign = "list-" + uniqueWord();
        long bravo = create(Fixtures.OPERATOR, task("Bravo", campaign));
        long alpha = create(Fixtures.OPERATOR, task("Alpha", campaign));
        long charlie = create(Fixtures.OPERATOR, task("Charlie", campaign));

        assertThat(ids("campaign=" + campaign)).containsExactly(charlie, alpha, bravo);
        assertThat(ids("campaign=" + campaign + "&sort=id,asc")).containsExactly(bravo, alpha, charlie);
        assertThat(ids("campaign=" + campaign + "&sort=name,asc")).containsExactly(alpha, bravo, charlie);
        assertThat(ids("campaign=" + campaign + "&sort=name,desc")).containsExactly(charlie, bravo, alpha);
        assertThat(ids("campaign=" + campaign + "&sort=name")).containsExactly(alpha, bravo, charlie);
    }

    /**
     * A task without a campaign sorts after those with one by campaign ascending, and before them descending, on H2
     * as on PostgreSQL (H2 put it first either way, PostgreSQL last then first: one product, two orders).
     */
    @Test
    void sortsTasksWithoutACampaignLastAscendingAndFirstDescending() {
        String word = uniqueWord();
        ObjectNode withoutCampaign = manualInAppTask("Nulls " + word);
        withoutCampaign.remove("campaign");
        long none = create(Fixtures.OPERATOR, withoutCampaign);
        long some = create(Fixtures.OPERATOR, task("Nulls " + word, "list-" + word));

        assertThat(ids("q=" + word + "&sort=campaign,asc")).containsExactly(some, none);
        assertThat(ids("q=" + word + "&sort=campaign,desc")).containsExactly(none, some);
    }

    private static ObjectNode task(String name, String campaign) {
        ObjectNode body = manualInAppTask(name);
        body.put("campaign", campaign);
        return body;
    }

    private long create(String user, ObjectNode body) {
        ResponseEntity<JsonNode> created = post(api.as(user), "/api/tasks", body);
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return created.getBody().path("id").asLong();
    }

    private void act(String user, long id, String action) {
        ResponseEntity<JsonNode> done = post(api.as(user), "/api/tasks/{id}/{action}", null, id, action);
        assertThat(done.getStatusCode()).as(action).isEqualTo(HttpStatus.OK);
    }

    private JsonNode list(String query) {
        ResponseEntity<JsonNode> page = get(olivia(), "/api/tasks?" + query);
        assertThat(page.getStatusCode()).as(query).isEqualTo(HttpStatus.OK);
        return page.getBody();
    }

    private List<Long> ids(String query) {
        List<Long> ids = new ArrayList<>();
        list(query + "&size=200").path("items").forEach(item -> ids.add(item.path("id").asLong()));
        return ids;
    }

    private RestClient olivia() {
        return api.as(Fixtures.OPERATOR);
    }
}
