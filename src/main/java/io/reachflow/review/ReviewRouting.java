package io.reachflow.review;

import io.reachflow.system.DecisionTables;
import io.reachflow.task.Channel;
import io.reachflow.task.PushType;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.springframework.stereotype.Component;

/** Asks {@code dmn/review-routing.dmn} how many review levels a task needs, by whom, and how long they have. */
@Component
public class ReviewRouting {

    public static final String DECISION_KEY = "review-routing";

    private final DecisionTables decisionTables;

    public ReviewRouting(DecisionTables decisionTables) {
        this.decisionTables = decisionTables;
    }

    public Route route(Channel channel, PushType pushType, long audienceSize) {
        DmnDecisionRuleResult result = decisionTables.evaluate(DECISION_KEY, Map.of(
                "channel", channel.name(),
                "pushType", pushType.name(),
                "audienceSize", audienceSize)).getSingleResult();
        if (result == null) {
            throw new IllegalStateException("review-routing has no rule for " + channel + "/" + pushType + "/" + audienceSize);
        }
        return new Route(((Number) result.get(ReviewVariables.REVIEW_LEVELS)).intValue(),
                (String) result.get(ReviewVariables.LEVEL1_GROUP),
                (String) result.get(ReviewVariables.LEVEL2_GROUP),
                (String) result.get(ReviewVariables.REVIEW_TIMEOUT));
    }

    /** 0 levels means approved without review; {@code timeout} is an ISO-8601 duration. */
    public record Route(int levels, String level1Group, String level2Group, String timeout) {
    }
}
