package io.reachflow.delivery.channels.providers;

import static io.reachflow.delivery.channels.providers.TestProviders.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.FileSystemResource;

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

    /**
     * A service account key as Google issues it, its token_uri this server: the channel signs a JWT with the key,
     * exchanges it for an access token once, and sends every message with it.
     */
    @Test
    void mintsTheAccessTokenFromTheServiceAccountAndKeepsIt(@TempDir Path directory) throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path serviceAccount = serviceAccountKey(directory, key);
        fcm.enqueue(new MockResponse().setHeader("Content-Type", "application/json")
                .setBody("{\"access_token\":\"ya29.minted\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"));
        fcm.enqueue(sent("projects/reachflow-test/messages/1"));
        fcm.enqueue(sent("projects/reachflow-test/messages/2"));
        FcmPushChannel push = new FcmPushChannel(new PushProperties(fcm.uri(SEND_PATH), null,
                new FileSystemResource(serviceAccount), TestProviders.TIMEOUTS), TestProviders.CLOCK);

        var outcomes = push.send(3, 7, List.of(message("alice", "token-alice"), message("bob", "token-bob")));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Delivered()), Map.entry("bob", new Delivered()));
        RecordedRequest tokenRequest = fcm.takeRequest();
        assertThat(tokenRequest.getPath()).isEqualTo("/token");
        Map<String, String> form = form(tokenRequest.getBody().readUtf8());
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        String[] jwt = form.get("assertion").split("\\.");
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(key.getPublic());
        rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("signed with the service account's key").isTrue();
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(claims.path("iss").asText()).isEqualTo("fcm-sender@reachflow-test.iam.gserviceaccount.com");
        assertThat(claims.path("scope").asText()).isEqualTo(FcmAccessTokens.SCOPE);
        for (int message = 0; message < 2; message++) {
            RecordedRequest send = fcm.takeRequest();
            assertThat(send.getPath()).isEqualTo(SEND_PATH);
            assertThat(send.getHeader("Authorization")).isEqualTo("Bearer ya29.minted");
        }
        assertThat(fcm.requestCount()).as("one token for both messages").isEqualTo(3);
    }

    /** Asked once, not retried for seconds inside the job: the deferral's own backoff is the engine's retry cycle. */
    @Test
    void aTokenEndpointThatFailsDefersTheMessage(@TempDir Path directory) throws Exception {
        Path serviceAccount = serviceAccountKey(directory, KeyPairGenerator.getInstance("RSA").generateKeyPair());
        for (int attempt = 0; attempt < 4; attempt++) {
            fcm.enqueue(new MockResponse().setResponseCode(503));
        }
        FcmPushChannel push = new FcmPushChannel(new PushProperties(fcm.uri(SEND_PATH), null,
                new FileSystemResource(serviceAccount), TestProviders.TIMEOUTS), TestProviders.CLOCK);

        var outcomes = push.send(3, 7, List.of(message("alice", "token-alice")));

        assertThat(outcomes.get("alice")).isInstanceOf(Deferred.class);
        assertThat(((Deferred) outcomes.get("alice")).reason()).isEqualTo("NO_ACCESS_TOKEN");
        assertThat(fcm.requestCount()).as("one token request, no message sent").isEqualTo(1);
    }

    /** A service account key file as Google issues it, with this key and this server as its token endpoint. */
    private Path serviceAccountKey(Path directory, KeyPair key) throws Exception {
        Path file = directory.resolve("fcm-service-account.json");
        Files.writeString(file, json.writeValueAsString(Map.of(
                "type", "service_account",
                "project_id", "reachflow-test",
                "private_key_id", "key-1",
                "private_key", "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n",
                "client_email", "fcm-sender@reachflow-test.iam.gserviceaccount.com",
                "client_id", "1234567890",
                "token_uri", fcm.uri("/token").toString())));
        return file;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] nameValue = pair.split("=", 2);
            fields.put(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return fields;
    }

    @Test
    void rejectsAnUnregisteredTokenAndAnInvalidMessage() {
        fcm.enqueue(error(404, "NOT_FOUND", "UNREGISTERED"));
        fcm.enqueue(error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"));

        var outcomes = push().send(3, 7, List.of(message("alice", "stale-token"), message("bob", "bad-token")));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Rejected("HTTP 404 UNREGISTERED", "Request failed.")),
                Map.entry("bob", new Rejected("HTTP 400 INVALID_ARGUMENT", "Request failed.")));
    }

    @Test
    void defersOnQuotaExceededAfterRetryAfter() {
        fcm.enqueue(error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED").setHeader("Retry-After", "60"));

        assertThat(push().send(3, 7, List.of(message("alice", "token-alice"))))
                .containsEntry("alice", new Deferred("HTTP 429 QUOTA_EXCEEDED", "Request failed.", Duration.ofSeconds(60)));
    }

    @Test
    void defersOnUnavailableWithTheStatusWhenFcmGivesNoErrorCode() {
        fcm.enqueue(new MockResponse().setResponseCode(503)
                .setBody("{\"error\": {\"code\": 503, \"message\": \"The service is unavailable.\", "
                        + "\"status\": \"UNAVAILABLE\"}}"));

        assertThat(push().send(3, 7, List.of(message("alice", "token-alice"))))
                .containsEntry("alice", new Deferred("HTTP 503 UNAVAILABLE", "The service is unavailable.", null));
    }

    @Test
    void rejectsARecipientWithoutTokenUnsent() {
        var outcomes = push().send(3, 7, List.of(message("alice", null)));

        assertThat(outcomes).containsEntry("alice", new Rejected("NO_ADDRESS", "no PUSH address in the profile"));
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
