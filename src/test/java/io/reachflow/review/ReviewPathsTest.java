package io.reachflow.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.reachflow.lifecycle.LifecycleProcess;
import io.reachflow.lifecycle.TaskCommands;
import io.reachflow.review.ReviewProcess.Element;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.system.DecisionTables;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.Audience;
import io.reachflow.task.AudienceType;
import io.reachflow.task.Channel;
import io.reachflow.task.Content;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every path of {@code bpmn/operation-task-review.bpmn}: routing, one and two levels, and separation of duties. */
@ReachflowSpringTest
class ReviewPathsTest {

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    UserService users;

    @Autowired
    DecisionTables decisionTables;

    @Autowired
    TaskCommands commands;

    TaskService taskService;
    IdentityService identityService;

    @BeforeEach
    void setUp() {
        BpmnAwareTests.init(engine.processEngine());
        taskService = engine.processEngine().getTaskService();
        identityService = engine.processEngine().getIdentityService();
        users.upsert(new UserProfile("sms-tester", "Tess", null, "+4915112345678", null, "UTC", "en", Set.of("staff"),
                Map.of(), Set.of()));
    }

    /** An SMS task (two review levels) whose audience has a phone, and so does its tester, a demo operator. */
    private static TaskDefinition smsTask() {
        return new TaskDefinition("SMS flash sale", null, "flash", null, null, Channel.SMS, PushType.MANUAL,
                new Audience(AudienceType.TAGS, List.of("staff"), List.of(), List.of()),
                new Content(null, "Flash sale today, {{name|friend}}!", null), Schedule.immediately(), null, null,
                List.of(Fixtures.OPERATOR));
    }

    private Task openWork(OperationTask task) {
        return taskService.createTaskQuery().processInstanceBusinessKey(String.valueOf(task.getId())).singleResult();
    }

    private void decideAs(String user, Task work, boolean approved, String comment) {
        identityService.setAuthentication(user, Fixtures.groupsOf(user));
        try {
            taskService.claim(work.getId(), user);
            taskService.complete(work.getId(), ReviewVariables.decision(approved, comment));
        } finally {
            identityService.clearAuthentication();
        }
    }

    /** When the review's timer fires. */
    private Date timeoutOf(ProcessInstance review) {
        return engine.processEngine().getManagementService().createJobQuery().processInstanceId(review.getId())
                .timers().activityId(Element.BOUNDARY_REVIEW_TIMEOUT.id()).singleResult().getDuedate();
    }

    @Test
    void oneLevelTaskIsRoutedToReviewers() {
        Instant submitted = engine.now();
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        ProcessInstance review = engine.review(task.getId());

        assertThat(review).isWaitingAt(Element.USER_TASK_REVIEW.id()).hasPassed(Element.SERVICE_ROUTE_REVIEW.id())
                .variables().containsEntry(ReviewVariables.REVIEW_LEVELS, 1)
                .containsEntry(ReviewVariables.LEVEL1_GROUP, "reviewers")
                .containsEntry(ReviewVariables.REVIEW_TIMEOUT, "P3D");
        assertThat(BpmnAwareTests.task(review)).hasCandidateGroup("reviewers").isNotAssigned();
        Date due = openWork(task).getDueDate();
        assertThat(due).as("due when the review times out").isEqualTo(timeoutOf(review));
        assertThat(Duration.between(submitted, due.toInstant())).isBetween(Duration.ofDays(3),
                Duration.ofDays(3).plusMinutes(1));
        assertThat(taskService.createTaskQuery().taskId(openWork(task).getId()).initializeFormKeys().singleResult()
                .getCamundaFormRef().getKey()).as("the form Tasklist shows").isEqualTo(ReviewProcess.FORM_KEY);
    }

    @Test
    void oneLevelApprovalEndsReviewAndRunsTask() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        ProcessInstance review = engine.review(task.getId());
        decideAs(Fixtures.REVIEWER, openWork(task), true, "fine");

        assertThat(review).isEnded().hasPassed(Element.END_APPROVED.id());
        OperationTask approved = fixtures.reload(task);
        assertThat(approved.getStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(approved.getApprovedBy()).isEqualTo(Fixtures.REVIEWER);
    }

    @Test
    void smsTaskNeedsASeniorReviewerAfterTheFirstLevel() {
        OperationTask task = fixtures.underReview(smsTask());
        ProcessInstance review = engine.review(task.getId());
        assertThat(review).variables().containsEntry(ReviewVariables.REVIEW_LEVELS, 2)
                .containsEntry(ReviewVariables.LEVEL2_GROUP, "senior-reviewers");

        Date due = openWork(task).getDueDate();
        engine.advance(Duration.ofHours(5));

        decideAs(Fixtures.REVIEWER, openWork(task), true, "first level ok");
        assertThat(review).isWaitingAt(Element.USER_TASK_SENIOR_REVIEW.id());
        assertThat(BpmnAwareTests.task(review)).hasCandidateGroup("senior-reviewers");
        assertThat(openWork(task).getDueDate()).as("the same deadline as the first level's, the review's")
                .isEqualTo(due).isEqualTo(timeoutOf(review));
        assertThat(taskService.getVariablesLocal(openWork(task).getId()))
                .containsEntry("firstLevelDecision", "Approved by " + Fixtures.REVIEWER + ": first level ok");
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);

