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
 * The PUSH channel's FCM HTTP v1 compatible endpoint, bound only when its {@code endpoint} is configured.
 *
 * @param endpoint       the {@code messages:send} address of the project
 * @param accessToken    the OAuth 2 bearer token sent with each request
 * @param timeouts       how long FCM may take to connect and to answer
 */
@ConfigurationProperties(PushProperties.PREFIX)
@ConditionalOnProperty(prefix = PushProperties.PREFIX, name = "endpoint")
@Validated
record PushProperties(
        @NotNull URI endpoint,
        @NotBlank String accessToken,
        @DefaultValue @NotNull @Valid HttpTimeouts timeouts) {

    static final String PREFIX = "reachflow.channels.push";

    @Override
    public String toString() {
        return "PushProperties[endpoint=" + endpoint + ", accessToken=***]";
    }
}
