package io.reachflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A real HTTP server on the loopback address standing in for providers (a webhook receiver, an SMS gateway, FCM):
 * each path answers what a test scripted for it, in order, then 200. It records every request with its answer.
 */
public final class ScriptedReceiver extends Dispatcher implements AutoCloseable {

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** What a path answers once: a status, a {@code Retry-After} (or null), a body; it may wait for a latch first. */
    public record Answer(int status, String retryAfter, String body, CountDownLatch arrived, CountDownLatch release) {

        public static Answer status(int status) {
            return new Answer(status, null, "", null, null);
        }

        public static Answer status(int status, String body) {
            return new Answer(status, null, body, null, null);
        }

        public static Answer retryAfter(int status, String retryAfter) {
            return new Answer(status, retryAfter, "", null, null);
        }

        /** 200, once {@code release} is counted down; {@code arrived} tells the request is there. */
        public static Answer heldUntil(CountDownLatch arrived, CountDownLatch release) {
            return new Answer(200, null, "", arrived, release);
        }
    }

    /** A request, its body and idempotency key, and the status it got. */
    public record Received(String path, String idempotencyKey, String body, int status) {
    }

    public ScriptedReceiver start() {
        server.setDispatcher(this);
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public String url(String path) {
        return server.url(path).toString();
    }

    /** The path's next answers, in this order (after those scripted before). */
    public void script(String path, Answer... answers) {
        Deque<Answer> script = scripts.computeIfAbsent(path, key -> new ArrayDeque<>());
        synchronized (script) {
            script.addAll(List.of(answers));
        }
    }

    /**
     * Forgets what is left of the scripts (every path answers 200 again) and the requests received: test classes that
     * share a receiver on databases of their own see the same push ids.
     */
    public void clear() {
        scripts.clear();
        received.clear();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        String path = request.getRequestUrl().encodedPath();
        Deque<Answer> script = scripts.get(path);
        Answer answer = null;
        if (script != null) {
            synchronized (script) {
                answer = script.poll();
            }
        }
        if (answer == null) {
            answer = Answer.status(200, path.endsWith(":send") ? "{\"name\":\"projects/reachflow/messages/1\"}" : "{}");
        }
        if (answer.arrived() != null) {
            answer.arrived().countDown();
            if (!answer.release().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The test never released the held request");
            }
        }
        received.add(new Received(path, request.getHeader("Idempotency-Key"), request.getBody().readUtf8(),
                answer.status()));
        MockResponse response = new MockResponse().setResponseCode(answer.status()).setBody(answer.body());
        return answer.retryAfter() == null ? response : response.setHeader("Retry-After", answer.retryAfter());
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
