package io.reachflow.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook receiver of the benchmark: the JDK's HTTP server on the loopback address, answering 200 to every
 * signed POST of messages and remembering each message's idempotency key, so that the benchmark can tell whether
 * every recipient got exactly one.
 */
final class WebhookReceiver implements AutoCloseable {

    static final String PATH = "/hooks/reachflow";
    private static final Pattern KEY = Pattern.compile("\"idempotencyKey\":\"([^\"]+)\"");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, AtomicInteger> messagesByKey = new ConcurrentHashMap<>();

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(PATH, exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                Matcher key = KEY.matcher(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                while (key.find()) {
                    messagesByKey.computeIfAbsent(key.group(1), any -> new AtomicInteger()).incrementAndGet();
                }
            }
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The messages of push {@code pushId} received, and how many recipients they were for. */
    Received received(long pushId) {
        String prefix = pushId + ":";
        long messages = 0;
        long recipients = 0;
        for (Map.Entry<String, AtomicInteger> entry : messagesByKey.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                messages += entry.getValue().get();
                recipients++;
            }
        }
        return new Received(messages, recipients);
    }

    record Received(long messages, long recipients) {
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
