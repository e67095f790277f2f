package io.reachflow.delivery.channels.providers;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.ProviderChannel.HandOver;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.task.Channel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * WEBHOOK: POSTs the messages as JSON to the configured receiver, signed like Stripe's and GitHub's webhooks:
 * {@code X-Reachflow-Signature: sha256=<hex HMAC-SHA256 of "<X-Reachflow-Timestamp>.<body bytes>">}.
 */
@Component
@ConditionalOnProperty(prefix = WebhookProperties.PREFIX, name = "url")
class WebhookChannel implements ProviderChannel {

    static final String SIGNATURE_HEADER = "X-Reachflow-Signature";
    static final String TIMESTAMP_HEADER = "X-Reachflow-Timestamp";
    private static final String HMAC = "HmacSHA256";

    private final WebhookProperties properties;
    private final ProviderHttp http;
    private final Clock clock;

    WebhookChannel(WebhookProperties properties, Clock clock) {
        this.properties = properties;
        this.http = new ProviderHttp(properties.url(), properties.timeouts(), clock);
        this.clock = clock;
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }

    @Override
    public String destination() {
        return ProviderHttp.destination(properties.url()) + " (" + properties.mode() + ")";
    }

    /**
     * Every message carries its idempotency key (in the body; in single mode also as {@code Idempotency-Key}), by
     * which the receiver recognises one it has taken already.
     */
    @Override
    public boolean deduplicates() {
        return true;
    }

    @Override
    public Map<String, SendOutcome> send(long taskId, long pushId, List<RenderedMessage> messages,
                                         HandOver handOver) {
        if (messages.isEmpty()) {
            return Map.of();
        }
        return switch (properties.mode()) {
            case BATCH -> Outcomes.allMessages(Channel.WEBHOOK, taskId, pushId, messages,
                    post(Payload.of(taskId, pushId, messages), null));
            case SINGLE -> Outcomes.eachMessage(Channel.WEBHOOK, taskId, pushId, messages, handOver, clock,
                    message -> post(Payload.of(taskId, pushId, List.of(message)),
                            ProviderChannel.idempotencyKey(pushId, message.userId())));
        };
    }

    /** Posts one payload; {@code idempotencyKey} is the single message's, null for a batch. */
    private SendOutcome post(Payload payload, String idempotencyKey) {
        byte[] body = ProviderHttp.json(payload);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String subject = "push " + payload.pushId() + " (" + payload.messages().size() + " messages)";
        return http.send(subject, client -> client.post()
                .uri(properties.url())
                .contentType(MediaType.APPLICATION_JSON)
                .header(TIMESTAMP_HEADER, timestamp)
                .header(SIGNATURE_HEADER, "sha256=" + sign(timestamp, body))
                .headers(headers -> {
                    if (idempotencyKey != null) {
                        headers.set(ProviderHttp.IDEMPOTENCY_KEY, idempotencyKey);
                    }
                })
                .body(body));
    }

    private String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(properties.secret().getBytes(StandardCharsets.UTF_8), HMAC));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK has " + HMAC, e);
        }
    }

    /** The request body: the push and its messages. */
    record Payload(long taskId, long pushId, List<Message> messages) {

        static Payload of(long taskId, long pushId, List<RenderedMessage> messages) {
            return new Payload(taskId, pushId, messages.stream().map(message -> Message.of(pushId, message)).toList());
        }
    }

    record Message(String userId, String title, String body, String link, String idempotencyKey) {

        static Message of(long pushId, RenderedMessage message) {
            return new Message(message.userId(), message.title(), message.body(), message.link(),
                    ProviderChannel.idempotencyKey(pushId, message.userId()));
        }
    }
}
