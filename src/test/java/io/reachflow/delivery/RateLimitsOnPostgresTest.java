package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.EmbeddedPostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.core.io.ClassPathResource;

/**
 * A task's rate limit across nodes: two {@link RateLimits}, each with its own connections as two nodes would have,
 * take from the same bucket in the embedded PostgreSQL (its table made by the application's own migration, in a
 * schema of this test). Together they never get more than the limit.
 */
class RateLimitsOnPostgresTest {

    private static final String SCHEMA = "rate_limits_test";
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-03-02T12:00:00Z"), ZoneOffset.UTC);
    private static PGSimpleDataSource database;

    @BeforeAll
    static void bucketTable() throws Exception {
        database = new PGSimpleDataSource();
        database.setUrl(EmbeddedPostgresDatabase.jdbcUrl());
        database.setUser("postgres");
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("drop schema if exists " + SCHEMA + " cascade");
            sql.execute("create schema " + SCHEMA);
            sql.execute("set search_path to " + SCHEMA);
            sql.execute(new ClassPathResource("db/vendor/postgresql/V6_1__rate_limit_bucket.sql")
                    .getContentAsString(StandardCharsets.UTF_8));
        }
        database.setCurrentSchema(SCHEMA);
    }

    @Test
    void twoNodesShareOneBucketPerTask() {
        RateLimits first = new RateLimits(database, NOON);
        RateLimits second = new RateLimits(database, NOON);

        assertThat(first.take(1, 0, 100, 60).granted()).isEqualTo(60);
        RateLimits.Grant rest = second.take(1, 0, 100, 60);

        assertThat(rest.granted()).as("what the first node left").isEqualTo(40);
        assertThat(rest.untilMore()).as("20 more take 12 s at 100 a minute").isEqualTo(Duration.ofSeconds(12));
        assertThat(first.take(2, 0, 100, 60).granted()).as("another task, another bucket").isEqualTo(60);
    }

    @Test
    void concurrentNodesNeverTogetherExceedTheLimit() throws Exception {
        List<RateLimits> nodes = List.of(new RateLimits(database, NOON), new RateLimits(database, NOON));
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> takes = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                RateLimits node = nodes.get(i % 2);
                takes.add(() -> node.take(3, 0, 250, 5).granted());
            }
            long granted = 0;
            for (Future<Long> take : workers.invokeAll(takes)) {
                granted += take.get();
            }
            assertThat(granted).as("400 wanted at once, 250 a minute allowed").isEqualTo(250);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void sendsGivenBackCountNoMoreButTheBucketHoldsNoMoreThanItsLimit() {
        RateLimits node = new RateLimits(database, NOON);
        assertThat(node.take(5, 0, 100, 100).granted()).isEqualTo(100);

        node.giveBack(5, 0, 100, 30);

        assertThat(new RateLimits(database, NOON).take(5, 0, 100, 50).granted()).as("on any node").isEqualTo(30);
        node.giveBack(5, 0, 100, 500);
        assertThat(node.take(5, 0, 100, 500).granted()).as("never above the limit").isEqualTo(100);
    }

    @Test
    void aNewRevisionWithAnotherLimitGetsABucketOfIt() {
        RateLimits node = new RateLimits(database, NOON);
        assertThat(node.take(4, 0, 10, 10).granted()).isEqualTo(10);

        assertThat(node.take(4, 1, 1000, 1000).granted()).as("the spent tenth carried over: 0 of 10 left, 0 of 1000")
                .isZero();
        assertThat(new RateLimits(database, Clock.offset(NOON, Duration.ofMinutes(1))).take(4, 1, 1000, 1000)
                .granted()).as("a minute later, the new limit's worth").isEqualTo(1000);
    }
}
