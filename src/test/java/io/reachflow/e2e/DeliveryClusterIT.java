package io.reachflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.EmbeddedPostgresDatabase;
import io.reachflow.support.ScriptedReceiver;
import io.reachflow.support.ScriptedReceiver.Answer;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Real nodes: the packaged application ({@code target/reachflow-*.jar}) started as separate processes on one
 * embedded PostgreSQL, as production runs it. A 100,000-recipient push reaches each recipient exactly once while
 * (a) its node is killed mid-push and another one takes over (in-app; and a webhook push, killed while the receiver
 * holds one of its requests), (b) two nodes deliver it together, (c) its webhook receiver fails for a while.
 */
class DeliveryClusterIT {

    private static final int RECIPIENTS = 100_000;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final Pattern USER_ID = Pattern.compile("\"userId\":\"([^\"]+)\"");
    private static final Pattern KEYED_USER = Pattern.compile(
            "\"userId\":\"([^\"]+)\"[^}]*?\"idempotencyKey\":\"([^\"]+)\"");
    private static final String WEBHOOK = "/hooks/reachflow";
    private static final Pattern DELIVERED_BATCH = Pattern.compile("push (\\d+) batch \\d+: \\d+ delivered");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(node -> node.process().destroyForcibly());
    }

    @Test
    void pushSurvivesItsNodeBeingKilledMidWay() throws Exception {
        Node first = start("first");
        long taskId = midPush(first, "crash-" + System.nanoTime());

        first.process().destroyForcibly().waitFor();
        long deliveredWhenKilled = delivered(taskId);
        assertThat(deliveredWhenKilled).as("killed mid-push").isLessThan(RECIPIENTS);
        Node second = start("second");

        awaitPushStatus(taskId, "DELIVERED");
        assertOneMessagePerRecipient(taskId);
        assertThat(batchesDeliveredBy(second, taskId)).as("the second node finished the push").isPositive();
    }

    /**
     * Completed mid-push, on a real node and PostgreSQL, the task's push stops: the batches already taking recipients
     * finish, no new one starts, and the rest is cancelled, each recipient reached at most once. (The race of a
     * complete with batches that start after it is pinned on H2, where it delivered whole pushes, by
     * {@code DeliveryPathsTest.aCompleteWhileABatchHoldsItsRecipientsStopsTheNextBatchesAtOnce}.)
     */
    @Test
    void completeMidPushCancelsWhatIsLeft() throws Exception {
        Node node = start("only");
        long taskId = midPush(node, "stop-" + System.nanoTime());

        HttpResponse<String> completed = post(node, "/api/tasks/" + taskId + "/complete", "olivia", "{}");

        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        assertThat(completed.body()).contains("\"COMPLETED\"");
        awaitPushStatus(taskId, "CANCELLED");
        long pushId = livePushId(taskId);
        long delivered = count("select count(*) from push_recipient where push_id = " + pushId
                + " and status = 'DELIVERED'");
        long cancelled = count("select count(*) from push_recipient where push_id = " + pushId
                + " and status = 'CANCELLED' and reason = 'TASK_COMPLETED'");
        assertThat(cancelled).as("called off before the push was through").isPositive();
        assertThat(delivered + cancelled).isEqualTo(RECIPIENTS);
        assertThat(count("select count(*) from inbox_message where push_id = " + pushId)).isEqualTo(delivered);
        assertThat(count("select count(distinct user_id) from inbox_message where push_id = " + pushId))
                .isEqualTo(delivered);
    }

    @Test
    void twoNodesShareAPush() throws Exception {
        String tag = "pair-" + System.nanoTime();
        Node first = start("first");
        Node second = start("second");
        seedUsers(tag);
        long taskId = runningTask(first, tag);
        send(second, taskId);

        awaitPushStatus(taskId, "DELIVERED");
        assertOneMessagePerRecipient(taskId);
        assertThat(batchesDeliveredBy(first, taskId)).as("batches delivered by the first node").isPositive();
        assertThat(batchesDeliveredBy(second, taskId)).as("batches delivered by the second node").isPositive();
    }

    // ---- nodes ---------------------------------------------------------------------------------------------------

    /**
     * (c) The webhook receiver fails with 500, then with 429 and Retry-After, for a while (its first 16 requests)
     * while two nodes deliver a push to it: the batches are retried until each recipient is in exactly one accepted
     * request.
     */
    @Test
    void webhookFailingForAWhileStillGetsEachRecipientOnce() throws Exception {
        try (ScriptedReceiver receiver = new ScriptedReceiver().start()) {
            String tag = "hook-" + System.nanoTime();
            String[] webhook = {"--reachflow.channels.webhook.url=" + receiver.url(WEBHOOK),
                    "--reachflow.channels.webhook.secret=cluster-secret",
                    // up to 8 retries, short ones
                    "--reachflow.delivery.retry-cycle=PT1S,PT1S,PT2S,PT2S,PT2S,PT3S,PT3S,PT3S"};
            Node first = start("first", webhook);
            Node second = start("second", webhook);
            seedUsers(tag);
            long taskId = runningTask(first, tag, "WEBHOOK");
            // the push's first 8 requests get 500, the next 8 a 429 with Retry-After: each of the 16 workers fails
            // about once or twice, within its retries
            for (int failure = 0; failure < 8; failure++) {
                receiver.script(WEBHOOK, Answer.status(500, "overloaded"));
            }
            for (int failure = 0; failure < 8; failure++) {
                receiver.script(WEBHOOK, Answer.retryAfter(429, "1"));
            }
            send(second, taskId);

            awaitPushStatus(taskId, "DELIVERED");
            long pushId = livePushId(taskId);
            List<ScriptedReceiver.Received> requests = receiver.received().stream()
                    .filter(request -> request.body().contains("\"pushId\":" + pushId + ",")).toList();
            assertThat(requests).extracting(ScriptedReceiver.Received::status).contains(500, 429, 200);
            Map<String, Long> accepted = requests.stream().filter(request -> request.status() == 200)
                    .flatMap(request -> userIds(request.body()).stream())
                    .collect(Collectors.groupingBy(user -> user, Collectors.counting()));
            assertThat(accepted).as("recipients accepted by the receiver").hasSize(RECIPIENTS);
            assertThat(accepted.values()).as("requests accepted per recipient").containsOnly(1L);
            assertThat(count("select count(*) from push_recipient where push_id = " + pushId
                    + " and status = 'DELIVERED'")).isEqualTo(RECIPIENTS);
            assertThat(batchesDeliveredBy(first, taskId)).as("batches delivered by the first node").isPositive();
            assertThat(batchesDeliveredBy(second, taskId)).as("batches delivered by the second node").isPositive();
        }
    }

    /**
     * (a) through a provider: the node is killed while the webhook receiver holds one of its requests, so the messages
     * of that claim are with the receiver and their answer is lost. The next node sends them again, once the claim has
     * expired, with the same idempotency keys, and delivers the rest: every recipient is accepted, a few twice with
     * one key (the receiver drops the second), and the push counts each recipient once.
     */
    @Test
    void webhookPushSurvivesItsNodeBeingKilledWhileTheReceiverHoldsARequest() throws Exception {
        try (ScriptedReceiver receiver = new ScriptedReceiver().start()) {
            String tag = "hookcrash-" + System.nanoTime();
            String[] webhook = {"--reachflow.channels.webhook.url=" + receiver.url(WEBHOOK),
                    "--reachflow.channels.webhook.secret=cluster-secret",
                    // a claim still SENDING is taken for interrupted after this and a minute
                    "--reachflow.delivery.provider-batch-time=PT5S"};
            Node first = start("first", webhook);
            seedUsers(tag);
            long taskId = runningTask(first, tag, "WEBHOOK");
            send(first, taskId);
            awaitDelivered(taskId, 10_000);
            CountDownLatch arrived = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            receiver.script(WEBHOOK, Answer.heldUntil(arrived, release));
            assertThat(arrived.await(30, TimeUnit.SECONDS)).as("a request held by the receiver").isTrue();

            first.process().destroyForcibly().waitFor();
            release.countDown();
            assertThat(count("select count(*) from push_recipient where push_id = " + livePushId(taskId)
                    + " and status = 'SENDING'")).as("messages the killed node had handed over").isPositive();
            Node second = start("second", webhook);

            awaitPushStatus(taskId, "DELIVERED");
            long pushId = livePushId(taskId);
            Map<String, List<String>> keysByUser = receiver.received().stream()
                    .filter(request -> request.status() == 200)
                    .filter(request -> request.body().contains("\"pushId\":" + pushId + ","))
                    .flatMap(request -> keyedUsers(request.body()).stream())
                    .collect(Collectors.groupingBy(keyed -> keyed[0],
                            Collectors.mapping(keyed -> keyed[1], Collectors.toList())));
            assertThat(keysByUser).as("recipients accepted by the receiver").hasSize(RECIPIENTS);
            assertThat(keysByUser.entrySet()).as("each message's key is its push and recipient, also when sent again")
                    .allSatisfy(user -> assertThat(user.getValue()).containsOnly(pushId + ":" + user.getKey()));
            long sentTwice = keysByUser.values().stream().filter(keys -> keys.size() > 1).count();
            assertThat(sentTwice).as("sent again: the claims with the receiver when the node died, 200 each")
                    .isBetween(1L, 2L * 200);
            assertThat(keysByUser.values()).allSatisfy(keys -> assertThat(keys).hasSizeLessThanOrEqualTo(2));
            assertThat(count("select count(*) from push_recipient where push_id = " + pushId
                    + " and status = 'DELIVERED'")).isEqualTo(RECIPIENTS);
            assertThat(Files.readString(second.log())).contains("sent again with their idempotency keys");
            assertThat(batchesDeliveredBy(second, taskId)).as("the second node finished the push").isPositive();
        }
    }

    /** Starts the packaged application on the shared database and waits until it is up. */
    private Node start(String name, String... arguments) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = Files.createDirectories(Path.of("target", "cluster-it")).resolve(name + "-" + port + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", applicationJar().toString(),
                "--spring.profiles.active=postgres,demo",
                "--spring.datasource.url=" + EmbeddedPostgresDatabase.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--server.port=" + port,
                // a killed node's jobs are free again after this long
                "--camunda.bpm.job-execution.lock-time-in-millis=5000",
                // idle nodes look for jobs often, so that a push of a few seconds is shared
                "--camunda.bpm.job-execution.wait-time-in-millis=100",
                "--camunda.bpm.job-execution.max-wait=200",
                // A node runs 2 batches, queues 1 and holds at most 1 more that it acquired but could not queue: 4 of
                // the push's 8 workers at most. The others stay free for the other node's next acquisition, so both
                // nodes take part whichever of them is faster to the first jobs (with the defaults one node can hold
                // all 8 and the other may never see a job).
                "--camunda.bpm.job-execution.core-pool-size=2",
                "--camunda.bpm.job-execution.max-pool-size=2",
                "--camunda.bpm.job-execution.queue-capacity=1",
                "--camunda.bpm.job-execution.max-jobs-per-acquisition=1",
                "--reachflow.delivery.workers=8",
                "--reachflow.delivery.batch-size=1000",
                "--logging.level.io.reachflow.delivery=DEBUG"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Node node = new Node(name, process, "http://localhost:" + port, log);
        nodes.add(node);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Node " + name + " stopped; see " + log);
            }
            try {
                if (get(node, "/actuator/health/readiness").body().contains("\"UP\"")) {
                    return node;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Node " + name + " did not come up within 3 minutes; see " + log);
    }

    private static Path applicationJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("reachflow-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("No packaged application in target/"));
        }
    }

    private static long batchesDeliveredBy(Node node, long taskId) throws Exception {
        long pushId = livePushId(taskId);
        Matcher batches = DELIVERED_BATCH.matcher(Files.readString(node.log()));
        long count = 0;
        while (batches.find()) {
            if (Long.parseLong(batches.group(1)) == pushId) {
                count++;
            }
        }
        return count;
    }

    // ---- the task, over HTTP -------------------------------------------------------------------------------------

    /** A MANUAL IN_APP task to the tag, tested, submitted and approved. */
    private long runningTask(Node node, String tag) throws Exception {
        return runningTask(node, tag, "IN_APP");
    }

    private long runningTask(Node node, String tag, String channel) throws Exception {
        HttpResponse<String> created = post(node, "/api/tasks", "olivia", """
                {"name":"Cluster %s","channel":"%s","pushType":"MANUAL","audience":{"type":"TAGS","tags":["%s"]},
                 "content":{"title":"Hi {{name}}","body":"News from {{attributes.city|here}}"},"testers":["olivia"]}"""
                .formatted(tag, channel, tag));
        Matcher id = ID.matcher(created.body());
        assertThat(id.find()).as(created.body()).isTrue();
        long taskId = Long.parseLong(id.group(1));
        post(node, "/api/tasks/" + taskId + "/test", "olivia", "{}");
        awaitTestRound(taskId);
        assertThat(post(node, "/api/tasks/" + taskId + "/submit", "olivia", "{}").body()).contains("UNDER_REVIEW");
        assertThat(post(node, "/api/tasks/" + taskId + "/approve", "rita", "{}").body()).contains("\"RUNNING\"");
        return taskId;
    }

    /** A running task to RECIPIENTS new users with the tag, sent through the node, its first 10,000 delivered. */
    private long midPush(Node node, String tag) throws Exception {
        seedUsers(tag);
        long taskId = runningTask(node, tag);
        send(node, taskId);
        awaitDelivered(taskId, 10_000);
        return taskId;
    }

    private void send(Node node, long taskId) throws Exception {
        assertThat(post(node, "/api/tasks/" + taskId + "/send", "olivia", "{}").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(Node node, String path, String user, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":demo").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Node node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---- the database --------------------------------------------------------------------------------------------

    /** Users with the tag, straight into the tables with COPY (the first node has created the schema). */
    private static void seedUsers(String tag) throws Exception {
        StringBuilder users = new StringBuilder();
        StringBuilder tags = new StringBuilder();
        String now = Instant.now().toString();
        for (int i = 0; i < RECIPIENTS; i++) {
            users.append(tag).append('-').append(i).append(",0,User ").append(i).append(",\"{\"\"city\"\":\"\"City ")
                    .append(i % 100).append("\"\"}\",").append(now).append(',').append(now).append('\n');
            tags.append(tag).append('-').append(i).append(',').append(tag).append('\n');
        }
        try (Connection sql = connect()) {
            var copy = sql.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("copy audience_user (id, version, name, attributes, created_at, updated_at) from stdin (format csv)",
                    new StringReader(users.toString()));
            copy.copyIn("copy audience_user_tag (user_id, tag) from stdin (format csv)", new StringReader(tags.toString()));
        }
    }

    private static void awaitTestRound(long taskId) throws Exception {
        awaitQuery("select count(*) from push where task_id = " + taskId + " and kind = 'TEST' and status = 'DELIVERED'",
                1, Duration.ofMinutes(1));
    }

    private static void awaitDelivered(long taskId, long atLeast) throws Exception {
        awaitQuery("select count(*) from push_recipient r join push p on p.id = r.push_id where p.task_id = " + taskId
                + " and p.kind = 'LIVE' and r.status = 'DELIVERED'", atLeast, Duration.ofMinutes(2));
    }

    private static void awaitPushStatus(long taskId, String status) throws Exception {
        awaitQuery("select count(*) from push where task_id = " + taskId + " and kind = 'LIVE' and status = '" + status
                + "'", 1, Duration.ofMinutes(4));
    }

    private static void awaitQuery(String countQuery, long atLeast, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (count(countQuery) >= atLeast) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Waited " + within + " for " + countQuery + " >= " + atLeast);
    }

    private static long delivered(long taskId) throws Exception {
        return count("select count(*) from inbox_message where push_id = " + livePushId(taskId));
    }

    private static long livePushId(long taskId) throws Exception {
        return count("select max(id) from push where task_id = " + taskId + " and kind = 'LIVE'");
    }

    private static void assertOneMessagePerRecipient(long taskId) throws Exception {
        long pushId = livePushId(taskId);
        assertThat(count("select count(*) from inbox_message where push_id = " + pushId)).isEqualTo(RECIPIENTS);
        assertThat(count("select count(distinct user_id) from inbox_message where push_id = " + pushId)).isEqualTo(RECIPIENTS);
        assertThat(count("select count(*) from push_recipient where push_id = " + pushId + " and status = 'DELIVERED'"))
                .isEqualTo(RECIPIENTS);
    }

    /** Each message of a webhook body as its user id and idempotency key. */
    private static List<String[]> keyedUsers(String webhookBody) {
        Matcher messages = KEYED_USER.matcher(webhookBody);
        List<String[]> keyed = new ArrayList<>();
        while (messages.find()) {
            keyed.add(new String[] {messages.group(1), messages.group(2)});
        }
        return keyed;
    }

    private static List<String> userIds(String webhookBody) {
        Matcher users = USER_ID.matcher(webhookBody);
        List<String> ids = new ArrayList<>();
        while (users.find()) {
            ids.add(users.group(1));
        }
        return ids;
    }

    private static long count(String query) throws Exception {
        try (Connection sql = connect(); Statement statement = sql.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(EmbeddedPostgresDatabase.jdbcUrl(), "postgres", "");
    }

    private record Node(String name, Process process, String url, Path log) {
    }
}
