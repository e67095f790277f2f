package io.reachflow.delivery.channels.providers;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.validation.annotation.Validated;

/**
 * The SMS channel's HTTP gateway, bound only when its {@code url} is configured.
 *
 * @param url             the gateway's send address
 * @param method          the request's method
 * @param contentType     the request body's type; JSON, form and XML bodies get their values escaped to match,
 *                        plain text is sent as it is, any other type is refused at start-up
 * @param requestTemplate the body, a Mustache template of {@code to}, {@code text}, {@code idempotencyKey} and
 *                        {@code userId}
 * @param headers         further request headers, such as the gateway's credentials
 * @param timeouts        how long the gateway may take to connect and to answer
 */
@ConfigurationProperties(SmsProperties.PREFIX)
@ConditionalOnProperty(prefix = SmsProperties.PREFIX, name = "url")
@Validated
record SmsProperties(
        @NotNull @HttpUrl URI url,
        @DefaultValue("POST") @NotNull HttpMethod method,
        @DefaultValue("application/json") @NotNull MediaType contentType,
        @NotBlank String requestTemplate,
        @DefaultValue Map<String, String> headers,
        @DefaultValue @NotNull @Valid HttpTimeouts timeouts) {

    static final String PREFIX = "reachflow.channels.sms";

    @Override
    public String toString() {
        return "SmsProperties[url=" + url + ", method=" + method + ", contentType=" + contentType + ", headers="
                + headers.keySet() + "]";
    }
}
