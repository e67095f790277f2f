package io.reachflow.e2e;

import static io.reachflow.support.HttpJson.delete;
import static io.reachflow.support.HttpJson.errorFields;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.uniqueWord;
import static io.reachflow.support.HttpJson.userProfile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Audience;
import io.reachflow.task.AudienceType;
import io.reachflow.task.Channel;
import io.reachflow.task.Content;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The in-app inbox of the users' app ({@code GET /api/inbox/{userId}} and reading one message), and the local
 * outbox of the sandboxed channels ({@code GET /api/outbox}).
 */
@ReachflowSpringTest
class InboxApiTest {

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Test
    void readingAMessageMarksItOpenedAndCountsOneOpenOnThePush() {
        String fay = audienceUser("Fay", "Essen");
        String gus = audienceUser("Gus", "Ulm");
        long taskId = sentTo(fay, gus);
        JsonNode message = onlyMessage(fay);
        assertThat(message.has("openedAt")).isFalse();
        assertThat(push(taskId).path("opened").asLong()).isZero();
        assertThat(unread(fay)).isEqualTo(1);

        ResponseEntity<JsonNode> read = get(app(), "/api/inbox/{user}/{message}", fay, message.path("id").asLong());

        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(read.getBody().path("title").asText()).isEqualTo("Hi Fay");
        String openedAt = read.getBody().path("openedAt").asText();
        assertThat(openedAt).isNotBlank();
        assertThat(push(taskId).path("opened").asLong()).isEqualTo(1);
        assertThat(onlyMessage(fay).path("openedAt").asText()).isEqualTo(openedAt);
        assertThat(unread(fay)).isZero();

        ResponseEntity<JsonNode> readAgain = get(app(), "/api/inbox/{user}/{message}", fay, message.path("id").asLong());

        assertThat(readAgain.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(readAgain.getBody().path("openedAt").asText()).isEqualTo(openedAt);
        assertThat(push(taskId).path("opened").asLong()).isEqualTo(1);
        assertThat(onlyMessage(gus).has("openedAt")).isFalse();
    }

    /** A page past 2,147,483,647 rows is a 400 on {@code page}, as on every other list (it answered 200, empty). */
    @Test
    void refusesAPageNoListCanReach() {
        String ivy = audienceUser("Ivy", "Kiel");

        ResponseEntity<JsonNode> inbox = get(app(), "/api/inbox/{user}?page=2147483647&size=200", ivy);
        ResponseEntity<JsonNode> outbox = get(app(), "/api/outbox?page=2147483647&size=200");

        assertThat(inbox.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(inbox.getBody())).containsExactly("page");
        assertThat(outbox.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(outbox.getBody())).containsExactly("page");
    }

    @Test
    void answersNotFoundForAMessageOfAnotherUserAndCountsNoOpen() {
        String hal = audienceUser("Hal", "Trier");
        String ida = audienceUser("Ida", "Jena");
        long taskId = sentTo(hal, ida);
        long halsMessage = onlyMessage(hal).path("id").asLong();

        ResponseEntity<JsonNode> notHers = get(app(), "/api/inbox/{user}/{message}", ida, halsMessage);

        assertThat(notHers.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(notHers.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(onlyMessage(hal).has("openedAt")).isFalse();
        assertThat(push(taskId).path("opened").asLong()).isZero();
    }

    /** An image on another site's page, in a browser that remembers the credentials, must not open a message. */
    @Test
    void aReadThatAnotherSitesPageAsksForOpensNothing() {
        String jon = audienceUser("Jon", "Kiel");
        long taskId = sentTo(jon);
        long message = onlyMessage(jon).path("id").asLong();
        RestClient fromElsewhere = app().mutate().defaultHeader("Sec-Fetch-Site", "cross-site").build();

        ResponseEntity<JsonNode> refused = get(fromElsewhere, "/api/inbox/{user}/{message}", jon, message);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refused.getBody().path("detail").asText()).contains("marks it opened");
        assertThat(onlyMessage(jon).has("openedAt")).isFalse();
        assertThat(push(taskId).path("opened").asLong()).isZero();
    }

    /** An id without a profile has no inbox (404), be it unknown or erased; a user without messages has an empty one. */
    @Test
    void anIdWithoutAProfileHasNoInbox() {
        String lea = audienceUser("Lea", "Bonn");
        ResponseEntity<JsonNode> empty = get(app(), "/api/inbox/{user}", lea);
        assertThat(empty.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(empty.getBody().path("items")).isEmpty();
        assertThat(empty.getBody().path("total").asLong()).isZero();

        ResponseEntity<JsonNode> unknown = get(app(), "/api/inbox/{user}", "nobody-" + uniqueWord());
        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(unknown.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(unknown.getBody().path("detail").asText()).startsWith("No user with id nobody-");

        String max = audienceUser("Max", "Graz");
        sentTo(max);
        assertThat(unread(max)).isEqualTo(1);
        assertThat(delete(app(), "/api/users/{id}", max).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get(app(), "/api/inbox/{user}", max).getStatusCode()).as("erased with its messages")
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void refusesABadPageSize() {
        ResponseEntity<JsonNode> refused = get(app(), "/api/inbox/{user}?size=0", "alice");

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(errorFields(refused.getBody())).containsExactly("size");
    }

    /**
     * Without a provider, EMAIL writes to the local outbox: what the message would have been, rendered, with the
     * address it would have gone to; filtered by channel, task and user.
     */
    @Test
    void theSandboxedChannelsWriteTheirMessagesToTheOutbox() {
        String jo = audienceUser("Jo", "Kiel");
        String kim = "kim-" + uniqueWord();
        assertThat(put(app(), "/api/users/{id}", HttpJson.object().put("name", "Kim"), kim).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
        long taskId = sentTo(Channel.EMAIL, jo, kim);

        ResponseEntity<JsonNode> outbox = get(app(), "/api/outbox?channel=EMAIL&taskId={task}", taskId);

        assertThat(outbox.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(outbox.getBody().path("total").asLong()).isEqualTo(2);
        assertThat(HttpJson.texts(outbox.getBody().path("items"), "userId")).as("newest first: the push (Kim has no email "
                + "address), then the test round to the tester").containsExactly(jo, Fixtures.OPERATOR);
        JsonNode message = outbox.getBody().path("items").get(0);
        assertThat(message.path("pushId").asLong()).isEqualTo(push(taskId).path("id").asLong());
        assertThat(message.path("userId").asText()).isEqualTo(jo);
        assertThat(message.path("address").asText()).isEqualTo("jo@example.com");
        assertThat(message.path("title").asText()).isEqualTo("Hi Jo");
        assertThat(message.path("body").asText()).isEqualTo("Sale in Kiel");
        assertThat(push(taskId).path("skippedByReason").path("NO_ADDRESS").asLong()).isEqualTo(1);
        assertThat(get(app(), "/api/outbox?channel=SMS&taskId={task}", taskId).getBody().path("items")).isEmpty();
        JsonNode kims = get(app(), "/api/outbox?taskId={task}&userId={user}", taskId, kim).getBody();
        assertThat(kims.path("items")).isEmpty();
        assertThat(kims.path("total").asLong()).isZero();
        ResponseEntity<JsonNode> refused = get(app(), "/api/outbox?channel=FAX");
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("channel");
    }

    /** A MANUAL in-app task to these users, run and sent once. */
    private long sentTo(String... users) {
        return sentTo(Channel.IN_APP, users);
    }

    /** A MANUAL task on the channel to these users, run and sent once. */
    private long sentTo(Channel channel, String... users) {
        TaskDefinition definition = new TaskDefinition("Inbox " + uniqueWord(), null, "inbox-tests", null, null,
                channel, PushType.MANUAL, new Audience(AudienceType.USERS, List.of(), List.of(users), List.of()),
                new Content("Hi {{name}}", "Sale in {{attributes.city}}", null), Schedule.immediately(), null, null,
                List.of(Fixtures.OPERATOR));
        OperationTask running = fixtures.running(definition);
        fixtures.act(Fixtures.OPERATOR, running.getId(), TaskAction.SEND, null);
        engine.runDueJobs();
        return running.getId();
    }

    private JsonNode onlyMessage(String user) {
        ResponseEntity<JsonNode> inbox = get(app(), "/api/inbox/{user}", user);
        assertThat(inbox.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(inbox.getBody().path("items")).hasSize(1);
        assertThat(inbox.getBody().path("total").asLong()).isEqualTo(1);
        return inbox.getBody().path("items").get(0);
    }

    private long unread(String user) {
        return get(app(), "/api/inbox/{user}", user).getBody().path("unread").asLong();
    }

    private JsonNode push(long taskId) {
        JsonNode pushes = get(app(), "/api/tasks/{id}/pushes", taskId).getBody();
        assertThat(pushes.path("items")).hasSize(1);
        return pushes.path("items").get(0);
    }

    private String audienceUser(String name, String city) {
        String id = name.toLowerCase() + "-" + uniqueWord();
        assertThat(put(app(), "/api/users/{id}", userProfile(name, city), id).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
        return id;
    }

    /** The app that owns the users calls with an operator's credentials here (the demo has no app account). */
    private RestClient app() {
        return api.as(Fixtures.OPERATOR);
    }
}
