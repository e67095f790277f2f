package io.reachflow.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregate's own guard: transitions its lifecycle does not have are refused, without Spring. */
class OperationTaskTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static TaskDefinition definition(PushType pushType, Schedule schedule) {
        return new TaskDefinition("Spring sale", null, "spring", null, "north", Channel.IN_APP, pushType,
                new Audience(AudienceType.ALL, null, null, null), new Content("Hi {{name}}", "Sale!", null),
                schedule, null, null, List.of("olivia"));
    }

    private static OperationTask draft() {
        return OperationTask.create(definition(PushType.MANUAL, null), "olivia", NOW);
    }

    private static OperationTask running() {
        OperationTask task = draft();
        task.startTesting(NOW);
        task.submit("olivia", NOW);
        task.approve("rita", NOW);
        return task;
    }

    @Test
    void startsAsDraftWithoutApproval() {
        OperationTask task = draft();
        assertThat(task.getStatus()).isEqualTo(TaskStatus.DRAFT);
        assertThat(task.getApprovalStatus()).isEqualTo(ApprovalStatus.NONE);
        assertThat(task.getCreatedBy()).isEqualTo("olivia");
        assertThat(task.getRevision()).isEqualTo(1);
    }

    @Test
    void refusesPauseOfDraft() {
        assertThatThrownBy(() -> draft().pause(NOW)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("DRAFT");
    }

    @Test
    void refusesTestWithoutTesters() {
        OperationTask task = OperationTask.create(new TaskDefinition("x", null, null, null, null, Channel.IN_APP,
                PushType.MANUAL, new Audience(AudienceType.ALL, null, null, null), new Content(null, "b", null),
                null, null, null, List.of()), "olivia", NOW);
        assertThatThrownBy(() -> task.startTesting(NOW)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("testers");
    }

    @Test
    void goesFromDraftThroughReviewToRunning() {
        OperationTask task = running();
        assertThat(task.getStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(task.getApprovalStatus()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(task.getSubmittedBy()).isEqualTo("olivia");
        assertThat(task.getApprovedBy()).isEqualTo("rita");
    }

    @Test
    void keepsTestingWhenSubmissionFails() {
        OperationTask task = draft();
        task.startTesting(NOW);
        task.failSubmission("olivia", List.of("no test round", "empty audience"), NOW);
        assertThat(task.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(task.getApprovalStatus()).isEqualTo(ApprovalStatus.SUBMISSION_FAILED);
        assertThat(task.getApprovalNote()).isEqualTo("no test round; empty audience");
    }

    @Test
    void returnsToTestingOnRejectionAndWithdrawal() {
        OperationTask rejected = draft();
        rejected.startTesting(NOW);
        rejected.submit("olivia", NOW);
        rejected.reject("rita", "wrong link", NOW);
        assertThat(rejected.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(rejected.getApprovalStatus()).isEqualTo(ApprovalStatus.REJECTED);
        assertThat(rejected.getApprovalNote()).isEqualTo("wrong link");

        OperationTask withdrawn = draft();
        withdrawn.startTesting(NOW);
        withdrawn.submit("olivia", NOW);
        withdrawn.withdraw("review timed out", NOW);
        assertThat(withdrawn.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(withdrawn.getApprovalStatus()).isEqualTo(ApprovalStatus.WITHDRAWN);
    }

    @Test
    void editingPausedTaskSendsItBackToTestingWithoutApproval() {
        OperationTask task = running();
        task.pause(NOW);
        task.edit(definition(PushType.MANUAL, null), NOW);
        assertThat(task.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(task.getApprovalStatus()).isEqualTo(ApprovalStatus.NONE);
        assertThat(task.getApprovedBy()).isNull();
        assertThat(task.getApprovedAt()).isNull();
        assertThat(task.getRevision()).isEqualTo(2);
    }

    @Test
    void changingTheTestersOfAPausedTaskDropsItsApproval() {
        OperationTask task = running();
        task.pause(NOW);
        task.changeTesters(List.of("una"), NOW);
        assertThat(task.getStatus()).isEqualTo(TaskStatus.TESTING);
        assertThat(task.getApprovalStatus()).isEqualTo(ApprovalStatus.NONE);
        assertThat(task.getApprovedBy()).isNull();
        assertThat(task.getApprovedAt()).isNull();
    }

    @Test
    void aTesterNamedTwiceIsOneInTheOrderFirstNamed() {
        OperationTask task = draft();
        task.changeTesters(List.of("una", "olivia", "una", "Una"), NOW);
        assertThat(task.getTesters()).containsExactly("una", "olivia", "Una");
        assertThat(OperationTask.create(new TaskDefinition("x", null, null, null, null, Channel.IN_APP, PushType.MANUAL,
                new Audience(AudienceType.ALL, null, null, null), new Content(null, "b", null), null, null, null,
                List.of("olivia", "olivia")), "olivia", NOW).getTesters()).containsExactly("olivia");
    }

    @Test
    void aBlankSubgroupIsNone() {
        OperationTask task = running();
        task.changeSubgroup("  ", NOW);
        assertThat(task.getSubgroup()).isNull();
        assertThat(new TaskDefinition("x", null, null, null, " ", Channel.IN_APP, PushType.MANUAL,
                new Audience(AudienceType.ALL, null, null, null), new Content(null, "b", null), null, null, null,
                null).subgroup()).isNull();
    }

    @Test
    void refusesEditWhileRunningOrUnderReview() {
        assertThatThrownBy(() -> running().edit(definition(PushType.MANUAL, null), NOW))
                .isInstanceOf(IllegalTransitionException.class);
        OperationTask underReview = draft();
        underReview.startTesting(NOW);
        underReview.submit("olivia", NOW);
        assertThatThrownBy(() -> underReview.edit(definition(PushType.MANUAL, null), NOW))
                .isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void subgroupChangeIsNeverMaterial() {
        OperationTask task = running();
        task.changeSubgroup("south", NOW);
        assertThat(task.getSubgroup()).isEqualTo("south");
        assertThat(task.getStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(task.getApprovalStatus()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(task.getRevision()).isEqualTo(1);
    }

    @Test
    void completedIsTerminal() {
        OperationTask task = running();
        task.complete(CompletionReason.COMPLETED_BY_OPERATOR, NOW);
        assertThat(task.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThatThrownBy(() -> task.resume(NOW)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> task.complete(CompletionReason.END_TIME_REACHED, NOW)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> task.edit(definition(PushType.MANUAL, null), NOW)).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void pauseAndResumeOnlyBetweenRunningAndPaused() {
        OperationTask task = running();
        task.pause(NOW);
        assertThatThrownBy(() -> task.pause(NOW)).isInstanceOf(IllegalTransitionException.class);
        task.resume(NOW);
        assertThat(task.getStatus()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void deleteIsSoftAndOnlyBeforeReview() {
        OperationTask task = draft();
        task.delete(NOW);
        assertThat(task.isDeleted()).isTrue();
        assertThatThrownBy(() -> task.startTesting(NOW)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("deleted");
        assertThatThrownBy(() -> running().delete(NOW)).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void copyIsNewDraftOfCaller() {
        OperationTask copy = running().copy("oscar", List.of("una", "olivia", "una"), NOW);
        assertThat(copy.getStatus()).isEqualTo(TaskStatus.DRAFT);
        assertThat(copy.getName()).isEqualTo("Copy of Spring sale");
        assertThat(copy.getCreatedBy()).isEqualTo("oscar");
        assertThat(copy.getSourceAuthors()).containsExactly("olivia", "una");
        assertThat(copy.getAudience()).isEqualTo(running().getAudience());
    }

    @Test
    void copyNameIsCutToSixtyFourCharacters() {
        OperationTask task = OperationTask.create(new TaskDefinition("x".repeat(64), null, null, null, null,
                Channel.IN_APP, PushType.MANUAL, new Audience(AudienceType.ALL, null, null, null),
                new Content(null, "b", null), null, null, null, List.of("olivia")), "olivia", NOW);
        assertThat(task.copy("olivia", List.of(), NOW).getName()).hasSize(64).startsWith("Copy of ");
    }

    /** Cut at 64 UTF-16 units, "Copy of a" and its emoji would end in half an emoji: it is dropped, not split. */
    @Test
    void copyNameIsCutBetweenCharacters() {
        String grin = "\uD83D\uDE00";
        OperationTask task = OperationTask.create(new TaskDefinition("a" + grin.repeat(31), null, null, null, null,
                Channel.IN_APP, PushType.MANUAL, new Audience(AudienceType.ALL, null, null, null),
                new Content(null, "b", null), null, null, null, List.of("olivia")), "olivia", NOW);
        assertThat(task.copy("olivia", List.of(), NOW).getName()).isEqualTo("Copy of a" + grin.repeat(27));
    }

    @Test
    void oneTimeSendExpiresAfterGrace() {
        Instant sendAt = NOW;
        OperationTask task = OperationTask.create(definition(PushType.ONE_TIME,
                new Schedule(sendAt, null, null, null, null, null, null, null, null, Duration.ofMinutes(30))), "olivia", NOW);
        assertThat(task.sendExpired(sendAt.plus(Duration.ofMinutes(30)))).isFalse();
        assertThat(task.sendExpired(sendAt.plus(Duration.ofMinutes(31)))).isTrue();
    }

    /**
     * A grace saved before it was bounded (an earlier release took any): counted as the longest the rules allow, 30
     * days, rather than overflowing when added to the send time (the start of the push failed into an incident).
     */
    @Test
    void aGraceSavedBeyondTheLongestCountsAsTheLongest() {
        OperationTask task = OperationTask.create(definition(PushType.ONE_TIME, new Schedule(NOW, null, null, null,
                null, null, null, null, null, Duration.ofSeconds(Long.MAX_VALUE))), "olivia", NOW);
        assertThat(task.sendExpired(NOW.plus(Duration.ofDays(30)))).isFalse();
        assertThat(task.sendExpired(NOW.plus(Duration.ofDays(30)).plusSeconds(1))).isTrue();
    }

    @Test
    void oneTimeSendGraceDefaultsToOneHour() {
        OperationTask task = OperationTask.create(definition(PushType.ONE_TIME, Fixture.oneTimeAt(NOW)), "olivia", NOW);
        assertThat(task.sendExpired(NOW.plus(Duration.ofMinutes(59)))).isFalse();
        assertThat(task.sendExpired(NOW.plus(Duration.ofMinutes(61)))).isTrue();
    }

    @Test
    void refusesStaleVersion() {
        OperationTask task = draft();
        assertThatThrownBy(() -> task.requireVersion(7L)).isInstanceOf(StaleVersionException.class);
        task.requireVersion(null);
        task.requireVersion(0L);
    }

    private static final class Fixture {
        static Schedule oneTimeAt(Instant sendAt) {
            return new Schedule(sendAt, null, null, null, null, null, null, null, null, null);
        }
    }
}
