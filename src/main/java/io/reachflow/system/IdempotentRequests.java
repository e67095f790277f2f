package io.reachflow.system;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * The {@code Idempotency-Key} header of the task API's POSTs (as Stripe's API and the IETF's draft of the header
 * define it): a request sent again with the key it was first sent with (a retry after a lost answer, a double click on
 * send) does nothing a second time and is answered as the first one was. A key is the caller's own; used again for
 * another request (another path, body or If-Match) it gets 422.
 *
 * <p>The key's row ({@code idempotent_request}) is written first in the request's own transaction, and the answer
 * into it before that commits. A second request with the key meanwhile waits on the row's primary key until the first
 * ends, then finds its answer; if the first failed, nothing of it is kept, the key included, and the second runs.
 */
@Service
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Duration retention;

    IdempotentRequests(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock,
                       @Value("${reachflow.api.idempotency-keys-retention}") Duration retention) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.retention = retention;
    }

    /** The answer of a request: its status and the task it showed. */
    public record Answer(HttpStatus status, long taskId, boolean replayed) {

        public static Answer of(HttpStatus status, long taskId) {
            return new Answer(status, taskId, false);
        }
    }

    /**
     * Runs {@code work} once for the caller's {@code key}: in a transaction of its own that keeps the key with the
     * answer, or, when the key answered this request before, not at all (that answer again, {@code replayed}). Without
     * a key, {@code work} runs as it is (in the transaction it starts itself).
     *
     * @param request     the method and path, as the 422 of a key used again names them
     * @param fingerprint what else made the request (its body, its If-Match), compared in a digest
     */
    public Answer once(String key, String caller, String request, String fingerprint, Supplier<Answer> work) {
        if (key == null) {
            return work.get();
        }
        String id = checked(key);
        String digest = sha256(fingerprint);
        Optional<Answer> before = answered(caller, id, request, digest);
        if (before.isPresent()) {
            return before.get();
        }
        try {
            return transaction.execute(status -> {
                keep(caller, id, request, digest);
                Answer answer = work.get();
                jdbc.update("update idempotent_request set status = ?, task_id = ? where caller = ? "
                        + "and idempotency_key = ?", answer.status().value(), answer.taskId(), caller, id);
                return answer;
            });
        } catch (KeyTaken taken) {
            return answered(caller, id, request, digest).orElseThrow(() -> inProgress(id));
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
            jdbc.update("insert into idempotent_request (caller, idempotency_key, request, fingerprint, created_at) "
                    + "values (?, ?, ?, ?, ?)", caller, key, request, digest, Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException | PessimisticLockingFailureException e) {
            // the first request with the key committed (or still holds it, past the lock's timeout)
            throw new KeyTaken();
        }
    }

    private Optional<Answer> answered(String caller, String key, String request, String digest) {
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
        return Optional.of(new Answer(HttpStatus.valueOf(first.status()), first.taskId(), true));
    }

    private Timestamp expiry() {
        return Timestamp.from(clock.instant().minus(retention));
    }

    /** The key as sent: a token or a structured-field string ({@code "abc"}, as the IETF draft writes it). */
    private static String checked(String key) {
        String id = key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")
                ? key.substring(1, key.length() - 1) : key;
        if (id.isEmpty() || id.length() > MAX_LENGTH || !id.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw InvalidParameter.of(HEADER, "Header " + HEADER + " must be 1 to " + MAX_LENGTH
                    + " printable ASCII characters, such as a UUID", "must be 1 to " + MAX_LENGTH
                    + " printable ASCII characters");
        }
        return id;
    }

    private static ErrorResponseException reused(String key, Kept kept) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, HEADER + " '" + key
                + "' was used for another request (" + kept.request() + ", at " + kept.createdAt() + "): a key names "
                + "one request, sent again as it was; send a new key with a new request");
        problem.setType(URI.create(ProblemDetailsAdvice.PROBLEM_TYPES + "idempotency-key-reused"));
        problem.setTitle("Idempotency key used for another request");
        return new ErrorResponseException(HttpStatus.UNPROCESSABLE_ENTITY, problem, null);
    }

    private static ErrorResponseException inProgress(String key) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "A request with " + HEADER
                + " '" + key + "' is still being processed; send it again in a moment for its answer");
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
