package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.system.IdempotentRequests.Answer;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/** {@link IdempotentRequests}: two requests with one key at once, a failed one, the housekeeping's forgetting. */
@ReachflowSpringTest
class IdempotentRequestsTest {

    @Autowired
    IdempotentRequests requests;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    Database database;

    @Autowired
    ApiProperties properties;

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /**
     * The second request comes while the first is still at work: it waits for the first to commit, then answers as
     * it did, and its own work never runs.
     */
    @Test
    void aSecondRequestWithTheKeyWaitsForTheFirstAndAnswersAsItDid() throws Exception {
        String key = UUID.randomUUID().toString();
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();

        Future<Answer<String>> first = threads.submit(() -> requests.once(key, "olivia", "POST /api/tasks/7/send",
                () -> "", () -> {
                    runs.incrementAndGet();
                    working.countDown();
                    await(finish);
                    return Answer.of(HttpStatus.OK, 7, "first");
                }));
        assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Answer<String>> second = threads.submit(() -> requests.once(key, "olivia", "POST /api/tasks/7/send",
                () -> "", () -> {
                    runs.incrementAndGet();
                    return Answer.of(HttpStatus.OK, 8, "second");
                }));
        awaitBlockedOnALock();
        finish.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Answer.of(HttpStatus.OK, 7, "first"));
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(new Answer<>(HttpStatus.OK, 7, null, true));
        assertThat(runs).hasValue(1);
    }

    /** The first request with the key fails while the second waits: the second does the work. */
    @Test
    void aSecondRequestWithTheKeyRunsWhenTheFirstFailed() throws Exception {
        String key = UUID.randomUUID().toString();
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);

        Future<Answer<String>> first = threads.submit(() -> requests.once(key, "olivia", "POST /api/tasks",
                () -> "{}", () -> {
                    working.countDown();
                    await(fail);
                    throw new IllegalStateException("refused");
                }));
        assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Answer<String>> second = threads.submit(() -> requests.once(key, "olivia", "POST /api/tasks",
                () -> "{}", () -> Answer.of(HttpStatus.CREATED, 9, "second")));
        awaitBlockedOnALock();
        fail.countDown();

        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("refused");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(Answer.of(HttpStatus.CREATED, 9, "second"));
        assertThat(requests.once(key, "olivia", "POST /api/tasks", () -> "{}",
                () -> Answer.of(HttpStatus.CREATED, 10, "third")))
                .isEqualTo(new Answer<>(HttpStatus.CREATED, 9, null, true));
    }

    @Test
    void theHousekeepingForgetsKeysPastTheRetentionOnly() {
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        requests.once(old, "olivia", "POST /api/tasks", () -> "{}", () -> Answer.of(HttpStatus.CREATED, 1, "old"));
        requests.once(recent, "olivia", "POST /api/tasks", () -> "{}", () -> Answer.of(HttpStatus.CREATED, 2, "new"));
        jdbc.update("update idempotent_request set created_at = ? where idempotency_key = ?",
                Timestamp.from(Instant.now().minus(25, ChronoUnit.HOURS)), old);

        assertThat(requests.forgetOld()).isGreaterThanOrEqualTo(1);

        assertThat(keys(old)).isZero();
        assertThat(keys(recent)).isOne();
    }

    @Test
    void theSameKeyForAnotherRequestIs422() {
        String key = UUID.randomUUID().toString();
        requests.once(key, "olivia", "POST /api/tasks/7/send", () -> "", () -> Answer.of(HttpStatus.OK, 7, "sent"));

        assertThatThrownBy(() -> requests.once(key, "olivia", "POST /api/tasks/7/pause", () -> "",
                () -> Answer.of(HttpStatus.OK, 7, "paused")))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.getStatusCode())
                        .isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY));
        assertThatThrownBy(() -> requests.once(key, "olivia", "POST /api/tasks/7/send", () -> "If-Match:3",
                () -> Answer.of(HttpStatus.OK, 7, "sent")))
                .as("another If-Match").isInstanceOf(ErrorResponseException.class);
    }

    /** A second request that waited longer than it may for the first gets 409, and its work never runs. */
    @Test
    void aSecondRequestThatWaitedTooLongIsToldItIsInProgress() throws Exception {
        IdempotentRequests impatient = new IdempotentRequests(jdbc, transactions, database, Clock.systemUTC(),
                properties, Duration.ofMillis(300));
        String key = UUID.randomUUID().toString();
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Future<Answer<String>> first = threads.submit(() -> requests.once(key, "olivia", "POST /api/tasks", () -> "{}",
                () -> {
                    working.countDown();
                    await(finish);
                    return Answer.of(HttpStatus.CREATED, 11, "first");
                }));
        assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();

        try {
            assertThatThrownBy(() -> impatient.once(key, "olivia", "POST /api/tasks", () -> "{}", () -> {
                runs.incrementAndGet();
                return Answer.of(HttpStatus.CREATED, 12, "second");
            })).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                assertThat(e.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
                assertThat(e.getBody().getType().toString()).endsWith("idempotent-request-in-progress");
            });
        } finally {
            finish.countDown();
        }
        assertThat(first.get(10, TimeUnit.SECONDS).taskId()).isEqualTo(11);
        assertThat(runs).hasValue(0);
        assertThat(impatient.once(key, "olivia", "POST /api/tasks", () -> "{}",
                () -> Answer.of(HttpStatus.CREATED, 13, "third"))).isEqualTo(new Answer<>(HttpStatus.CREATED, 11,
                null, true));
    }

    /** The key and the work commit together: not inside a transaction of the caller's. */
    @Test
    void refusesToRunInsideAnotherTransaction() {
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(status ->
                requests.once("inside", "olivia", "POST /api/tasks", () -> "{}",
                        () -> Answer.of(HttpStatus.CREATED, 1, "x")))).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Waits until the second request waits for the first's row: on H2, its insert is still executing (H2 tries it
     * again until the row's transaction ends, without naming a blocker).
     */
    protected void awaitBlockedOnALock() throws InterruptedException {
        awaitCount("select count(*) from information_schema.sessions "
                + "where executing_statement like 'insert into idempotent_request%'");
    }

    protected final void awaitCount(String query) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jdbc.queryForObject(query, Integer.class) == 0) {
            assertThat(System.nanoTime()).as("a session waits for a lock within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private int keys(String key) {
        return jdbc.queryForObject("select count(*) from idempotent_request where idempotency_key = ?", Integer.class,
                key);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
