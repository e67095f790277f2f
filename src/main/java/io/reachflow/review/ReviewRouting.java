package io.reachflow.review;

import io.reachflow.system.DecisionTables;
import io.reachflow.task.Channel;
import io.reachflow.task.PushType;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.camunda.bpm.dmn.engine.DmnDecisionTableResult;
import org.camunda.bpm.model.dmn.HitPolicy;
import org.springframework.stereotype.Component;

/** Asks {@code dmn/review-routing.dmn} how many review levels a task needs, by whom, and how long they have. */
@Component
public class ReviewRouting {

    public static final String DECISION_KEY = "review-routing";
    /** One route for a task's channel, push type and estimated audience size. */
    static final DecisionTables.Shape SHAPE = new DecisionTables.Shape(
            Set.of(HitPolicy.UNIQUE, HitPolicy.FIRST, HitPolicy.PRIORITY, HitPolicy.ANY),
            Set.of("channel", "pushType", "audienceSize"),
            Set.of(ReviewVariables.REVIEW_LEVELS, ReviewVariables.LEVEL1_GROUP, ReviewVariables.LEVEL2_GROUP,
                    ReviewVariables.REVIEW_TIMEOUT));
    /** Audience sizes a version is tried with before it is used, besides its shape: from none to a hundred million. */
    private static final long[] SIZES = {0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final DecisionTables decisionTables;

    public ReviewRouting(DecisionTables decisionTables) {
        this.decisionTables = decisionTables;
        decisionTables.check(DECISION_KEY, (decision, evaluate) -> {
            SHAPE.verify(decision);
            routesEveryTask(evaluate);
        });
    }

    /**
     * A version is used only when it routes every channel and push type, at audience sizes from none to a hundred
     * million, to a route the review process can run: otherwise a submission would fail with a 500, or review work
     * would wait for a group with no name, or never time out.
     */
    static void routesEveryTask(Function<Map<String, Object>, DmnDecisionTableResult> evaluate) {
        for (Channel channel : Channel.values()) {
            for (PushType pushType : PushType.values()) {
                for (long size : SIZES) {
                    String task = channel + ", " + pushType + ", audience " + size;
                    Route route;
                    try {
                        route = route(evaluate.apply(facts(channel, pushType, size)), task);
                    } catch (RuntimeException e) { // no rule, several for UNIQUE or ANY, an output of another type
                        throw new IllegalStateException("for " + task + ": " + e.getMessage(), e);
                    }
                    route.problem().ifPresent(problem -> {
                        throw new IllegalStateException("for " + task + ": " + problem);
                    });
                }
            }
        }
    }

    public Route route(Channel channel, PushType pushType, long audienceSize) {
        String task = channel + "/" + pushType + "/" + audienceSize;
        Route route = route(decisionTables.evaluate(DECISION_KEY, facts(channel, pushType, audienceSize)), task);
        route.problem().ifPresent(problem -> {
            throw new IllegalStateException(DECISION_KEY + " routes " + task + " wrongly: " + problem);
        });
        return route;
    }

    private static Map<String, Object> facts(Channel channel, PushType pushType, long audienceSize) {
        return Map.of("channel", channel.name(), "pushType", pushType.name(), "audienceSize", audienceSize);
    }

    private static Route route(DmnDecisionTableResult answer, String task) {
        DmnDecisionRuleResult result = answer.getSingleResult();
        if (result == null) {
            throw new IllegalStateException(DECISION_KEY + " has no rule for " + task);
        }
        Object levels = result.get(ReviewVariables.REVIEW_LEVELS);
        if (!(levels instanceof Number number)) {
            throw new IllegalStateException("its output '" + ReviewVariables.REVIEW_LEVELS + "' is " + levels
                    + ", not a number");
        }
        return new Route(number.intValue(),
                (String) result.get(ReviewVariables.LEVEL1_GROUP),
                (String) result.get(ReviewVariables.LEVEL2_GROUP),
                (String) result.get(ReviewVariables.REVIEW_TIMEOUT));
    }

    /** 0 levels means approved without review; {@code timeout} is an ISO-8601 duration. */
    public record Route(int levels, String level1Group, String level2Group, String timeout) {

        /** What the review process could not run in this route, if anything. */
        Optional<String> problem() {
            if (levels < 0 || levels > 2) {
                return Optional.of("'" + ReviewVariables.REVIEW_LEVELS + "' is " + levels + "; it must be 0, 1 or 2");
            }
            if (levels >= 1 && (level1Group == null || level1Group.isBlank())) {
                return Optional.of("'" + ReviewVariables.LEVEL1_GROUP + "' is empty for a review of " + levels
                        + " level(s)");
            }
            if (levels == 2 && (level2Group == null || level2Group.isBlank())) {
                return Optional.of("'" + ReviewVariables.LEVEL2_GROUP + "' is empty for a review of two levels");
            }
            if (levels >= 1 && !isDuration(timeout)) {
                return Optional.of("'" + ReviewVariables.REVIEW_TIMEOUT + "' is " + (timeout == null ? "empty"
                        : "'" + timeout + "'") + ", not an ISO-8601 duration such as P3D or PT48H");
            }
            return Optional.empty();
        }

        private static boolean isDuration(String text) {
            if (text == null || text.isBlank()) {
                return false;
            }
            try {
                DatatypeFactory.newInstance().newDuration(text); // as the engine reads it: no blanks around
                return true;
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                return false;
            } catch (DatatypeConfigurationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
