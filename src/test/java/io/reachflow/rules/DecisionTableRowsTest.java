package io.reachflow.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.camunda.bpm.dmn.engine.DmnDecisionTableResult;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.dmn.engine.delegate.DmnEvaluatedDecisionRule;
import org.camunda.bpm.dmn.engine.impl.DefaultDmnEngineConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per rule of each shipped decision table, named for the rule: each row fires for the case it is
 * written for and gives its output. The tables are read from {@code classpath:dmn/} as deployed.
 */
class DecisionTableRowsTest {

    private static final ThreadLocal<List<String>> LAST_MATCHED = ThreadLocal.withInitial(List::of);
    private static final DmnEngine DMN = ((DefaultDmnEngineConfiguration) DmnEngineConfiguration
            .createDefaultDmnEngineConfiguration())
            .customPostDecisionTableEvaluationListeners(List.of(event -> LAST_MATCHED.set(
                    event.getMatchingRules().stream().map(DmnEvaluatedDecisionRule::getId).toList())))
            .buildEngine();
    private static DmnDecision taskActions;
    private static DmnDecision submissionCheck;
    private static DmnDecision reviewRouting;

    @BeforeAll
    static void parse() throws Exception {
        taskActions = parse("dmn/task-actions.dmn", "task-actions");
        submissionCheck = parse("dmn/submission-check.dmn", "submission-check");
        reviewRouting = parse("dmn/review-routing.dmn", "review-routing");
    }

    private static DmnDecision parse(String resource, String key) throws Exception {
        try (InputStream model = DecisionTableRowsTest.class.getClassLoader().getResourceAsStream(resource)) {
            return DMN.parseDecision(key, model);
        }
    }

    // ---- task-actions: PRODUCT.md section 2, one row per (state, action) -------------------------------------

    static Stream<Arguments> taskActionRows() {
        return Stream.of(
                row("rule_draft_edit", "DRAFT", "NONE", "ONE_TIME", "EDIT"),
                row("rule_draft_test", "DRAFT", "NONE", "ONE_TIME", "TEST"),
                row("rule_draft_copy", "DRAFT", "NONE", "ONE_TIME", "COPY"),
                row("rule_draft_delete", "DRAFT", "NONE", "ONE_TIME", "DELETE"),
                row("rule_draft_change_subgroup", "DRAFT", "NONE", "ONE_TIME", "CHANGE_SUBGROUP"),
                row("rule_testing_edit", "TESTING", "REJECTED", "RECURRING", "EDIT"),
                row("rule_testing_test", "TESTING", "NONE", "RECURRING", "TEST"),
                row("rule_testing_submit", "TESTING", "SUBMISSION_FAILED", "RECURRING", "SUBMIT"),
                row("rule_testing_copy", "TESTING", "WITHDRAWN", "RECURRING", "COPY"),
                row("rule_testing_delete", "TESTING", "NONE", "RECURRING", "DELETE"),
                row("rule_testing_change_subgroup", "TESTING", "NONE", "RECURRING", "CHANGE_SUBGROUP"),
                row("rule_under_review_withdraw", "UNDER_REVIEW", "UNDER_REVIEW", "MANUAL", "WITHDRAW"),
                row("rule_under_review_approve", "UNDER_REVIEW", "UNDER_REVIEW", "MANUAL", "APPROVE"),
                row("rule_under_review_reject", "UNDER_REVIEW", "UNDER_REVIEW", "MANUAL", "REJECT"),
                row("rule_under_review_copy", "UNDER_REVIEW", "UNDER_REVIEW", "MANUAL", "COPY"),
                row("rule_under_review_change_subgroup", "UNDER_REVIEW", "UNDER_REVIEW", "MANUAL", "CHANGE_SUBGROUP"),
                row("rule_running_pause", "RUNNING", "APPROVED", "TRIGGERED", "PAUSE"),
                row("rule_running_complete", "RUNNING", "APPROVED", "TRIGGERED", "COMPLETE"),
                row("rule_running_copy", "RUNNING", "APPROVED", "TRIGGERED", "COPY"),
                row("rule_running_change_subgroup", "RUNNING", "APPROVED", "TRIGGERED", "CHANGE_SUBGROUP"),
                row("rule_running_send", "RUNNING", "APPROVED", "MANUAL", "SEND"),
                row("rule_paused_resume", "PAUSED", "APPROVED", "ONE_TIME", "RESUME"),
                row("rule_paused_complete", "PAUSED", "APPROVED", "ONE_TIME", "COMPLETE"),
                row("rule_paused_edit", "PAUSED", "APPROVED", "ONE_TIME", "EDIT"),
                row("rule_paused_copy", "PAUSED", "APPROVED", "ONE_TIME", "COPY"),
                row("rule_paused_change_subgroup", "PAUSED", "APPROVED", "ONE_TIME", "CHANGE_SUBGROUP"),
                row("rule_completed_copy", "COMPLETED", "REJECTED", "MANUAL", "COPY"),
                row("rule_completed_change_subgroup", "COMPLETED", "APPROVED", "RECURRING", "CHANGE_SUBGROUP"));
    }

