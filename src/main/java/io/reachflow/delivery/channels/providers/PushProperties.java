package io.reachflow.delivery.channels.providers;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

/**
 * The PUSH channel's FCM HTTP v1 compatible endpoint, bound only when its {@code endpoint} is configured, and how it
 * is authorised: a service account key, from which OAuth 2 access tokens are minted and refreshed before they
 * expire (production), or a fixed access token (a trial: FCM's expire within an hour). One of the two.
 *
 * @param endpoint       the {@code messages:send} address of the project
 * @param accessToken    a fixed OAuth 2 bearer token sent with each request
 * @param serviceAccount the service account key (JSON, as Google issues it), e.g. {@code file:/run/secrets/fcm.json}
 * @param timeouts       how long FCM may take to connect and to answer
 */
@ConfigurationProperties(PushProperties.PREFIX)
@ConditionalOnProperty(prefix = PushProperties.PREFIX, name = "endpoint")
@Validated
record PushProperties(
        @NotNull @HttpUrl URI endpoint,
        String accessToken,
        Resource serviceAccount,
        @DefaultValue @NotNull @Valid HttpTimeouts timeouts) {

    static final String PREFIX = "reachflow.channels.push";

    /** Exactly one of the two ways to authorise. */
    @AssertTrue(message = "give either reachflow.channels.push.service-account or .access-token, not both")
    boolean isAuthorised() {
        return StringUtils.hasText(accessToken) != (serviceAccount != null);
    }

    @Override
    public String toString() {
        return "PushProperties[endpoint=" + endpoint + ", accessToken=***, serviceAccount=" + serviceAccount + "]";
    }
}
