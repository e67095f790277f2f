package io.reachflow.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import io.reachflow.system.CsvRows;
import io.reachflow.system.Database;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.postgresql.PGConnection;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * (d) Delivery: one node delivers an IN_APP push with a templated body to {@code users} users (seeded with COPY),
 * end to end from the operator's send to the push DELIVERED, with the heap's peak while it runs; first to a tenth
 * of them, so that the two peaks show whether the heap grows with the audience. Baseline, in the same run: the
 * rate at which PostgreSQL COPY loads as many rows of the same shape into the same table (the inbox).
 */
final class DeliveryBench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private final ConfigurableApplicationContext app;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Get get;
    private final Post post;

    DeliveryBench(ConfigurableApplicationContext app, String jdbcUrl, String user, String password,
                  Get get, Post post) {
        this.app = app;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.get = get;
        this.post = post;
    }

    void run(int users, WebhookReceiver receiver) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "(d) Delivery of an IN_APP push with a templated body and a frequency cap, one node (%s)%n",
                app.getEnvironment().getProperty("reachflow.delivery.batch-size") + " recipients per batch, "
                        + app.getEnvironment().getProperty("reachflow.delivery.workers") + " workers");
        if (!app.getBean(Database.class).isPostgres()) {
            throw new IllegalStateException("The delivery benchmark runs on PostgreSQL");
        }
        int small = Math.max(1, users / 10);
        seedUsers("bench-small", small);
        seedUsers("bench-large", users);
        Result smallPush = push("bench-small", small, "IN_APP");
        Result largePush = push("bench-large", users, "IN_APP");
        for (Result result : List.of(smallPush, largePush)) {
            int recipients = result == smallPush ? small : users;
            System.out.printf(Locale.ROOT, "    %,9d recipients in %6.1f s: %,8.0f recipients/s end to end, peak heap %,5d MB "
                    + "(%,d MB after a collection)%n", recipients, result.seconds(), recipients / result.seconds(),
                    result.peakHeapMb(), result.peakAfterCollectionMb());
        }
        System.out.println("      " + phases(largePush.taskId()));
        double copyRate = copyBaseline(users, 1);
        double rate = users / largePush.seconds();
        System.out.printf(Locale.ROOT, "    baseline: COPY of %,d inbox rows: %,.0f rows/s%n", users, copyRate);
        System.out.printf(Locale.ROOT, "    delivery = %.1f%% of the COPY rate (target >= 40%%): %s; >= 100,000 recipients/s: %s%n",
                100 * rate / copyRate, rate >= 0.4 * copyRate ? "MET" : "MISSED", rate >= 100_000 ? "MET" : "MISSED");
        twoNodes(users, rate);
        webhook(small, receiver);
        // last: the rows it writes and deletes leave the tables to vacuum
        int streams = Runtime.getRuntime().availableProcessors();
        double recipientCopyRate = recipientCopyBaseline(users, streams);
        double parallelCopyRate = copyBaseline(users, streams);
        System.out.printf(Locale.ROOT, "    ceiling: COPY in %d streams at once (one per core) of %,d recipient rows (the push's "
                + "snapshot): %,.0f rows/s, and of as many inbox rows: %,.0f rows/s; writing only these two, at these speeds, "
                + "allows %,.0f recipients/s%n", streams, users, recipientCopyRate, parallelCopyRate,
                1 / (1 / parallelCopyRate + 1 / recipientCopyRate));
    }

    /**
     * The same push to the large audience again (a new task), with a second node: the packaged application in its
     * own JVM on the same database, its job executor sharing the batches.
     */
    private void twoNodes(int users, double oneNodeRate) throws Exception {
        Optional<Path> jar = packagedApplication();
        if (jar.isEmpty()) {
            System.out.println("    two nodes: not measured, no packaged application in target/ (bench/run packages it)");
            return;
        }
        Path log = Files.createTempFile("reachflow-bench-node2-", ".log");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process second = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar",
                jar.get().toString(), "--spring.profiles.active=postgres,demo", "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + user, "--spring.datasource.password=" + password,
                "--server.port=" + port, "--logging.level.io.reachflow.delivery=DEBUG")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitUp(second, port, log);
            Result pair = push("bench-large", users, "IN_APP");
            long pushId = latestLivePush(pair.taskId());
            long byTheSecond = Pattern.compile("push " + pushId + " batch \\d+: \\d+ delivered")
                    .matcher(Files.readString(log)).results().count();
            System.out.printf(Locale.ROOT, "    two nodes (a second JVM on the same database and CPUs): %,d recipients in %.1f s: "
                    + "%,.0f recipients/s (one node: %,.0f), %d of %s batches by the second node; %s%n", users,
                    pair.seconds(), users / pair.seconds(), oneNodeRate, byTheSecond, batches(pushId),
                    messagesPerRecipient(pair.taskId()));
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    /** A WEBHOOK push (BATCH mode, one signed request per batch) to the small audience, against a local receiver. */
    private void webhook(int users, WebhookReceiver receiver) throws Exception {
        Result hook = push("bench-small", users, "WEBHOOK");
        long pushId = latestLivePush(hook.taskId());
        WebhookReceiver.Received received = receiver.received(pushId);
        System.out.printf(Locale.ROOT, "    webhook to a local receiver (%s recipients per request): %,d recipients in %.1f s: "
                + "%,.0f recipients/s; the receiver got %,d messages for %,d recipients%n",
                app.getEnvironment().getProperty("reachflow.delivery.provider-batch-size"), users, hook.seconds(),
                users / hook.seconds(), received.messages(), received.recipients());
    }

    private static Optional<Path> packagedApplication() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("reachflow-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar")).findFirst();
        }
    }

    private static void awaitUp(Process node, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new IllegalStateException("The second node stopped; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The second node did not come up within 3 minutes; see " + log);
    }

    private long latestLivePush(long taskId) throws Exception {
        return single("select max(id) from push where task_id = " + taskId + " and kind = 'LIVE'");
    }

    private long batches(long pushId) throws Exception {
        return single("select batches from push where id = " + pushId);
    }

    private long single(String query) throws Exception {
        try (Connection sql = connect(); Statement statement = sql.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Users tagged {@code tag}, with a city to render, straight into the tables with COPY. */
    private void seedUsers(String tag, int count) throws Exception {
        long start = System.nanoTime();
        try (Connection sql = connect()) {
            var copy = sql.unwrap(PGConnection.class).getCopyAPI();
            String now = Instant.now().toString();
            copy.copyIn("copy audience_user (id, version, name, attributes, created_at, updated_at) from stdin (format csv)",
                    rows(0, count, (i, rows) -> rows.row(tag + "-" + i, 0, "User " + i, "{\"city\":\"City " + (i % 500) + "\"}",
                            now, now)));
            copy.copyIn("copy audience_user_tag (user_id, tag) from stdin (format csv)",
                    rows(0, count, (i, rows) -> rows.row(tag + "-" + i, tag)));
            try (Statement statement = sql.createStatement()) {
                statement.execute("analyze audience_user");
                statement.execute("analyze audience_user_tag");
            }
        }
        System.out.printf(Locale.ROOT, "    seeded %,d users in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
    }

    /** Creates, tests, submits, approves (both levels when needed) and sends a task; times the push. */
    private Result push(String tag, int recipients, String channel) throws Exception {
        String created = post.send("/api/tasks", "olivia", """
                {"name":"Delivery bench %s","channel":"%s","pushType":"MANUAL",
                 "audience":{"type":"TAGS","tags":["%s"]},
                 "content":{"title":"Hi {{name|there}}","body":"This week in {{attributes.city|your city}}: 20%% off"},
                 "schedule":{"frequencyCap":{"max":3,"period":"P1D"}},
                 "testers":["olivia"]}""".formatted(tag, channel, tag)).body();
        Matcher id = ID.matcher(created);
        if (!id.find()) {
            throw new IllegalStateException("create: " + created);
        }
        long taskId = Long.parseLong(id.group(1));
        String task = "/api/tasks/" + taskId;
        post.send(task + "/test", "olivia", "{}");
        awaitPush(taskId, "TEST", 0);
        post.send(task + "/submit", "olivia", "{}");
        post.send(task + "/approve", "rita", "{}");
        if (get.send(task, "olivia").body().contains("\"UNDER_REVIEW\"")) {
            post.send(task + "/approve", "sam", "{}");
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        AfterCollections afterCollections = new AfterCollections();
        long start = System.nanoTime();
        HttpResponse<String> sent = post.send(task + "/send", "olivia", "{}");
        if (sent.statusCode() != 200) {
            throw new IllegalStateException("send: " + sent.statusCode() + " " + sent.body());
        }
        awaitPush(taskId, "LIVE", recipients);
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        sampler.join();
        afterCollections.close();
        return new Result(taskId, seconds, peak.get() / 1024 / 1024, afterCollections.peak() / 1024 / 1024);
    }

    /**
     * The heap in use right after each garbage collection while it listens (from the collectors' notifications):
     * what survived, rather than what was allocated since the last one.
     */
    private static final class AfterCollections implements NotificationListener, AutoCloseable {

        private final AtomicLong peak = new AtomicLong();
        private final List<NotificationEmitter> collectors = new ArrayList<>();

        AfterCollections() {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (collector instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(this, null, null);
                    collectors.add(emitter);
                }
            }
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
            long heap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage after = info.getMemoryUsageAfterGc().get(pool.getName());
                if (pool.getType() == MemoryType.HEAP && after != null) {
                    heap += after.getUsed();
                }
            }
            peak.accumulateAndGet(heap, Math::max);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws ListenerNotFoundException {
            for (NotificationEmitter collector : collectors) {
                collector.removeNotificationListener(this);
            }
        }
    }

    /** Where the push's time went, from its rows: planning (until the first batch), the batches, the count. */
    private String phases(long taskId) throws Exception {
        try (Connection sql = connect();
             PreparedStatement query = sql.prepareStatement("""
                     select p.created_at, min(r.updated_at), max(r.updated_at), p.finished_at from push p
                     join push_recipient r on r.push_id = p.id
                     where p.id = (select max(id) from push where task_id = ? and kind = 'LIVE') and r.status = 'DELIVERED'
                     group by p.created_at, p.finished_at""")) {
            query.setLong(1, taskId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                Instant created = row.getTimestamp(1).toInstant();
                Instant firstBatch = row.getTimestamp(2).toInstant();
                Instant lastBatch = row.getTimestamp(3).toInstant();
                Instant finished = row.getTimestamp(4).toInstant();
                return String.format(Locale.ROOT, "(plan and first batch %.1f s, the other batches %.1f s, count %.1f s; %s)",
                        Duration.between(created, firstBatch).toMillis() / 1e3,
                        Duration.between(firstBatch, lastBatch).toMillis() / 1e3,
                        Duration.between(lastBatch, finished).toMillis() / 1e3, messagesPerRecipient(taskId));
            }
        }
    }

    /** Whether the push left exactly one inbox message per recipient. */
    private String messagesPerRecipient(long taskId) throws Exception {
        try (Connection sql = connect(); PreparedStatement query = sql.prepareStatement("""
                select count(*), count(distinct m.user_id), (select count(*) from push_recipient r where r.push_id = p.id)
                from push p left join inbox_message m on m.push_id = p.id
                where p.id = (select max(id) from push where task_id = ? and kind = 'LIVE') group by p.id""")) {
            query.setLong(1, taskId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                long messages = row.getLong(1);
                long recipients = row.getLong(3);
                return messages == recipients && row.getLong(2) == recipients
                        ? "one message per recipient"
                        : "NOT one message per recipient: " + messages + " messages, " + row.getLong(2)
                                + " users, " + recipients + " recipients";
            }
        }
    }

    /** Waits until the task's latest push of that kind is DELIVERED to {@code delivered} recipients (or more). */
    private void awaitPush(long taskId, String kind, long delivered) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        try (Connection sql = connect();
             PreparedStatement query = sql.prepareStatement("select status, delivered from push where task_id = ? "
                     + "and kind = ? order by id desc fetch first 1 rows only")) {
            query.setLong(1, taskId);
            query.setString(2, kind);
            while (System.nanoTime() < deadline) {
                try (ResultSet row = query.executeQuery()) {
                    if (row.next() && "DELIVERED".equals(row.getString(1)) && row.getLong(2) >= delivered) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("Task " + taskId + ": no " + kind + " push delivered within 30 minutes");
    }

    /**
     * COPY of as many inbox rows as the push wrote, of the same shape, into the same table, in {@code streams}
     * connections at once; then removed.
     */
    private double copyBaseline(int count, int streams) throws Exception {
        String now = Instant.now().toString();
        return copyRate(count, streams, "inbox_message", "user_id, push_id, task_id, title, body, link, created_at",
                (i, rows) -> rows.row("bench-large-" + i, -1, -1, "Hi User " + i,
                        "This week in City " + (i % 500) + ": 20% off", null, now));
    }

    /**
     * COPY of as many recipient rows as the push planned, of the same shape, into the same table; then removed. With
     * the inbox's COPY, what a push must write at the least: its snapshot and its messages.
     */
    private double recipientCopyBaseline(int count, int streams) throws Exception {
        String now = Instant.now().toString();
        return copyRate(count, streams, "push_recipient", "push_id, user_id, status, updated_at, batch",
                (i, rows) -> rows.row(-1, "bench-large-" + i, "PLANNED", now, i / 10_000));
    }

    /**
     * Rows per second at which COPY writes {@code count} rows (push id -1) into {@code table (columns)}, split over
     * {@code streams} connections that write at once, each in its own transaction.
     */
    private double copyRate(int count, int streams, String table, String columns, RowWriter writer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> copies = new ArrayList<>();
            long start = System.nanoTime();
            for (int stream = 0; stream < streams; stream++) {
                int from = (int) ((long) count * stream / streams);
                int to = (int) ((long) count * (stream + 1) / streams);
                copies.add(pool.submit(() -> {
                    try (Connection sql = connect()) {
                        sql.setAutoCommit(false);
                        sql.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + table + " (" + columns
                                + ") from stdin (format csv)", rows(from, to, writer));
                        sql.commit();
                    }
                    return null;
                }));
            }
            for (Future<?> copy : copies) {
                copy.get();
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            try (Connection sql = connect(); Statement statement = sql.createStatement()) {
                statement.execute("delete from " + table + " where push_id = -1");
            }
            return rate;
        } finally {
            pool.shutdown();
        }
    }

    /** CSV rows made as COPY reads them, a few thousand at a time, so that memory stays flat. */
    private static Reader rows(int from, int to, RowWriter writer) {
        return new Reader() {
            private int next = from;
            private String chunk = "";
            private int position;

            @Override
            public int read(char[] buffer, int offset, int length) {
                if (position == chunk.length()) {
                    if (next == to) {
                        return -1;
                    }
                    CsvRows rows = new CsvRows(2_000);
                    for (int end = Math.min(to, next + 2_000); next < end; next++) {
                        writer.write(next, rows);
                    }
                    chunk = rows.toString();
                    position = 0;
                }
                int read = Math.min(length, chunk.length() - position);
                chunk.getChars(position, position + read, buffer, offset);
                position += read;
                return read;
            }

            @Override
            public void close() throws IOException {
            }
        };
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    @FunctionalInterface
    interface Get {
        HttpResponse<String> send(String path, String user) throws Exception;
    }

    @FunctionalInterface
    interface Post {
        HttpResponse<String> send(String path, String user, String json) throws Exception;
    }

    @FunctionalInterface
    private interface RowWriter {
        void write(int index, CsvRows rows);
    }

    private record Result(long taskId, double seconds, long peakHeapMb, long peakAfterCollectionMb) {
    }
}
