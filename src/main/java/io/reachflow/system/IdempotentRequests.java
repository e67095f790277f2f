package io.reachflow.system;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * The {@code Idempotency-Key} header of the task API's POSTs (as Stripe's API and the IETF's draft of the header
 * define it): a request sent again with the key it was first sent with (a retry after a lost answer, a double click on
 * send) does nothing a second time and is answered as the first one was. A key is the caller's own; used again for
 * another request (another path, body or If-Match) it gets 422.
 *
 * <p>The key's row ({@code idempotent_request}) is written first in the request's own transaction, and the answer
 * into it before that commits. A second request with the key meanwhile waits on the row's primary key for the first
 * to end, up to {@link #WAIT}, then finds its answer; if the first failed, nothing of it is kept, the key included, and
 * the second runs. One that waited longer gets 409, as the draft answers every such request, and tries again later.
 */
@Service
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    /** The header of an answer given again for its key. */
    public static final String REPLAYED = "Idempotent-Replayed";
    static final int MAX_LENGTH = 255;
    /** How long a request waits for another with its key to end: a double click's second request gets the answer. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** PostgreSQL's lock_not_available: a lock not granted within {@code lock_timeout}. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Database database;
    private final Clock clock;
    private final Duration retention;
    private final Duration wait;

    @Autowired
    IdempotentRequests(JdbcTemplate jdbc, PlatformTransactionManager transactions, Database database, Clock clock,
                       ApiProperties properties) {
        this(jdbc, transactions, database, clock, properties, WAIT);
    }

    /** With a request waiting up to {@code wait} for another with its key. */
    IdempotentRequests(JdbcTemplate jdbc, PlatformTransactionManager transactions, Database database, Clock clock,
                       ApiProperties properties, Duration wait) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.database = database;
        this.clock = clock;
        this.retention = properties.idempotencyKeysRetention();
        this.wait = wait;
    }

    /**
     * The answer of a request: its status, the task it showed and, unless {@code replayed} (the answer of a request
     * before, for its key), what the work returned.
     */
    public record Answer<T>(HttpStatus status, long taskId, T result, boolean replayed) {

        public static <T> Answer<T> of(HttpStatus status, long taskId, T result) {
            return new Answer<>(status, taskId, result, false);
        }
    }

    /**
     * Runs {@code work} once for the caller's {@code key}: in a transaction of its own that keeps the key with the
     * answer, or, when the key answered this request before, not at all (that answer again, {@code replayed}). Without
     * a key, {@code work} runs as it is, in the transaction it starts itself. Never within a transaction: the key and
     * the work commit together, and a key found taken must not abort a caller's transaction.
     *
     * @param request     the method and path, as the 422 of a key used again names them
     * @param fingerprint what else made the request (its body, its If-Match), compared in a digest; read only when a
     *                    key is given
     */
    public <T> Answer<T> once(String key, String caller, String request, Supplier<String> fingerprint,
                              Supplier<Answer<T>> work) {
        if (key == null) {
            return work.get();
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("An idempotent request runs in a transaction of its own, not in another");
        }
        String id = checked(key);
        String digest = sha256(fingerprint.get());
        Optional<Answer<T>> before = answered(caller, id, request, digest);
        if (before.isPresent()) {
            return before.get();
        }
        try {
            return transaction.execute(status -> {
                keep(caller, id, request, digest);
                Answer<T> answer = work.get();
                jdbc.update("update idempotent_request set status = ?, task_id = ? where caller = ? "
                        + "and idempotency_key = ?", answer.status().value(), answer.taskId(), caller, id);
                return answer;
            });
        } catch (KeyTaken taken) {
            return this.<T>answered(caller, id, request, digest).orElseThrow(() -> inProgress(id));
        }
    }

    /** Forgets the keys older than the retention; returns how many. */
    public int forgetOld() {
        int forgotten = jdbc.update("delete from idempotent_request where created_at < ?", expiry());
        log.info("{} idempotency keys older than {} forgotten", forgotten, retention);
        return forgotten;
    }

    private void keep(String caller, String key, String request, String digest) {
        // a key past the retention is forgotten even before the housekeeping gets to it: used again, it is a new key
        jdbc.update("delete from idempotent_request where caller = ? and idempotency_key = ? and created_at < ?",
                caller, key, expiry());
        try {
            waitingAtMost(wait, () -> jdbc.update("insert into idempotent_request (caller, idempotency_key, request, "
                    + "fingerprint, created_at) values (?, ?, ?, ?, ?)", caller, key, request, digest,
                    Timestamp.from(clock.instant())));
        } catch (DuplicateKeyException | TransientDataAccessException e) {
            // the first request with the key committed (a duplicate key), or still holds it (a lock timeout, H2's)
            throw new KeyTaken();
        } catch (DataAccessException e) {
            if (sqlState(e).equals(LOCK_NOT_AVAILABLE)) {
                throw new KeyTaken(); // PostgreSQL's lock timeout, which Spring leaves untranslated
            }
            throw e;
        }
    }

    /**
     * Runs {@code statement} with this transaction's lock timeout at {@code timeout}, then as it was: only the key's
     * insert waits so short, not the work after it.
     */
    private void waitingAtMost(Duration timeout, Runnable statement) {
        if (database.isPostgres()) {
            jdbc.execute("set local lock_timeout = " + timeout.toMillis());
            statement.run();
            jdbc.execute("set local lock_timeout to default");
        } else {
            // H2's lock timeout is the session's: set back whatever comes, as the connection goes back to the pool
            Integer before = jdbc.queryForObject("call lock_timeout()", Integer.class);
            jdbc.execute("set lock_timeout " + timeout.toMillis());
            try {
                statement.run();
            } finally {
                jdbc.execute("set lock_timeout " + before);
            }
        }
    }

    private <T> Optional<Answer<T>> answered(String caller, String key, String request, String digest) {
        List<Kept> kept = jdbc.query("select request, fingerprint, created_at, status, task_id from idempotent_request "
                        + "where caller = ? and idempotency_key = ? and created_at >= ?",
                (rs, row) -> new Kept(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getInt(4), rs.getLong(5)), caller, key, expiry());
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        Kept first = kept.get(0);
        if (!first.request().equals(request) || !first.fingerprint().equals(digest)) {
            throw reused(key, first);
        }
        log.info("{} by {}: the answer to Idempotency-Key '{}' of {} again ({}, task {})", request, caller, key,
                first.createdAt(), first.status(), first.taskId());
        return Optional.of(new Answer<>(HttpStatus.valueOf(first.status()), first.taskId(), null, true));
    }

    private Timestamp expiry() {
        return Timestamp.from(clock.instant().minus(retention));
    }

    private static String sqlState(DataAccessException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    /**
     * The key as sent: a token or a structured-field string ({@code "abc"}, as the IETF draft writes it). A comma is
     * refused: the header sent twice reads as two keys joined by one.
     */
    private static String checked(String key) {
        String id = key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")
                ? key.substring(1, key.length() - 1) : key;
        if (id.isEmpty() || id.length() > MAX_LENGTH
                || !id.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ',')) {
            throw InvalidParameter.of(HEADER, "Header " + HEADER + " must be one key of 1 to " + MAX_LENGTH
                    + " printable ASCII characters without a quote, backslash or comma, such as a UUID",
                    "must be 1 to " + MAX_LENGTH + " printable ASCII characters without \", \\ or ,");
        }
        return id;
    }

    /**
     * The 404 of a request answered again for its key whose task has been deleted since: the first request was done,
     * so a client must not take the 404 for a reason to do it again.
     */
    public static ErrorResponseException replayedTaskGone(Answer<?> answer) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "The request with this "
                + HEADER + " was done (" + answer.status().value() + "), but task " + answer.taskId()
                + " has been deleted since");
        problem.setType(URI.create(ProblemDetailsAdvice.PROBLEM_TYPES + "task-not-found"));
        problem.setTitle("Task not found");
        ErrorResponseException gone = new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
        gone.getHeaders().set(REPLAYED, "true");
        return gone;
    }

    private static ErrorResponseException reused(String key, Kept kept) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, HEADER + " '" + key
                + "' was used for another request (" + kept.request() + ", at " + kept.createdAt() + "): a key names "
                + "one request, sent again as it was; send a new key with a new request");
        problem.setType(URI.create(ProblemDetailsAdvice.PROBLEM_TYPES + "idempotency-key-reused"));
        problem.setTitle("Idempotency key used for another request");
        return new ErrorResponseException(HttpStatus.UNPROCESSABLE_ENTITY, problem, null);
    }

    private ErrorResponseException inProgress(String key) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "A request with " + HEADER
                + " '" + key + "' is still being done after " + wait.toSeconds() + " seconds; send it again later "
                + "for its answer");
        problem.setType(URI.create(ProblemDetailsAdvice.PROBLEM_TYPES + "idempotent-request-in-progress"));
        problem.setTitle("Request in progress");
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    private record Kept(String request, String fingerprint, Instant createdAt, int status, long taskId) {
    }

    /** The key's row is another request's: thrown out of the transaction, which it rolls back. */
    private static final class KeyTaken extends RuntimeException {
        KeyTaken() {
            super(null, null, false, false);
        }
    }
}
