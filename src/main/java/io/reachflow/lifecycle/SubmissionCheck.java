package io.reachflow.lifecycle;

import io.reachflow.audience.AudienceResolver;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushKind;
import io.reachflow.delivery.PushRepository;
import io.reachflow.delivery.RecipientStatus;
import io.reachflow.system.DecisionTables;
import io.reachflow.task.OperationTask;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskDefinitionRules;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Gathers the facts about a task that {@code dmn/submission-check.dmn} judges, and returns its failure reasons
 * (none: the task may go to review).
 */
@Component
public class SubmissionCheck {

    public static final String DECISION_KEY = "submission-check";
    public static final String OUTPUT_REASON = "reason";
    /** The facts {@link #facts} gathers for the table. */
    static final String TEST_ROUND_EXISTS = "testRoundExists";
    static final String TESTED_CURRENT_VERSION = "testedCurrentVersion";
    static final String ALL_TESTERS_REACHED = "allTestersReached";
    static final String SCHEDULE_VALID = "scheduleValid";
    static final String SCHEDULE_IN_FUTURE = "scheduleInFuture";
    static final String AUDIENCE_SIZE = "audienceSize";
    /** The failure reasons of the rules that match the facts. */
    static final DecisionTables.Shape SHAPE = new DecisionTables.Shape(DecisionTables.Shape.LISTS,
            Set.of(TEST_ROUND_EXISTS, TESTED_CURRENT_VERSION, ALL_TESTERS_REACHED, SCHEDULE_VALID, SCHEDULE_IN_FUTURE,
                    AUDIENCE_SIZE), Set.of(OUTPUT_REASON));

    private final DecisionTables decisionTables;
    private final PushRepository pushes;
    private final DeliveryService delivery;
    private final AudienceResolver audiences;
    private final Clock clock;

    public SubmissionCheck(DecisionTables decisionTables, PushRepository pushes, DeliveryService delivery,
                           AudienceResolver audiences, Clock clock) {
        this.decisionTables = decisionTables;
        this.pushes = pushes;
        this.delivery = delivery;
        this.audiences = audiences;
        this.clock = clock;
        decisionTables.check(DECISION_KEY, (table, evaluate) -> SHAPE.verify(table));
    }

    /**
     * The table's reasons, followed, when it refuses, by what today's rules find wrong with the definition, field by
     * field: a task saved under a release's earlier rules would otherwise fail with the table's one line for them
     * ("The schedule is not valid for the push type") when its link or its audience is what is wrong.
     */
    public Verdict judge(OperationTask task) {
        Map<String, String> problems = TaskDefinitionRules.problems(task.definition());
        Map<String, Object> facts = facts(task, problems);
        List<String> failures = new ArrayList<>(decisionTables.collect(DECISION_KEY, OUTPUT_REASON, facts));
        if (!failures.isEmpty()) {
            problems.forEach((field, problem) -> failures.add(field + " " + problem));
        }
        return new Verdict(List.copyOf(failures), (Long) facts.get(AUDIENCE_SIZE));
    }

    /** {@code scheduleValid}: the definition passes today's rules, its schedule's and the rest's. */
    private Map<String, Object> facts(OperationTask task, Map<String, String> problems) {
        Optional<Push> lastRound = pushes.findFirstByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST);
        Map<String, Object> facts = new HashMap<>();
        facts.put(TEST_ROUND_EXISTS, lastRound.isPresent());
        facts.put(TESTED_CURRENT_VERSION, lastRound.map(round -> round.getTaskRevision() == task.getRevision()).orElse(false));
        facts.put(ALL_TESTERS_REACHED, lastRound.map(round -> reachedEveryTester(task, round)).orElse(false));
        facts.put(SCHEDULE_VALID, problems.isEmpty());
        facts.put(SCHEDULE_IN_FUTURE, scheduleInFuture(task, clock.instant()));
        facts.put(AUDIENCE_SIZE, audiences.estimateSize(task.getAudience()));
        return facts;
    }

    private boolean reachedEveryTester(OperationTask task, Push round) {
        Set<String> reached = delivery.outcomes(round.getId()).stream()
                .filter(outcome -> outcome.status() == RecipientStatus.DELIVERED)
                .map(DeliveryService.RecipientOutcome::userId)
                .collect(Collectors.toSet());
        return !task.getTesters().isEmpty() && reached.containsAll(task.getTesters());
    }

    static boolean scheduleInFuture(OperationTask task, Instant now) {
        Schedule schedule = task.getSchedule();
        return switch (task.getPushType()) {
            case ONE_TIME -> schedule.sendAt() == null || schedule.sendAt().isAfter(now);
            case MANUAL -> schedule.endAt() == null || schedule.endAt().isAfter(now);
            case TRIGGERED -> schedule.endAt() != null && schedule.endAt().isAfter(now);
            case RECURRING -> schedule.endAt() != null && schedule.endAt().isAfter(now)
                    && schedule.nextOccurrence(now).isPresent();
        };
    }

    /** The check's failure reasons (none: the task may go to review) and the audience size it saw. */
    public record Verdict(List<String> failures, long audienceSize) {

        public boolean passed() {
            return failures.isEmpty();
        }
    }
}
