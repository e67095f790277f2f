package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachflow.lifecycle.SubmissionCheck;
import io.reachflow.lifecycle.TaskActionPolicy;
import io.reachflow.review.ReviewRouting;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import io.reachflow.task.TaskAction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;

/** The actions table is remembered per deployed version: a version deployed at run time still takes effect. */
@ReachflowSpringTest
class DecisionTablesTest {

    @Autowired
    DecisionTables decisionTables;

    @Autowired
    TaskActionPolicy policy;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Test
    void newlyDeployedActionsTableReplacesTheRememberedAnswers() {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        assertThat(policy.allowedActions(draft)).contains(TaskAction.COPY);
        assertThat(policy.allowedActions(draft)).as("asked again, remembered").contains(TaskAction.COPY);

        whileDeployed(repository -> repository.createDeployment()
                .name("task-actions without COPY in DRAFT (test)")
                .addString("task-actions.dmn", shippedActionsTable().replace(
                        "<text>&quot;COPY&quot;</text>", "<text>&quot;EDIT&quot;</text>")), () -> {
            assertThat(policy.allowedActions(draft)).doesNotContain(TaskAction.COPY).contains(TaskAction.EDIT, TaskAction.TEST);
        });
        assertThat(policy.allowedActions(draft)).as("the shipped table again").contains(TaskAction.COPY);
    }

    /**
     * A version deployed without its check (an earlier release's, which had none) that names an action the code does
     * not know is not used once the check is there: the one before it stays, with an ERROR.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aVersionDeployedBeforeItsCheckIsNotUsedWhenItFailsIt(CapturedOutput output) {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        decisionTables.check(TaskActionPolicy.DECISION_KEY, (table, evaluate) -> { });
        try {
            whileDeployed(repository -> repository.createDeployment()
                    .name("task-actions with a typo (test)")
                    .addString("task-actions.dmn", shippedActionsTable().replace(
                            "<text>&quot;PAUSE&quot;</text>", "<text>&quot;PAUZE&quot;</text>")), () -> {
                new TaskActionPolicy(decisionTables); // registers the shipped check again
                assertThat(policy.allowedActions(draft)).contains(TaskAction.EDIT, TaskAction.TEST, TaskAction.COPY);
                assertThat(output.getOut()).contains("ERROR").contains("Decision task-actions version")
                        .contains("PAUZE").contains("is not used");
            });
        } finally {
            new TaskActionPolicy(decisionTables);
        }
    }

    /**
     * What Modeler lets a process owner change but the code reads in a set way: a value that is no action, a renamed
     * output, another hit policy, an input the code does not give, a route the review cannot run. Such a version is
     * refused at the deploy, as a parse error saying why (the engine API's 400, which Modeler shows); the version
     * before it stays the one used.
     */
    @Test
    void aVersionThatDoesNotFitIsRefusedAtTheDeploy() {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        Map<String, Object> untested = Map.of("testRoundExists", false, "testedCurrentVersion", false,
                "allTestersReached", false, "scheduleValid", true, "scheduleInFuture", true, "audienceSize", 1L);
        Map<String, Object> sms = Map.of("channel", "SMS", "pushType", "MANUAL", "audienceSize", 1L);
        String actions = shipped("dmn/task-actions.dmn");
        String check = shipped("dmn/submission-check.dmn");
        String routing = shipped("dmn/review-routing.dmn");
        // what the refusal says for each: the file, and the table as deployed
        Map<String, List<String>> wrong = new LinkedHashMap<>();
        wrong.put("its output 'action' is PAUZE for", List.of("task-actions.dmn",
                actions.replace("<text>&quot;PAUSE&quot;</text>", "<text>&quot;PAUZE&quot;</text>")));
        wrong.put("asks for status \"RUNING\", which it never is: it is one of COMPLETED, DRAFT, PAUSED, RUNNING,",
                List.of("task-actions.dmn", actions.replace("<text>&quot;RUNNING&quot;</text>",
                        "<text>&quot;RUNING&quot;</text>")));
        wrong.put("rule 1 (rule_sms_two_levels) asks for channel \"SMSS\", which it never is: it is one of EMAIL, "
                + "IN_APP, PUSH, SMS, WEBHOOK",
                List.of("review-routing.dmn", routing.replace("<text>&quot;SMS&quot;</text>",
                        "<text>&quot;EMAIL&quot;, &quot;SMSS&quot;</text>")));
        wrong.put("has no output named 'action' (its outputs: actions)", List.of("task-actions.dmn",
                actions.replace("name=\"action\"", "name=\"actions\"")));
        wrong.put("its hit policy is FIRST; it must be COLLECT", List.of("task-actions.dmn",
                actions.replace("hitPolicy=\"COLLECT\"", "hitPolicy=\"FIRST\"")));
        wrong.put("has no output named 'reason' (its outputs: failureReason)", List.of("submission-check.dmn",
                check.replace("name=\"reason\"", "name=\"failureReason\"")));
        wrong.put("its input 'Estimated audience size' reads 'audience', which is none of the facts", List.of(
                "submission-check.dmn", check.replace("<text>audienceSize</text>", "<text>audience</text>")));
        wrong.put("has no output named 'reviewTimeout'", List.of("review-routing.dmn",
                routing.replace("name=\"reviewTimeout\"", "name=\"reviewTimeOut\"")));
        wrong.put("for IN_APP, ONE_TIME, audience 100001: 'level2Group' is empty for a review of two levels",
                List.of("review-routing.dmn", routing.replace("<text>&quot;senior-reviewers&quot;</text>", "<text></text>")));
        wrong.put("for IN_APP, ONE_TIME, audience 0: 'reviewTimeout' is '3 days', not an ISO-8601 duration",
                List.of("review-routing.dmn", routing.replace("<text>&quot;P3D&quot;</text>", "<text>&quot;3 days&quot;</text>")));
        RepositoryService repository = engine.processEngine().getRepositoryService();
        long definitions = repository.createDecisionDefinitionQuery().count();
        for (Map.Entry<String, List<String>> version : wrong.entrySet()) {
            String file = version.getValue().get(0);
            assertThatThrownBy(() -> repository.createDeployment().name("another shape (test)")
                    .addString(file, version.getValue().get(1)).deploy()).as(version.getKey())
                    .isInstanceOf(ParseException.class)
                    .hasMessageStartingWith(file + ": decision " + file.replace(".dmn", "") + " cannot be used: ")
                    .hasMessageContaining(version.getKey());
        }
        decisionTables.refresh();

        assertThat(repository.createDecisionDefinitionQuery().count()).as("nothing deployed").isEqualTo(definitions);
        assertThat(policy.allowedActions(draft)).contains(TaskAction.EDIT, TaskAction.TEST, TaskAction.COPY);
        assertThat(decisionTables.collect(SubmissionCheck.DECISION_KEY, SubmissionCheck.OUTPUT_REASON, untested))
                .singleElement().asString().startsWith("No test round");
        assertThat(decisionTables.evaluate(ReviewRouting.DECISION_KEY, sms).getSingleResult()
                .<String>getEntry("level2Group")).isEqualTo("senior-reviewers");
    }

