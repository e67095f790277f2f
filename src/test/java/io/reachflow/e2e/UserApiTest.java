package io.reachflow.e2e;

import static io.reachflow.support.HttpJson.array;
import static io.reachflow.support.HttpJson.errorFields;
import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.put;
import static io.reachflow.support.HttpJson.texts;
import static io.reachflow.support.HttpJson.uniqueWord;
import static io.reachflow.support.HttpJson.userProfile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.system.CurrentActor;
import io.reachflow.system.Groups;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Audience profiles as the app that owns the users keeps them: {@code PUT /api/users/{id}}. Imports: {@link UserImportScenarios}. */
@ReachflowSpringTest
class UserApiTest {

    @Autowired
    Api api;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Test
    void upsertsAProfileCreatedFirstThenReplaced() {
        String id = "dora-" + uniqueWord();
        ObjectNode first = userProfile("Dora", "Berlin");
        first.set("tags", array("vip"));

        ResponseEntity<JsonNode> created = put(operator(), "/api/users/{id}", first, id);

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getHeaders().getLocation()).hasPath("/api/users/" + id);
        assertThat(created.getBody().path("id").asText()).isEqualTo(id);
        assertThat(created.getBody().path("attributes").path("city").asText()).isEqualTo("Berlin");

        ObjectNode second = userProfile("Dora D.", "Leipzig");
        second.set("optOut", array("SMS"));
        ResponseEntity<JsonNode> replaced = put(operator(), "/api/users/{id}", second, id);