        decideAs(Fixtures.SENIOR_REVIEWER, openWork(task), true, "second level ok");
        assertThat(review).isEnded().hasPassed(Element.END_APPROVED.id());
        assertThat(fixtures.reload(task).getApprovedBy()).isEqualTo(Fixtures.SENIOR_REVIEWER);
    }

    /**
     * The timeout is the whole review's: a second level that starts late has what the first left of it (as the
     * review's timer always did; kept here beside the due dates that now show it).
     */
    @Test
    void secondLevelTimesOutWhenTheReviewDoes() {
        OperationTask task = fixtures.underReview(smsTask());
        engine.advance(Duration.ofDays(2));
        decideAs(Fixtures.REVIEWER, openWork(task), true, "first level ok");
        engine.advance(Duration.ofDays(1).minusMinutes(1));
        engine.runDueJobs(task.getId());
        assertThat(fixtures.reload(task).getStatus()).as("not due yet").isEqualTo(TaskStatus.UNDER_REVIEW);

        engine.advance(Duration.ofMinutes(2));
        engine.runDueJobs(task.getId());

        OperationTask timedOut = fixtures.reload(task);
        assertThat(timedOut.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(timedOut.getApprovalStatus()).isEqualTo(ApprovalStatus.WITHDRAWN);
        assertThat(timedOut.getApprovalNote()).isEqualTo("review timed out");
        assertThat(openWork(task)).isNull();
    }

    @Test
    void secondLevelRejectionRejectsTheTask() {
        OperationTask task = fixtures.underReview(smsTask());
        decideAs(Fixtures.REVIEWER, openWork(task), true, "first level ok");
        decideAs(Fixtures.SENIOR_REVIEWER, openWork(task), false, "too pushy");

        OperationTask rejected = fixtures.reload(task);
        assertThat(rejected.getApprovalStatus()).isEqualTo(ApprovalStatus.REJECTED);
        assertThat(rejected.getApprovalNote()).isEqualTo("too pushy");
    }

    @Test
    void firstLevelRejectionSkipsTheSecondLevel() {
        OperationTask task = fixtures.underReview(smsTask());
        ProcessInstance review = engine.review(task.getId());
        decideAs(Fixtures.REVIEWER, openWork(task), false, "no");

        assertThat(review).isEnded().hasPassed(Element.END_REJECTED.id()).hasNotPassed(Element.USER_TASK_SENIOR_REVIEW.id());
        assertThat(fixtures.reload(task).getApprovalStatus()).isEqualTo(ApprovalStatus.REJECTED);
    }

    @Test
    void refusesSecondLevelByFirstLevelReviewer() {
        OperationTask task = fixtures.underReview(smsTask());
        decideAs(Fixtures.SENIOR_REVIEWER, openWork(task), true, "first level ok");
        Task seniorWork = openWork(task);

        assertThatThrownBy(() -> decideAs(Fixtures.SENIOR_REVIEWER, seniorWork, true, "me again"))
                .isInstanceOf(AuthorizationException.class);
        assertThat(revokedUsers(seniorWork)).contains(Fixtures.SENIOR_REVIEWER);
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);
    }

    @Test
    void refusesReviewBySubmitterAndCreatorAndHidesTheWorkFromThem() {
        OperationTask created = fixtures.draftBy(Fixtures.OPERATOR_AND_REVIEWER, Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR_AND_REVIEWER, created.getId(), TaskAction.TEST, null);
        engine.runDueJobs(created.getId());
        fixtures.act(Fixtures.OPERATOR, created.getId(), TaskAction.SUBMIT, null);
        Task work = openWork(created);

        assertThat(revokedUsers(work)).containsExactlyInAnyOrder(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER);
        identityService.setAuthentication(Fixtures.OPERATOR_AND_REVIEWER, Fixtures.groupsOf(Fixtures.OPERATOR_AND_REVIEWER));
        try {
            assertThat(taskService.createTaskQuery().taskId(work.getId()).count()).as("hidden from the creator").isZero();
        } finally {
            identityService.clearAuthentication();
        }
        assertThatThrownBy(() -> decideAs(Fixtures.OPERATOR_AND_REVIEWER, work, true, "mine"))
                .isInstanceOf(AuthorizationException.class);
    }

    /** An editor is an author of what is reviewed: excluded until the task is approved, not after. */
    @Test
    void refusesReviewByWhoeverEditedTheTaskSinceItsLastApproval() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR_AND_REVIEWER,
                () -> commands.edit(task.getId(), Fixtures.edited(Fixtures.manualInApp()), null));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobs(task.getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);
        Task work = openWork(task);

        assertThat(revokedUsers(work)).containsExactlyInAnyOrder(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER);
        assertThatThrownBy(() -> decideAs(Fixtures.OPERATOR_AND_REVIEWER, work, true, "my own edit"))
                .isInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> taskService.setAssignee(work.getId(), Fixtures.OPERATOR_AND_REVIEWER))
                .as("an admin's assignment").isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("Separation of duties").hasMessageContaining("editor");
        decideAs(Fixtures.REVIEWER, work, true, "fine");
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);

        // approved since: an edit of the paused task by its creator excludes only the creator
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(), Fixtures.manualInApp(), null));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobs(task.getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);
        Task again = openWork(task);
        assertThat(revokedUsers(again)).containsExactly(Fixtures.OPERATOR);
        decideAs(Fixtures.OPERATOR_AND_REVIEWER, again, true, "their edit, reviewed");
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);
    }

    /**
     * Authors are more than the editors of the content: whoever chose the testers (part of what is approved), and, in
     * a copy, whoever wrote what it was copied from, are excluded too.
     */
    @Test
    void refusesReviewByWhoeverChoseTheTestersOrWroteWhatWasCopied() {
        OperationTask testersChanged = fixtures.draft(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR_AND_REVIEWER, () -> commands.changeTesters(testersChanged.getId(),
                List.of(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER), null));
        OperationTask original = fixtures.draftBy(Fixtures.OPERATOR_AND_REVIEWER, Fixtures.manualInApp());
        OperationTask copied = fixtures.as(Fixtures.OPERATOR, () -> commands.copy(original.getId(), null, null));
        OperationTask copyOfCopy = fixtures.as(Fixtures.OPERATOR, () -> commands.copy(copied.getId(), null, null));

        for (OperationTask task : List.of(testersChanged, copyOfCopy)) {
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
            engine.runDueJobs(task.getId());
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);
            Task work = openWork(task);

            assertThat(revokedUsers(work)).as("task %d", task.getId())
                    .containsExactlyInAnyOrder(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER);
            assertThatThrownBy(() -> decideAs(Fixtures.OPERATOR_AND_REVIEWER, work, true, "my own words"))
                    .isInstanceOf(AuthorizationException.class);
            decideAs(Fixtures.REVIEWER, work, true, "fine");
            assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);
        }
    }

    /** A copy keeps the authors its original's review excludes: an edit approved since is no longer one. */
    @Test
    void aCopyKeepsTheAuthorsItsOriginalsReviewExcludes() {
        OperationTask original = fixtures.draft(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR_AND_REVIEWER,
                () -> commands.edit(original.getId(), Fixtures.edited(Fixtures.manualInApp()), null));
        OperationTask copiedUnapproved = fixtures.as(Fixtures.OTHER_OPERATOR,
                () -> commands.copy(original.getId(), null, null));
        fixtures.act(Fixtures.OPERATOR, original.getId(), TaskAction.TEST, null);
        engine.runDueJobs(original.getId());
        fixtures.act(Fixtures.OPERATOR, original.getId(), TaskAction.SUBMIT, null);
        decideAs(Fixtures.REVIEWER, openWork(original), true, "fine");
        OperationTask copiedApproved = fixtures.as(Fixtures.OTHER_OPERATOR,
                () -> commands.copy(original.getId(), null, null));

        assertThat(fixtures.reload(copiedUnapproved).getSourceAuthors())
                .containsExactlyInAnyOrder(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER);
        assertThat(fixtures.reload(copiedApproved).getSourceAuthors()).containsExactly(Fixtures.OPERATOR);
    }

    @Test
    void listenerRefusesAssigningTheWorkToAnExcludedUser() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        Task work = openWork(task);
        assertThatThrownBy(() -> taskService.setAssignee(work.getId(), Fixtures.OPERATOR))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("Separation of duties");
    }

    @Test
    void refusesRejectionWithoutComment() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        assertThatThrownBy(() -> decideAs(Fixtures.REVIEWER, openWork(task), false, " "))
                .isInstanceOf(FormFieldValidationException.class).hasMessageContaining("comment");
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);
    }

    @Test
    void refusesCompletionWithoutDecision() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        Task work = openWork(task);
        identityService.setAuthentication(Fixtures.REVIEWER, Fixtures.groupsOf(Fixtures.REVIEWER));
        try {
            assertThatThrownBy(() -> taskService.complete(work.getId()))
                    .isInstanceOf(FormFieldValidationException.class).hasMessageContaining(ReviewVariables.APPROVED);
        } finally {
            identityService.clearAuthentication();
        }
    }

    @Test
    void reviewWorkCarriesTheBriefingTheFormShows() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        Map<String, Object> briefing = taskService.getVariablesLocal(openWork(task).getId());

        assertThat(briefing).containsEntry("taskName", "Welcome Berlin").containsEntry("taskChannel", "IN_APP")
                .containsEntry("estimatedAudienceSize", 2L).containsEntry("taskCreatedBy", Fixtures.OPERATOR);
        assertThat((String) briefing.get("sampleContent")).contains("Hi Olivia").contains("News from Lisbon");
        assertThat((String) briefing.get("contentTemplate")).as("what every other recipient's profile fills in")
                .isEqualTo("Title: " + task.getContent().title() + "\nBody: " + task.getContent().body()
                        + (task.getContent().link() == null ? "" : "\nLink: " + task.getContent().link()))
                .contains("{{");
        assertThat((String) briefing.get("lastTestRound")).startsWith("Round 1, of revision")
                .contains("(current): PASSED").contains("olivia: DELIVERED");
        assertThat(briefing).containsEntry("taskAudience", "Users tagged berlin")
                .containsEntry("taskSchedule", "Each time an operator sends it").doesNotContainKey("firstLevelDecision");
    }

    /**
     * A body near its longest (4,000 characters) with a link makes a briefing text longer than a variable of the
     * engine holds: it is shown cut, and the review starts, where it failed on the variable's column.
     */
    @Test
    void aLongContentIsShownCutAndTheReviewStarts() {
        TaskDefinition usual = Fixtures.manualInApp();
        TaskDefinition longBody = new TaskDefinition(usual.name(), usual.description(), usual.campaign(),
                usual.miniProgram(), usual.subgroup(), usual.channel(), usual.pushType(), usual.audience(),
                new Content("Hi {{name}}", "x".repeat(3_999), "https://example.com/" + "a".repeat(1_000)),
                usual.schedule(), usual.trigger(), usual.conversion(), usual.testers());

        OperationTask task = fixtures.underReview(longBody);
        Map<String, Object> briefing = taskService.getVariablesLocal(openWork(task).getId());

        assertThat(task.getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);
        assertThat((String) briefing.get("sampleContent")).hasSize(PrepareReviewBriefingListener.VARIABLE_TEXT)
                .startsWith("For olivia:").endsWith("…");
        assertThat((String) briefing.get("contentTemplate")).hasSize(PrepareReviewBriefingListener.VARIABLE_TEXT)
                .endsWith("…");
    }

    /**
     * The shipped routing table never yields 0 levels, so this test deploys a version that does, runs a task
     * through it, and removes it again (refreshing the rules so the other tests see the shipped table).
     */
    @Test
    void zeroLevelsApproveWithoutReview() {
        Deployment zeroLevels = engine.processEngine().getRepositoryService().createDeployment()
                .name("review-routing without review (test)")
                .addString("review-routing.dmn", shippedRoutingWithZeroLevels()).deploy();
        decisionTables.refresh();
        try {
            OperationTask task = fixtures.underReview(Fixtures.manualInApp());

            assertThat(task.getStatus()).isEqualTo(TaskStatus.RUNNING);
            assertThat(task.getApprovedBy()).isEqualTo("system");
            assertThat(engine.processEngine().getHistoryService().createHistoricActivityInstanceQuery()
                    .activityId(Element.END_APPROVED_WITHOUT_REVIEW.id()).count()).isPositive();
            assertThat(engine.lifecycle(task.getId())).isWaitingAt(LifecycleProcess.Element.RECEIVE_MANUAL_SENDS.id());
        } finally {
            engine.processEngine().getRepositoryService().deleteDeployment(zeroLevels.getId(), true);
            decisionTables.refresh();
        }
    }

    private String shippedRoutingWithZeroLevels() {
        try (var shipped = getClass().getClassLoader().getResourceAsStream("dmn/review-routing.dmn")) {
            String table = new String(shipped.readAllBytes(), StandardCharsets.UTF_8);
            // and no timeout, as a row without a review may leave it out
            return table.replace("<text>1</text>", "<text>0</text>").replace("<text>2</text>", "<text>0</text>")
                    .replace("<text>&quot;P3D&quot;</text>", "<text></text>");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> revokedUsers(Task work) {
        return engine.processEngine().getAuthorizationService().createAuthorizationQuery()
                .resourceType(Resources.TASK).resourceId(work.getId()).list().stream()
                .filter(authorization -> authorization.getAuthorizationType() == Authorization.AUTH_TYPE_REVOKE)
                .map(Authorization::getUserId).toList();
    }
}
