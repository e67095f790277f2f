package io.reachflow.review;

import io.reachflow.system.DecisionTables;
import io.reachflow.task.Channel;
import io.reachflow.task.PushType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.camunda.bpm.dmn.engine.DmnDecisionTableResult;
import org.camunda.bpm.engine.impl.calendar.DurationHelper;
import org.camunda.bpm.model.dmn.HitPolicy;
import org.camunda.bpm.model.dmn.instance.DecisionTable;
import org.springframework.stereotype.Component;

/** Asks {@code dmn/review-routing.dmn} how many review levels a task needs, by whom, and how long they have. */
@Component
public class ReviewRouting {

    public static final String DECISION_KEY = "review-routing";
    /** The facts the table is given. */
    static final String CHANNEL = "channel";
    static final String PUSH_TYPE = "pushType";
    static final String AUDIENCE_SIZE = "audienceSize";
    /** One route for a task's channel, push type and estimated audience size (PRIORITY is not Camunda 7's). */
    static final DecisionTables.Shape SHAPE = new DecisionTables.Shape(
            Set.of(HitPolicy.UNIQUE, HitPolicy.FIRST, HitPolicy.ANY),
            Set.of(CHANNEL, PUSH_TYPE, AUDIENCE_SIZE),
            Set.of(ReviewVariables.REVIEW_LEVELS, ReviewVariables.LEVEL1_GROUP, ReviewVariables.LEVEL2_GROUP,
                    ReviewVariables.REVIEW_TIMEOUT));
    /** Audience sizes every version is tried with, from none to a hundred million, besides the bounds its rows name. */
    private static final List<Long> SIZES = List.of(0L, 1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
            10_000_000L, 100_000_000L);
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final DecisionTables decisionTables;

    public ReviewRouting(DecisionTables decisionTables) {
        this.decisionTables = decisionTables;
        decisionTables.check(DECISION_KEY, (table, evaluate) -> {
            SHAPE.verify(table);
            DecisionTables.Shape.requireKnownValues(table, Map.of(
                    CHANNEL, DecisionTables.Shape.namesOf(Channel.values()),
                    PUSH_TYPE, DecisionTables.Shape.namesOf(PushType.values())));
            routesEveryTask(evaluate, sizesToTry(table));
        });
    }

    /**
     * The audience sizes a version is tried with: {@link #SIZES}, and each number its rows' audience size conditions
     * name, with the one before and after it ({@code > 50000} and {@code < 50000} leave 50,000 without a route).
     */
    static SortedSet<Long> sizesToTry(DecisionTable table) {
        SortedSet<Long> sizes = new TreeSet<>(SIZES);
        DecisionTables.Shape.forEachCondition(table, (row, rule, fact, condition) -> {
            if (AUDIENCE_SIZE.equals(fact)) {
                Matcher number = NUMBER.matcher(condition.replace("_", ""));
                while (number.find() && number.group().length() < 18) {
                    long bound = Long.parseLong(number.group());
                    sizes.addAll(bound == 0 ? List.of(0L, 1L) : List.of(bound - 1, bound, bound + 1));
                }
            }
        });
        return sizes;
    }

    /**
     * A version is used only when it routes every channel and push type, at each of {@code sizes}, to a route the
     * review process can run: otherwise a submission would fail with a 500, or review work would wait for a group
     * with no name, or never time out.
     */
    static void routesEveryTask(Function<Map<String, Object>, DmnDecisionTableResult> evaluate, Set<Long> sizes) {
        for (Channel channel : Channel.values()) {
            for (PushType pushType : PushType.values()) {
                for (long size : sizes) {
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
        return Map.of(CHANNEL, channel.name(), PUSH_TYPE, pushType.name(), AUDIENCE_SIZE, audienceSize);
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

        /** As the engine reads a timer's duration: ISO-8601, weeks ({@code P2W}) too, with no blanks around. */
        private static boolean isDuration(String text) {
            if (text == null || text.isBlank()) {
                return false;
            }
            try {
                new DurationHelper(text);
                return true;
            } catch (Exception notADuration) {
                return false;
            }
        }
    }
}
