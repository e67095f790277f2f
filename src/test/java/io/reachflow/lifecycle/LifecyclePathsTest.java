package io.reachflow.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushKind;
import io.reachflow.delivery.PushRepository;
import io.reachflow.delivery.PushStatus;
import io.reachflow.delivery.PushTrigger;
import io.reachflow.delivery.RecipientStatus;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.lifecycle.LifecycleProcess.Element;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.AuditEntry;
import io.reachflow.task.AuditRepository;
import io.reachflow.task.Channel;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.IllegalTransitionException;
import io.reachflow.task.InvalidTaskException;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every path of {@code bpmn/operation-task-lifecycle.bpmn}, with the real delegates and database. */
@ReachflowSpringTest
class LifecyclePathsTest {

    @Autowired
    Fixtures fixtures;

    @Autowired
    Deliveries deliveries;

    @Autowired
    Engine engine;

    @Autowired
    TaskCommands commands;

    @Autowired
    PushRepository pushes;

    @Autowired
    DeliveryService delivery;

    @Autowired
    AuditRepository audits;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void initAssertions() {
        BpmnAwareTests.init(engine.processEngine());
    }

    @AfterEach
    void resetClock() {
        engine.resetClock();
    }

    private ProcessInstance lifecycleOf(OperationTask task) {
        return engine.lifecycle(task.getId());
    }