    private static Arguments row(String rule, String status, String approval, String pushType, String action) {
        return Arguments.of(rule, status, approval, pushType, action);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taskActionRows")
    void taskActionRowFires(String rule, String status, String approval, String pushType, String action) {
        DmnDecisionTableResult result = DMN.evaluateDecisionTable(taskActions,
                Map.of("status", status, "approvalStatus", approval, "pushType", pushType));
        assertThat(firedRules(result, "action")).containsEntry(rule, action);
    }

    @Test
    void everyTaskActionRowIsTested() {
        assertThat(taskActionRows().map(arguments -> (String) arguments.get()[0]))
                .containsExactlyInAnyOrderElementsOf(ruleIds(taskActions));
    }

    @Test
    void sendIsOnlyForRunningManualTasks() {
        assertThat(actions("RUNNING", "APPROVED", "ONE_TIME")).containsExactlyInAnyOrder("PAUSE", "COMPLETE", "COPY", "CHANGE_SUBGROUP");
        assertThat(actions("RUNNING", "APPROVED", "MANUAL")).contains("SEND");
        assertThat(actions("PAUSED", "APPROVED", "MANUAL")).doesNotContain("SEND");
    }

    @Test
    void draftWithAnApprovalStatusAllowsNothing() {
        assertThat(actions("DRAFT", "REJECTED", "MANUAL")).isEmpty();
        assertThat(actions("TESTING", "APPROVED", "MANUAL")).isEmpty();
    }

    private static List<String> actions(String status, String approval, String pushType) {
        return DMN.evaluateDecisionTable(taskActions,
                Map.of("status", status, "approvalStatus", approval, "pushType", pushType)).collectEntries("action");
    }

    // ---- submission-check: each failure reason -------------------------------------------------------------

    private static Map<String, Object> passingFacts() {
        Map<String, Object> facts = new HashMap<>();
        facts.put("testRoundExists", true);
        facts.put("testedCurrentVersion", true);
        facts.put("allTestersReached", true);
        facts.put("scheduleValid", true);
        facts.put("scheduleInFuture", true);
        facts.put("audienceSize", 10L);
        return facts;
    }

    static Stream<Arguments> submissionCheckRows() {
        return Stream.of(
                Arguments.of("rule_no_test_round", Map.of("testRoundExists", false, "testedCurrentVersion", false, "allTestersReached", false)),
                Arguments.of("rule_outdated_test_round", Map.of("testedCurrentVersion", false)),
                Arguments.of("rule_testers_not_reached", Map.of("allTestersReached", false)),
                Arguments.of("rule_schedule_invalid", Map.of("scheduleValid", false)),
                Arguments.of("rule_schedule_in_past", Map.of("scheduleInFuture", false)),
                Arguments.of("rule_audience_empty", Map.of("audienceSize", 0L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("submissionCheckRows")
    void submissionCheckRowFiresAlone(String rule, Map<String, Object> failingFacts) {
        Map<String, Object> facts = passingFacts();
        facts.putAll(failingFacts);
        DmnDecisionTableResult result = DMN.evaluateDecisionTable(submissionCheck, facts);
        assertThat(firedRules(result, "reason")).containsOnlyKeys(rule);
    }

    @Test
    void submissionCheckPassesWhenEverythingHolds() {
        assertThat(DMN.evaluateDecisionTable(submissionCheck, passingFacts())).isEmpty();
    }

    @Test
    void everySubmissionCheckRowIsTested() {
        assertThat(submissionCheckRows().map(arguments -> (String) arguments.get()[0]))
                .containsExactlyInAnyOrderElementsOf(ruleIds(submissionCheck));
    }

    // ---- review-routing ------------------------------------------------------------------------------------

    static Stream<Arguments> reviewRoutingRows() {
        return Stream.of(
                Arguments.of("rule_sms_two_levels", "SMS", 10L, 2, "reviewers", "senior-reviewers"),
                Arguments.of("rule_large_audience_two_levels", "IN_APP", 100_001L, 2, "reviewers", "senior-reviewers"),
                Arguments.of("rule_default_one_level", "EMAIL", 100_000L, 1, "reviewers", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reviewRoutingRows")
    void reviewRoutingRowDecides(String rule, String channel, long audienceSize, int levels, String level1, String level2) {
        DmnDecisionTableResult result = DMN.evaluateDecisionTable(reviewRouting,
                Map.of("channel", channel, "pushType", "ONE_TIME", "audienceSize", audienceSize));
        DmnDecisionRuleResult route = result.getSingleResult();
        assertThat(((Number) route.get("reviewLevels")).intValue()).isEqualTo(levels);
        assertThat((String) route.get("level1Group")).isEqualTo(level1);
        assertThat((String) route.get("level2Group")).isEqualTo(level2);
        assertThat((String) route.get("reviewTimeout")).isEqualTo("P3D");
        assertThat(firedRuleIds(reviewRouting, Map.of("channel", channel, "pushType", "ONE_TIME", "audienceSize", audienceSize)))
                .first().isEqualTo(rule);
    }

    @Test
    void everyReviewRoutingRowIsTested() {
        assertThat(reviewRoutingRows().map(arguments -> (String) arguments.get()[0]))
                .containsExactlyInAnyOrderElementsOf(ruleIds(reviewRouting));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static List<String> ruleIds(DmnDecision decision) {
        return ((org.camunda.bpm.dmn.engine.impl.DmnDecisionTableImpl) decision.getDecisionLogic()).getRules().stream()
                .map(org.camunda.bpm.dmn.engine.impl.DmnDecisionTableRuleImpl::getId).toList();
    }

    /** Rule id to output, from the evaluation listener: which rules matched, not only what they said. */
    private static Map<String, Object> firedRules(DmnDecisionTableResult result, String output) {
        Map<String, Object> fired = new HashMap<>();
        List<String> outputs = result.collectEntries(output);
        List<String> ids = LAST_MATCHED.get();
        for (int i = 0; i < ids.size(); i++) {
            fired.put(ids.get(i), outputs.get(i));
        }
        return fired;
    }

    private static List<String> firedRuleIds(DmnDecision decision, Map<String, Object> inputs) {
        DMN.evaluateDecisionTable(decision, inputs);
        return LAST_MATCHED.get();
    }
}
