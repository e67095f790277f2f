package io.reachflow.delivery;

import static io.reachflow.support.HttpJson.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.audience.UserProfile;
import io.reachflow.lifecycle.HousekeepingProcess;
import io.reachflow.support.Api;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.client.RestClient;

/**
 * A live push's recipient rows are deleted once it finished longer ago than the retention (90 days by default),
 * and its history reads the same from the counts it keeps; inbox messages are deleted after theirs (180 days). Each test backdates its own push only, so that the
 * pushes of other tests in the shared application stay as they are.
 */
@ReachflowSpringTest
class RecipientRetentionTest {

    private static final String PUSHES = "/api/tasks/{id}/pushes";
    private static final String RECIPIENTS = "/api/tasks/{id}/pushes/{pushId}/recipients";

    @Autowired
    Deliveries deliveries;
    @Autowired
    Engine engine;
    @Autowired
    RecipientRetention retention;
    @Autowired
    MessageRetention messageRetention;
    @Autowired
    DeliveryProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Api api;
    @Autowired
    PushRepository pushes;
    @Autowired
    PushRecipients recipients;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    Clock clock;

    @Test
    void aLivePushPastTheRetentionKeepsItsCountsAndLosesItsRecipientRows() {
        OperationTask task = delivered(5);
        Push push = deliveries.livePush(task);
        JsonNode before = get(rita(), PUSHES, task.getId()).getBody().path("items").get(0);
        long testRound = jdbc.queryForObject("select max(id) from push where task_id = ? and kind = 'TEST'",
                Long.class, task.getId());
        int testRoundRows = rows(testRound);

        finishedAgo(push, properties.recipientsRetention().minusDays(1));
        assertThat(retention.prune(0, Duration.ofMinutes(1)).more()).as("none left").isFalse();
        assertThat(rows(push.getId())).as("within the retention").isEqualTo(5);
        assertThat(batches(push.getId())).as("within the retention").isPositive();

        finishedAgo(push, properties.recipientsRetention().plusDays(1));
        assertThat(retention.prune(0, Duration.ofMinutes(1)).more()).as("none left").isFalse();

        assertThat(rows(push.getId())).isZero();
        assertThat(batches(push.getId())).as("the ranges of its batches go with them").isZero();
        assertThat(rows(testRound)).as("a test round keeps its testers").isEqualTo(testRoundRows).isPositive();
        assertThat(batches(testRound)).isEqualTo(1);
        ObjectNode after = (ObjectNode) get(rita(), PUSHES, task.getId()).getBody().path("items").get(0);
        assertThat(after.path("recipientsPrunedAt").isTextual()).isTrue();
        after.remove("recipientsPrunedAt");
        ((ObjectNode) before).remove("finishedAt");
        after.remove("finishedAt");
        ((ObjectNode) before).remove("ratePerSecond");
        after.remove("ratePerSecond");
        assertThat(after).as("the same counts, kept with the push").isEqualTo(before);
        // an operator's read: reviewers do not read recipients
        ResponseEntity<JsonNode> gone = get(api.as("olivia"), RECIPIENTS, task.getId(), push.getId());
        assertThat(gone.getStatusCode()).isEqualTo(HttpStatus.GONE);
        assertThat(gone.getBody().path("detail").asText()).contains("retention", "counts are kept");
    }

    @Test
    void aPushFinishedBeforeItsCountsWereKeptIsCountedBeforeItsRowsGo() {
        OperationTask task = delivered(3);
        Push push = pastTheRetention(task);
        jdbc.update("update push set final_counts = null where id = ?", push.getId());

        retention.prune(0, Duration.ofMinutes(1));

        assertThat(rows(push.getId())).isZero();
        JsonNode after = get(rita(), PUSHES, task.getId()).getBody().path("items").get(0);
        assertThat(after.path("delivered").asLong()).isEqualTo(3);
        assertThat(after.path("targeted").asLong()).isEqualTo(3);
    }

    @Test
    void aRoundThatRunsOutOfTimeLeavesTheRestForTheNext() {
        OperationTask task = delivered(3);
        Push push = pastTheRetention(task);

        assertThat(retention.prune(0, Duration.ZERO).more()).as("some left").isTrue();
        assertThat(rows(push.getId())).isEqualTo(3);
        assertThat(retention.prune(0, Duration.ofMinutes(1)).more()).isFalse();
        assertThat(rows(push.getId())).isZero();
    }

    @Test
    void aLargePushGoesInChunks() {
        OperationTask task = delivered(5);
        Push push = pastTheRetention(task);
        RecipientRetention inTwos = new RecipientRetention(jdbc, pushes, recipients, transactions, properties, clock, 2);

        RecipientRetention.Round round = inTwos.prune(0, Duration.ofMinutes(1));

        assertThat(round.more()).isFalse();
        assertThat(round.after()).isEqualTo(push.getId());
        assertThat(rows(push.getId())).as("2, 2 and 1").isZero();
        assertThat(get(rita(), PUSHES, task.getId()).getBody().path("items").get(0).path("delivered").asLong()).isEqualTo(5);
    }

