package io.reachflow.review;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.VariableScope;

/** The typed variables of the review process. */
public final class ReviewVariables {

    /** The reviewer's decision, set when review work is completed (Tasklist form, engine REST or our API). */
    public static final String APPROVED = "approved";
    public static final String REVIEW_COMMENT = "reviewComment";
    /** The longest comment a reviewer may give, as the API's actions take it. */
    public static final int MAX_COMMENT = 2000;
    /** Outputs of {@code dmn/review-routing.dmn}. */
    public static final String REVIEW_LEVELS = "reviewLevels";
    public static final String LEVEL1_GROUP = "level1Group";
    public static final String LEVEL2_GROUP = "level2Group";
    public static final String REVIEW_TIMEOUT = "reviewTimeout";
    /** When the review times out: the timeout from when it was routed; the due date of its work, at each level. */
    public static final String REVIEW_DUE = "reviewDue";
    /** Who decided the first level: the second level must be someone else. */
    public static final String LEVEL1_REVIEWER = "level1Reviewer";
    /** Who decided last; returned to the lifecycle. */
    public static final String REVIEWER = "reviewer";
    public static final String REVIEW_OUTCOME = "reviewOutcome";

    private ReviewVariables() {
    }

    public static Map<String, Object> decision(boolean approved, String comment) {
        Map<String, Object> variables = new HashMap<>();
        variables.put(APPROVED, approved);
        variables.put(REVIEW_COMMENT, comment);
        return variables;
    }

    public static void setRoute(VariableScope scope, ReviewRouting.Route route, Date due) {
        scope.setVariable(REVIEW_LEVELS, route.levels());
        scope.setVariable(LEVEL1_GROUP, route.level1Group());
        scope.setVariable(LEVEL2_GROUP, route.level2Group());
        scope.setVariable(REVIEW_TIMEOUT, route.timeout());
        scope.setVariable(REVIEW_DUE, due);
    }

    /** The decision; null when none was given, or one that is no Boolean. */
    public static Boolean approved(VariableScope scope) {
        return scope.getVariable(APPROVED) instanceof Boolean approved ? approved : null;
    }

    public static String comment(VariableScope scope) {
        return (String) scope.getVariable(REVIEW_COMMENT);
    }

    public static String level1Reviewer(VariableScope scope) {
        return (String) scope.getVariable(LEVEL1_REVIEWER);
    }

    public static int reviewLevels(VariableScope scope) {
        return ((Number) scope.getVariable(REVIEW_LEVELS)).intValue();
    }
}
