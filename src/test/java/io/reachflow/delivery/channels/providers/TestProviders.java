package io.reachflow.delivery.channels.providers;

import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.providers.WebhookProperties.Mode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/** The HTTP adapters as the tests build them: against a local server, with short timeouts and a fixed clock. */
final class TestProviders {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:15:30Z"), ZoneOffset.UTC);
    static final String WEBHOOK_SECRET = "whsec-test-5f0c2b7e";
    static final String PUSH_ACCESS_TOKEN = "ya29.test-access-token";
    static final String SMS_JSON_TEMPLATE =
            "{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"reference\":\"{{idempotencyKey}}\",\"user\":\"{{userId}}\"}";
    /** The servers that time out never answer, so a short read timeout keeps the suite fast without racing. */
    static final HttpTimeouts TIMEOUTS = new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));

    private TestProviders() {
    }

    static WebhookChannel webhook(URI url, Mode mode) {
        return new WebhookChannel(new WebhookProperties(url, WEBHOOK_SECRET, mode, TIMEOUTS), CLOCK);
    }

    static FcmPushChannel push(URI endpoint) {
        return new FcmPushChannel(new PushProperties(endpoint, PUSH_ACCESS_TOKEN, null, TIMEOUTS), CLOCK);
    }

    static SmsGatewayChannel sms(URI url) {
        return sms(url, HttpMethod.POST, MediaType.APPLICATION_JSON, SMS_JSON_TEMPLATE, Map.of());
    }

    static SmsGatewayChannel sms(URI url, HttpMethod method, MediaType contentType, String template,
            Map<String, String> headers) {
        return new SmsGatewayChannel(new SmsProperties(url, method, contentType, template, headers, TIMEOUTS), CLOCK);
    }

    /** A message to {@code userId} at {@code address}, with a link. */
    static RenderedMessage message(String userId, String address) {
        return new RenderedMessage(userId, address, "Hi " + userId, "20% off \"this\" week\nin Lisbon & Porto",
                "https://shop.example.com/sale?u=" + userId);
    }
}