        assertThat(replaced.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(replaced.getHeaders().getLocation()).isNull();
        JsonNode stored = get(operator(), "/api/users/{id}", id).getBody();
        assertThat(stored.path("id").asText()).isEqualTo(id);
        assertThat(stored.path("name").asText()).isEqualTo("Dora D.");
        assertThat(stored.path("attributes").path("city").asText()).isEqualTo("Leipzig");
        assertThat(stored.path("tags")).isEmpty();
        assertThat(texts(stored.path("optOut"))).containsExactly("SMS");
        assertThat(get(operator(), "/api/users/{id}", "someone-else").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /**
     * A staff member's profile holds where test rounds reach them (test rounds go to staff only, their content not
     * reviewed): another operator may not put a customer's address on it, by a PUT, an import row or an erasure;
     * they themselves and an admin may.
     */
    @Test
    void keepsAStaffMembersProfileToThemAndToAdmins() {
        String staff = fixtures.newOperator("profiled", "demo");
        ObjectNode customersAddress = userProfile("Staff", "Berlin").put("email", "alice@example.com");

        ResponseEntity<JsonNode> byAnother = put(operator(), "/api/users/{id}", customersAddress, staff);
        ResponseEntity<JsonNode> own = put(api.as(staff), "/api/users/{id}", userProfile("Staff", "Berlin")
                .put("email", "staff@reachflow.example"), staff);
        ResponseEntity<JsonNode> erasedByAnother = operator().delete().uri("/api/users/{id}", staff).retrieve()
                .toEntity(JsonNode.class);
        JsonNode imported = operator().post().uri("/api/users/import")
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .body("{\"id\": \"" + staff + "\", \"email\": \"alice@example.com\"}\n{\"id\": \"customer-"
                        + uniqueWord() + "\"}\n").retrieve().toEntity(JsonNode.class).getBody();

        assertThat(byAnother.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(byAnother.getBody().path("detail").asText()).isEqualTo(Fixtures.OPERATOR + " may not change the "
                + "profile of " + staff + ": a staff member's profile holds where test rounds reach them, and only "
                + "they or an admin change it");
        assertThat(erasedByAnother.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(own.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(imported.path("imported").asLong()).isEqualTo(1);
        assertThat(imported.path("failed").asLong()).isEqualTo(1);
        assertThat(imported.path("errors").get(0).path("message").asText())
                .isEqualTo("id '" + staff + "' is staff: a staff member's profile holds where test rounds reach "
                        + "them, and only they or an admin change it");
        assertThat(get(operator(), "/api/users/{id}", staff).getBody().path("email").asText())
                .isEqualTo("staff@reachflow.example");

        ResponseEntity<JsonNode> byAnAdmin = put(api.as("demo"), "/api/users/{id}", customersAddress, staff);
        assertThat(byAnAdmin.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(byAnAdmin.getBody().path("email").asText()).isEqualTo("alice@example.com");
    }

    /** A user who happens to be named as the application's own actor ("system") is a user like any other. */
    @Test
    void aUserNamedSystemIsNoApplication() {
        String staff = fixtures.newOperator("profiled", "demo");
        IdentityService identity = engine.processEngine().getIdentityService();
        User system = identity.newUser(CurrentActor.SYSTEM);
        system.setPassword("demo");
        identity.saveUser(system);
        identity.createMembership(CurrentActor.SYSTEM, Groups.OPERATORS);
        try {
            ResponseEntity<JsonNode> refused = put(api.as(CurrentActor.SYSTEM), "/api/users/{id}",
                    userProfile("Staff", "Berlin"), staff);

            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        } finally {
            identity.deleteUser(CurrentActor.SYSTEM);
        }
    }

    /**
     * The owning app may send the same new profile twice at once (a retry, two events): both are written, one creates
     * it (201), the other replaces it (200); none fails with a 500 on the duplicate id.
     */
    @Test
    void upsertsTheSameNewProfileFromSeveralRequestsAtOnce() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 5; round++) {
                String id = "rush-" + round + "-" + uniqueWord();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<ResponseEntity<JsonNode>>> answers = new ArrayList<>();
                for (int client = 0; client < 6; client++) {
                    ObjectNode profile = userProfile("Rush " + client, "Kiel");
                    answers.add(clients.submit(() -> {
                        go.await();
                        return put(operator(), "/api/users/{id}", profile, id);
                    }));
                }
                go.countDown();
                List<HttpStatusCode> statuses = new ArrayList<>();
                for (Future<ResponseEntity<JsonNode>> answer : answers) {
                    statuses.add(answer.get(30, TimeUnit.SECONDS).getStatusCode());
                }

                assertThat(statuses).as(id).containsOnly(HttpStatus.CREATED, HttpStatus.OK)
                        .filteredOn(HttpStatus.CREATED::equals).hasSize(1);
                assertThat(get(operator(), "/api/users/{id}", id).getBody().path("name").asText()).startsWith("Rush ");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void refusesAnInvalidProfileListingTheFields() {
        String id = "erin-" + uniqueWord();
        ObjectNode invalid = userProfile("Erin", "Bonn");
        invalid.put("email", "not-an-email");
        invalid.put("phone", "call me");
        invalid.put("timeZone", "Mars/Base");
        invalid.put("locale", "zz_QQ_!!");

        ResponseEntity<JsonNode> refused = put(operator(), "/api/users/{id}", invalid, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(errorFields(refused.getBody())).containsExactlyInAnyOrder("email", "phone", "timeZone", "locale");
        assertThat(get(operator(), "/api/users/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** A null opt-out is named (it was dropped, and the profile stored without it); an empty address is none. */
    @Test
    void refusesANullOptOutAndTakesAnEmptyAddressForNone() {
        String id = "gil-" + uniqueWord();
        ObjectNode nullOptOut = userProfile("Gil", "Ulm");
        nullOptOut.set("optOut", HttpJson.MAPPER.createArrayNode().add("SMS").addNull());

        ResponseEntity<JsonNode> refused = put(operator(), "/api/users/{id}", nullOptOut, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("optOut[]");
        assertThat(get(operator(), "/api/users/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);

        ObjectNode emptyAddresses = userProfile("Gil", "Ulm").put("email", "").put("phone", "").put("pushToken", "");
        assertThat(put(operator(), "/api/users/{id}", emptyAddresses, id).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
        JsonNode stored = get(operator(), "/api/users/{id}", id).getBody();
        for (String address : List.of("email", "phone", "pushToken")) {
            assertThat(stored.path(address).isNull() || stored.path(address).isMissingNode()).as(address).isTrue();
        }
    }

    /** A tag, one of a set, has no index: its error quotes which one it is. */
    @Test
    void namesTheInvalidTagByItsValue() {
        ObjectNode invalid = userProfile("Fay", "Graz");
        invalid.set("tags", array("vip", "t".repeat(65)));

        ResponseEntity<JsonNode> refused = put(operator(), "/api/users/{id}", invalid, "fay-" + uniqueWord());

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("tags[]");
        assertThat(refused.getBody().path("errors").get(0).path("message").asText())
                .startsWith("'" + "t".repeat(40) + "…': size must be");
    }

    /**
     * What the database could not store is refused naming the field the API knows: a NUL character in a text or an
     * attribute, attributes too long as JSON.
     */
    @Test
    void refusesWhatCannotBeStoredNamingTheField() {
        String id = "hal-" + uniqueWord();
        ObjectNode nulName = userProfile("Hal\u0000", "Bonn");
        ObjectNode nulAttribute = userProfile("Hal", "Bo\u0000nn");
        ObjectNode longAttributes = userProfile("Hal", "x".repeat(100_001));

        assertThat(errorFields(put(operator(), "/api/users/{id}", nulName, id).getBody())).containsExactly("name");
        ResponseEntity<JsonNode> refused = put(operator(), "/api/users/{id}", nulAttribute, id);
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(refused.getBody())).containsExactly("attributes.city");
        assertThat(refused.getBody().path("errors").get(0).path("message").asText())
                .isEqualTo("must not contain a NUL character (\\u0000)");
        assertThat(errorFields(put(operator(), "/api/users/{id}", longAttributes, id).getBody()))
                .containsExactly("attributes");
        assertThat(get(operator(), "/api/users/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** Read, change, send back: a profile as {@code GET} answers it is a profile {@code PUT} takes. */
    @Test
    void replacesAProfileAsItWasRead() {
        String id = "fay-" + uniqueWord();
        ObjectNode profile = userProfile("Fay", "Porto");
        profile.set("tags", array("vip"));
        profile.set("optOut", array("SMS"));
        put(operator(), "/api/users/{id}", profile, id);
        ObjectNode read = (ObjectNode) get(operator(), "/api/users/{id}", id).getBody();
        read.put("name", "Fay F.");

        ResponseEntity<JsonNode> replaced = put(operator(), "/api/users/{id}", read, id);

        assertThat(replaced.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(replaced.getHeaders().getLocation()).isNull();
        JsonNode stored = get(operator(), "/api/users/{id}", id).getBody();
        assertThat(stored.path("name").asText()).isEqualTo("Fay F.");
        assertThat(texts(stored.path("tags"))).containsExactly("vip");
        assertThat(stored.path("attributes").path("city").asText()).isEqualTo("Porto");
    }

    /** Attributes are free JSON: one set to null is taken, and reads as no value (the API writes no nulls). */
    @Test
    void takesANullAttribute() {
        String id = "ivo-" + uniqueWord();
        ObjectNode profile = userProfile("Ivo", "Porto");
        ((ObjectNode) profile.path("attributes")).putNull("nickname");

        ResponseEntity<JsonNode> created = put(operator(), "/api/users/{id}", profile, id);

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        JsonNode stored = get(operator(), "/api/users/{id}", id).getBody();
        assertThat(stored.path("attributes").has("nickname")).isFalse();
        assertThat(stored.path("attributes").path("city").asText()).isEqualTo("Porto");
    }

    /** What is wrong with a profile's body or path is said in the API's words, not Jackson's or a method's. */
    @Test
    void refusesAttributesThatAreNoObjectAndABadIdInTheApisWords() {
        String id = "gil-" + uniqueWord();
        ObjectNode textAttributes = userProfile("Gil", "Faro");
        textAttributes.put("attributes", "x");

        ResponseEntity<JsonNode> notAnObject = put(operator(), "/api/users/{id}", textAttributes, id);
        ResponseEntity<JsonNode> badId = put(operator(), "/api/users/{id}", userProfile("Gil", "Faro"), "gil " + id);

        assertThat(List.of(notAnObject, badId)).extracting(ResponseEntity::getStatusCode)
                .containsOnly(HttpStatus.BAD_REQUEST);
        assertThat(notAnObject.getBody().path("detail").asText()).isEqualTo("Field 'attributes' must be an object");
        assertThat(errorFields(badId.getBody())).as("the path's name, not the method's").containsExactly("id");
        for (ResponseEntity<JsonNode> refused : List.of(notAnObject, badId)) {
            assertThat(refused.getBody().toString()).doesNotContain("java.", "io.reachflow", "upsert");
        }
    }

    /** A field a profile does not have is refused, named; attributes are free JSON. */
    @Test
    void refusesAFieldAProfileDoesNotHave() {
        String id = "hal-" + uniqueWord();
        ObjectNode misspelt = userProfile("Hal", "Faro");
        misspelt.put("emial", "hal@example.com");
        ObjectNode freeAttributes = userProfile("Hal", "Faro");
        freeAttributes.with("attributes").putObject("anything").set("goes", array("here"));

        ResponseEntity<JsonNode> unknown = put(operator(), "/api/users/{id}", misspelt, id);

        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(errorFields(unknown.getBody())).containsExactly("emial");
        assertThat(unknown.getBody().path("errors").get(0).path("message").asText()).startsWith("unknown field")
                .contains("email");
        assertThat(get(operator(), "/api/users/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(put(operator(), "/api/users/{id}", freeAttributes, id).getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    /** The body's id, when it has one, is the path's: a PUT does not rename a profile or guess which id was meant. */
    @Test
    void refusesABodyWhoseIdIsNotThePaths() {
        String id = "ida-" + uniqueWord();
        ObjectNode other = userProfile("Ida", "Porto");
        other.put("id", "zed-" + uniqueWord());
        ObjectNode same = userProfile("Ida", "Porto");
        same.put("id", id);

        ResponseEntity<JsonNode> refused = put(operator(), "/api/users/{id}", other, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getBody().path("detail").asText()).contains("is not the path's '" + id + "'");
        assertThat(refused.getBody().path("type").asText()).isEqualTo("urn:reachflow:problem:invalid-request");
        assertThat(errorFields(refused.getBody())).containsExactly("id");
        assertThat(get(operator(), "/api/users/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(put(operator(), "/api/users/{id}", same, id).getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    private RestClient operator() {
        return api.as(Fixtures.OPERATOR);
    }
}
