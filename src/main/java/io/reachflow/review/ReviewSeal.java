package io.reachflow.review;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps a review decision to the decision. Whoever completes review work hands the engine variables of their own
 * choosing (Tasklist's form, {@code /engine-rest/task/{id}/complete} or {@code submit-form}), and the engine sets them
 * on the review process: without a check, a reviewer could also set {@code reviewLevels} to skip the senior review,
 * or {@code level1Reviewer} to decide both levels. So the process variables the work sees are sealed when it is
 * created (a digest of each, in our own table, out of the reviewers' reach) and compared when it is completed: a
 * decision may set {@link ReviewVariables#APPROVED} and {@link ReviewVariables#REVIEW_COMMENT}, nothing else. The
 * work's own (task-local) variables are the form's briefing, shown to the reviewer and read by nothing.
 */
@Component
class ReviewSeal {

    private static final Logger log = LoggerFactory.getLogger(ReviewSeal.class);
    /** What a decision sets. */
    private static final Set<String> DECISION = Set.of(ReviewVariables.APPROVED, ReviewVariables.REVIEW_COMMENT);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    ReviewSeal(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Seals the process variables the new review work sees. */
    void seal(DelegateTask work) {
        jdbc.update("insert into review_seal (work_id, variables, sealed_at) values (?, ?, ?)", work.getId(),
                write(digests(work)), Timestamp.from(clock.instant()));
    }

    /**
     * Refuses the completion of the work when it changed, added or removed a process variable other than the
     * decision's, and lets the seal go otherwise. Work created before seals existed has none and is not checked.
     */
    void check(DelegateTask work, String decider) {
        List<String> sealed = jdbc.queryForList("select variables from review_seal where work_id = ?", String.class,
                work.getId());
        if (sealed.isEmpty()) {
            log.warn("Review work {} has no seal (created before seals existed): its decision is not checked",
                    work.getId());
            return;
        }
        Map<String, String> before = read(sealed.get(0));
        Map<String, String> now = digests(work);
        Set<String> changed = new TreeSet<>();
        before.forEach((name, digest) -> {
            if (!digest.equals(now.get(name))) {
                changed.add(name);
            }
        });
        now.keySet().stream().filter(name -> !before.containsKey(name)).forEach(changed::add);
        if (!changed.isEmpty()) {
            throw new AuthorizationException(decider + " may not set " + String.join(", ", changed) + " when deciding "
                    + "the review of task " + work.getExecution().getProcessBusinessKey() + ": a decision sets only '"
                    + ReviewVariables.APPROVED + "' and '" + ReviewVariables.REVIEW_COMMENT + "'");
        }
        release(work);
    }

    /** Lets the work's seal go: the work was decided, or ended otherwise (withdrawn, timed out). */
    void release(DelegateTask work) {
        jdbc.update("delete from review_seal where work_id = ?", work.getId());
    }

    /** A digest of each process variable the work sees, by name, but the decision's. */
    private static Map<String, String> digests(DelegateTask work) {
        VariableMap variables = work.getExecution().getVariablesTyped(false);
        Map<String, String> digests = new TreeMap<>();
        for (String name : variables.keySet()) {
            if (!DECISION.contains(name)) {
                digests.put(name, digest(variables.getValueTyped(name)));
            }
        }
        return digests;
    }

    private static String digest(TypedValue value) {
        String text = (value.getType() == null ? "untyped" : value.getType().getName()) + ":" + value.getValue();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** {@code name=digest} per line: variable names have neither '=' nor line breaks in this process. */
    private static String write(Map<String, String> digests) {
        return digests.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n"));
    }

    private static Map<String, String> read(String sealed) {
        Map<String, String> digests = new TreeMap<>();
        for (String line : sealed.split("\n")) {
            int equals = line.lastIndexOf('=');
            if (equals > 0) {
                digests.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return digests;
    }
}
