package io.reachflow.delivery.channels.providers;

import static io.reachflow.delivery.channels.providers.TestProviders.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

class SmsGatewayChannelTest {

    @RegisterExtension
    final LocalHttpServer gateway = new LocalHttpServer();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void postsTheTemplateRenderedAsJsonWithTheConfiguredHeaders() throws Exception {
        gateway.enqueue(new MockResponse().setResponseCode(201));
        SmsGatewayChannel sms = TestProviders.sms(gateway.uri("/v2/sms"), HttpMethod.POST,
                MediaType.APPLICATION_JSON, TestProviders.SMS_JSON_TEMPLATE, Map.of("Authorization", "Basic c21zOnRlc3Q="));

        var outcomes = sms.send(3, 7, List.of(message("alice", "+351910000001")));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Delivered()));
        RecordedRequest request = gateway.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/v2/sms");
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(request.getHeader("Authorization")).isEqualTo("Basic c21zOnRlc3Q=");
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo("7:alice");
        assertThat(json.readTree(request.getBody().readByteArray())).isEqualTo(json.readTree("""
                {"to": "+351910000001",
                 "text": "20% off \\"this\\" week\\nin Lisbon & Porto https://shop.example.com/sale?u=alice",
                 "reference": "7:alice", "user": "alice"}
                """));
    }

    @Test
    void encodesTheValuesOfAFormTemplateWithTheConfiguredMethod() throws Exception {
        gateway.enqueue(new MockResponse().setResponseCode(200));
        SmsGatewayChannel sms = TestProviders.sms(gateway.uri("/send"), HttpMethod.PUT,
                MediaType.APPLICATION_FORM_URLENCODED, "to={{to}}&message={{text}}&ref={{idempotencyKey}}", Map.of());

        sms.send(3, 7, List.of(message("alice", "+351910000001")));

        RecordedRequest request = gateway.takeRequest();
        assertThat(request.getMethod()).isEqualTo("PUT");
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.getBody().readUtf8()).isEqualTo("to=%2B351910000001"
                + "&message=20%25+off+%22this%22+week%0Ain+Lisbon+%26+Porto+https%3A%2F%2Fshop.example.com%2Fsale%3Fu%3Dalice"
                + "&ref=7%3Aalice");
    }

    @Test
    void rejectsARecipientWithoutNumberUnsent() {
        var outcomes = TestProviders.sms(gateway.uri("/send")).send(3, 7, List.of(message("alice", " ")));

        assertThat(outcomes).containsEntry("alice", new Rejected("NO_ADDRESS", "no SMS address in the profile"));
        assertThat(gateway.requestCount()).isZero();
    }

    @Test
    void escapesValuesForXmlAndRefusesABodyTypeItCannotEscapeFor() {
        assertThat(SmsGatewayChannel.escaperFor(MediaType.APPLICATION_XML).escape("</text><to>+1</to>"))
                .doesNotContain("<").doesNotContain(">");
        assertThat(SmsGatewayChannel.escaperFor(MediaType.TEXT_PLAIN).escape("a <b>")).isEqualTo("a <b>");
        assertThatThrownBy(() -> SmsGatewayChannel.escaperFor(MediaType.parseMediaType("application/x-custom")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("content-type");
    }
}
