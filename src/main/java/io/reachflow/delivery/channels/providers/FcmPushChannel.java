package io.reachflow.delivery.channels.providers;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.task.Channel;
import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * PUSH: one FCM HTTP v1 {@code messages:send} request per device token (the message's address). FCM answers an
 * unregistered token with 404 {@code UNREGISTERED} and a malformed message with 400 {@code INVALID_ARGUMENT}, both
 * rejected; 429 {@code QUOTA_EXCEEDED}, 500 and 503 are deferred, after {@code Retry-After} when given. The bearer
 * token is minted from the service account (see {@link FcmAccessTokens}); failing to get one defers the message.
 */
@Component
@ConditionalOnProperty(prefix = PushProperties.PREFIX, name = "endpoint")
class FcmPushChannel extends PerRecipientChannel {

    private final PushProperties properties;
    private final FcmAccessTokens tokens;
    private final ProviderHttp http;

    FcmPushChannel(PushProperties properties, Clock clock) {
        super(Channel.PUSH, clock);
        this.properties = properties;
        this.tokens = FcmAccessTokens.of(properties);
        this.http = new ProviderHttp(properties.endpoint(), properties.timeouts(), clock, FcmPushChannel::errorBody);
    }

    @Override
    public String destination() {
        return ProviderHttp.destination(properties.endpoint());
    }

    /** FCM does not recognise a message it has taken already: one interrupted mid-send is not resent. */
    @Override
    public boolean deduplicates() {
        return false;
    }

    @Override
    SendOutcome send(long pushId, RenderedMessage message) {
        String token;
        try {
            token = tokens.current();
        } catch (IOException e) {
            return new Deferred("NO_ACCESS_TOKEN", e.getMessage(), null);
        }
        byte[] body = ProviderHttp.json(new SendRequest(FcmMessage.of(pushId, message)));
        return http.send("push " + pushId + ", user " + message.userId(), client -> client.post()
                .uri(properties.endpoint())
                .headers(headers -> headers.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .body(body));
    }

    /** FCM's error code ({@code UNREGISTERED}, {@code QUOTA_EXCEEDED}, ...), else its status; and its message. */
    static ProviderHttp.ErrorBody errorBody(String body) {
        try {
            JsonNode error = ProviderHttp.jsonMapper().readTree(body).path("error");
            String code = error.hasNonNull("status") ? error.get("status").asText() : null;
            for (JsonNode detail : error.path("details")) {
                if (detail.hasNonNull("errorCode")) {
                    code = detail.get("errorCode").asText();
                    break;
                }
            }
            String message = error.hasNonNull("message") ? ProviderHttp.abbreviate(error.get("message").asText()) : null;
            return code == null && message == null ? new ProviderHttp.ErrorBody(null, ProviderHttp.abbreviate(body))
                    : new ProviderHttp.ErrorBody(code, message);
        } catch (JsonProcessingException notJson) {
            return new ProviderHttp.ErrorBody(null, ProviderHttp.abbreviate(body));
        }
    }

    /** The request body of {@code messages:send}. */
    record SendRequest(FcmMessage message) {
    }

    record FcmMessage(String token, Notification notification, Data data) {

        static FcmMessage of(long pushId, RenderedMessage message) {
            return new FcmMessage(message.address(), new Notification(message.title(), message.body()),
                    new Data(message.link(), ProviderChannel.idempotencyKey(pushId, message.userId())));
        }
    }

    record Notification(String title, String body) {
    }

    /** FCM data values are strings only: a message without a link carries none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Data(String link, String idempotencyKey) {
    }
}
