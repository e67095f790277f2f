package io.reachflow.delivery.channels.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One HTTP provider's client, on the JDK's HttpClient with the configured timeouts (HTTP/2 over TLS, HTTP/1.1 to a
 * plain http:// endpoint), and the classification of its answers: 2xx delivered; 408, 429, 5xx, a timeout or a
 * refused connection deferred (with {@code Retry-After} in seconds or as an HTTP-date when given); 401 deferred too,
 * because rejected credentials are the operator's to fix and the messages are still good; any other 4xx rejected.
 */
final class ProviderHttp {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** Our wire formats, independent of how the application's web layer writes JSON. */
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final Set<Integer> TEMPORARY_CLIENT_ERRORS = Set.of(HttpStatus.UNAUTHORIZED.value(),
            HttpStatus.REQUEST_TIMEOUT.value(), HttpStatus.TOO_MANY_REQUESTS.value());
    private static final int ERROR_BODY_LIMIT = 4096;
    private static final int REASON_DETAIL_LIMIT = 200;
    private static final Logger log = LoggerFactory.getLogger(ProviderHttp.class);

    private final RestClient client;
    private final Clock clock;
    private final Function<String, ErrorBody> errorBody;

    /**
     * An endpoint as the log may show it: scheme, host and port. Not its path, which may hold a secret (a Slack-style
     * webhook's), nor its credentials or query.
     */
    static String destination(URI endpoint) {
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
    }

    /**
     * A client for {@code endpoint}; an error answer's reason is its status ({@code HTTP 400}), its detail the start
     * of its body.
     */
    ProviderHttp(URI endpoint, HttpTimeouts timeouts, Clock clock) {
        this(endpoint, timeouts, clock, body -> new ErrorBody(null, abbreviate(body)));
    }

    /**
     * A client for {@code endpoint}; an error answer's reason is its status and the provider's error code that
     * {@code errorBody} reads from its body ({@code HTTP 404 UNREGISTERED}), its detail what that makes of the rest.
     */
    ProviderHttp(URI endpoint, HttpTimeouts timeouts, Clock clock, Function<String, ErrorBody> errorBody) {
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .version(version(endpoint)).connectTimeout(timeouts.connect()).build());
        requestFactory.setReadTimeout(timeouts.read());
        this.client = RestClient.builder().requestFactory(requestFactory).build();
        this.clock = clock;
        this.errorBody = errorBody;
    }

    /**
     * HTTP/1.1 for a plain http:// endpoint: the JDK's client would otherwise offer every request an upgrade to HTTP/2
     * ({@code Connection: Upgrade, HTTP2-Settings}, {@code Upgrade: h2c}), which some receivers and proxies mishandle.
     * Over TLS it negotiates HTTP/2 in the handshake (ALPN), falling back to HTTP/1.1 where the server offers no more.
     */
    static HttpClient.Version version(URI endpoint) {
        return "https".equalsIgnoreCase(endpoint.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    }

    /** Sends the request that {@code request} builds; {@code subject} names what it carries, for the log. */
    SendOutcome send(String subject, Function<RestClient, RestClient.RequestHeadersSpec<?>> request) {
        try {
            return request.apply(client).exchange((sent, response) -> {
                SendOutcome outcome = outcome(response);
                log.debug("{} {} for {}: {}", sent.getMethod(), withoutQuery(sent.getURI()), subject, outcome);
                return outcome;
            });
        } catch (ResourceAccessException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            Deferred outcome = new Deferred(cause.getClass().getSimpleName(), cause.getMessage(), null);
            log.debug("No answer for {}: {}", subject, outcome);
            return outcome;
        }
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static ObjectMapper jsonMapper() {
        return JSON;
    }

    private SendOutcome outcome(ClientHttpResponse response) throws IOException {
        HttpStatusCode status = response.getStatusCode();
        if (status.is2xxSuccessful()) {
            return new Delivered();
        }
        String body = new String(response.getBody().readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
        ErrorBody error = body.isBlank() ? new ErrorBody(null, null) : errorBody.apply(body);
        String reason = "HTTP " + status.value() + (error.code() == null ? "" : " " + error.code());
        if (status.is4xxClientError() && !TEMPORARY_CLIENT_ERRORS.contains(status.value())) {
            return new Rejected(reason, error.detail());
        }
        return new Deferred(reason, error.detail(), retryAfter(response.getHeaders()));
    }

    /** {@code Retry-After} as delta-seconds or as an HTTP-date; null when absent or unreadable. */
    private Duration retryAfter(HttpHeaders headers) {
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return notNegative(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            // then an HTTP-date
        }
        try {
            return notNegative(Duration.between(clock.instant(),
                    headers.getFirstZonedDateTime(HttpHeaders.RETRY_AFTER).toInstant()));
        } catch (IllegalArgumentException notADate) {
            return null;
        }
    }

    private static Duration notNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    static String abbreviate(String body) {
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= REASON_DETAIL_LIMIT ? oneLine : oneLine.substring(0, REASON_DETAIL_LIMIT) + "…";
    }

    /**
     * What an error answer's body says: the provider's error code, one of a few it defines (null when it gives none),
     * and what else it says about this message (null when nothing).
     */
    record ErrorBody(String code, String detail) {
    }

    /** The address without its query and user info, which may carry credentials. */
    private static String withoutQuery(URI uri) {
        return UriComponentsBuilder.fromUri(uri).userInfo(null).replaceQuery(null).fragment(null).toUriString();
    }
}
