package io.reachflow.e2e;

import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.texts;
import static io.reachflow.support.HttpJson.uniqueWord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reachflow.audience.ImportStatus;
import io.reachflow.audience.UserImports;
import io.reachflow.support.Api;
import io.reachflow.support.Fixtures;
import io.reachflow.system.Database;
import io.reachflow.system.UserId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

/**
 * Bulk imports of user profiles over HTTP: bad rows reported by line and skipped, good rows kept, re-imports
 * replacing profiles whole, progress visible while the upload runs. Subclasses choose the database (JDBC batches
 * on H2, COPY on PostgreSQL).
 */
abstract class UserImportScenarios {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    private static final MediaType CSV = MediaType.parseMediaType("text/csv");

    @Autowired
    Api api;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Database database;

    @Autowired
    UserImports imports;

    @Autowired
    ApplicationContext context;

    /** Each import ends counted, with its rows, for dashboards: a metric per outcome. */
    @Test
    void countsImportsAndTheirRowsInTheMetrics() {
        String word = uniqueWord();
        double completed = counted("reachflow.imports", "COMPLETED");
        double imported = counted("reachflow.import.rows", "imported");
        double failed = counted("reachflow.import.rows", "failed");

        importUsers(NDJSON, "{\"id\": \"m1-" + word + "\"}\n{\"id\": \"m2-" + word + "\", \"optOut\": [\"FAX\"]}");

        assertThat(counted("reachflow.imports", "COMPLETED")).isEqualTo(completed + 1);
        assertThat(counted("reachflow.import.rows", "imported")).isEqualTo(imported + 1);
        assertThat(counted("reachflow.import.rows", "failed")).isEqualTo(failed + 1);
    }

