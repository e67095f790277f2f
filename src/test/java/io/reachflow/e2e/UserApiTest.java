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
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Audience profiles as the app that owns the users keeps them: {@code PUT /api/users/{id}} and the bulk import. */
@ReachflowSpringTest
class UserApiTest {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    @Autowired
    Api api;

    @Test
    void upsertsAProfileCreatedFirstThenReplaced() {
        String id = "dora-" + uniqueWord();
        ObjectNode first = userProfile("Dora", "Berlin");
        first.set("tags", array("vip"));

        ResponseEntity<JsonNode> created = put(operator(), "/api/users/{id}", first, id);

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getBody().path("id").asText()).isEqualTo(id);
        assertThat(created.getBody().path("attributes").path("city").asText()).isEqualTo("Berlin");

        ObjectNode second = userProfile("Dora D.", "Leipzig");
        second.put("id", "someone-else");
        second.set("optOut", array("SMS"));
        ResponseEntity<JsonNode> replaced = put(operator(), "/api/users/{id}", second, id);

        assertThat(replaced.getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode stored = get(operator(), "/api/users/{id}", id).getBody();
        assertThat(stored.path("id").asText()).isEqualTo(id);
        assertThat(stored.path("name").asText()).isEqualTo("Dora D.");
        assertThat(stored.path("attributes").path("city").asText()).isEqualTo("Leipzig");
        assertThat(stored.path("tags")).isEmpty();
        assertThat(texts(stored.path("optOut"))).containsExactly("SMS");
        assertThat(get(operator(), "/api/users/{id}", "someone-else").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void refusesAnInvalidProfileListingTheFields() {
        String id = "erin-" + uniqueWord();
        ObjectNode invalid = userProfile("Erin", "Bonn");
        invalid.put("email", "not-an-email");
        invalid.put("phone", "call me");

        ResponseEntity<JsonNode> refused = put(operator(), "/api/users/{id}", invalid, id);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(errorFields(refused.getBody())).containsExactly("email", "phone");
        assertThat(get(operator(), "/api/users/{id}", id).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void importsNdjsonReportingABadRowByLineAndKeepingTheGoodOnes() {
        String word = uniqueWord();
        String ndjson = String.join("\n",
                "{\"id\": \"nd1-" + word + "\", \"name\": \"Nina\", \"tags\": [\"vip\"], \"attributes\": {\"city\": \"Kiel\"}}",
                "{\"id\": \"nd2-" + word + "\", \"email\": \"not-an-email\"}",
                "{\"id\": \"nd3-" + word + "\", \"name\": \"Noah\", \"optOut\": [\"EMAIL\"]}",
                "");

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("processed").asLong()).isEqualTo(3);
        assertThat(report.path("imported").asLong()).isEqualTo(2);
        assertThat(report.path("failed").asLong()).isEqualTo(1);
        assertThat(report.path("errors")).hasSize(1);
        assertThat(report.path("errors").get(0).path("line").asLong()).isEqualTo(2);
        assertThat(report.path("errors").get(0).path("message").asText()).contains("email");
        JsonNode nina = get(operator(), "/api/users/{id}", "nd1-" + word).getBody();
        assertThat(nina.path("name").asText()).isEqualTo("Nina");
        assertThat(nina.path("attributes").path("city").asText()).isEqualTo("Kiel");
        assertThat(texts(nina.path("tags"))).containsExactly("vip");
        assertThat(texts(get(operator(), "/api/users/{id}", "nd3-" + word).getBody().path("optOut")))
                .containsExactly("EMAIL");
        assertThat(get(operator(), "/api/users/{id}", "nd2-" + word).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void importsNdjsonSkippingUnreadableRowsAndReadingOnAfterThem() {
        String word = uniqueWord();
        String ndjson = String.join("\n",
                "{\"id\": \"nu1-" + word + "\", \"name\": \"Ola\"}",
                "{\"id\": \"nu2-" + word + "\", \"tags\": [\"vip\"]]",
                "{\"id\": \"nu3-" + word + "\", \"name\": \"Pia\"}",
                "{\"id\": \"nu4-" + word + "\", \"optOut\": [\"FAX\"]}",
                "[\"not\", \"an\", \"object\"]",
                "",
                "{\"id\": \"nu5-" + word + "\", \"name\": \"Quinn\"}");

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("processed").asLong()).isEqualTo(6);
        assertThat(report.path("imported").asLong()).isEqualTo(3);
        assertThat(report.path("failed").asLong()).isEqualTo(3);
        assertThat(report.path("errors")).extracting(error -> error.path("line").asLong()).containsExactly(2L, 4L, 5L);
        for (String imported : java.util.List.of("nu1-", "nu3-", "nu5-")) {
            assertThat(get(operator(), "/api/users/{id}", imported + word).getStatusCode()).as(imported)
                    .isEqualTo(HttpStatus.OK);
        }
        for (String refused : java.util.List.of("nu2-", "nu4-")) {
            assertThat(get(operator(), "/api/users/{id}", refused + word).getStatusCode()).as(refused)
                    .isEqualTo(HttpStatus.NOT_FOUND);
        }
    }

    @Test
    void importsCsvReportingABadRowByLineAndKeepingTheGoodOnes() {
        String word = uniqueWord();
        String csv = String.join("\n",
                "id,name,email,tags,optOut,attributes.city",
                "cs1-" + word + ",Carl,carl@example.com,vip|berlin-fans,SMS|PUSH,Berlin",
                "cs2-" + word + ",Cleo,not-an-email,,,",
                "cs3-" + word + ",Cyd,,,,Dresden",
                "cs4-" + word + ",Cora,,,FAX,",
                "cs5-" + word + ",Cyra,,,EMAIL,",
                "");

        JsonNode report = importUsers(MediaType.parseMediaType("text/csv"), csv);

        assertThat(report.path("processed").asLong()).isEqualTo(5);
        assertThat(report.path("imported").asLong()).isEqualTo(3);
        assertThat(report.path("failed").asLong()).isEqualTo(2);
        assertThat(report.path("errors")).extracting(error -> error.path("line").asLong()).containsExactly(3L, 5L);
        assertThat(report.path("errors").get(0).path("message").asText()).contains("email");
        assertThat(report.path("errors").get(1).path("message").asText()).contains("FAX");
        assertThat(texts(get(operator(), "/api/users/{id}", "cs5-" + word).getBody().path("optOut")))
                .containsExactly("EMAIL");
        JsonNode carl = get(operator(), "/api/users/{id}", "cs1-" + word).getBody();
        assertThat(carl.path("email").asText()).isEqualTo("carl@example.com");
        assertThat(texts(carl.path("tags"))).containsExactlyInAnyOrder("vip", "berlin-fans");
        assertThat(texts(carl.path("optOut"))).containsExactlyInAnyOrder("SMS", "PUSH");
        assertThat(carl.path("attributes").path("city").asText()).isEqualTo("Berlin");
        assertThat(get(operator(), "/api/users/{id}", "cs3-" + word).getBody().path("attributes").path("city").asText())
                .isEqualTo("Dresden");
        assertThat(get(operator(), "/api/users/{id}", "cs2-" + word).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    private JsonNode importUsers(MediaType type, String body) {
        ResponseEntity<JsonNode> report = operator().post().uri("/api/users/import").contentType(type).body(body)
                .retrieve().toEntity(JsonNode.class);
        assertThat(report.getStatusCode()).isEqualTo(HttpStatus.OK);
        return report.getBody();
    }

    private RestClient operator() {
        return api.as(Fixtures.OPERATOR);
    }
}
