package io.reachflow.bench;

import io.reachflow.ReachflowApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Reachflow's benchmark on PostgreSQL, run with {@code bench/run} (see bench/README.md):
 * <ol type="a">
 * <li>full task lifecycles through the REST API with concurrent clients, against the bare engine's transaction
 * (start or complete a one-user-task process) on the same database with as many threads;</li>
 * <li>{@code GET /api/tasks} with filters and search at 100,000 tasks, against the same queries in plain SQL;</li>
 * <li>(embedded database only) the SQL statements each lifecycle step and each bare engine transaction sends,
 * counted from PostgreSQL's statement log: a figure that does not depend on the machine;</li>
 * <li>an IN_APP push to a million users on one node, against PostgreSQL's COPY rate ({@link DeliveryBench}).</li>
 * </ol>
 */
public final class Bench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final List<String> STEPS = List.of("create", "test", "submit", "approve", "send", "complete");
    private static final String MARKER = "reachflow-bench-step:";
    private static final Pattern LOGGED_STATEMENT =
            Pattern.compile("\\[(\\d+)\\] LOG:  (?:statement|execute [^:]*): (.*)");

    private final Options options;
    private final Map<String, List<Long>> stepNanos = new ConcurrentHashMap<>();
    private HttpClient http;
    private String base;

    private Bench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        EmbeddedPostgres embedded = null;
        Path statementLog = null;
        if (options.jdbcUrl == null) {
            statementLog = Files.createTempDirectory("reachflow-bench-pglog");
            embedded = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("log_directory", statementLog.toString())
                    .setServerConfig("log_filename", "postgresql.log")
                    .setServerConfig("shared_preload_libraries", options.statements
                            ? "pg_stat_statements,auto_explain" : "")
                    // with --statements, the plans of statements slower than 50 ms go to the server's log
                    .setServerConfig("auto_explain.log_min_duration", options.statements ? "50" : "-1")
                    .start();
            options = options.withDatabase(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "");
        }
        System.out.println(machine());
        System.out.println("Database: " + options.jdbcUrl.replaceAll("password=[^&]*", "password=***")
                + (embedded != null ? " (embedded PostgreSQL)" : ""));
        try {
            new Bench(options).run(statementLog);
            if (options.statements && embedded != null) {
                printTopStatements(embedded, statementLog);
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
        System.exit(0);
    }

    /** {@code --statements}: where the database's time went, the statements that took most of it in total. */
    private static void printTopStatements(EmbeddedPostgres embedded, Path statementLog) throws Exception {
        try (Connection connection = embedded.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("create extension if not exists pg_stat_statements");
            System.out.println("Statements by total time in PostgreSQL (pg_stat_statements, the whole run; the plans "
                    + "of those slower than 50 ms are in " + statementLog.resolve("postgresql.log") + "):");
            try (ResultSet top = statement.executeQuery("select calls, rows, total_exec_time, left(regexp_replace("
                    + "query, '\\s+', ' ', 'g'), 220) from pg_stat_statements order by total_exec_time desc limit 25")) {
                while (top.next()) {
                    System.out.printf("  %9.0f ms %8d calls %10d rows  %s%n", top.getDouble(3), top.getLong(1),
                            top.getLong(2), top.getString(4));
                }
            }
            System.out.println("Row writes by table (updates that touched no index: HOT):");
            try (ResultSet tables = statement.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd "
                    + "from pg_stat_user_tables where n_tup_ins + n_tup_upd > 10000 order by relname")) {
                while (tables.next()) {
                    System.out.printf("  %-20s %10d inserted %10d updated %10d HOT%n", tables.getString(1),
                            tables.getLong(2), tables.getLong(3), tables.getLong(4));
                }
            }
        }
    }

    private void run(Path statementLog) throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ReachflowApplication.class)
                .profiles("postgres", "demo")
                .run("--spring.datasource.url=" + options.jdbcUrl,
                        "--reachflow.channels.webhook.url=" + receiver.url(),
                        "--reachflow.channels.webhook.secret=bench-secret",
                        "--spring.datasource.username=" + options.user,
                        "--spring.datasource.password=" + options.password,
                        "--server.port=0",
                        "--logging.level.io.reachflow=WARN",
                        "--logging.level.org.camunda=WARN");
        try {
            base = "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
            http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(options.clients)).build();
            ProcessEngine engine = app.getBean(ProcessEngine.class);
            if (options.parts.contains("a") || options.parts.contains("c")) {
                deployBareProcess(engine);
            }
            if (options.parts.contains("a")) {
                lifecycles(engine);
            }
            if (options.parts.contains("b")) {
                taskList();
            }
            if (options.parts.contains("c") && statementLog != null) {
                statementCounts(engine, statementLog);
            }
            if (options.parts.contains("d")) {
                new DeliveryBench(app, options.jdbcUrl, options.user, options.password, this::get, this::post)
                        .run(options.deliveryUsers, receiver);
            }
        } finally {
            app.close();
            receiver.close();
        }
    }

    // ---- (a) lifecycles ------------------------------------------------------------------------------------------

    private void lifecycles(ProcessEngine engine) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "(a) Lifecycles through the REST API, %d clients x %d (after %d each to warm up)%n",
                options.clients, options.lifecyclesPerClient, options.warmUp);
        Probe timing = new Probe() {
            @Override
            public void beforeStep(String step) {
            }

            @Override
            public void awaitDelivered(String task, String path, String wait) throws Exception {
                long start = System.nanoTime();
                while (!get(task + path, "olivia").body().contains("\"status\":\"DELIVERED\"")) {
                    giveUpAfterAMinute(start, task + path);
                    Thread.sleep(20);
                }
                record(wait, System.nanoTime() - start);
            }
        };
        concurrently(options.clients, options.warmUp, () -> lifecycle(timing));
        bareTransactions(engine, options.warmUp * 5);
        stepNanos.clear();

        long jitSettled = jitSettledMillis();
        long start = System.nanoTime();
        long cpuBefore = machineCpuMillis();
        long[] jvmBefore = jitAndGcMillis();
        concurrently(options.clients, options.lifecyclesPerClient, () -> lifecycle(timing));
        long lifecyclesCpu = machineCpuMillis() - cpuBefore;
        long[] lifecyclesJvm = since(jvmBefore);
        double seconds = (System.nanoTime() - start) / 1e9;
        int total = options.clients * options.lifecyclesPerClient;
        System.out.printf(Locale.ROOT, "    %d lifecycles in %.1f s: %.1f lifecycles/s%n", total, seconds, total / seconds);
        List<Long> allSteps = new ArrayList<>();
        for (String step : STEPS) {
            List<Long> times = stepNanos.get(step);
            allSteps.addAll(times);
            System.out.printf(Locale.ROOT, "    %-9s mean %6.1f ms  p95 %6.1f ms%n", step, mean(times), percentile(times, 95));
        }
        for (String wait : List.of("test round", "delivery")) {
            System.out.printf(Locale.ROOT, "    (waiting for the %s, asynchronous on the job executor: mean %.1f ms)%n",
                    wait, mean(stepNanos.get(wait)));
        }
        long jitSettledAgain = jitSettledMillis();
        cpuBefore = machineCpuMillis();
        jvmBefore = jitAndGcMillis();
        List<Long> bareTimes = bareTransactions(engine, Math.max(50, options.lifecyclesPerClient * 5));
        long bareCpu = machineCpuMillis() - cpuBefore;
        long[] bareJvm = since(jvmBefore);
        double bare = mean(bareTimes);
        double step = mean(allSteps);
        System.out.printf(Locale.ROOT, "    baseline: bare engine transaction (start or complete a one-user-task process), "
                + "%d threads: mean %.2f ms%n", options.clients, bare);
        System.out.printf(Locale.ROOT, "    lifecycle step: mean %.2f ms = %.1fx a bare engine transaction (target <= 3x): %s%n",
                step, step / bare, step / bare <= 3 ? "MET" : "MISSED");
        if (lifecyclesCpu > 0 && bareCpu > 0) {
            double cpuPerStep = (double) lifecyclesCpu / (total * STEPS.size());
            double cpuPerBare = (double) bareCpu / bareTimes.size();
            System.out.printf(Locale.ROOT, "    (CPU of the whole machine, application and PostgreSQL: %.1f ms per lifecycle step with the "
                    + "jobs and polls it causes, %.1f ms per bare transaction with its share of the task query between: %.1fx)%n",
                    cpuPerStep, cpuPerBare, cpuPerStep / cpuPerBare);
        }
        // compiling while measuring means the warm-up was too short for what is measured (--warm-up)
        System.out.printf(Locale.ROOT, "    (this JVM meanwhile: JIT compiler threads %,d ms of CPU and garbage collection %,d ms during the lifecycles, "
                + "%,d ms and %,d ms during the bare transactions; waited %,d ms and %,d ms before them for the JIT to settle)%n",
                lifecyclesJvm[0], lifecyclesJvm[1], bareJvm[0], bareJvm[1], jitSettled, jitSettledAgain);
    }

    /**
     * Waits, at most half a minute, until the JIT compiler threads have been idle for a second (under a tenth of a core
     * in it), so that a window measures the application, not the compiling of what ran before it (its queue drains
     * after the load that filled it); how long it waited. Where their CPU cannot be read, a second. HotSpot ends a
     * compiler thread it added for a long queue once it idles, and its CPU leaves the sum: a drop reads as idle too.
     */
    private static long jitSettledMillis() throws InterruptedException {
        long start = System.nanoTime();
        long jit = jitAndGcMillis()[0];
        while (System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(1000);
            long now = jitAndGcMillis()[0];
            if (now - jit < 100) { // also when it fell
                break;
            }
            jit = now;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * CPU time this JVM (the application, the clients) has spent so far in its JIT compiler threads (from
     * {@code /proc/self/task}; 0 where there is none) and elapsed in garbage collection.
     */
    private static long[] jitAndGcMillis() {
        long gc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        long jitTicks = 0;
        List<Path> threads;
        try (Stream<Path> listed = Files.list(Path.of("/proc/self/task"))) {
            threads = listed.toList();
        } catch (IOException | RuntimeException notLinux) {
            threads = List.of();
        }
        for (Path thread : threads) {
            try {
                String stat = Files.readString(thread.resolve("stat"));
                // pid (comm) state ...: the name may hold spaces, the fields after it are separated by one each
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.contains("CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    jitTicks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            } catch (IOException | RuntimeException ended) {
                // the thread ended since it was listed: the others still count
            }
        }
        return new long[] {jitTicks * 10, gc}; // USER_HZ is 100 on Linux
    }

    private static long[] since(long[] before) {
        long[] now = jitAndGcMillis();
        return new long[] {now[0] - before[0], now[1] - before[1]};
    }

    /**
     * CPU time the whole machine spent so far (all processes: the application, PostgreSQL, the clients), from
     * {@code /proc/stat}; 0 where there is none. Steadier than times under load for comparing two runs.
     */
    private static long machineCpuMillis() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] ticks = lines.findFirst().orElseThrow().trim().split("\\s+");
            long busy = 0;
            // user nice system idle iowait irq softirq steal: everything but idle and iowait
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(ticks[field]);
            }
            return busy * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException notLinux) {
            return 0;
        }
    }

    private void lifecycle(Probe probe) throws Exception {
        probe.beforeStep("create");
        String created = timed("create", () -> post("/api/tasks", "olivia", """
                {"name":"Bench task","channel":"IN_APP","pushType":"MANUAL","audience":{"type":"USERS","users":["alice"]},
                 "content":{"title":"Hi {{name|there}}","body":"Bench {{attributes.city|city}}"},"testers":["olivia"]}"""));
        Matcher id = ID.matcher(created);
        if (!id.find()) {
            throw new IllegalStateException("create: " + created);
        }
        String task = "/api/tasks/" + id.group(1);
        probe.beforeStep("test");
        timed("test", () -> post(task + "/test", "olivia", "{}"));
        probe.awaitDelivered(task, "/test-rounds", "test round");
        probe.beforeStep("submit");
        timed("submit", () -> post(task + "/submit", "olivia", "{}"));
        probe.beforeStep("approve");
        timed("approve", () -> post(task + "/approve", "rita", "{\"comment\":\"ok\"}"));
        probe.beforeStep("send");
        timed("send", () -> post(task + "/send", "olivia", "{}"));
        probe.awaitDelivered(task, "/pushes", "delivery");
        probe.beforeStep("complete");
        timed("complete", () -> post(task + "/complete", "olivia", "{}"));
    }

    private String timed(String step, Call call) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = call.run();
        record(step, System.nanoTime() - start);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(step + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private void record(String what, long nanos) {
        stepNanos.computeIfAbsent(what, s -> Collections.synchronizedList(new ArrayList<>())).add(nanos);
    }

    private static void deployBareProcess(ProcessEngine engine) {
        engine.getRepositoryService().createDeployment().name("bench-bare")
                .addModelInstance("bench-bare.bpmn", Bpmn.createExecutableProcess("bench-bare").camundaHistoryTimeToLive(1)
                        .startEvent().userTask("bench_task").endEvent().done())
                .deploy();
    }

    /** Each thread starts a one-user-task process and completes its task, {@code perThread} times; both timed. */
    private List<Long> bareTransactions(ProcessEngine engine, int perThread) throws Exception {
        List<Long> transactions = Collections.synchronizedList(new ArrayList<>());
        concurrently(options.clients, perThread, () -> {
            long start = System.nanoTime();
            String instance = engine.getRuntimeService().startProcessInstanceByKey("bench-bare").getId();
            transactions.add(System.nanoTime() - start);
            String task = engine.getTaskService().createTaskQuery().processInstanceId(instance).singleResult().getId();
            start = System.nanoTime();
            engine.getTaskService().complete(task);
            transactions.add(System.nanoTime() - start);
        });
        return transactions;
    }

    // ---- (b) the task list ---------------------------------------------------------------------------------------

    private void taskList() throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "(b) GET /api/tasks at %d tasks, %d sequential requests per query (after 20 to warm up)%n",
                options.tasks, options.listRequests);
        seedTasks();
        String middle = String.valueOf(options.tasks / 2);
        String visible = "deleted = false";
        Map<String, String[]> queries = new LinkedHashMap<>();
        queries.put("status+campaign", new String[] {"/api/tasks?status=RUNNING&campaign=campaign-7&size=20",
                "select * from operation_task where " + visible + " and status = 'RUNNING' and campaign = 'campaign-7' order by id desc limit 20",
                "select count(*) from operation_task where " + visible + " and status = 'RUNNING' and campaign = 'campaign-7'"});
        queries.put("q=name", new String[] {"/api/tasks?q=spring%20sale%2042&size=20",
                "select * from operation_task where " + visible + " and lower(name) like '%spring sale 42%' order by id desc limit 20",
                "select count(*) from operation_task where " + visible + " and lower(name) like '%spring sale 42%'"});
        queries.put("q=id", new String[] {"/api/tasks?q=" + middle + "&size=20",
                "select * from operation_task where " + visible + " and (lower(name) like '%" + middle + "%' or id = " + middle + ") order by id desc limit 20",
                "select count(*) from operation_task where " + visible + " and (lower(name) like '%" + middle + "%' or id = " + middle + ")"});
        queries.put("page 50, sorted", new String[] {"/api/tasks?channel=IN_APP&page=50&size=20&sort=createdAt,desc",
                "select * from operation_task where " + visible + " and channel = 'IN_APP' order by created_at desc, id desc offset 1000 limit 20",
                "select count(*) from operation_task where " + visible + " and channel = 'IN_APP'"});
        try (Connection sql = connect()) {
            for (Map.Entry<String, String[]> query : queries.entrySet()) {
                List<Long> api = new ArrayList<>();
                List<Long> plain = new ArrayList<>();
                for (int i = 0; i < options.listRequests + 20; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> response = get(query.getValue()[0], "olivia");
                    long apiTime = System.nanoTime() - start;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(query.getKey() + ": " + response.statusCode() + " " + response.body());
                    }
                    start = System.nanoTime();
                    plainSql(sql, query.getValue()[1], query.getValue()[2]);
                    long sqlTime = System.nanoTime() - start;
                    if (i >= 20) {
                        api.add(apiTime);
                        plain.add(sqlTime);
                    }
                }
                System.out.printf(Locale.ROOT, "    %-16s API p50 %5.1f ms p95 %5.1f ms | plain SQL p50 %5.1f ms p95 %5.1f ms | "
                                + "API p95 under 30 ms: %s%n", query.getKey(), percentile(api, 50), percentile(api, 95),
                        percentile(plain, 50), percentile(plain, 95), percentile(api, 95) < 30 ? "MET" : "MISSED");
            }
        }
    }

    /**
     * Tasks as operators name them (a few dozen campaign themes, numbered), spread over statuses, channels, push
     * types, campaigns and creators; about 1% deleted.
     */
    private void seedTasks() throws Exception {
        long start = System.nanoTime();
        try (Connection sql = connect();
             PreparedStatement insert = sql.prepareStatement("""
                     insert into operation_task (version, name, campaign, mini_program, subgroup, channel, push_type, audience,
                       content, schedule, testers, status, approval_status, revision, created_by, created_at, updated_at, deleted)
                     select 0,
                       (array['Spring sale','Summer sale','Black Friday','Welcome series','Cart reminder','Win-back',
                              'Flash deal','Weekly digest','New arrivals','Loyalty points','Birthday treat','App update',
                              'Survey invite','Price drop','Back in stock','Referral bonus','Event reminder',
                              'Holiday greetings','Onboarding tip','Renewal notice'])[1 + g % 20] || ' ' || (g / 20),
                       'campaign-' || (g % 50), 'mini-' || (g % 5), 'group-' || (g % 7),
                       (array['IN_APP','PUSH','SMS','EMAIL','WEBHOOK'])[1 + g % 5],
                       (array['ONE_TIME','RECURRING','TRIGGERED','MANUAL'])[1 + g % 4],
                       '{"type":"ALL"}', '{"body":"Sale!"}', '{}', '[]',
                       (array['DRAFT','TESTING','UNDER_REVIEW','RUNNING','PAUSED','COMPLETED'])[1 + g % 6],
                       (array['NONE','NONE','UNDER_REVIEW','APPROVED','APPROVED','APPROVED'])[1 + g % 6],
                       1, (array['olivia','oscar','una'])[1 + g % 3], now() - (g || ' seconds')::interval, now(), g % 97 = 0
                     from generate_series(1, ?) g""")) {
            insert.setInt(1, options.tasks);
            insert.executeUpdate();
            try (Statement statement = sql.createStatement()) {
                statement.execute("vacuum analyze operation_task");
            }
        }
        System.out.printf(Locale.ROOT, "    seeded %d tasks in %.1f s%n", options.tasks, (System.nanoTime() - start) / 1e9);
    }

    private static void plainSql(Connection sql, String page, String count) throws Exception {
        try (Statement statement = sql.createStatement()) {
            try (ResultSet rows = statement.executeQuery(page)) {
                while (rows.next()) {
                    rows.getString("name");
                }
            }
            try (ResultSet rows = statement.executeQuery(count)) {
                rows.next();
            }
        }
    }

    // ---- (c) statements per step ---------------------------------------------------------------------------------

    /**
     * Runs three lifecycles one after another and as many bare transactions with PostgreSQL logging every
     * statement, a marker statement before each step, and counts what each step sent (the fewest of the three, so
     * that the job executor's idle polling does not count). Waiting for the asynchronous deliveries goes through
     * the marker connection, whose own statements are not counted.
     */
    private void statementCounts(ProcessEngine engine, Path statementLog) throws Exception {
        System.out.println();
        System.out.println("(c) SQL statements per step, one client, counted in PostgreSQL's statement log (fewest of 3)");
        long markerPid;
        try (Connection sql = connect(); Statement marker = sql.createStatement()) {
            try (ResultSet pid = marker.executeQuery("select pg_backend_pid()")) {
                pid.next();
                markerPid = pid.getLong(1);
            }
            marker.execute("alter system set log_statement = 'all'");
            marker.execute("select pg_reload_conf()");
            Thread.sleep(500);
            Probe counting = new Probe() {
                @Override
                public void beforeStep(String step) throws Exception {
                    marker.execute("select '" + MARKER + step + "'");
                }

                @Override
                public void awaitDelivered(String task, String path, String wait) throws Exception {
                    long start = System.nanoTime();
                    String kind = path.equals("/test-rounds") ? "TEST" : "LIVE";
                    long taskId = Long.parseLong(task.substring(task.lastIndexOf('/') + 1));
                    while (!delivered(sql, taskId, kind)) {
                        giveUpAfterAMinute(start, task + path);
                        Thread.sleep(20);
                    }
                    Thread.sleep(200);
                }
            };
            for (int i = 0; i < 3; i++) {
                lifecycle(counting);
                counting.beforeStep("bare-start");
                String instance = engine.getRuntimeService().startProcessInstanceByKey("bench-bare").getId();
                counting.beforeStep("bare-query");
                String task = engine.getTaskService().createTaskQuery().processInstanceId(instance).singleResult().getId();
                counting.beforeStep("bare-complete");
                engine.getTaskService().complete(task);
                counting.beforeStep("end");
            }
            marker.execute("alter system reset log_statement");
            marker.execute("select pg_reload_conf()");
        }
        Map<String, Integer> fewest = countStatements(statementLog.resolve("postgresql.log"), markerPid);
        double bare = (fewest.get("bare-start") + fewest.get("bare-complete")) / 2.0;
        for (String step : STEPS) {
            System.out.printf(Locale.ROOT, "    %-9s %4d statements%s%n", step, fewest.get(step),
                    step.equals("test") || step.equals("send") ? " (with the delivery job it starts)" : "");
        }
        System.out.printf(Locale.ROOT, "    baseline: bare engine start %d, complete %d statements%n",
                fewest.get("bare-start"), fewest.get("bare-complete"));
        double perStep = STEPS.stream().mapToInt(fewest::get).average().orElseThrow();
        System.out.printf(Locale.ROOT, "    lifecycle step: mean %.1f statements = %.1fx a bare engine transaction's mean%n",
                perStep, perStep / bare);
    }

    private static boolean delivered(Connection sql, long taskId, String kind) throws Exception {
        try (PreparedStatement query = sql.prepareStatement(
                "select count(*) from push where task_id = ? and kind = ? and status = 'DELIVERED'")) {
            query.setLong(1, taskId);
            query.setString(2, kind);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }

    /** Per marked step, the fewest statements (transaction control not counted) any of its runs sent. */
    private static Map<String, Integer> countStatements(Path log, long markerPid) throws Exception {
        List<String> lines = awaitLine(log, "'" + MARKER + "end'", 3);
        Map<String, Integer> fewest = new HashMap<>();
        String step = null;
        int count = 0;
        for (String line : lines) {
            Matcher statement = LOGGED_STATEMENT.matcher(line);
            if (!statement.find()) {
                continue;
            }
            String text = statement.group(2).trim();
            if (Long.parseLong(statement.group(1)) == markerPid) {
                if (text.startsWith("select '" + MARKER)) {
                    if (step != null) {
                        fewest.merge(step, count, Math::min);
                    }
                    step = text.substring(("select '" + MARKER).length(), text.length() - 1);
                    count = 0;
                }
            } else if (step != null && !text.isEmpty() && !text.matches("(?i)(BEGIN|COMMIT|ROLLBACK)\\b.*")) {
                // (an empty statement is the pool checking an idle connection, not the step's work)
                count++;
            }
        }
        return fewest;
    }

    /** The log's lines once {@code expected} appears in it {@code times} times (the collector writes behind). */
    private static List<String> awaitLine(Path log, String expected, int times) throws Exception {
        long start = System.nanoTime();
        while (true) {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            if (lines.stream().filter(line -> line.contains(expected)).count() >= times) {
                return lines;
            }
            giveUpAfterAMinute(start, log.toString());
            Thread.sleep(100);
        }
    }

    // ---- HTTP, numbers, machine ----------------------------------------------------------------------------------

    private Connection connect() throws Exception {
        return DriverManager.getConnection(options.jdbcUrl, options.user, options.password);
    }

    private HttpResponse<String> post(String path, String user, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", basic(user))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", basic(user)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":demo").getBytes(StandardCharsets.UTF_8));
    }

    private static void concurrently(int threads, int timesEach, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < timesEach; i++) {
                        work.run();
                    }
                    return null;
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void giveUpAfterAMinute(long startNanos, String what) {
        if (System.nanoTime() - startNanos > Duration.ofMinutes(1).toNanos()) {
            throw new IllegalStateException("Waited over a minute for " + what);
        }
    }

    private static double mean(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e6;
    }

    private static double percentile(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.split(":", 2)[1].trim()).orElse(cpu);
        } catch (IOException notLinux) {
            // the CPU model is not printed
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return String.format(Locale.ROOT, "Machine: %d cores, %s, %.0f GiB RAM, Java %s (%s)",
                Runtime.getRuntime().availableProcessors(), cpu, memory / 1024.0 / 1024 / 1024,
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    /** What a lifecycle does around its steps: time the waits (a), or mark the steps in the statement log (c). */
    private interface Probe {

        void beforeStep(String step) throws Exception;

        void awaitDelivered(String task, String path, String wait) throws Exception;
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> run() throws Exception;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** The command line: {@code --quick}, {@code --parts=abcd}, {@code --clients=}, {@code --lifecycles=}, ... */
    private record Options(String jdbcUrl, String user, String password, String parts, int clients,
                           int lifecyclesPerClient, int warmUp, int tasks, int listRequests, int deliveryUsers, boolean statements) {

        static Options parse(String[] args) {
            Map<String, String> given = new HashMap<>();
            for (String arg : args) {
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("Not an option: " + arg + " (see bench/README.md)");
                }
                String[] pair = arg.substring(2).split("=", 2);
                given.put(pair[0], pair.length > 1 ? pair[1] : "true");
            }
            boolean quick = given.containsKey("quick");
            return new Options(given.get("jdbc-url"), given.getOrDefault("user", "postgres"),
                    given.getOrDefault("password", ""),
                    given.getOrDefault("parts", "abcd"),
                    Integer.parseInt(given.getOrDefault("clients", "8")),
                    Integer.parseInt(given.getOrDefault("lifecycles", quick ? "10" : "50")),
                    Integer.parseInt(given.getOrDefault("warm-up", quick ? "3" : "60")),
                    Integer.parseInt(given.getOrDefault("tasks", quick ? "10000" : "100000")),
                    Integer.parseInt(given.getOrDefault("list-requests", quick ? "100" : "400")),
                    Integer.parseInt(given.getOrDefault("delivery-users", quick ? "100000" : "1000000")),
                    given.containsKey("statements"));
        }

        Options withDatabase(String url, String databaseUser, String databasePassword) {
            return new Options(url, databaseUser, databasePassword, parts, clients, lifecyclesPerClient, warmUp, tasks,
                    listRequests, deliveryUsers, statements);
        }
    }
}
