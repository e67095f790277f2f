package io.reachflow.delivery.channels.providers;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The WEBHOOK channel's receiver, bound only when its {@code url} is configured.
 *
 * @param url            where the messages are POSTed
 * @param secret         the HMAC-SHA256 key of {@code X-Reachflow-Signature}, shared with the receiver
 * @param mode           one request for all the messages of a call, or one per message
 * @param timeouts       how long the receiver may take to connect and to answer
 */
@ConfigurationProperties(WebhookProperties.PREFIX)
@ConditionalOnProperty(prefix = WebhookProperties.PREFIX, name = "url")
@Validated
record WebhookProperties(
        @NotNull @HttpUrl URI url,
        @NotBlank String secret,
        @DefaultValue("BATCH") @NotNull Mode mode,
        @DefaultValue @NotNull @Valid HttpTimeouts timeouts) {

    static final String PREFIX = "reachflow.channels.webhook";

    enum Mode {
        /** One request carries all the messages; its answer is every message's outcome. */
        BATCH,
        /** One request per message. */
        SINGLE
    }

    @Override
    public String toString() {
        return "WebhookProperties[url=" + url + ", secret=***, mode=" + mode + "]";
    }
}