    private List<Push> livePushes(OperationTask task) {
        return pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.LIVE);
    }

    @Test
    void newTaskWaitsInDraft() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_DRAFT.id());
        assertThat(task.getStatus()).isEqualTo(TaskStatus.DRAFT);
    }

    @Test
    void testSendsATestRoundToEveryTesterInTheBackground() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);

        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id(), Element.SERVICE_SEND_TEST_ROUND.id());
        assertThat(pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST)).isEmpty();

        engine.runDueJobs(task.getId());

        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id())
                .hasPassed(Element.SERVICE_SEND_TEST_ROUND.id(), Element.END_TEST_ROUND_SENT.id());
        Push round = pushes.findFirstByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST).orElseThrow();
        assertThat(round.getTriggeredBy()).isEqualTo(PushTrigger.TEST);
        assertThat(delivery.outcomes(round.getId()))
                .extracting(DeliveryService.RecipientOutcome::userId, DeliveryService.RecipientOutcome::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("olivia", RecipientStatus.DELIVERED),
                        org.assertj.core.groups.Tuple.tuple("una", RecipientStatus.DELIVERED));
    }

    /**
     * Testers are staff: a customer's profile named as a tester ("alice") is refused when saved, and gets nothing
     * when a task has one all the same (saved by an earlier release, or a tester who has left since). A test round
     * skips opt-outs and send windows, and its content was never reviewed: an operator could otherwise have sent
     * anything to any customer, as many times as it liked, without a review.
     */
    @Test
    void aTestRoundNeverReachesACustomerNamedAsATester() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        assertThatThrownBy(() -> fixtures.as(Fixtures.OPERATOR,
                () -> commands.changeTesters(task.getId(), List.of("alice", "olivia"), null)))
                .isInstanceOfSatisfying(InvalidTaskException.class, refused -> assertThat(refused.errors())
                        .containsOnlyKeys("testers").hasValueSatisfying(new org.assertj.core.api.Condition<>(
                                message -> message.startsWith("'alice' is not a user of Reachflow"), "names alice")));
        assertThatThrownBy(() -> fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(),
                testedBy(Fixtures.manualInApp(), "olivia", "alice", "bob"), null)))
                .isInstanceOf(InvalidTaskException.class).hasMessageContaining("'alice', 'bob' are not users");
        assertThat(fixtures.reload(task).getTesters()).containsExactly("olivia", "una");

        jdbc.update("update operation_task set testers = '[\"alice\", \"olivia\"]' where id = ?", task.getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);

        engine.runDueJobs(task.getId());

        Push round = pushes.findFirstByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST).orElseThrow();
        assertThat(delivery.outcomes(round.getId()))
                .extracting(DeliveryService.RecipientOutcome::userId, DeliveryService.RecipientOutcome::status,
                        DeliveryService.RecipientOutcome::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", RecipientStatus.FAILED, "NOT_STAFF"),
                        org.assertj.core.groups.Tuple.tuple("olivia", RecipientStatus.DELIVERED, null));
        assertThat(jdbc.queryForObject("select count(*) from inbox_message where task_id = ? and user_id = 'alice'",
                Long.class, task.getId())).isZero();
    }

    private static TaskDefinition testedBy(TaskDefinition definition, String... testers) {
        return new TaskDefinition(definition.name(), definition.description(), definition.campaign(),
                definition.miniProgram(), definition.subgroup(), definition.channel(), definition.pushType(),
                definition.audience(), definition.content(), definition.schedule(), definition.trigger(),
                definition.conversion(), List.of(testers));
    }

    @Test
    void aTestRoundWhoseTestersWereRemovedMeanwhileReachesNoOne() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        fixtures.as(Fixtures.OPERATOR, () -> commands.changeTesters(task.getId(), List.of(), null));

        engine.runDueJobs(task.getId());

        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id())
                .hasPassed(Element.END_TEST_ROUND_SENT.id());
        Push round = pushes.findFirstByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST).orElseThrow();
        assertThat(round.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(delivery.outcomes(round.getId())).isEmpty();
    }

    @Test
    void retestSendsAnotherRoundAndKeepsWaiting() {
        OperationTask task = fixtures.testing(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobs(task.getId());

        assertThat(pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST)).hasSize(2);
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id());
    }

    /**
     * A task saved under an earlier release's rules, which today's refuse (here its link), fails its submission with
     * what is wrong, field by field, after the table's reason: the table's one line for such tasks speaks of the
     * schedule, which is not what is wrong.
     */
    @Test
    void aSubmissionOfATaskTheRulesNowRefuseSaysWhatIsWrong() {
        OperationTask task = fixtures.testing(Fixtures.manualInApp());
        jdbc.update("update operation_task set content = replace(content, 'https://example.com/sale', "
                + "'ftp://example.com/sale') where id = ?", task.getId());

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);

        OperationTask refused = fixtures.reload(task);
        assertThat(refused.getApprovalStatus()).isEqualTo(ApprovalStatus.SUBMISSION_FAILED);
        assertThat(refused.getApprovalNote()).isEqualTo("The schedule is not valid for the push type; "
                + "content.link must be an absolute http or https URL, such as https://shop.example.com/sale");
    }

    /**
     * A test round stuck in an incident (its job failed through all its retries: the database was away, say) is
     * superseded by the next one the operator asks for: it is cancelled, not left an open incident after the new
     * round reached the testers, nor a token that keeps the lifecycle from ending when the task is deleted.
     */
    @Test
    void aRetestSupersedesATestRoundStuckInAnIncident() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        ManagementService management = engine.processEngine().getManagementService();
        Job stuck = management.createJobQuery().processInstanceId(lifecycleOf(task).getId())
                .activityId(Element.SERVICE_SEND_TEST_ROUND.id()).singleResult();
        management.setJobRetries(stuck.getId(), 0);
        assertThat(openIncidents(task)).as("the stuck round's incident").isOne();

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobs(task.getId());

        assertThat(openIncidents(task)).isZero();
        assertThat(lifecycleOf(task)).isWaitingAtExactly(Element.RECEIVE_PREPARE.id());
        assertThat(pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST)).as("the new round")
                .hasSize(1);
        ProcessInstance lifecycle = lifecycleOf(task);
        fixtures.as(Fixtures.OPERATOR, () -> {
            commands.delete(task.getId(), null);
            return null;
        });
        assertThat(lifecycle).isEnded();
    }

    private long openIncidents(OperationTask task) {
        return engine.processEngine().getRuntimeService().createIncidentQuery()
                .processInstanceId(lifecycleOf(task).getId()).count();
    }

    @Test
    void submissionWithOutdatedTestRoundFailsAndStaysTesting() {
        OperationTask task = fixtures.testing(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(), Fixtures.edited(Fixtures.manualInApp()), null));
        OperationTask submitted = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);

        assertThat(submitted.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(submitted.getApprovalStatus()).isEqualTo(ApprovalStatus.SUBMISSION_FAILED);
        assertThat(submitted.getApprovalNote()).contains("earlier version");
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id())
                .hasPassed(Element.SERVICE_CHECK_SUBMISSION.id());
        assertThat(engine.review(task.getId())).isNull();
    }

    @Test
    void submissionFailsWhenATesterWasNotReached() {
        OperationTask task = fixtures.draft(Fixtures.definition(Channel.SMS, PushType.MANUAL, Schedule.immediately(), null));
        // a colleague without a profile, so without a phone (the demo operators' profiles have one)
        String colleague = fixtures.newOperator("no-phone", "secret");
        fixtures.as(Fixtures.OPERATOR, () -> commands.changeTesters(task.getId(), List.of("olivia", colleague), null));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobs(task.getId());
        OperationTask submitted = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);

        assertThat(submitted.getApprovalStatus()).isEqualTo(ApprovalStatus.SUBMISSION_FAILED);
        assertThat(submitted.getApprovalNote()).contains("did not reach every tester");
    }

    @Test
    void submissionFailsWhenSendTimeHasPassed() {
        OperationTask task = fixtures.testing(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME,
                Fixtures.oneTimeAt(engine.now().plus(Duration.ofHours(1))), null));
        engine.advance(Duration.ofHours(2));
        OperationTask submitted = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);

        assertThat(submitted.getApprovalStatus()).isEqualTo(ApprovalStatus.SUBMISSION_FAILED);
        assertThat(submitted.getApprovalNote()).contains("in the past");
    }

    @Test
    void submissionPassesIntoReview() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());

        assertThat(task.getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);
        assertThat(task.getSubmittedBy()).isEqualTo(Fixtures.OPERATOR);
        assertThat(lifecycleOf(task)).isWaitingAt(Element.CALL_REVIEW.id());
        assertThat(engine.review(task.getId())).isNotNull();
    }

    @Test
    void rejectionReturnsToTestingWithTheComment() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        OperationTask rejected = fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.REJECT, "wrong link");

        assertThat(rejected.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(rejected.getApprovalStatus()).isEqualTo(ApprovalStatus.REJECTED);
        assertThat(rejected.getApprovalNote()).isEqualTo("wrong link");
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id())
                .hasPassed(Element.SERVICE_RECORD_REJECTION.id());
        assertThat(audits.findByTaskIdOrderByIdAsc(task.getId())).extracting(AuditEntry::getAction, AuditEntry::getActor)
                .contains(org.assertj.core.groups.Tuple.tuple("REJECT", Fixtures.REVIEWER));
    }

    @Test
    void resubmissionAfterRejectionStartsANewReview() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.REJECT, "wrong link");
        OperationTask resubmitted = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);

        assertThat(resubmitted.getStatus()).isEqualTo(TaskStatus.UNDER_REVIEW);
        assertThat(lifecycleOf(task)).isWaitingAt(Element.CALL_REVIEW.id());
    }

    @Test
    void withdrawalEndsTheReview() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        OperationTask withdrawn = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.WITHDRAW, null);

        assertThat(withdrawn.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(withdrawn.getApprovalStatus()).isEqualTo(ApprovalStatus.WITHDRAWN);
        assertThat(engine.review(task.getId())).isNull();
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id());
    }

    @Test
    void reviewTimeoutWithdrawsTheRequest() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        engine.advance(Duration.ofDays(3).plusMinutes(1));
        engine.runDueJobs(task.getId());

        OperationTask timedOut = fixtures.reload(task);
        assertThat(timedOut.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(timedOut.getApprovalStatus()).isEqualTo(ApprovalStatus.WITHDRAWN);
        assertThat(timedOut.getApprovalNote()).isEqualTo("review timed out");
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id())
                .hasPassed(Element.SERVICE_RECORD_REVIEW_TIMEOUT.id());
        assertThat(engine.review(task.getId())).isNull();
    }

    @Test
    void approvalOfOneTimeTaskWithoutSendTimeSendsAtOnceAndCompletes() {
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME, Schedule.immediately(), null));
        assertThat(lifecycleOf(task)).isWaitingAt(Element.TIMER_SEND_AT.id());
        assertThat(engine.processEngine().getManagementService().createJobQuery()
                .processInstanceId(lifecycleOf(task).getId()).executable().count()).as("due at once").isEqualTo(1);

        engine.runDueJobs(task.getId());

        OperationTask done = fixtures.reload(task);
        assertThat(done.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.getCompletionReason()).isEqualTo(CompletionReason.DELIVERED);
        assertThat(livePushes(task)).singleElement().satisfies(push -> {
            assertThat(push.getTriggeredBy()).isEqualTo(PushTrigger.SCHEDULE);
            assertThat(push.getDelivered()).isEqualTo(2);
        });
        assertThat(lifecycleOf(task)).isNull();
    }

    @Test
    void oneTimeTaskWaitsForItsSendTime() {
        Instant sendAt = engine.now().plus(Duration.ofHours(5));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME, Fixtures.oneTimeAt(sendAt), null));
        assertThat(lifecycleOf(task)).isWaitingAt(Element.TIMER_SEND_AT.id());
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).isEmpty();

        engine.advance(Duration.ofHours(5).plusMinutes(1));
        engine.runDueJobs(task.getId());

        assertThat(fixtures.reload(task).getCompletionReason()).isEqualTo(CompletionReason.DELIVERED);
        assertThat(livePushes(task)).hasSize(1);
    }

    @Test
    void lateApprovalExpiresOneTimeTaskWithoutSending() {
        Instant sendAt = engine.now().plus(Duration.ofMinutes(30));
        OperationTask task = fixtures.underReview(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME, Fixtures.oneTimeAt(sendAt), null));
        engine.advance(Duration.ofHours(2));
        fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.APPROVE, "late");
        engine.runDueJobs(task.getId());

        OperationTask expired = fixtures.reload(task);
        assertThat(expired.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(expired.getCompletionReason()).isEqualTo(CompletionReason.EXPIRED);
        assertThat(livePushes(task)).isEmpty();
        assertThat(engine.processEngine().getHistoryService().createHistoricActivityInstanceQuery()
                .activityId(Element.SERVICE_EXPIRE_TASK.id()).list()).isNotEmpty();
    }

    @Test
    void approvalWithinGraceStillSends() {
        Instant sendAt = engine.now().plus(Duration.ofMinutes(30));
        OperationTask task = fixtures.underReview(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME, Fixtures.oneTimeAt(sendAt), null));
        engine.advance(Duration.ofMinutes(80));
        fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.APPROVE, "just in time");
        engine.runDueJobs(task.getId());

        assertThat(fixtures.reload(task).getCompletionReason()).isEqualTo(CompletionReason.DELIVERED);
        assertThat(livePushes(task)).hasSize(1);
    }

    @Test
    void recurringTaskSendsEachOccurrenceUntilItsEnd() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant end = start.plus(Duration.ofHours(3)).plusSeconds(30);
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, end), null));
        assertThat(lifecycleOf(task)).isWaitingAt(Element.GATEWAY_AWAIT_OCCURRENCE.id());

        // to instants, not by hours from now: in the first 30 seconds of an hour, four hours on would not reach the end
        for (int hour = 0; hour < 3; hour++) {
            engine.advance(Duration.between(engine.now(), start.plus(Duration.ofHours(hour)).plusSeconds(1)));
            engine.runDueJobs(task.getId());
        }
        assertThat(livePushes(task)).hasSize(3);
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);

        engine.advance(Duration.between(engine.now(), end.plusSeconds(1)));
        engine.runDueJobs(task.getId());

        OperationTask ended = fixtures.reload(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(ended.getCompletionReason()).isEqualTo(CompletionReason.END_TIME_REACHED);
        assertThat(livePushes(task)).hasSize(4);
    }

    @Test
    void resumedRecurringTaskSkipsMissedOccurrences() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, start.plus(Duration.ofDays(1))), null));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.advance(Duration.between(engine.now(), start.plus(Duration.ofHours(4).plusMinutes(30))));
        engine.runDueJobs(task.getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        assertThat(livePushes(task)).as("five occurrences passed while paused: none is caught up").isEmpty();
        engine.advance(Duration.ofMinutes(31));
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).hasSize(1);
    }

    /**
     * The application was down across an occurrence: when it is back 3 hours later the occurrence's timer fires, but
     * later than the grace (1 hour): it is skipped, and the next occurrence goes out on time.
     */
    @Test
    void anOccurrenceMissedDuringAnOutageIsSkipped() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 0 * * *", start, start.plus(Duration.ofDays(3))), null));
        Instant firstOccurrence = engine.lifecycleTimerDue(task.getId(), Element.TIMER_NEXT_OCCURRENCE.id());
        engine.advance(Duration.between(engine.now(), firstOccurrence.plus(Duration.ofHours(3))));

        engine.runDueJobs(task.getId());

        assertThat(livePushes(task)).as("the late occurrence is not sent").isEmpty();
        assertThat(lifecycleOf(task)).isWaitingAt(Element.GATEWAY_AWAIT_OCCURRENCE.id());
        assertThat(engine.lifecycleTimerDue(task.getId(), Element.TIMER_NEXT_OCCURRENCE.id()))
                .isEqualTo(firstOccurrence.plus(Duration.ofDays(1)));
        engine.advance(Duration.ofDays(1).minusHours(3));
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).as("the next one, on time").hasSize(1);
    }

    /**
     * An occurrence whose delivery started but whose plan the pause overtook is skipped, as missed occurrences are:
     * the resume may come days later, and a push held for it would go out that late (an operator's send is held).
     */
    @Test
    void anOccurrenceThePauseOvertookBeforeItsPlanIsSkipped() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, start.plus(Duration.ofDays(3))), null));
        engine.advance(Duration.between(engine.now(), start.plusSeconds(1)));
        engine.runDueJobsExcept(task.getId(), DeliveryProcess.Element.SERVICE_PLAN_PUSH.id());
        assertThat(engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey(DeliveryProcess.KEY).processInstanceBusinessKey(String.valueOf(task.getId()))
                .count()).as("the occurrence's delivery waits for its plan").isEqualTo(1);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());
        engine.advance(Duration.ofDays(1));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        assertThat(livePushes(task)).as("not held, not sent a day late").isEmpty();
    }

    /** An occurrence's push paused before its batch went out goes on after the resume: the same push, no new one. */
    @Test
    void recurringPushPausedMidWayGoesOnAfterTheResume() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, start.plus(Duration.ofDays(1))), null,
                Deliveries.to(deliveries.audienceOf(3))));
        engine.advance(Duration.between(engine.now(), start.plusSeconds(1)));
        engine.runDueJobsExcept(task.getId(), DeliveryProcess.Element.SERVICE_DELIVER_BATCH.id());
        Push planned = livePushes(task).get(0);
        long toReach = delivery.counts(planned.getId()).planned();

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task).get(0).getStatus()).isEqualTo(PushStatus.PAUSED);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        assertThat(livePushes(task)).hasSize(1);
        Push resumed = livePushes(task).get(0);
        assertThat(resumed.getId()).isEqualTo(planned.getId());
        assertThat(resumed.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(resumed.getDelivered()).isEqualTo(toReach).isPositive();
        assertThat(lifecycleOf(task)).isWaitingAt(Element.GATEWAY_AWAIT_OCCURRENCE.id());
    }

    /**
     * A recurring task paused past its end time completes then, as a running one does (it stayed PAUSED until a
     * resume, which then completed it); what the pause stopped mid-way is cancelled, not sent after the end.
     */
    @Test
    void recurringTaskPausedPastItsEndCompletesAtItsEnd() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant end = start.plus(Duration.ofHours(5));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, end), null, Deliveries.to(deliveries.audienceOf(3))));
        engine.advance(Duration.between(engine.now(), start.plusSeconds(1)));
        engine.runDueJobsExcept(task.getId(), DeliveryProcess.Element.SERVICE_DELIVER_BATCH.id());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PAUSED_UNTIL_END.id());
        assertThat(livePushes(task).get(0).getStatus()).isEqualTo(PushStatus.PAUSED);

        engine.advance(Duration.between(engine.now(), end.plusSeconds(1)));
        engine.runDueJobs(task.getId());

        OperationTask ended = fixtures.reload(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(ended.getCompletionReason()).isEqualTo(CompletionReason.END_TIME_REACHED);
        assertThat(lifecycleOf(task)).isNull();
        assertThat(livePushes(task)).singleElement().satisfies(push -> {
            assertThat(push.getStatus()).isEqualTo(PushStatus.CANCELLED);
            assertThat(push.getCancelReason()).isEqualTo("TASK_COMPLETED");
            assertThat(push.getDelivered()).isZero();
        });
    }

    /** While it waits for its end time, a paused recurring task takes a complete and an edit as a paused one does. */
    @Test
    void recurringTaskPausedIsCompletedOrEditedByTheOperator() {
        Instant start = engine.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        OperationTask completed = fixtures.paused(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, start.plus(Duration.ofDays(1))), null));
        OperationTask edited = fixtures.paused(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                Fixtures.recurring("0 0 * * * *", start, start.plus(Duration.ofDays(1))), null));
        assertThat(lifecycleOf(completed)).isWaitingAt(Element.RECEIVE_PAUSED_UNTIL_END.id());

        fixtures.act(Fixtures.OPERATOR, completed.getId(), TaskAction.COMPLETE, "over");
        fixtures.as(Fixtures.OPERATOR, () -> commands.edit(edited.getId(), Fixtures.edited(edited.definition()), null));

        assertThat(fixtures.reload(completed).getCompletionReason()).isEqualTo(CompletionReason.COMPLETED_BY_OPERATOR);
        assertThat(lifecycleOf(completed)).isNull();
        assertThat(fixtures.reload(edited).getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(lifecycleOf(edited)).isWaitingAt(Element.RECEIVE_PREPARE.id());
        assertThat(engine.processEngine().getManagementService().createJobQuery()
                .processInstanceId(lifecycleOf(edited).getId()).timers().count()).as("the end timer is gone").isZero();
    }

    @Test
    void triggeredTaskPausedPastItsEndCompletesAtItsEnd() {
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.TRIGGERED,
                Fixtures.until(engine.now().plus(Duration.ofDays(2))), Fixtures.trigger()));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PAUSED_UNTIL_END.id());

        engine.advance(Duration.ofDays(2).plusMinutes(1));
        engine.runDueJobs(task.getId());

        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(fixtures.reload(task).getCompletionReason()).isEqualTo(CompletionReason.END_TIME_REACHED);
    }

    @Test
    void manualTaskSendsOnEveryRequest() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_MANUAL_SENDS.id());

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        fixtures.act(Fixtures.OTHER_OPERATOR, task.getId(), TaskAction.SEND, null);
        assertThat(lifecycleOf(task)).as("each send started its delivery at once")
                .isWaitingAt(Element.RECEIVE_MANUAL_SENDS.id()).hasPassed(Element.SERVICE_START_MANUAL_PUSH.id());
        assertThat(engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey(DeliveryProcess.KEY).processInstanceBusinessKey(String.valueOf(task.getId()))
                .count()).isEqualTo(2);
        assertThat(livePushes(task)).as("planned in the deliveries' jobs").isEmpty();
        engine.runDueJobs(task.getId());

        assertThat(livePushes(task)).hasSize(2).allSatisfy(push -> assertThat(push.getTriggeredBy()).isEqualTo(PushTrigger.MANUAL));
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);
    }

    /**
     * A scheduled push's start that fails (as one does on the engine's optimistic lock when the process instance
     * changes at the same moment) is tried again within a second, then later and later: five attempts in all, then an
     * incident an admin retries.
     */
    @Test
    void aFailedStartOfAPushIsTriedAgainWithinASecondFiveTimesInAll() {
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME,
                Schedule.immediately(), null));
        ManagementService management = engine.processEngine().getManagementService();
        RepositoryService repository = engine.processEngine().getRepositoryService();
        management.executeJob(management.createJobQuery().processInstanceId(lifecycleOf(task).getId())
                .activityId(Element.TIMER_SEND_AT.id()).singleResult().getId());
        Supplier<Job> start = () -> management.createJobQuery().processInstanceId(lifecycleOf(task).getId())
                .activityId(Element.SERVICE_START_ONE_TIME_PUSH.id()).singleResult();
        assertThat(start.get().getRetries()).isEqualTo(5);
        engine.setTime(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        List<Duration> waits = new ArrayList<>();
        repository.suspendProcessDefinitionByKey(DeliveryProcess.KEY); // a delivery cannot start: the start fails
        try {
            for (int attempt = 1; attempt <= 5; attempt++) {
                Instant now = engine.now();
                String job = start.get().getId();
                assertThatThrownBy(() -> management.executeJob(job)).as("attempt " + attempt)
                        .isInstanceOf(ProcessEngineException.class);
                Job failed = start.get();
                if (failed.getRetries() > 0) {
                    waits.add(Duration.between(now, failed.getDuedate().toInstant()));
                    engine.setTime(failed.getDuedate().toInstant());
                }
            }
        } finally {
            repository.activateProcessDefinitionByKey(DeliveryProcess.KEY);
        }

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(3));
        assertThat(start.get().getRetries()).isZero();
        assertThat(engine.processEngine().getRuntimeService().createIncidentQuery()
                .processInstanceId(lifecycleOf(task).getId()).count()).isEqualTo(1);
        management.setJobRetries(start.get().getId(), 1); // an admin's retry, as in Cockpit
        engine.advance(Duration.ofMinutes(3));
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).hasSize(1);
    }

    @Test
    void triggeredTaskRunsUntilItsEndTime() {
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.TRIGGERED,
                Fixtures.until(engine.now().plus(Duration.ofDays(2))), Fixtures.trigger()));
        assertThat(lifecycleOf(task)).isWaitingAt(Element.TIMER_TRIGGER_WINDOW_END.id());

        engine.advance(Duration.ofDays(2).plusMinutes(1));
        engine.runDueJobs(task.getId());

        OperationTask ended = fixtures.reload(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(ended.getCompletionReason()).isEqualTo(CompletionReason.END_TIME_REACHED);
    }

    /** A send not yet planned when the pause comes is held, as a push the pause stopped mid-way is, and goes on. */
    @Test
    void pauseHoldsAQueuedSendAndTheResumeSendsIt() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PAUSED.id());
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).as("the queued send is held by the pause").singleElement()
                .satisfies(push -> assertThat(push.getStatus()).isEqualTo(PushStatus.PAUSED));

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).singleElement().satisfies(push -> {
            assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
            assertThat(push.getDelivered()).isEqualTo(2);
        });
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_MANUAL_SENDS.id());
    }

    @Test
    void completeWhileRunningEndsTheLifecycle() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        OperationTask completed = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, null);
        assertThat(completed.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(completed.getCompletionReason()).isEqualTo(CompletionReason.COMPLETED_BY_OPERATOR);
        assertThat(lifecycleOf(task)).isNull();
    }

    @Test
    void completeWhilePausedEndsTheLifecycle() {
        OperationTask task = fixtures.paused(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, null);
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(lifecycleOf(task)).isNull();
    }

    @Test
    void editWhilePausedSendsTaskBackToTestingForANewApproval() {
        OperationTask task = fixtures.paused(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(), Fixtures.edited(Fixtures.manualInApp()), null));

        OperationTask edited = fixtures.reload(task);
        assertThat(edited.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(edited.getApprovalStatus()).isEqualTo(ApprovalStatus.NONE);
        assertThat(lifecycleOf(task)).isWaitingAt(Element.RECEIVE_PREPARE.id());

        OperationTask resubmitted = fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);
        assertThat(resubmitted.getApprovalStatus()).as("the old test round tested the old version")
                .isEqualTo(ApprovalStatus.SUBMISSION_FAILED);
    }

    @Test
    void deleteEndsTheLifecycleAndHidesTheTask() {
        OperationTask draft = fixtures.draft(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR, () -> {
            commands.delete(draft.getId(), null);
            return null;
        });
        assertThat(lifecycleOf(draft)).isNull();
        assertThat(fixtures.reload(draft).isDeleted()).isTrue();
        assertThat(audits.findByTaskIdOrderByIdAsc(draft.getId())).extracting(AuditEntry::getAction).contains("DELETE");

        OperationTask testing = fixtures.testing(Fixtures.manualInApp());
        fixtures.as(Fixtures.OPERATOR, () -> {
            commands.delete(testing.getId(), null);
            return null;
        });
        assertThat(lifecycleOf(testing)).isNull();
    }

    /** A test round still waiting for its job when the task is deleted is never sent: deletion ends every path. */
    @Test
    void deleteCallsOffATestRoundNotYetSent() {
        OperationTask testing = fixtures.testing(Fixtures.manualInApp());
        int roundsBefore = pushes.findByTaskIdAndKindOrderByIdDesc(testing.getId(), PushKind.TEST).size();
        fixtures.act(Fixtures.OPERATOR, testing.getId(), TaskAction.TEST, null);
        String lifecycle = lifecycleOf(testing).getId();
        assertThat(engine.processEngine().getManagementService().createJobQuery().processInstanceId(lifecycle)
                .count()).as("the round's job").isOne();

        fixtures.as(Fixtures.OPERATOR, () -> {
            commands.delete(testing.getId(), null);
            return null;
        });
        engine.runDueJobs(testing.getId());

        assertThat(lifecycleOf(testing)).isNull();
        assertThat(engine.processEngine().getManagementService().createJobQuery().processInstanceId(lifecycle)
                .count()).isZero();
        assertThat(pushes.findByTaskIdAndKindOrderByIdDesc(testing.getId(), PushKind.TEST)).hasSize(roundsBefore);
        // a lifecycle of a model before this one left the round's job waiting: sent then, it reaches nobody
        Push late = delivery.sendTestRound(testing.getId());
        assertThat(late.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(late.getCancelReason()).isEqualTo("TASK_DELETED");
        assertThat(jdbc.queryForObject("select count(*) from push_recipient where push_id = ?", Long.class,
                late.getId())).isZero();
    }

    @Test
    void copyStartsItsOwnLifecycleAsDraft() {
        OperationTask original = fixtures.completed(Fixtures.manualInApp());
        OperationTask copy = fixtures.act(Fixtures.OTHER_OPERATOR, original.getId(), TaskAction.COPY, null);

        assertThat(copy.getId()).isNotEqualTo(original.getId());
        assertThat(copy.getName()).isEqualTo("Copy of " + original.getName());
        assertThat(copy.getCreatedBy()).isEqualTo(Fixtures.OTHER_OPERATOR);
        assertThat(lifecycleOf(copy)).isWaitingAt(Element.RECEIVE_DRAFT.id());
    }

    @Test
    void aMessageTheModelDoesNotWaitForIsARefusedTransition() {
        OperationTask task = fixtures.draft(Fixtures.manualInApp());
        assertThatThrownBy(() -> engine.processEngine().getRuntimeService().createMessageCorrelation(
                        LifecycleProcess.Message.PAUSED.messageName())
                .processInstanceBusinessKey(String.valueOf(task.getId())).correlate())
                .isInstanceOf(org.camunda.bpm.engine.MismatchingMessageCorrelationException.class);
        assertThatThrownBy(() -> fixtures.as(Fixtures.OPERATOR, () -> {
            new LifecycleFacade(engine.processEngine().getRuntimeService(), engine.processEngine().getTaskService(),
                    engine.processEngine().getIdentityService(), engine.processEngine().getRepositoryService(),
                    engine.processEngine().getManagementService(), java.time.Clock.systemUTC())
                    .send(task.getId(), LifecycleProcess.Message.PAUSED);
            return null;
        })).isInstanceOf(IllegalTransitionException.class);
    }
}
