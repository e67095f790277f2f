package io.reachflow.delivery.channels.providers;

import static io.reachflow.delivery.channels.providers.TestProviders.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.delivery.channels.providers.WebhookProperties.Mode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookChannelTest {

    @RegisterExtension
    final LocalHttpServer receiver = new LocalHttpServer();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void postsOneSignedRequestCarryingTheWholeBatch() throws Exception {
        receiver.enqueue(new MockResponse().setResponseCode(204));
        RenderedMessage withoutLink = new RenderedMessage("bob", null, "Hi bob", "Sale", null);

        var outcomes = webhook(Mode.BATCH).send(3, 7, List.of(message("alice", null), withoutLink));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Delivered()), Map.entry("bob", new Delivered()));
        RecordedRequest request = receiver.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/hooks/reachflow");
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(request.getHeader("Idempotency-Key")).isNull();
        assertSignedWithTheSharedSecret(request);
        assertThat(json.readTree(request.getBody().readByteArray())).isEqualTo(json.readTree("""
                {"taskId": 3, "pushId": 7, "messages": [
                  {"userId": "alice", "title": "Hi alice", "body": "20% off \\"this\\" week\\nin Lisbon & Porto",
                   "link": "https://shop.example.com/sale?u=alice", "idempotencyKey": "7:alice"},
                  {"userId": "bob", "title": "Hi bob", "body": "Sale", "link": null, "idempotencyKey": "7:bob"}]}
                """));
        assertThat(receiver.requestCount()).isEqualTo(1);
    }

    @Test
    void aBatchSharesOneAnswer() {
        receiver.enqueue(new MockResponse().setResponseCode(422).setBody("unknown task"));

        var outcomes = webhook(Mode.BATCH).send(3, 7, List.of(message("alice", null), message("bob", null)));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Rejected("HTTP 422", "unknown task")),
                Map.entry("bob", new Rejected("HTTP 422", "unknown task")));
    }

    @Test
    void singleModePostsEachMessageSignedWithItsIdempotencyKey() throws Exception {
        receiver.enqueue(new MockResponse().setResponseCode(200));
        receiver.enqueue(new MockResponse().setResponseCode(410));

        var outcomes = webhook(Mode.SINGLE).send(3, 7, List.of(message("alice", null), message("bob", null)));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Delivered()), Map.entry("bob", new Rejected("HTTP 410")));
        for (String user : List.of("alice", "bob")) {
            RecordedRequest request = receiver.takeRequest();
            assertThat(request.getHeader("Idempotency-Key")).isEqualTo("7:" + user);
            assertSignedWithTheSharedSecret(request);
            JsonNode body = json.readTree(request.getBody().readByteArray());
            assertThat(body.path("messages")).hasSize(1);
            assertThat(body.path("messages").path(0).path("userId").asText()).isEqualTo(user);
        }
    }

    @Test
    void sendsNothingForNoMessages() {
        assertThat(webhook(Mode.BATCH).send(3, 7, List.of())).isEmpty();
        assertThat(receiver.requestCount()).isZero();
    }

    private WebhookChannel webhook(Mode mode) {
        return TestProviders.webhook(receiver.uri("/hooks/reachflow"), mode);
    }

    /** What a receiver does: recompute the HMAC of "timestamp.body" with the shared secret and compare. */
    private static void assertSignedWithTheSharedSecret(RecordedRequest request) throws GeneralSecurityException {
        String timestamp = request.getHeader("X-Reachflow-Timestamp");
        assertThat(timestamp).isEqualTo(Long.toString(TestProviders.CLOCK.instant().getEpochSecond()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(TestProviders.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(request.getBody().clone().readByteArray());
        assertThat(request.getHeader("X-Reachflow-Signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(expected));
    }
}
