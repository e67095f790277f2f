package io.reachflow.delivery.channels.providers;

import static io.reachflow.delivery.channels.providers.TestProviders.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.delivery.channels.providers.WebhookProperties.Mode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How each HTTP provider's answers, or their absence, become outcomes: the same rules for all three. */
class HttpProviderAnswersTest {

    @RegisterExtension
    final LocalHttpServer server = new LocalHttpServer();

    static Stream<Named<Function<URI, ProviderChannel>>> providers() {
        return Stream.of(
                Named.of("WEBHOOK", url -> TestProviders.webhook(url, Mode.SINGLE)),
                Named.of("PUSH", TestProviders::push),
                Named.of("SMS", TestProviders::sms));
    }

    /** Each provider with each answer and the outcome it means. */
    static Stream<Arguments> answers() {
        return providers().flatMap(provider -> answersAndOutcomes().map(answerAndOutcome ->
                arguments(provider, answerAndOutcome.get()[0], answerAndOutcome.get()[1])));
    }

    /** New answers each time: the server consumes an answer's body. */
    private static Stream<Arguments> answersAndOutcomes() {
        String twoMinutesLater = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(ZonedDateTime.now(TestProviders.CLOCK).plusMinutes(2));
        return Stream.of(
                arguments(answer("200", 200), new Delivered()),
                arguments(answer("202", 202), new Delivered()),
                arguments(answer("400", 400), new Rejected("HTTP 400")),
                arguments(answer("404", 404), new Rejected("HTTP 404")),
                arguments(answer("401", 401), new Deferred("HTTP 401", null)),
                arguments(answer("408", 408), new Deferred("HTTP 408", null)),
                arguments(answer("429, Retry-After: 30", 429, "30"), new Deferred("HTTP 429", Duration.ofSeconds(30))),
                arguments(answer("503, Retry-After: a date", 503, twoMinutesLater),
                        new Deferred("HTTP 503", Duration.ofMinutes(2))),
                arguments(answer("500", 500), new Deferred("HTTP 500", null)));
    }

    @ParameterizedTest(name = "{0} answered {1}")
    @MethodSource("answers")
    void classifiesTheAnswer(Function<URI, ProviderChannel> provider, MockResponse answer, SendOutcome outcome) {
        server.enqueue(answer);

        assertThat(sendToAlice(provider, server.uri("/send"))).isEqualTo(outcome);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void defersWhenTheServerDoesNotAnswerInTime(Function<URI, ProviderChannel> provider) {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

        assertThat(sendToAlice(provider, server.uri("/send"))).isInstanceOfSatisfying(Deferred.class,
                deferred -> assertThat(deferred.reason()).contains("Timeout"));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void defersWhenTheConnectionIsRefused(Function<URI, ProviderChannel> provider) throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/send");
        }

        assertThat(sendToAlice(provider, closed)).isInstanceOfSatisfying(Deferred.class,
                deferred -> assertThat(deferred.reason()).contains("ConnectException"));
    }

    /**
     * A plain http:// endpoint is spoken to in HTTP/1.1, with no offer to upgrade to HTTP/2 (h2c), which some receivers
     * and proxies mishandle; an https:// one negotiates HTTP/2 in its TLS handshake (ALPN), where offered.
     */
    @ParameterizedTest
    @MethodSource("providers")
    void speaksHttp11ToAPlainHttpEndpoint(Function<URI, ProviderChannel> provider) throws InterruptedException {
        server.enqueue(new MockResponse().setResponseCode(200));

        assertThat(sendToAlice(provider, server.uri("/send"))).isEqualTo(new Delivered());

        RecordedRequest request = server.takeRequest();
        assertThat(request.getRequestLine()).endsWith(" HTTP/1.1");
        assertThat(request.getHeader("Upgrade")).isNull();
        assertThat(request.getHeader("HTTP2-Settings")).isNull();
        assertThat(request.getHeaders().values("Connection")).noneMatch(value -> value.contains("Upgrade"));
    }

    /** What the start's log says of an endpoint: its host, never its credentials, path or query, which may hold secrets. */
    @Test
    void anEndpointIsLoggedByItsHostOnly() {
        assertThat(ProviderHttp.destination(URI.create("https://user:secret@hooks.example.com:8443/reach?token=x")))
                .isEqualTo("https://hooks.example.com:8443");
        assertThat(ProviderHttp.destination(URI.create("https://hooks.example.com/services/T000/B000/XXXX")))
                .isEqualTo("https://hooks.example.com");
    }

    @Test
    void offersHttp2OnlyOverTls() {
        assertThat(ProviderHttp.version(URI.create("https://fcm.example.com/v1/projects/p/messages:send")))
                .isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(ProviderHttp.version(URI.create("http://hooks.internal:8080/reachflow")))
                .isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    private static SendOutcome sendToAlice(Function<URI, ProviderChannel> provider, URI uri) {
        return provider.apply(uri).send(1, 7, List.of(message("alice", "+351910000001"))).get("alice");
    }

    private static Named<MockResponse> answer(String name, int status) {
        return Named.of(name, new MockResponse().setResponseCode(status));
    }

    private static Named<MockResponse> answer(String name, int status, String retryAfter) {
        return Named.of(name, new MockResponse().setResponseCode(status).setHeader("Retry-After", retryAfter));
    }
}
