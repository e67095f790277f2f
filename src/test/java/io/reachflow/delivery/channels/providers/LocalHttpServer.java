package io.reachflow.delivery.channels.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real HTTP server on the loopback address for each test: it answers what is queued and records what it got. */
final class LocalHttpServer implements BeforeEachCallback, AfterEachCallback {

    private final MockWebServer server = new MockWebServer();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        server.shutdown();
    }

    URI uri(String path) {
        return server.url(path).uri();
    }

    void enqueue(MockResponse answer) {
        server.enqueue(answer);
    }

    /** The next request the server received, waiting for it a few seconds at most. */
    RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request").isNotNull();
        return request;
    }

    int requestCount() {
        return server.getRequestCount();
    }
}
