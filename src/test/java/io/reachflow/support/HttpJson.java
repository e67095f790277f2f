package io.reachflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * JSON over the real HTTP API: request bodies built as JSON trees (so a test can break any field) and calls
 * through the clients of {@link Api}, answered as {@code ResponseEntity<JsonNode>} whatever the status.
 */
public final class HttpJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder().findAndAddModules().build();

    private HttpJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array(String... values) {
        ArrayNode array = MAPPER.createArrayNode();
        for (String value : values) {
            array.add(value);
        }
        return array;
    }

    /**
     * A valid body of {@code POST /api/tasks}: a MANUAL in-app task with a USERS audience, tested by olivia and
     * una (both have audience profiles in the demo data).
     */
    public static ObjectNode manualInAppTask(String name, String... audienceUsers) {
        ObjectNode task = object();
        task.put("name", name);
        task.put("description", "made by an HTTP test");
        task.put("campaign", "web-tests");
        task.put("miniProgram", "shop");
        task.put("subgroup", "north");
        task.put("channel", "IN_APP");
        task.put("pushType", "MANUAL");
        ObjectNode audience = task.putObject("audience");
        audience.put("type", "USERS");
        audience.set("users", array(audienceUsers.length == 0 ? new String[] {"alice"} : audienceUsers));
        ObjectNode content = task.putObject("content");
        content.put("title", "Hi {{name|there}}");
        content.put("body", "News from {{attributes.city|your city}}");
        content.put("link", "https://example.com/sale");
        task.set("testers", array(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER));
        return task;
    }

    /** A user profile body for {@code PUT /api/users/{id}}. */
    public static ObjectNode userProfile(String name, String city) {
        ObjectNode user = object();
        user.put("name", name);
        user.put("email", name.toLowerCase().replaceAll("[^a-z]", "") + "@example.com");
        user.put("timeZone", "Europe/Berlin");
        user.put("locale", "en");
        user.putObject("attributes").put("city", city);
        return user;
    }

    /** A letters-only token, unique per call: safe in names that {@code q} searches (digits would match ids). */
    public static String uniqueWord() {
        String hex = UUID.randomUUID().toString().replace("-", "");
        StringBuilder word = new StringBuilder();
        for (char c : hex.substring(0, 12).toCharArray()) {
            word.append((char) ('a' + Character.digit(c, 16)));
        }
        return word.toString();
    }

    public static ResponseEntity<JsonNode> get(RestClient client, String uri, Object... variables) {
        return client.get().uri(uri, variables).retrieve().toEntity(JsonNode.class);
    }

    public static ResponseEntity<JsonNode> post(RestClient client, String uri, Object body, Object... variables) {
        RestClient.RequestBodySpec request = client.post().uri(uri, variables);
        if (body != null) {
            request.body(body);
        }
        return request.retrieve().toEntity(JsonNode.class);
    }

    public static ResponseEntity<JsonNode> put(RestClient client, String uri, Object body, Object... variables) {
        return client.put().uri(uri, variables).body(body).retrieve().toEntity(JsonNode.class);
    }

    public static ResponseEntity<JsonNode> delete(RestClient client, String uri, Object... variables) {
        return client.delete().uri(uri, variables).retrieve().toEntity(JsonNode.class);
    }

    /** The {@code field} of each entry of a problem's {@code errors}. */
    public static List<String> errorFields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(error -> fields.add(error.path("field").asText()));
        return fields;
    }

    public static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    public static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.path(field).asText()));
        return values;
    }
}
