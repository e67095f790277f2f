package io.reachflow.review;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps a review decision to the decision. Whoever completes review work hands the engine variables of their own
 * choosing (Tasklist's form, {@code /engine-rest/task/{id}/complete} or {@code submit-form}), and the engine sets them
 * on the review process: without a check, a reviewer could also set {@code reviewLevels} to skip the senior review,
 * or {@code level1Reviewer} to decide both levels. So the process variables the work sees are sealed when it is
 * created (a digest of each, in our own table, out of the reviewers' reach) and compared when it is completed: a
 * decision may set {@link ReviewVariables#APPROVED} and {@link ReviewVariables#REVIEW_COMMENT}, nothing else. So are
 * the work's own (task-local) variables, the form's briefing: {@code submit-form} sets a variable the work has on the
 * work, and the briefing is kept as what the reviewer was shown.
 */
@Component
class ReviewSeal {

    private static final Logger log = LoggerFactory.getLogger(ReviewSeal.class);
    /** What a decision sets. */
    private static final Set<String> DECISION = Set.of(ReviewVariables.APPROVED, ReviewVariables.REVIEW_COMMENT);
    /** Before the name of a work's own variable in a seal (seals written before they held them have none). */
    private static final String OWN = "work:";

    private final JdbcTemplate jdbc;
    private final ProcessEngine engine;
    private final Clock clock;

    ReviewSeal(JdbcTemplate jdbc, @Lazy ProcessEngine engine, Clock clock) {
        this.jdbc = jdbc;
        this.engine = engine;
        this.clock = clock;
    }

    /** Seals the process variables the new review work sees, and its own. */
    void seal(DelegateTask work) {
        seal(work.getId(), work.getExecution().getVariablesTyped(false), work.getVariablesLocalTyped(false));
    }

    private void seal(String workId, VariableMap variables, VariableMap own) {
        jdbc.update("insert into review_seal (work_id, variables, sealed_at) values (?, ?, ?)", workId,
                write(digests(variables, own)), Timestamp.from(clock.instant()));
    }

    /**
     * At the start: open review work created before seals existed is sealed as it stands (nobody could change its
     * variables without completing it but through the engine's UPDATE, which the engine API no longer allows a
     * reviewer), and its grants to candidates are brought down from UPDATE to TASK_WORK as new work's are. Seals
     * whose work is gone (Cockpit deletes or modifies instances without running task listeners) are let go.
     */
    @EventListener(ApplicationReadyEvent.class)
    void sealOpenWork() {
        // seals first: work created meanwhile (its seal commits with it) is then open here, never a seal whose work
        // seems gone; and sealing it again is a duplicate key, as when another node starts at the same time
        Set<String> sealed = new HashSet<>(jdbc.queryForList("select work_id from review_seal", String.class));
        List<Task> open = engine.getTaskService().createTaskQuery().processDefinitionKey(ReviewProcess.KEY).list();
        int newlySealed = 0;
        for (Task work : open) {
            if (!sealed.remove(work.getId())) {
                try {
                    seal(work.getId(), engine.getRuntimeService().getVariablesTyped(work.getExecutionId(), false),
                            engine.getTaskService().getVariablesLocalTyped(work.getId(), false));
                } catch (DuplicateKeyException sealedMeanwhile) {
                    continue;
                }
                workOnly(work.getId());
                newlySealed++;
            }
        }
        for (String gone : sealed) {
            jdbc.update("delete from review_seal where work_id = ?", gone);
        }
        if (newlySealed + sealed.size() > 0) {
            log.info("Review work: {} open ones sealed (created before seals), {} seals of work gone let go",
                    newlySealed, sealed.size());
        }
    }

    /** The work's grants of UPDATE become TASK_WORK (the engine's default for work created since). */
    private void workOnly(String workId) {
        AuthorizationService authorizations = engine.getAuthorizationService();
        for (Authorization grant : authorizations.createAuthorizationQuery().resourceType(Resources.TASK)
                .resourceId(workId).list()) {
            if (grant.getAuthorizationType() == Authorization.AUTH_TYPE_GRANT
                    && grant.isPermissionGranted(Permissions.UPDATE)) {
                grant.removePermission(Permissions.UPDATE);
                grant.addPermission(TaskPermissions.TASK_WORK);
                authorizations.saveAuthorization(grant);
            }
        }
    }

    /**
     * Refuses the completion of the work when it changed, added or removed a process variable other than the
     * decision's, or one of the work's own, and lets the seal go otherwise; false when the work has no seal (created
     * before seals existed, or let go with the work by another request meanwhile), which is then not checked. Work
     * sealed before seals held the work's own variables is checked for the process's.
     */
    boolean check(DelegateTask work, String decider) {
        List<String> sealed = jdbc.queryForList("select variables from review_seal where work_id = ?", String.class,
                work.getId());
        if (sealed.isEmpty()) {
            return false;
        }
        Map<String, String> before = read(sealed.get(0));
        Map<String, String> now = digests(work.getExecution().getVariablesTyped(false),
                work.getVariablesLocalTyped(false));
        if (before.keySet().stream().noneMatch(name -> name.startsWith(OWN))) {
            now.keySet().removeIf(name -> name.startsWith(OWN));
        }
        Set<String> changed = new TreeSet<>();
        before.forEach((name, digest) -> {
            if (!digest.equals(now.get(name))) {
                changed.add(name);
            }
        });
        now.keySet().stream().filter(name -> !before.containsKey(name)).forEach(changed::add);
        if (!changed.isEmpty()) {
            throw new AuthorizationException(decider + " may not set " + changed.stream()
                    .map(name -> name.startsWith(OWN) ? name.substring(OWN.length()) : name)
                    .distinct().collect(Collectors.joining(", ")) + " when deciding "
                    + "the review of task " + work.getExecution().getProcessBusinessKey() + ": a decision sets only '"
                    + ReviewVariables.APPROVED + "' and '" + ReviewVariables.REVIEW_COMMENT + "'");
        }
        release(work);
        return true;
    }

    /** Lets the work's seal go: the work was decided, or ended otherwise (withdrawn, timed out). */
    void release(DelegateTask work) {
        jdbc.update("delete from review_seal where work_id = ?", work.getId());
    }

    /**
     * A digest of each process variable the work sees, by name, but the decision's, and of each of the work's own
     * ({@value #OWN} and its name).
     */
    private static Map<String, String> digests(VariableMap variables, VariableMap own) {
        Map<String, String> digests = new TreeMap<>();
        for (String name : variables.keySet()) {
            if (!DECISION.contains(name)) {
                digests.put(name, digest(variables.getValueTyped(name)));
            }
        }
        for (String name : own.keySet()) {
            if (!DECISION.contains(name)) {
                digests.put(OWN + name, digest(own.getValueTyped(name)));
            }
        }
        return digests;
    }

    /**
     * The value as text: an object as it is stored (serialized), a date to the millisecond whatever the node's time
     * zone, bytes by content; the rest as they print.
     */
    private static String digest(TypedValue value) {
        Object content = value instanceof SerializableValue serializable ? serializableContent(serializable)
                : value.getValue();
        if (content instanceof Date date) {
            content = date.getTime();
        } else if (content instanceof byte[] bytes) {
            content = Base64.getEncoder().encodeToString(bytes);
        }
        String text = (value.getType() == null ? "untyped" : value.getType().getName()) + ":" + content;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static Object serializableContent(SerializableValue value) {
        return value.isDeserialized() ? value.getValue() : value.getValueSerialized();
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