    /** Its next push skips whoever an earlier one reached, from those rows (ALREADY_SENT). */
    @Test
    void aOneTimeTaskThatMaySendAgainKeepsItsRecipients() {
        OperationTask task = delivered(2, PushType.ONE_TIME);
        Push push = pastTheRetention(task);
        String status = jdbc.queryForObject("select status from operation_task where id = ?", String.class,
                task.getId());
        assertThat(status).as("a one-time task completes after its push").isEqualTo("COMPLETED");
        jdbc.update("update operation_task set status = 'PAUSED' where id = ?", task.getId());

        retention.prune(0, Duration.ofMinutes(1));
        assertThat(rows(push.getId())).as("paused: it may still send").isEqualTo(2);

        jdbc.update("update operation_task set status = 'COMPLETED' where id = ?", task.getId());
        retention.prune(0, Duration.ofMinutes(1));
        assertThat(rows(push.getId())).isZero();
    }

    /**
     * Inbox messages past their retention are deleted, whatever push they came from; the others stay, and the push's
     * counts and recipients are untouched.
     */
    @Test
    void inboxMessagesPastTheirRetentionAreDeleted() {
        OperationTask task = delivered(3);
        Push push = deliveries.livePush(task);
        List<Long> messages = inboxMessages(task);
        assertThat(messages).hasSize(3);
        writtenAgo(messages.subList(0, 2), properties.messagesRetention().plusDays(1));
        writtenAgo(messages.subList(2, 3), properties.messagesRetention().minusDays(1));

        assertThat(messageRetention.prune(Duration.ofMinutes(1))).as("none left").isFalse();

        assertThat(inboxMessages(task)).containsExactly(messages.get(2));
        assertThat(rows(push.getId())).isEqualTo(3);
        assertThat(get(rita(), PUSHES, task.getId()).getBody().path("items").get(0).path("delivered").asLong()).isEqualTo(3);
    }

    /**
     * The table is walked a chunk of ids at a time, and on past a chunk that deleted some: here the chunk ends right
     * after the first old message, so the second is in the next chunk, and the chunk after that, with nothing old,
     * ends the walk. The sandbox's outbox is pruned too.
     */
    @Test
    void oldMessagesAreDeletedChunkByChunkFromTheInboxAndTheOutbox() {
        OperationTask task = delivered(3);
        List<Long> messages = inboxMessages(task);
        writtenAgo(messages.subList(0, 2), properties.messagesRetention().plusDays(1));
        int upToFirst = jdbc.queryForObject("select count(*) from inbox_message where id <= ?", Integer.class,
                messages.get(0));
        OperationTask email = deliveries.sentToBatchJobs(deliveries.audienceOf(1, id -> new UserProfile(id, id,
                id + "@example.com", null, null, null, null, Set.of(), Map.of(), Set.of())), PushType.MANUAL,
                Channel.EMAIL, Schedule.immediately());
        engine.runDueJobs(email.getId());
        long emailPush = deliveries.livePush(email).getId();
        assertThat(outboxMessages(emailPush)).isEqualTo(1);
        jdbc.update("update outbox_message set created_at = ? where push_id = ?",
                Timestamp.from(engine.now().minus(properties.messagesRetention().plusDays(1))), emailPush);

        new MessageRetention(jdbc, transactions, properties, clock, upToFirst).prune(Duration.ofMinutes(1));
        assertThat(inboxMessages(task)).containsExactly(messages.get(2));

        // the other tests' outbox messages come first and are recent: a chunk of all of them reaches this one
        messageRetention.prune(Duration.ofMinutes(1));
        assertThat(outboxMessages(emailPush)).isZero();
    }

