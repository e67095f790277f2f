package io.reachflow.system;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionTableResult;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.DmnModelInstance;
import org.camunda.bpm.model.dmn.HitPolicy;
import org.camunda.bpm.model.dmn.instance.Decision;
import org.camunda.bpm.model.dmn.instance.DecisionTable;
import org.camunda.bpm.model.dmn.instance.Input;
import org.camunda.bpm.model.dmn.instance.InputEntry;
import org.camunda.bpm.model.dmn.instance.Output;
import org.camunda.bpm.model.dmn.instance.Rule;
import org.camunda.bpm.model.xml.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Evaluates the latest deployed version of a decision table with the engine's own DMN engine.
 *
 * <p>The rules live in {@code dmn/*.dmn}; this class only feeds them. It does not go through
 * {@code DecisionService}, nor the engine's own DMN engine, because these decisions are asked on every read of a
 * task (its allowed actions) and those write a history entry per evaluation: a standalone DMN engine evaluates
 * the deployed model instead. A parsed decision is cached per deployed definition; which
 * definition is the latest is looked up again after {@link #LATEST_LOOKUP_TTL}, so a model a process owner
 * deploys at run time (from Modeler or Cockpit) takes effect within seconds.
 *
 * <p>A table asked on every read, whose inputs are a few enumerated values, is evaluated once per deployed version
 * and combination of inputs ({@link #collectMemoized}): the FEEL engine spends about a millisecond per evaluation,
 * which a page of twenty tasks would otherwise pay twenty times.
 *
 * <p>A table the code reads in a set way (its outputs name our actions, say) may come with a {@link Check}. A new
 * version that fails it is refused at the deploy ({@link #refuseUnfit}, through {@link ModelChecksPlugin}); one
 * deployed before the check was there is not used when it fails it, with an ERROR naming the version and what is
 * wrong, and the previous version that passed stays in use (across restarts too: the latest that passes is used). A
 * typo a process owner deploys thus never breaks every read of a task.
 */
@Component
public class DecisionTables {

    static final Duration LATEST_LOOKUP_TTL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(DecisionTables.class);
    private static final int MEMOIZED_LIMIT = 10_000;

    private final RepositoryService repositoryService;
    private final DmnEngine dmnEngine;
    private final Clock clock;
    private final Map<String, Latest> latestByKey = new ConcurrentHashMap<>();
    private final Map<String, DmnDecision> parsedByDefinitionId = new ConcurrentHashMap<>();
    private final Map<Evaluation, List<String>> memoized = new ConcurrentHashMap<>();
    private final Map<String, Check> checks = new ConcurrentHashMap<>();
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> lookups = new ConcurrentHashMap<>();

    public DecisionTables(ProcessEngine processEngine, Clock clock) {
        this.repositoryService = processEngine.getRepositoryService();
        this.dmnEngine = DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine();
        this.clock = clock;
    }

    /** The matched rules' outputs, in rule order. */
    public DmnDecisionTableResult evaluate(String decisionKey, Map<String, Object> inputs) {
        return dmnEngine.evaluateDecisionTable(decision(decisionKey), inputs);
    }

    /** One output column of every matched rule, in rule order: for COLLECT tables such as a list of actions. */
    public List<String> collect(String decisionKey, String outputName, Map<String, Object> inputs) {
        return evaluate(decisionKey, inputs).collectEntries(outputName);
    }

    /**
     * As {@link #collect}, remembered per deployed version and inputs. Only for tables that are a pure function of
     * their inputs (no {@code now()}) and whose inputs take few values, such as {@code task-actions.dmn}.
     */
    public List<String> collectMemoized(String decisionKey, String outputName, Map<String, Object> inputs) {
        String definitionId = latestDefinitionId(decisionKey);
        Evaluation evaluation = new Evaluation(definitionId, outputName, Map.copyOf(inputs));
        List<String> outputs = memoized.get(evaluation);
        if (outputs == null) {
            if (memoized.size() >= MEMOIZED_LIMIT) {
                memoized.clear();
            }
            outputs = List.copyOf(dmnEngine.evaluateDecisionTable(parsed(decisionKey, definitionId), inputs)
                    .<String>collectEntries(outputName));
            memoized.put(evaluation, outputs);
        }
        return outputs;
    }

    /** Has every version of the decision that is to be used checked first. */
    public void check(String decisionKey, Check check) {
        checks.put(decisionKey, check);
        latestByKey.remove(decisionKey);
    }

    /**
     * Refuses a DMN file being deployed when a decision in it that has a check does not pass it: a parse error, as
     * the engine's own (the engine API answers 400 with it, which Modeler shows), so that a process owner learns at
     * the deploy what is wrong, where a version deployed so would only be left unused. A file that is not DMN at all
     * is left to the engine's own parse.
     */
    public void refuseUnfit(String resourceName, byte[] model) {
        DmnModelInstance instance;
        try {
            instance = Dmn.readModelFromStream(new ByteArrayInputStream(model));
        } catch (ModelException unreadable) {
            return;
        }
        for (Decision decision : instance.getModelElementsByType(Decision.class)) {
            Check check = checks.get(decision.getId());
            if (check == null) {
                continue;
            }
            try {
                verified(decision.getId(), instance, check);
            } catch (RuntimeException wrong) {
                String message = "decision " + decision.getId() + " cannot be used: " + wrong.getMessage();
                throw new ParseException(resourceName + ": " + message, resourceName,
                        List.of(new ModelProblem(message, decision.getId())), List.of());
            }
        }
    }

    /** Forgets which versions are the latest, so the next evaluation looks them up again (after a deployment). */
    public void refresh() {
        latestByKey.clear();
    }

    private DmnDecision decision(String decisionKey) {
        return parsed(decisionKey, latestDefinitionId(decisionKey));
    }

    private DmnDecision parsed(String decisionKey, String definitionId) {
        return parsedByDefinitionId.computeIfAbsent(definitionId, id -> parse(decisionKey, id));
    }

    private String latestDefinitionId(String decisionKey) {
        Latest latest = latestByKey.get(decisionKey);
        if (latest == null || stale(latest)) {
            synchronized (lookups.computeIfAbsent(decisionKey, key -> new Object())) {
                latest = lookUpLatest(decisionKey);
            }
        }
        return latest.definitionId();
    }

    private boolean stale(Latest latest) {
        return latest.checkedAt().plus(LATEST_LOOKUP_TTL).isBefore(clock.instant());
    }

    /**
     * One thread at a time per decision ({@link #lookups}): after a start, the first requests all find no version yet,
     * and each would otherwise check the whole table on its own (seconds of CPU while the FEEL engine is cold).
     */
    private Latest lookUpLatest(String decisionKey) {
        Instant now = clock.instant();
        Latest latest = latestByKey.get(decisionKey);
        if (latest == null || stale(latest)) {
            DecisionDefinition definition = repositoryService.createDecisionDefinitionQuery()
                    .decisionDefinitionKey(decisionKey)
                    .latestVersion()
                    .singleResult();
            if (definition == null) {
                throw new IllegalStateException("Decision " + decisionKey + " is not deployed");
            }
            String used = latest != null && latest.latestId().equals(definition.getId()) ? latest.definitionId()
                    : usable(decisionKey, definition, latest == null ? null : latest.definitionId());
            latest = new Latest(used, definition.getId(), now);
            latestByKey.put(decisionKey, latest);
        }
        return latest;
    }

    /**
     * The definition to use now that {@code definition} is the latest: it, when it passes the decision's check;
     * otherwise the one used before, or, with none (at start), the latest earlier version that passes.
     */
    private String usable(String decisionKey, DecisionDefinition definition, String usedBefore) {
        Check check = checks.get(decisionKey);
        if (check == null || passes(decisionKey, definition, check)) {
            return definition.getId();
        }
        if (usedBefore != null) {
            return usedBefore;
        }
        return repositoryService.createDecisionDefinitionQuery().decisionDefinitionKey(decisionKey)
                .orderByDecisionDefinitionVersion().desc().list().stream()
                .filter(earlier -> passes(decisionKey, earlier, check))
                .findFirst()
                .map(DecisionDefinition::getId)
                .orElseThrow(() -> new IllegalStateException("No deployed version of decision " + decisionKey
                        + " passes its check: see the errors logged above"));
    }

    private boolean passes(String decisionKey, DecisionDefinition definition, Check check) {
        if (rejected.contains(definition.getId())) {
            return false;
        }
        try {
            parsedByDefinitionId.put(definition.getId(), verified(decisionKey, model(definition.getId()), check));
            return true;
        } catch (RuntimeException wrong) {
            rejected.add(definition.getId());
            log.error("Decision {} version {} ({}, deployment {}) is not used: {}. Deploy a corrected version; until "
                    + "then the previous version that passed stays in use", decisionKey, definition.getVersion(),
                    definition.getResourceName(), definition.getDeploymentId(), wrong.getMessage());
            return false;
        }
    }

    /**
     * The decision {@code decisionKey} of the model, parsed, once it has passed {@code check}: its table as modelled
     * (Modeler's view of it: columns, hit policy, rules) and as evaluated. Throws, saying why, when it does not.
     */
    private DmnDecision verified(String decisionKey, DmnModelInstance model, Check check) {
        Decision decision = model.getModelElementById(decisionKey);
        if (decision == null || !(decision.getExpression() instanceof DecisionTable table)) {
            throw new IllegalStateException("it has no decision table '" + decisionKey + "'");
        }
        DmnDecision parsed = dmnEngine.parseDecision(decisionKey, model);
        check.verify(table, inputs -> dmnEngine.evaluateDecisionTable(parsed, inputs));
        return parsed;
    }

    private DmnDecision parse(String decisionKey, String definitionId) {
        return dmnEngine.parseDecision(decisionKey, model(definitionId));
    }

    /** A deployed decision definition's model, read once for both its parse and its check. */
    private DmnModelInstance model(String definitionId) {
        try (InputStream model = repositoryService.getDecisionModel(definitionId)) {
            return Dmn.readModelFromStream(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The definition used, the latest deployed (the same unless that failed its check), and when it was looked up. */
    private record Latest(String definitionId, String latestId, Instant checkedAt) {
    }

    /** What a version of a decision must satisfy to be used: throws, saying what is wrong, when it does not. */
    @FunctionalInterface
    public interface Check {

        /** Checks the decision's table as modelled, and as evaluated by {@code evaluate} for the inputs given to it. */
        void verify(DecisionTable table, Function<Map<String, Object>, DmnDecisionTableResult> evaluate);
    }

    /**
     * What the code that asks a table relies on, which Modeler lets a process owner change: the hit policy it reads
     * the answer by, the facts it gives (an input column naming any other is null at every evaluation, so its rules
     * never match), and the outputs it reads (one renamed is absent from every answer: a task with no allowed actions,
     * a submission that never fails). The rows, their conditions and their output values are the owner's.
     */
    public record Shape(Set<HitPolicy> hitPolicies, Set<String> facts, Set<String> outputs) {

        private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

        /** The hit policies of a table read as the list of its matching rules' outputs. */
        public static final Set<HitPolicy> LISTS = Set.of(HitPolicy.COLLECT, HitPolicy.RULE_ORDER,
                HitPolicy.OUTPUT_ORDER);

        /** Throws, saying what is wrong in the table's own words, when the table does not have this shape. */
        public void verify(DecisionTable table) {
            if (!hitPolicies.contains(table.getHitPolicy()) || table.getAggregation() != null) {
                throw new IllegalStateException("its hit policy is " + table.getHitPolicy()
                        + (table.getAggregation() == null ? "" : " " + table.getAggregation())
                        + "; it must be " + String.join(" or ", sorted(hitPolicies.stream().map(HitPolicy::name)
                        .toList())) + " (without an aggregator)");
            }
            for (Input input : table.getInputs()) {
                String expression = expression(input);
                if (expression == null || !facts.contains(expression.trim())) {
                    throw new IllegalStateException("its input '" + (input.getLabel() == null ? input.getId()
                            : input.getLabel()) + "' reads '" + expression + "', which is none of the facts it is "
                            + "given: " + String.join(", ", sorted(facts)));
                }
            }
            List<String> named = table.getOutputs().stream().map(Output::getName).toList();
            for (String output : sorted(outputs)) {
                if (!named.contains(output)) {
                    throw new IllegalStateException("it has no output named '" + output + "' (its outputs: "
                            + String.join(", ", named) + "); the outputs read from it are "
                            + String.join(", ", sorted(outputs)));
                }
            }
        }

        /**
         * Throws when a rule's condition on one of the {@code known} facts names a value the fact never has ("RUNING"
         * for a status): the rule would never match, and nothing else would say so (a running task with no actions
         * left, a channel that never gets its route). Quoted values are compared; the row is named by its number.
         */
        public static void requireKnownValues(DecisionTable table, Map<String, Set<String>> known) {
            forEachCondition(table, (row, rule, fact, condition) -> {
                Set<String> values = known.get(fact);
                Matcher quoted = QUOTED.matcher(condition);
                while (values != null && quoted.find()) {
                    if (!values.contains(quoted.group(1))) {
                        throw new IllegalStateException("rule " + row + " (" + rule.getId() + ") asks for " + fact
                                + " \"" + quoted.group(1) + "\", which it never is: it is one of "
                                + String.join(", ", sorted(values)));
                    }
                }
            });
        }

        /** Each rule's condition on each column that has one, with the fact the column reads and the rule's row. */
        public static void forEachCondition(DecisionTable table, Condition visit) {
            List<Input> inputs = List.copyOf(table.getInputs());
            int row = 0;
            for (Rule rule : table.getRules()) {
                row++;
                List<InputEntry> entries = List.copyOf(rule.getInputEntries());
                for (int column = 0; column < Math.min(inputs.size(), entries.size()); column++) {
                    String fact = expression(inputs.get(column));
                    String condition = entries.get(column).getText() == null ? null
                            : entries.get(column).getText().getTextContent();
                    if (fact != null && condition != null) {
                        visit.of(row, rule, fact.trim(), condition);
                    }
                }
            }
        }

        /** A rule's condition on a fact; {@code row} counts from 1. */
        @FunctionalInterface
        public interface Condition {
            void of(int row, Rule rule, String fact, String condition);
        }

        /** The names of an enum's values, what a fact of it is in a table. */
        public static Set<String> namesOf(Enum<?>[] values) {
            return Arrays.stream(values).map(Enum::name).collect(Collectors.toSet());
        }

        /** The text of an input column's expression: the fact it reads. */
        public static String expression(Input input) {
            return input.getInputExpression() == null || input.getInputExpression().getText() == null ? null
                    : input.getInputExpression().getText().getTextContent();
        }

        private static List<String> sorted(Collection<String> names) {
            return names.stream().sorted().toList();
        }
    }

    private record Evaluation(String definitionId, String outputName, Map<String, Object> inputs) {
    }
}
