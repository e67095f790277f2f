package io.reachflow.lifecycle;

import io.reachflow.review.ReviewOutcome;
import io.reachflow.task.PushType;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.OptionalLong;
import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The typed variables of the lifecycle process. It holds the task id (as business key), the decisions its
 * gateways branch on and the audience size the submission check saw (the review routes on it), nothing else.
 */
public final class LifecycleVariables {

    /** Set by the submission check: whether the task may go to review. */
    public static final String SUBMISSION_PASSED = "submissionPassed";
    /** Set when the task starts running: which branch of the running subprocess it takes. */
    public static final String PUSH_TYPE = "pushType";
    /** The audience size the submission check saw; the review routes on it and shows it to reviewers. */
    public static final String AUDIENCE_SIZE = "audienceSize";
    /** Returned by the review process. */
    public static final String REVIEW_OUTCOME = "reviewOutcome";
    public static final String REVIEWER = "reviewer";
    public static final String REVIEW_COMMENT = "reviewComment";
    /** RECURRING: when the occurrence the timer waits for is due, so that its start can tell one that is late. */
    public static final String OCCURRENCE_AT = "occurrenceAt";
    /** A transient variable: the operator's comment on the action being correlated, never stored. */
    public static final String ACTION_COMMENT = "actionComment";

    private LifecycleVariables() {
    }

    public static long taskId(VariableScope scope) {
        if (scope instanceof org.camunda.bpm.engine.delegate.DelegateExecution execution) {
            return Long.parseLong(execution.getProcessBusinessKey());
        }
        if (scope instanceof org.camunda.bpm.engine.delegate.DelegateTask task) {
            return Long.parseLong(task.getExecution().getProcessBusinessKey());
        }
        throw new IllegalArgumentException("No business key on " + scope);
    }

    public static void setSubmissionPassed(VariableScope scope, boolean passed) {
        scope.setVariable(SUBMISSION_PASSED, passed);
    }

    public static void setAudienceSize(VariableScope scope, long size) {
        scope.setVariable(AUDIENCE_SIZE, size);
    }

    /** The size the submission check saw, if this scope has it (a review started on its own does not). */
    public static OptionalLong audienceSize(VariableScope scope) {
        Object size = scope.getVariable(AUDIENCE_SIZE);
        return size instanceof Number number ? OptionalLong.of(number.longValue()) : OptionalLong.empty();
    }

    public static void setPushType(VariableScope scope, PushType pushType) {
        scope.setVariable(PUSH_TYPE, pushType.name());
    }

    public static String actionComment(VariableScope scope) {
        return (String) scope.getVariable(ACTION_COMMENT);
    }

    public static ReviewOutcome reviewOutcome(VariableScope scope) {
        return ReviewOutcome.valueOf((String) scope.getVariable(REVIEW_OUTCOME));
    }

    public static String reviewer(VariableScope scope) {
        return (String) scope.getVariable(REVIEWER);
    }

    public static String reviewComment(VariableScope scope) {
        return (String) scope.getVariable(REVIEW_COMMENT);
    }

    public static void setOccurrenceAt(VariableScope scope, Date occurrenceAt) {
        scope.setVariable(OCCURRENCE_AT, occurrenceAt);
    }

    /** The occurrence being started, when the task is RECURRING. */
    public static Optional<Instant> occurrenceAt(VariableScope scope) {
        return Optional.ofNullable((Date) scope.getVariable(OCCURRENCE_AT)).map(Date::toInstant);
    }
}