    /**
     * The housekeeping process's daily timer starts a round of pruning recipients, a job of its own, then one of
     * deleting old messages, which also forgets the API's old idempotency keys.
     */
    @Test
    void theDailyHousekeepingProcessPrunes() {
        OperationTask task = delivered(2);
        Push push = pastTheRetention(task);
        assertThat(inboxMessages(task)).hasSize(2);
        writtenAgo(inboxMessages(task), properties.messagesRetention().plusDays(1));
        String yesterdays = UUID.randomUUID().toString();
        jdbc.update("insert into idempotent_request (caller, idempotency_key, request, fingerprint, created_at, "
                + "status, task_id) values ('olivia', ?, 'POST /api/tasks', 'f', ?, 201, ?)", yesterdays,
                Timestamp.from(Instant.now().minus(Duration.ofHours(25))), task.getId());
        ManagementService management = engine.processEngine().getManagementService();
        Job timer = management.createJobQuery().processDefinitionKey(HousekeepingProcess.KEY).timers()
                .singleResult();
        assertThat(LocalDateTime.ofInstant(timer.getDuedate().toInstant(), ZoneId.systemDefault()).toLocalTime())
                .as("03:00 in the server's time zone").isEqualTo(LocalTime.of(3, 0));

        management.executeJob(timer.getId());
        List<Job> rounds = management.createJobQuery().processDefinitionKey(HousekeepingProcess.KEY)
                .activityId(HousekeepingProcess.Element.SERVICE_PRUNE_RECIPIENTS.id()).list();
        assertThat(rounds).hasSize(1);
        management.executeJob(rounds.get(0).getId());
        assertThat(rows(push.getId())).isZero();
        Job messages = management.createJobQuery().processDefinitionKey(HousekeepingProcess.KEY)
                .activityId(HousekeepingProcess.Element.SERVICE_PRUNE_MESSAGES.id()).singleResult();
        management.executeJob(messages.getId());

        assertThat(inboxMessages(task)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from idempotent_request where idempotency_key = ?",
                Integer.class, yesterdays)).as("the old key forgotten").isZero();
        assertThat(engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey(HousekeepingProcess.KEY).count()).as("ended: none left").isZero();
        assertThat(management.createJobQuery().processDefinitionKey(HousekeepingProcess.KEY).timers().count())
                .as("the next day's timer").isEqualTo(1);
    }

    /** A round that stopped with pushes left is followed by another, going on after the push it stopped at. */
    @Test
    void theProcessLoopsWhileARoundLeftPushes() {
        RuntimeService runtime = engine.processEngine().getRuntimeService();
        ManagementService management = engine.processEngine().getManagementService();
        String instance = runtime.createProcessInstanceByKey(HousekeepingProcess.KEY)
                .startBeforeActivity(HousekeepingProcess.Element.GATEWAY_MORE.id())
                .setVariable(HousekeepingProcess.MORE_PUSHES, true).setVariable(HousekeepingProcess.PRUNE_AFTER, 0L).execute().getId();

        Job round = management.createJobQuery().processInstanceId(instance).singleResult();
        assertThat(round.getExecutionId()).isNotNull();
        assertThat(management.createJobDefinitionQuery().jobDefinitionId(round.getJobDefinitionId()).singleResult()
                .getActivityId()).isEqualTo(HousekeepingProcess.Element.SERVICE_PRUNE_RECIPIENTS.id());
        management.executeJob(round.getId());
        Job messages = management.createJobQuery().processInstanceId(instance).singleResult();
        assertThat(management.createJobDefinitionQuery().jobDefinitionId(messages.getJobDefinitionId()).singleResult()
                .getActivityId()).as("then the messages").isEqualTo(HousekeepingProcess.Element.SERVICE_PRUNE_MESSAGES.id());
        management.executeJob(messages.getId());

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance).count()).as("none left: ended")
                .isZero();
    }

    private OperationTask delivered(int users) {
        return delivered(users, PushType.MANUAL);
    }

    private OperationTask delivered(int users, PushType pushType) {
        OperationTask task = deliveries.sentToBatchJobs(deliveries.audienceOf(users), pushType, Channel.IN_APP,
                Schedule.immediately());
        engine.runDueJobs(task.getId());
        return task;
    }

    /** The task's live push, as if it had finished a day longer ago than the retention. */
    private Push pastTheRetention(OperationTask task) {
        Push push = deliveries.livePush(task);
        finishedAgo(push, properties.recipientsRetention().plusDays(1));
        return push;
    }

    private void finishedAgo(Push push, Duration ago) {
        jdbc.update("update push set finished_at = ? where id = ?", Timestamp.from(engine.now().minus(ago)),
                push.getId());
    }

    /** The messages of the task's live push (its test round's went to the testers' inboxes too). */
    private List<Long> inboxMessages(OperationTask task) {
        return jdbc.queryForList("select id from inbox_message where push_id = ? order by id", Long.class,
                deliveries.livePush(task).getId());
    }

    private int outboxMessages(long pushId) {
        return jdbc.queryForObject("select count(*) from outbox_message where push_id = ?", Integer.class, pushId);
    }

    private void writtenAgo(List<Long> messages, Duration ago) {
        messages.forEach(id -> jdbc.update("update inbox_message set created_at = ? where id = ?",
                Timestamp.from(engine.now().minus(ago)), id));
    }

    private int rows(long pushId) {
        return jdbc.queryForObject("select count(*) from push_recipient where push_id = ?", Integer.class, pushId);
    }

    private int batches(long pushId) {
        return jdbc.queryForObject("select count(*) from push_batch where push_id = ?", Integer.class, pushId);
    }

    private RestClient rita() {
        return api.as("rita");
    }
}
