package io.reachflow.delivery.channels.providers;

import static io.reachflow.delivery.channels.providers.TestProviders.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a local server that speaks FCM HTTP v1: its request format and its error bodies. */
class FcmPushChannelTest {

    private static final String SEND_PATH = "/v1/projects/reachflow-test/messages:send";

    @RegisterExtension
    final LocalHttpServer fcm = new LocalHttpServer();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void sendsOneAuthorizedV1MessagePerDeviceToken() throws Exception {
        fcm.enqueue(sent("projects/reachflow-test/messages/1"));
        fcm.enqueue(sent("projects/reachflow-test/messages/2"));
        RenderedMessage withoutLink = new RenderedMessage("bob", "token-bob", "Hi bob", "Sale", null);

        var outcomes = push().send(3, 7, List.of(message("alice", "token-alice"), withoutLink));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Delivered()), Map.entry("bob", new Delivered()));
        RecordedRequest alice = fcm.takeRequest();
        assertThat(alice.getMethod()).isEqualTo("POST");
        assertThat(alice.getPath()).isEqualTo(SEND_PATH);
        assertThat(alice.getHeader("Authorization")).isEqualTo("Bearer " + TestProviders.PUSH_ACCESS_TOKEN);
        assertThat(alice.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(json.readTree(alice.getBody().readByteArray())).isEqualTo(json.readTree("""
                {"message": {"token": "token-alice",
                  "notification": {"title": "Hi alice", "body": "20% off \\"this\\" week\\nin Lisbon & Porto"},
                  "data": {"link": "https://shop.example.com/sale?u=alice", "idempotencyKey": "7:alice"}}}
                """));
        RecordedRequest bob = fcm.takeRequest();
        assertThat(json.readTree(bob.getBody().readByteArray()).path("message").path("data"))
                .isEqualTo(json.readTree("{\"idempotencyKey\": \"7:bob\"}"));
    }

    @Test
    void rejectsAnUnregisteredTokenAndAnInvalidMessage() {
        fcm.enqueue(error(404, "NOT_FOUND", "UNREGISTERED"));
        fcm.enqueue(error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"));

        var outcomes = push().send(3, 7, List.of(message("alice", "stale-token"), message("bob", "bad-token")));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Rejected("HTTP 404 UNREGISTERED")),
                Map.entry("bob", new Rejected("HTTP 400 INVALID_ARGUMENT")));
    }

    @Test
    void defersOnQuotaExceededAfterRetryAfter() {
        fcm.enqueue(error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED").setHeader("Retry-After", "60"));

        assertThat(push().send(3, 7, List.of(message("alice", "token-alice"))))
                .containsEntry("alice", new Deferred("HTTP 429 QUOTA_EXCEEDED", Duration.ofSeconds(60)));
    }

    @Test
    void defersOnUnavailableWithTheStatusWhenFcmGivesNoErrorCode() {
        fcm.enqueue(new MockResponse().setResponseCode(503)
                .setBody("{\"error\": {\"code\": 503, \"message\": \"The service is unavailable.\", "
                        + "\"status\": \"UNAVAILABLE\"}}"));

        assertThat(push().send(3, 7, List.of(message("alice", "token-alice"))))
                .containsEntry("alice", new Deferred("HTTP 503 UNAVAILABLE", null));
    }

    @Test
    void rejectsARecipientWithoutTokenUnsent() {
        var outcomes = push().send(3, 7, List.of(message("alice", null)));

        assertThat(outcomes).containsEntry("alice", new Rejected("no PUSH address"));
        assertThat(fcm.requestCount()).isZero();
    }

    private FcmPushChannel push() {
        return TestProviders.push(fcm.uri(SEND_PATH));
    }

    private static MockResponse sent(String name) {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody("{\"name\": \"" + name + "\"}");
    }

    /** An FCM error body, as the v1 API writes it. */
    private static MockResponse error(int code, String status, String errorCode) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody("""
                {"error": {"code": %d, "message": "Request failed.", "status": "%s",
                  "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "%s"}]}}
                """.formatted(code, status, errorCode));
    }
}