    private double counted(String name, String outcome) {
        Counter counter = meters.find(name).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void importsNdjsonReportingABadRowByLineAndKeepingTheGoodOnes() {
        String word = uniqueWord();
        String ndjson = String.join("\n",
                "{\"id\": \"nd1-" + word + "\", \"name\": \"Nina\", \"tags\": [\"vip\"], \"attributes\": {\"city\": \"Kiel\"}}",
                "{\"id\": \"nd2-" + word + "\", \"email\": \"not-an-email\"}",
                "{\"id\": \"nd3-" + word + "\", \"name\": \"Noah \\\"the\\\" Second\", \"optOut\": [\"EMAIL\"]}",
                "");

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(report.path("processed").asLong()).isEqualTo(3);
        assertThat(report.path("imported").asLong()).isEqualTo(2);
        assertThat(report.path("failed").asLong()).isEqualTo(1);
        assertThat(report.path("errors")).hasSize(1);
        assertThat(report.path("errors").get(0).path("line").asLong()).isEqualTo(2);
        assertThat(report.path("errors").get(0).path("message").asText()).contains("email");
        JsonNode nina = profile("nd1-" + word);
        assertThat(nina.path("name").asText()).isEqualTo("Nina");
        assertThat(nina.path("attributes").path("city").asText()).isEqualTo("Kiel");
        assertThat(texts(nina.path("tags"))).containsExactly("vip");
        JsonNode noah = profile("nd3-" + word);
        assertThat(noah.path("name").asText()).isEqualTo("Noah \"the\" Second");
        assertThat(texts(noah.path("optOut"))).containsExactly("EMAIL");
        assertThat(get(operator(), "/api/users/{id}", "nd2-" + word).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** A bad tag of a row, one of a set, is quoted in its error, as a PUT's 400 quotes it. */
    @Test
    void namesABadTagByItsValue() {
        String ndjson = "{\"id\": \"tag-" + uniqueWord() + "\", \"tags\": [\"vip\", \"" + "t".repeat(65) + "\"]}\n";

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("failed").asLong()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("message").asText())
                .isEqualTo("tags[] '" + "t".repeat(40) + "…': size must be between 0 and 64");
    }

    /** An id that no URL can name again (the server refuses %, ; and a backslash in a path) is a bad row. */
    @Test
    void refusesAnIdThatNoUrlCouldReadAgain() {
        String word = uniqueWord();
        String ndjson = String.join("\n",
                "{\"id\": \"50%off-" + word + "\"}",
                "{\"id\": \"a;b-" + word + "\"}",
                "{\"id\": \"a\\\\b-" + word + "\"}",
                "{\"id\": \"..\"}",
                "{\"id\": \"ok.id-" + word + "\"}",
                "");

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("imported").asLong()).isEqualTo(1);
        assertThat(report.path("failed").asLong()).isEqualTo(4);
        assertThat(report.path("errors")).extracting(error -> error.path("line").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(report.path("errors")).allSatisfy(error -> assertThat(error.path("message").asText())
                .contains(UserId.RULE));
        assertThat(profile("ok.id-" + word).path("id").asText()).isEqualTo("ok.id-" + word);
    }

    @Test
    void importsNdjsonSkippingUnreadableRowsAndReadingOnAfterThem() {
        String word = uniqueWord();
        String ndjson = String.join("\n",
                "{\"id\": \"nu1-" + word + "\", \"name\": \"Ola\"}",
                "{\"id\": \"nu2-" + word + "\", \"tags\": [\"vip\"]]",
                "{\"id\": \"nu3-" + word + "\", \"name\": \"Pia\"}",
                "{\"id\": \"nu4-" + word + "\", \"optOut\": [\"FAX\"]}",
                "[\"not\", \"an\", \"object\"]",
                "",
                "{\"id\": \"nu5-" + word + "\", \"name\": \"Quinn\"}",
                "{\"id\": \"nu6-" + word + "\", \"name\": \"Nul\\u0000Byte\"}");

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("processed").asLong()).isEqualTo(7);
        assertThat(report.path("imported").asLong()).isEqualTo(3);
        assertThat(report.path("failed").asLong()).isEqualTo(4);
        assertThat(report.path("errors")).extracting(error -> error.path("line").asLong()).containsExactly(2L, 4L, 5L, 8L);
        assertThat(report.path("errors").get(0).path("message").asText()).startsWith("not valid JSON: ")
                .contains("at line 1, column");
        assertThat(report.path("errors").get(1).path("message").asText())
                .isEqualTo("Field 'optOut[0]' cannot be 'FAX'; one of [IN_APP, PUSH, SMS, EMAIL, WEBHOOK]");
        assertThat(report.path("errors").get(3).path("message").asText()).as("the field, not a method")
                .isEqualTo("Field 'name' must not contain a NUL character (\\u0000)");
        assertThat(report.path("errors").toString()).doesNotContain("io.reachflow", "java.", "`", "Source");
        for (String imported : List.of("nu1-", "nu3-", "nu5-")) {
            assertThat(get(operator(), "/api/users/{id}", imported + word).getStatusCode()).as(imported)
                    .isEqualTo(HttpStatus.OK);
        }
        for (String refused : List.of("nu2-", "nu4-", "nu6-")) {
            assertThat(get(operator(), "/api/users/{id}", refused + word).getStatusCode()).as(refused)
                    .isEqualTo(HttpStatus.NOT_FOUND);
        }
    }

    @Test
    void importsCsvReportingABadRowByLineAndKeepingTheGoodOnes() {
        String word = uniqueWord();
        String csv = String.join("\n",
                "id,name,email,tags,optOut,attributes.city",
                "cs1-" + word + ",Carl,carl@example.com,vip|berlin-fans,SMS|PUSH,Berlin",
                "cs2-" + word + ",Cleo,not-an-email,,,",
                "cs3-" + word + ",\"Cyd, Jr.\",,,,Dresden",
                "cs4-" + word + ",Cora,,,FAX,",
                "cs5-" + word + ",Cyra,,,EMAIL,",
                "");

        JsonNode report = importUsers(CSV, csv);

        assertThat(report.path("processed").asLong()).isEqualTo(5);
        assertThat(report.path("imported").asLong()).isEqualTo(3);
        assertThat(report.path("failed").asLong()).isEqualTo(2);
        assertThat(report.path("errors")).extracting(error -> error.path("line").asLong()).containsExactly(3L, 5L);
        assertThat(report.path("errors").get(0).path("message").asText()).contains("email");
        assertThat(report.path("errors").get(1).path("message").asText())
                .isEqualTo("Field 'optOut' cannot be 'FAX'; one of [IN_APP, PUSH, SMS, EMAIL, WEBHOOK]");
        assertThat(texts(profile("cs5-" + word).path("optOut"))).containsExactly("EMAIL");
        JsonNode carl = profile("cs1-" + word);
        assertThat(carl.path("email").asText()).isEqualTo("carl@example.com");
        assertThat(texts(carl.path("tags"))).containsExactlyInAnyOrder("vip", "berlin-fans");
        assertThat(texts(carl.path("optOut"))).containsExactlyInAnyOrder("SMS", "PUSH");
        assertThat(carl.path("attributes").path("city").asText()).isEqualTo("Berlin");
        JsonNode cyd = profile("cs3-" + word);
        assertThat(cyd.path("name").asText()).isEqualTo("Cyd, Jr.");
        assertThat(cyd.path("attributes").path("city").asText()).isEqualTo("Dresden");
        assertThat(get(operator(), "/api/users/{id}", "cs2-" + word).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /**
     * An NDJSON row is read as strictly as {@code PUT /api/users/{id}}: a field a profile does not have makes it a bad
     * row, named; {@code attributes} are free JSON.
     */
    @Test
    void refusesAnNdjsonRowWithAFieldAProfileDoesNotHave() {
        String word = uniqueWord();
        String ndjson = String.join("\n",
                "{\"id\": \"nf1-" + word + "\", \"nmae\": \"Ola\"}",
                "{\"id\": \"nf2-" + word + "\", \"attributes\": {\"city\": \"Kiel\", \"pets\": [{\"name\": \"Rex\"}]}}");

        JsonNode report = importUsers(NDJSON, ndjson);

        assertThat(report.path("imported").asLong()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("line").asLong()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("message").asText()).startsWith("Field 'nmae' is unknown")
                .contains("name", "optOut");
        assertThat(profile("nf2-" + word).path("attributes").path("pets").get(0).path("name").asText()).isEqualTo("Rex");
    }

    /**
     * A CSV that cannot be read as rows of profiles (no header row, a header without an id column or with one a
     * profile does not have) is refused before any row: 400, and no import recorded.
     */
    @Test
    void refusesACsvWithoutAUsableHeaderRowUpFront() {
        long importsBefore = jdbc.queryForObject("select count(*) from user_import", Long.class);
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("", "has no header row");
        refusals.put("\nid,name\nhal,Hal\n", "has no header row");
        refusals.put("name,email\nHal,hal@example.com\n", "has no 'id' column");
        refusals.put("id,name,emial\nhal,Hal,hal@example.com\n", "has unknown columns [emial]");
        refusals.put("id,name,id\nhal,Hal,hal2\n", "names [id] more than once");

        refusals.forEach((csv, problem) -> {
            ResponseEntity<JsonNode> refused = operator().post().uri("/api/users/import").contentType(CSV).body(csv)
                    .retrieve().toEntity(JsonNode.class);
            assertThat(refused.getStatusCode()).as(csv).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(refused.getHeaders().getContentType()).as(csv).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(refused.getBody().path("type").asText()).as(csv)
                    .isEqualTo("urn:reachflow:problem:unreadable-body");
            assertThat(refused.getBody().path("detail").asText()).as(csv).contains(problem)
                    .doesNotContain("io.reachflow", "java.", "Source");
        });
        assertThat(jdbc.queryForObject("select count(*) from user_import", Long.class)).isEqualTo(importsBefore);
    }

    /**
     * A quote left open swallows the rest of a CSV file (that is CSV): the rows before it are kept, and the error
     * names the line where the broken row starts, in words of the file, not of the server.
     */
    @Test
    void importsCsvUpToAnUnclosedQuoteNamingTheLineItStartsOn() {
        String word = uniqueWord();
        String csv = String.join("\n",
                "id,name,email",
                "cq1-" + word + ",Dana,",
                "cq2-" + word + ",Dave,",
                "cq3-" + word + ",\"Dora,",
                "cq4-" + word + ",Dirk,",
                "cq5-" + word + ",Dina,",
                "");

        JsonNode report = importUsers(CSV, csv);

        assertThat(report.path("imported").asLong()).isEqualTo(2);
        assertThat(report.path("failed").asLong()).isEqualTo(1);
        JsonNode error = report.path("errors").get(0);
        assertThat(error.path("line").asLong()).isEqualTo(4);
        assertThat(error.path("message").asText()).contains("quote").doesNotContain("io.reachflow", "Source");
        assertThat(get(operator(), "/api/users/{id}", "cq2-" + word).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    /**
     * Bytes that are not UTF-8 (a file saved in Latin-1, say) make their row bad, reported by line, in CSV and NDJSON
     * alike; they are never stored as replacement characters, and the rows around them are kept.
     */
    @Test
    void reportsARowThatIsNotUtf8ByLineAndKeepsTheOthers() {
        String word = uniqueWord();
        byte[] latin1 = "M\u00fcller".getBytes(StandardCharsets.ISO_8859_1);
        Map<MediaType, List<byte[]>> files = Map.of(
                CSV, List.of(("id,name\nu1c-" + word + ",Ann\nu2c-" + word + ",").getBytes(StandardCharsets.UTF_8), latin1,
                        ("\nu3c-" + word + ",Bea\n").getBytes(StandardCharsets.UTF_8)),
                NDJSON, List.of(("{\"id\":\"u1n-" + word + "\",\"name\":\"Ann\"}\n{\"id\":\"u2n-" + word + "\",\"name\":\"")
                        .getBytes(StandardCharsets.UTF_8), latin1, ("\"}\n{\"id\":\"u3n-" + word + "\",\"name\":\"Bea\"}\n")
                        .getBytes(StandardCharsets.UTF_8)));
        files.forEach((type, parts) -> {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            parts.forEach(body::writeBytes);

            ResponseEntity<JsonNode> report = operator().post().uri("/api/users/import").contentType(type)
                    .body(body.toByteArray()).retrieve().toEntity(JsonNode.class);

            assertThat(report.getStatusCode()).as(type.toString()).isEqualTo(HttpStatus.CREATED);
            assertThat(report.getBody().path("imported").asLong()).as(type.toString()).isEqualTo(2);
            assertThat(report.getBody().path("failed").asLong()).as(type.toString()).isEqualTo(1);
            JsonNode error = report.getBody().path("errors").get(0);
            assertThat(error.path("line").asLong()).as(type.toString()).isEqualTo(type.equals(CSV) ? 3 : 2);
            assertThat(error.path("message").asText()).as(type.toString()).contains("UTF-8")
                    .doesNotContain("io.reachflow", "java.", "Source");
            String suffix = type.equals(CSV) ? "c-" : "n-";
            assertThat(get(operator(), "/api/users/{id}", "u2" + suffix + word).getStatusCode()).as(type.toString())
                    .isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(profile("u3" + suffix + word).path("name").asText()).isEqualTo("Bea");
        });
    }

    /** A file may start with a byte order mark (Excel's "CSV UTF-8" writes one): it is no part of the first column. */
    @Test
    void importsAFileThatStartsWithAByteOrderMark() {
        String word = uniqueWord();

        Map<MediaType, String> files = Map.of(CSV, "\uFEFFid,name\nbom-c-" + word + ",Bo\n",
                NDJSON, "\uFEFF{\"id\":\"bom-n-" + word + "\",\"name\":\"Bo\"}\n");
        files.forEach((type, file) -> {
            ResponseEntity<JsonNode> report = operator().post().uri("/api/users/import").contentType(type)
                    .body(file.getBytes(StandardCharsets.UTF_8)).retrieve().toEntity(JsonNode.class);

            assertThat(report.getStatusCode()).as(type + ": " + report.getBody()).isEqualTo(HttpStatus.CREATED);
            assertThat(report.getBody().path("imported").asLong()).as(type.toString()).isEqualTo(1);
        });
        assertThat(profile("bom-c-" + word).path("name").asText()).isEqualTo("Bo");
        assertThat(profile("bom-n-" + word).path("name").asText()).isEqualTo("Bo");
    }

    /** The imports are listed as every list of the API is: a page at a time, newest first, with the total. */
    @Test
    void listsImportsAPageAtATime() {
        long older = importUsers(NDJSON, "{\"id\":\"pg-1-" + uniqueWord() + "\"}\n").path("id").asLong();
        long newer = importUsers(NDJSON, "{\"id\":\"pg-2-" + uniqueWord() + "\"}\n").path("id").asLong();
        long all = jdbc.queryForObject("select count(*) from user_import", Long.class);

        JsonNode first = get(operator(), "/api/users/imports?size=1").getBody();
        JsonNode second = get(operator(), "/api/users/imports?size=1&page=1&status=COMPLETED").getBody();

        assertThat(first.path("items")).hasSize(1);
        assertThat(first.path("items").get(0).path("id").asLong()).isEqualTo(newer);
        assertThat(first.path("total").asLong()).isEqualTo(all);
        assertThat(second.path("page").asInt()).isEqualTo(1);
        assertThat(second.path("items").get(0).path("id").asLong()).isEqualTo(older);
        assertThat(second.path("total").asLong()).isEqualTo(jdbc.queryForObject(
                "select count(*) from user_import where status = 'COMPLETED'", Long.class));
    }

    /**
     * Imports of the same new profiles at once (a file sent twice, say) all complete: a chunk whose profiles another
     * import created meanwhile is written again, as replacements.
     */
    @Test
    void importsTheSameNewProfilesFromSeveralUploadsAtOnce() throws Exception {
        String word = uniqueWord();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 8_000; i++) {
            file.append("{\"id\":\"same-").append(i).append('-').append(word).append("\",\"name\":\"Same\",\"tags\":[\"twice\"]}\n");
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<ResponseEntity<JsonNode>>> uploads = IntStream.range(0, 3)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return operator().post().uri("/api/users/import").contentType(NDJSON).body(file.toString())
                            .retrieve().toEntity(JsonNode.class);
                })).toList();
        go.countDown();

        for (CompletableFuture<ResponseEntity<JsonNode>> upload : uploads) {
            ResponseEntity<JsonNode> report = upload.get(2, TimeUnit.MINUTES);
            assertThat(report.getStatusCode()).as(String.valueOf(report.getBody())).isEqualTo(HttpStatus.CREATED);
            assertThat(report.getBody().path("status").asText()).isEqualTo("COMPLETED");
            assertThat(report.getBody().path("imported").asLong()).isEqualTo(8_000);
        }
        assertThat(jdbc.queryForObject("select count(*) from audience_user where id like ?", Long.class,
                "same-%-" + word)).isEqualTo(8_000);
        assertThat(jdbc.queryForObject("select count(*) from audience_user_tag where user_id like ?", Long.class,
                "same-%-" + word)).isEqualTo(8_000);
    }

    /** A row replaces the whole profile, tags and opt-outs included; the same id twice in one file: the last wins. */
    @Test
    void reimportReplacesProfilesWhole() {
        String id = "re-" + uniqueWord();
        importUsers(NDJSON, "{\"id\": \"" + id + "\", \"name\": \"Rea\", \"email\": \"rea@example.com\", "
                + "\"tags\": [\"vip\", \"old\"], \"optOut\": [\"SMS\"], \"attributes\": {\"city\": \"Ulm\"}}\n");
        long versionBefore = jdbc.queryForObject("select version from audience_user where id = ?", Long.class, id);

        JsonNode report = importUsers(NDJSON, String.join("\n",
                "{\"id\": \"" + id + "\", \"name\": \"Rea Mid\", \"tags\": [\"mid\"]}",
                "{\"id\": \"" + id + "\", \"name\": \"Rea New\", \"tags\": [\"new\"], \"optOut\": [\"PUSH\"]}"));

        assertThat(report.path("imported").asLong()).isEqualTo(2);
        JsonNode rea = profile(id);
        assertThat(rea.path("name").asText()).isEqualTo("Rea New");
        assertThat(rea.path("email").isMissingNode() || rea.path("email").isNull()).as("email replaced by none").isTrue();
        assertThat(texts(rea.path("tags"))).containsExactly("new");
        assertThat(texts(rea.path("optOut"))).containsExactly("PUSH");
        assertThat(rea.path("attributes")).isEmpty();
        assertThat(jdbc.queryForObject("select version from audience_user where id = ?", Long.class, id))
                .isGreaterThan(versionBefore);
    }

    /** More rows than one chunk, on the database's bulk path: every row in, the import listed with its counts. */
    @Test
    void importsManyChunks() {
        String word = uniqueWord();
        int rows = 12_345;
        String csv = "id,name,tags,optOut,attributes.city\n" + String.join("\n", IntStream
                .range(0, rows).mapToObj(i -> "bulk" + i + "-" + word + ",User " + i + ",bulk-" + word + "|t" + (i % 3)
                        + "," + (i % 10 == 0 ? "SMS" : "") + ",City " + (i % 7)).toList());

        JsonNode report = importUsers(CSV, csv);

        assertThat(report.path("imported").asLong()).isEqualTo(rows);
        assertThat(report.path("failed").asLong()).isZero();
        assertThat(report.path("percent").asInt()).isEqualTo(100);
        assertThat(jdbc.queryForObject("select count(*) from audience_user_tag where tag = ?", Long.class, "bulk-" + word))
                .isEqualTo(rows);
        assertThat(jdbc.queryForObject("select count(*) from audience_user_opt_out o join audience_user_tag t "
                + "on t.user_id = o.user_id where t.tag = ?", Long.class, "bulk-" + word)).isEqualTo(rows / 10 + 1);
        assertThat(profile("bulk4321-" + word).path("attributes").path("city").asText()).isEqualTo("City 2");
        JsonNode listed = get(operator(), "/api/users/imports/{id}", report.path("id").asLong()).getBody();
        assertThat(listed.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(listed.path("imported").asLong()).isEqualTo(rows);
        assertThat(listed.path("startedBy").asText()).isEqualTo(Fixtures.OPERATOR);
    }

    /**
     * The upload stops after two chunks of rows and one bad row until the test has seen, through the API, the
     * import RUNNING with those chunks counted and the bad row listed; then it goes on to the end. The upload is
     * written by hand as HTTP/1.1 chunks, so that what was sent before the pause is on the wire.
     */
    @Test
    void showsProgressWhileTheUploadRuns() throws Exception {
        String word = uniqueWord();
        int goodBeforePause = 10_000;
        int total = 12_000;
        LongFunction<String> line = i -> i == 42 ? "{\"id\": \"bad-" + word + "\", \"email\": \"nope\"}\n"
                : "{\"id\": \"run" + i + "-" + word + "\", \"tags\": [\"run-" + word + "\"]}\n";
        CountDownLatch seen = new CountDownLatch(1);
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> {
            try (Socket socket = new Socket("localhost", URI.create(api.baseUrl()).getPort())) {
                OutputStream out = chunkedUpload(socket);
                // two whole chunks of good rows and the bad one, then the upload waits
                writeChunk(out, line, 1, goodBeforePause + 1);
                if (!seen.await(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never saw the import's progress");
                }
                writeChunk(out, line, goodBeforePause + 2, total);
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        JsonNode running = awaitRunningImportWithRows(goodBeforePause);
        assertThat(running.path("status").asText()).isEqualTo("RUNNING");
        assertThat(running.path("imported").asLong()).isEqualTo(goodBeforePause);
        assertThat(running.path("failed").asLong()).isEqualTo(1);
        assertThat(running.path("errors").get(0).path("line").asLong()).isEqualTo(42);
        assertThat(running.path("percent").isMissingNode()).as("a chunked upload announces no length").isTrue();
        seen.countDown();

        assertThat(response.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 201");
        JsonNode report = get(operator(), "/api/users/imports/{id}", running.path("id").asLong()).getBody();
        assertThat(report.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(report.path("imported").asLong()).isEqualTo(total - 1);
        assertThat(jdbc.queryForObject("select count(*) from audience_user_tag where tag = ?", Long.class, "run-" + word))
                .isEqualTo(total - 1);
    }

    /** An upload cut off mid-way keeps the chunks committed before, and the import says it FAILED and why. */
    @Test
    void keepsWhatWasCommittedWhenTheUploadBreaksOff() throws Exception {
        String word = uniqueWord();
        LongFunction<String> line = i -> "{\"id\": \"cut" + i + "-" + word + "\", \"tags\": [\"cut-" + word + "\"]}\n";
        try (Socket socket = new Socket("localhost", URI.create(api.baseUrl()).getPort())) {
            OutputStream out = chunkedUpload(socket);
            writeChunk(out, line, 1, 5_200);
            awaitRunningImportWithRows(5_000);
        }

        JsonNode failed = awaitImport(ImportStatus.FAILED, "cut");
        assertThat(failed.path("imported").asLong()).isEqualTo(5_000);
        assertThat(failed.path("failure").asText()).isEqualTo("the upload broke off before its end; import the "
                + "file again (rows are upserts)");
        assertThat(jdbc.queryForObject("select count(*) from audience_user_tag where tag = ?", Long.class, "cut-" + word))
                .isEqualTo(5_000);
    }

    /**
     * A graceful stop while an upload runs (the readiness refuses traffic, and the stop waits for running requests):
     * the import stops at its next chunk's end, without writing that chunk, keeps the chunks before, is recorded
     * FAILED while the database is still there, and answers 503. It held the stop for its whole timeout, and then
     * wrote into a closed database.
     */
    @Test
    void aGracefulStopEndsARunningImportAtItsNextChunk() throws Exception {
        String word = uniqueWord();
        LongFunction<String> line = i -> "{\"id\": \"stop" + i + "-" + word + "\", \"tags\": [\"stop-" + word + "\"]}\n";
        String answer;
        long id;
        try (Socket socket = new Socket("localhost", URI.create(api.baseUrl()).getPort())) {
            OutputStream out = chunkedUpload(socket);
            writeChunk(out, line, 1, 5_200);
            id = awaitRunningImportWithRows(5_000).path("id").asLong();
            AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
            try {
                writeChunk(out, line, 5_201, 12_000);
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
            }
        }

        assertThat(answer).startsWith("HTTP/1.1 503").contains("Retry-After: 30",
                "Import " + id + " is FAILED: the application stopped while the file was read");
        JsonNode failed = get(operator(), "/api/users/imports/{id}", id).getBody();
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("imported").asLong()).as("its chunks before the stop").isEqualTo(5_000);
        assertThat(failed.path("failure").asText()).startsWith("the application stopped while the file was read");
        assertThat(jdbc.queryForObject("select count(*) from audience_user_tag where tag = ?", Long.class, "stop-" + word))
                .isEqualTo(5_000);
    }

    /** An import whose node stopped (no chunk for 20 minutes) ends FAILED; one that moved a minute ago runs on. */
    @Test
    void anImportThatStoppedMovingEndsFailed() {
        Instant now = Instant.now();
        long stopped = runningImportLastMoved(now.minus(Duration.ofMinutes(20)));
        long moving = runningImportLastMoved(now.minus(Duration.ofMinutes(1)));

        assertThat(imports.failAbandoned()).isPositive();

        JsonNode failed = get(operator(), "/api/users/imports/{id}", stopped).getBody();
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("failure").asText()).contains("no progress for 15 minutes");
        assertThat(get(operator(), "/api/users/imports/{id}", moving).getBody().path("status").asText())
                .isEqualTo("RUNNING");
        jdbc.update("update user_import set status = 'FAILED' where id = ?", moving);
    }

    /**
     * At the start, on H2 (one application at a time), an import still RUNNING was cut off by the last stop and ends
     * FAILED at once; on PostgreSQL another node may be running it, so it waits for the 15 minutes.
     */
    @Test
    void anImportRunningAtTheStartEndsFailedAtOnceOnH2Only() {
        long running = runningImportLastMoved(Instant.now().minus(Duration.ofDays(1)));

        imports.failCutOffAtStart();

        JsonNode after = get(operator(), "/api/users/imports/{id}", running).getBody();
        if (database.isPostgres()) {
            assertThat(after.path("status").asText()).isEqualTo("RUNNING");
            jdbc.update("update user_import set status = 'FAILED' where id = ?", running);
        } else {
            assertThat(after.path("status").asText()).isEqualTo("FAILED");
            assertThat(after.path("failure").asText()).contains("the application stopped while it ran");
        }
    }

    private long runningImportLastMoved(Instant at) {
        jdbc.update("insert into user_import (format, status, started_by, started_at, updated_at, processed, imported) "
                + "values ('NDJSON', 'RUNNING', 'olivia', ?, ?, 5000, 5000)", Timestamp.from(at), Timestamp.from(at));
        return jdbc.queryForObject("select max(id) from user_import", Long.class);
    }

    private JsonNode awaitImport(ImportStatus status, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode latest = get(operator(), "/api/users/imports?size=1").getBody().path("items").get(0);
            if (latest.path("status").asText().equals(status.name())) {
                return latest;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("The " + what + " import did not end " + status + " within a minute");
    }

    /** The socket's stream once it has sent an NDJSON upload's request line and headers, its body chunked to come. */
    private static OutputStream chunkedUpload(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/users/import HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Basic " + Base64.getEncoder().encodeToString(
                        (Fixtures.OPERATOR + ":demo").getBytes(StandardCharsets.UTF_8)) + "\r\n"
                + "Content-Type: " + NDJSON + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    /** Lines {@code from} to {@code to} (inclusive) as one HTTP/1.1 chunk, flushed. */
    private static void writeChunk(OutputStream out, LongFunction<String> line, long from, long to) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (long i = from; i <= to; i++) {
            lines.append(line.apply(i));
        }
        byte[] data = lines.toString().getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private JsonNode awaitRunningImportWithRows(long imported) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode candidate : get(operator(), "/api/users/imports?status=RUNNING").getBody().path("items")) {
                if (candidate.path("imported").asLong() >= imported) {
                    return candidate;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No running import reached " + imported + " rows within a minute: "
                + get(operator(), "/api/users/imports?size=3").getBody().path("items"));
    }

    private JsonNode importUsers(MediaType type, String body) {
        ResponseEntity<JsonNode> report = operator().post().uri("/api/users/import").contentType(type).body(body)
                .retrieve().toEntity(JsonNode.class);
        assertThat(report.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(report.getHeaders().getLocation()).hasPath("/api/users/imports/" + report.getBody().path("id").asLong());
        return report.getBody();
    }

    private JsonNode profile(String id) {
        ResponseEntity<JsonNode> profile = get(operator(), "/api/users/{id}", id);
        assertThat(profile.getStatusCode()).as(id).isEqualTo(HttpStatus.OK);
        return profile.getBody();
    }

    private RestClient operator() {
        return api.as(Fixtures.OPERATOR);
    }
}