    /**
     * A gap between two rows' audience sizes ({@code < 50000} and {@code > 50000}) is found, since the rows' own
     * bounds are tried; what a process owner may change is used: a list table in RULE ORDER, a timeout in weeks.
     */
    @Test
    void theBoundsARoutingNamesAreTriedAndWhatFitsIsUsed() {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        String routing = shipped("dmn/review-routing.dmn");
        Map<String, Object> sms = Map.of("channel", "SMS", "pushType", "MANUAL", "audienceSize", 1L);
        Map<String, Object> fiftyThousand = Map.of("channel", "EMAIL", "pushType", "MANUAL", "audienceSize", 50_000L);
        String gap = routing.replace("<text>&gt; 100000</text>", "<text>&gt; 50000</text>")
                .replace("rule_default_one_level_in_2\">\n          <text></text>",
                        "rule_default_one_level_in_2\">\n          <text>&lt; 50000</text>");
        assertThat(gap).as("the default row now ends below 50,000").contains("<text>&lt; 50000</text>");
        assertThatThrownBy(() -> engine.processEngine().getRepositoryService().createDeployment()
                .name("routing with a gap (test)").addString("review-routing.dmn", gap).deploy())
                .isInstanceOf(ParseException.class).hasMessageContaining("audience 50000: review-routing has no rule");
        assertThat(decisionTables.evaluate(ReviewRouting.DECISION_KEY, fiftyThousand).getSingleResult()
                .<Integer>getEntry("reviewLevels")).as("the shipped routing still").isEqualTo(1);

        whileDeployed(repository -> repository.createDeployment()
                .name("what fits (test)")
                .addString("review-routing.dmn", routing.replace("<text>&quot;P3D&quot;</text>",
                        "<text>&quot;P2W&quot;</text>"))
                .addString("task-actions.dmn", shippedActionsTable().replace("hitPolicy=\"COLLECT\"",
                        "hitPolicy=\"RULE ORDER\"").replace("<text>&quot;COPY&quot;</text>",
                        "<text>&quot;EDIT&quot;</text>")), () -> {
            assertThat(decisionTables.evaluate(ReviewRouting.DECISION_KEY, sms).getSingleResult()
                    .<String>getEntry("reviewTimeout")).isEqualTo("P2W");
            assertThat(policy.allowedActions(draft)).doesNotContain(TaskAction.COPY).contains(TaskAction.EDIT);
        });
    }

    /**
     * After a start every request finds no version yet: one of them checks the table, the others wait for it, where
     * before each checked it on its own (seconds of CPU at once while the FEEL engine was cold).
     */
    @Test
    void theFirstRequestsAtOnceCheckTheTableOnce() throws Exception {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        AtomicInteger checks = new AtomicInteger();
        decisionTables.check(TaskActionPolicy.DECISION_KEY, (table, evaluate) -> {
            checks.incrementAndGet();
            sleep(Duration.ofMillis(100));
        });
        ExecutorService requests = Executors.newFixedThreadPool(8);
        try {
            List<Future<Set<TaskAction>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(requests.submit(() -> policy.allowedActions(draft)));
            }
            for (Future<Set<TaskAction>> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).contains(TaskAction.EDIT, TaskAction.TEST);
            }
            assertThat(checks).hasValue(1);
        } finally {
            requests.shutdownNow();
            new TaskActionPolicy(decisionTables); // registers the shipped check again
        }
    }

    /**
     * Runs {@code check} while the deployment {@code deployment} builds is the latest (the tables looked up again),
     * then deletes it: the shipped tables are the latest again for the tests after.
     */
    private void whileDeployed(Function<RepositoryService, DeploymentBuilder> deployment, Runnable check) {
        RepositoryService repository = engine.processEngine().getRepositoryService();
        Deployment deployed = deployment.apply(repository).deploy();
        try {
            decisionTables.refresh();
            check.run();
        } finally {
            repository.deleteDeployment(deployed.getId(), true);
            decisionTables.refresh();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String shippedActionsTable() {
        return shipped("dmn/task-actions.dmn");
    }

    private String shipped(String model) {
        try (InputStream shipped = getClass().getClassLoader().getResourceAsStream(model)) {
            return new String(shipped.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
