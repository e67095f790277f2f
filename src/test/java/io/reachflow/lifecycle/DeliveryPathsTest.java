package io.reachflow.lifecycle;

import static io.reachflow.support.Logs.atInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.reachflow.delivery.BatchResult;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushStatus;
import io.reachflow.delivery.RecipientStatus;
import io.reachflow.delivery.SkipReason;
import io.reachflow.delivery.TemplateRenderer;
import io.reachflow.lifecycle.DeliveryProcess.Element;
import io.reachflow.lifecycle.delegates.DeliverBatchDelegate;
import io.reachflow.support.Api;
import io.reachflow.system.Database;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.FrequencyCap;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.TaskStatus;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every path of {@code bpmn/operation-task-delivery.bpmn}: a live push planned in batches and delivered by its
 * workers, one batch per job (the test profile cuts pushes into batches of 2 for 2 workers), or stopped mid-way
 * by a pause, what is left cancelled; a ONE_TIME push started again after the pause reaches the rest only.
 */
@ReachflowSpringTest
class DeliveryPathsTest {

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    UserService users;

    @Autowired
    DeliveryService delivery;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Deliveries deliveries;

    @Autowired
    Api api;

    @Autowired
    TaskCommands commands;

    @Autowired
    MeterRegistry registry;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    Database database;

    @BeforeEach
    void initAssertions() {
        BpmnAwareTests.init(engine.processEngine());
    }

    @Test
    void deliversEachBatchInItsOwnJobAndEachRecipientOnce() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);

        ProcessInstance push = deliveryOf(task);
        assertThat(push).isWaitingAt(Element.SERVICE_DELIVER_BATCH.id());
        assertThat(batchJobs(push)).as("one job per worker").hasSize(2);
        Push planned = livePush(task);
        assertThat(planned.getStatus()).isEqualTo(PushStatus.DELIVERING);
        assertThat(planned.getBatches()).isEqualTo(3);
        assertThat(jdbc.queryForList("select batch from push_recipient where push_id = ? order by user_id",
                Integer.class, planned.getId())).containsExactly(0, 0, 1, 1, 2);
        assertThat(jdbc.queryForList("select concat(first_user_id, '..', last_user_id) from push_batch "
                + "where push_id = ? order by batch", String.class, planned.getId())).as("each batch a range of users")
                .containsExactly(audience.get(0) + ".." + audience.get(1), audience.get(2) + ".." + audience.get(3),
                        audience.get(4) + ".." + audience.get(4));

        management().executeJob(batchJobs(push).get(0).getId());
        assertThat(delivery.counts(planned.getId()).delivered()).as("one batch delivered").isEqualTo(2);
        assertThat(delivery.counts(planned.getId()).planned()).isEqualTo(3);

        engine.runDueJobs(task.getId());

        assertThat(push).isEnded().hasPassed(Element.SERVICE_FINISH_PUSH.id(), Element.END_DELIVERED.id());
        Push delivered = livePush(task);
        assertThat(delivered.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(delivered.getDelivered()).isEqualTo(5);
        assertThat(inboxMessages(task, audience)).as("messages per recipient")
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        assertThat(engine.lifecycle(task.getId())).isWaitingAt(LifecycleProcess.Element.RECEIVE_MANUAL_SENDS.id());
    }

    /** Each batch counts its recipients in the delivery meters as it is done, and the push counts when it finishes. */
    @Test
    void countsRecipientsBatchesAndPushesInTheMetrics() {
        double delivered = meter("reachflow.recipients", "outcome", "delivered");
        long batches = registry.find("reachflow.delivery.batch").tag("channel", "IN_APP").timers().stream()
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
        double pushes = meter("reachflow.pushes", "outcome", "DELIVERED");
        double reachedAll = meter("reachflow.pushes", "reached", "all");

        OperationTask task = sentToBatchJobs(audienceOf(5), PushType.MANUAL);
        engine.runDueJobs(task.getId());

        assertThat(livePush(task).getDelivered()).isEqualTo(5);
        assertThat(meter("reachflow.recipients", "outcome", "delivered")).isEqualTo(delivered + 5);
        assertThat(registry.find("reachflow.delivery.batch").tag("channel", "IN_APP").timers().stream()
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum()).as("3 batches of 2").isEqualTo(batches + 3);
        assertThat(meter("reachflow.pushes", "outcome", "DELIVERED")).isEqualTo(pushes + 1);
        assertThat(meter("reachflow.pushes", "reached", "all")).isEqualTo(reachedAll + 1);
    }

    /** A push done without reaching anyone (each recipient opted out) counts as such: DELIVERED, reached none. */
    @Test
    void countsAPushThatReachedNobody() {
        double reachedNone = meter("reachflow.pushes", "reached", "none");
        List<String> optedOut = deliveries.audienceOf(2, id -> new UserProfile(id, id, null, null, null, null, null,
                Set.of(), Map.of(), Set.of(Channel.IN_APP)));

        OperationTask task = sentToBatchJobs(optedOut, PushType.MANUAL);
        engine.runDueJobs(task.getId());

        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(livePush(task).getDelivered()).isZero();
        assertThat(meter("reachflow.pushes", "reached", "none")).isEqualTo(reachedNone + 1);
    }

    /** The sum of the live IN_APP counters with the tag. */
    private double meter(String name, String tag, String value) {
        return registry.find(name).tags("channel", "IN_APP", "kind", "LIVE", tag, value).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /**
     * The pause stops the workers before their next batch and keeps who is left PLANNED; the resume starts a new
     * delivery that takes the same push over and reaches the rest, each recipient once.
     */
    @Test
    void pauseMidPushStopsTheWorkersAndTheResumeGoesOnWithTheSamePush() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        ProcessInstance first = deliveryOf(task);
        management().executeJob(batchJobs(first).get(0).getId());

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, "hold on");
        assertThat(first).as("the pause does not wait for the running delivery").isNotEnded();
        assertThat(livePush(task).getStatus()).as("but pauses its push").isEqualTo(PushStatus.PAUSED);
        engine.runDueJobs(task.getId());

        assertThat(first).isEnded().hasPassed(Element.SERVICE_FINISH_PUSH.id());
        Push paused = livePush(task);
        assertThat(paused.getStatus()).isEqualTo(PushStatus.PAUSED);
        assertThat(delivery.counts(paused.getId()).delivered()).isEqualTo(2);
        assertThat(delivery.counts(paused.getId()).planned()).as("left for the resume").isEqualTo(3);
        JsonNode progress = HttpJson.get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/pushes", task.getId()).getBody()
                .path("items").get(0);
        assertThat(progress.path("status").asText()).isEqualTo("PAUSED");
        assertThat(progress.path("remaining").asLong()).isEqualTo(3);
        assertThat(progress.path("percentDone").asDouble()).as("2 of 5").isEqualTo(40.0);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        assertThat(engine.lifecycle(task.getId())).hasPassed(LifecycleProcess.Element.SERVICE_CONTINUE_PAUSED_PUSH.id());
        engine.runDueJobs(task.getId());

        Push resumed = livePush(task);
        assertThat(resumed.getId()).as("the same push").isEqualTo(paused.getId());
        assertThat(resumed.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(resumed.getDelivered()).isEqualTo(5);
        assertThat(deliveries.livePushes(task)).hasSize(1);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        assertThat(engine.lifecycle(task.getId())).isWaitingAt(LifecycleProcess.Element.RECEIVE_MANUAL_SENDS.id());
    }

    /**
     * Erasing users mid-push ({@code DELETE /api/users/{id}}): one already reached loses their message, the push
     * keeping its record that it reached them; one the push had yet to reach is skipped (USER_DELETED), never sent
     * to. Once the push is finished, an erasure deletes the user's recipient row too, and its counts stay.
     */
    @Test
    void anErasedUserLosesTheirMessagesAndIsSkippedWhereThePushHadYetToReachThem() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        Push push = livePush(task);
        management().executeJob(batchJobs(deliveryOf(task)).get(0).getId());
        assertThat(inboxMessages(task, audience)).containsOnlyKeys(audience.get(0), audience.get(1));

        // a provider's answer kept with the outcome may quote the address
        jdbc.update("update push_recipient set detail = ? where push_id = ? and user_id = ?",
                "550 no mailbox " + audience.get(0) + "@example.com", push.getId(), audience.get(0));
        JsonNode reached = HttpJson.delete(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(0)).getBody();
        JsonNode pending = HttpJson.delete(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(3)).getBody();

        assertThat(reached.path("id").asText()).isEqualTo(audience.get(0));
        assertThat(reached.path("erased").path("inboxMessages").asLong()).isEqualTo(1);
        assertThat(reached.path("erased").path("pendingSendsSkipped").asLong()).isZero();
        assertThat(reached.path("erased").path("finishedPushRecipientRows").asLong())
                .as("the push is still being delivered: it keeps its record").isZero();
        assertThat(jdbc.queryForMap("select status, detail from push_recipient where push_id = ? and user_id = ?",
                push.getId(), audience.get(0))).as("without the detail")
                .containsEntry("status", "DELIVERED").containsEntry("detail", null);
        assertThat(pending.path("erased").path("inboxMessages").asLong()).isZero();
        assertThat(pending.path("erased").path("pendingSendsSkipped").asLong()).isEqualTo(1);
        assertThat(HttpJson.get(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(0)).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        ResponseEntity<JsonNode> again = HttpJson.delete(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(0));
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(again.getBody().path("detail").asText()).isEqualTo("No user with id " + audience.get(0));

        engine.runDueJobs(task.getId());

        Push delivered = livePush(task);
        assertThat(delivered.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(delivered.getDelivered()).as("the erased user reached before, and three others").isEqualTo(4);
        assertThat(delivered.getSkipped()).isEqualTo(1);
        assertThat(delivery.counts(push.getId()).skippedByReason()).containsExactly(Map.entry("USER_DELETED", 1L));
        assertThat(inboxMessages(task, audience)).containsOnlyKeys(audience.get(1), audience.get(2), audience.get(4));

        JsonNode justFinished = HttpJson.delete(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(1)).getBody();
        assertThat(justFinished.path("erased").path("finishedPushRecipientRows").asLong())
                .as("a provider might still answer for a push finished so lately").isZero();
        engine.advance(Duration.ofMinutes(10));
        JsonNode afterwards = HttpJson.delete(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(2)).getBody();
        assertThat(afterwards.path("erased").path("finishedPushRecipientRows").asLong()).isEqualTo(1);
        assertThat(afterwards.path("erased").path("inboxMessages").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForList("select user_id from push_recipient where push_id = ?", String.class, push.getId()))
                .doesNotContain(audience.get(2)).hasSize(4);
        JsonNode counts = HttpJson.get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/pushes", task.getId()).getBody()
                .path("items").get(0);
        assertThat(counts.path("delivered").asLong()).as("a finished push's counts are kept").isEqualTo(4);
        assertThat(counts.path("skippedByReason").path("USER_DELETED").asLong()).isEqualTo(1);
    }

    /**
     * An erasure that comes while a batch holds the user (rendered, the message written, not yet committed) waits for
     * that batch, then deletes the message it wrote: had it not waited, it would have found none, and left it.
     */
    @Test
    void anErasureWaitsForTheBatchThatHoldsTheUserAndDeletesWhatItSent() throws Exception {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        String deliveryId = deliveryOf(task).getId();
        long pushId = livePush(task).getId();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<BatchResult> runningBatch = heldOpen(() -> delivery.deliverBatch(pushId, 0, deliveryId),
                release);

        CompletableFuture<JsonNode> erasure = CompletableFuture.supplyAsync(() ->
                HttpJson.delete(api.as(Fixtures.OPERATOR), "/api/users/{id}", audience.get(0)).getBody());
        // the erasure waits on the batch's rows: on H2 its statement is still executing, retried until they are free
        awaitCommitted(database.isPostgres()
                ? "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                        + "and query like 'select push_id from push_recipient%'"
                : "select count(*) from information_schema.sessions "
                        + "where executing_statement like 'select push_id from push_recipient%'");
        release.countDown();

        assertThat(runningBatch.get(30, TimeUnit.SECONDS).delivered()).isEqualTo(2);
        assertThat(erasure.get(60, TimeUnit.SECONDS).path("erased").path("inboxMessages").asLong()).isEqualTo(1);
        assertThat(inboxMessages(task, audience)).containsOnlyKeys(audience.get(1));
    }

    /**
     * A pause that comes after the send was asked for but before its push was planned: the push is planned PAUSED,
     * and the resume sends it, each recipient once (it was lost before: nothing planned, nothing on the resume).
     */
    @Test
    void aSendPausedBeforeItsPlanGoesOutOnTheResume() {
        List<String> audience = audienceOf(5);
        OperationTask task = fixtures.running(manualInAppTo(audience));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, "now");
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, "hold on");
        engine.runDueJobs(task.getId());

        Push paused = livePush(task);
        assertThat(paused.getStatus()).isEqualTo(PushStatus.PAUSED);
        assertThat(delivery.counts(paused.getId()).planned()).as("all waiting for the resume").isEqualTo(5);
        assertThat(inboxMessages(task, audience)).isEmpty();

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        Push resumed = livePush(task);
        assertThat(resumed.getId()).as("the same push").isEqualTo(paused.getId());
        assertThat(resumed.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
    }

    /**
     * A send whose plan waited (failed, say, and an admin retried it later) while the task was edited and approved
     * again, and maybe paused again: what was asked for is not what is approved now, so the push is called off, not
     * sent (or held for the resume) with the new content.
     */
    @ParameterizedTest(name = "paused again: {0}")
    @ValueSource(booleans = {false, true})
    void aSendOfAnEarlierRevisionIsCalledOffNotSentWithTheNewContent(boolean pausedAgain) {
        List<String> audience = audienceOf(3);
        OperationTask task = fixtures.running(manualInAppTo(audience));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(), Fixtures.edited(manualInAppTo(audience)), null));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobsExcept(task.getId(), Element.SERVICE_PLAN_PUSH.id());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);
        fixtures.act(Fixtures.REVIEWER, task.getId(), TaskAction.APPROVE, "again");
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.RUNNING);
        if (pausedAgain) {
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        }

        engine.runDueJobs(task.getId());

        Push calledOff = livePush(task);
        assertThat(calledOff.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(calledOff.getCancelReason()).isEqualTo("TASK_EDITED");
        assertThat(delivery.counts(calledOff.getId()).total()).isZero();
        assertThat(inboxMessages(task, audience)).isEmpty();
    }

    /** A send that the task's completion overtook before its plan is on record, called off, with nobody planned. */
    @Test
    void aSendCompletedBeforeItsPlanIsRecordedCancelled() {
        List<String> audience = audienceOf(3);
        OperationTask task = fixtures.running(manualInAppTo(audience));
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, "campaign over");
        engine.runDueJobs(task.getId());

        Push cancelled = livePush(task);
        assertThat(cancelled.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(cancelled.getCancelReason()).isEqualTo("TASK_COMPLETED");
        assertThat(cancelled.getFinishedAt()).isNotNull();
        assertThat(delivery.counts(cancelled.getId()).total()).isZero();
        assertThat(inboxMessages(task, audience)).isEmpty();
    }

    /**
     * An operator's second send while the first is still being delivered: the pause stops both pushes, the resume
     * takes over each of them, and the next send is a push of its own.
     */
    @Test
    void theResumeTakesOverEveryPausedPushAndTheNextSendPlansANewOne() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        engine.runDueJobsExcept(task.getId(), Element.SERVICE_DELIVER_BATCH.id());
        assertThat(deliveries.livePushes(task)).extracting(Push::getStatus)
                .containsExactly(PushStatus.DELIVERING, PushStatus.DELIVERING);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());
        assertThat(deliveries.livePushes(task)).extracting(Push::getStatus)
                .containsExactly(PushStatus.PAUSED, PushStatus.PAUSED);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());
        assertThat(deliveries.livePushes(task)).as("both taken over, none new")
                .extracting(Push::getStatus, Push::getDelivered)
                .containsExactly(tuple(PushStatus.DELIVERED, 5L), tuple(PushStatus.DELIVERED, 5L));

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        engine.runDueJobs(task.getId());
        assertThat(deliveries.livePushes(task)).as("the next send, a push of its own")
                .extracting(Push::getStatus, Push::getDelivered)
                .containsExactly(tuple(PushStatus.DELIVERED, 5L), tuple(PushStatus.DELIVERED, 5L),
                        tuple(PushStatus.DELIVERED, 5L));
        assertThat(inboxMessages(task, audience)).as("one message per push and recipient")
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 3L)));
    }

    /**
     * A pause that commits after a worker looked at its push, before its batch took anyone, in the same transaction
     * as the batch job's: the batch takes nobody.
     */
    @Test
    void aBatchWhosePushWasPausedSinceItsWorkerLookedTakesNobody() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        String deliveryId = deliveryOf(task).getId();
        Push push = livePush(task);

        BatchResult result = new TransactionTemplate(transactions).execute(job -> {
            assertThat(delivery.isDelivering(push.getId(), deliveryId)).isTrue();
            CompletableFuture.runAsync(() -> fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null))
                    .join();
            return delivery.deliverBatch(push.getId(), 0, deliveryId);
        });

        assertThat(result.delivered()).isZero();
        assertThat(delivery.counts(push.getId()).planned()).isEqualTo(5);
        assertThat(inboxMessages(task, audience)).isEmpty();
    }

    /**
     * A complete while a batch holds its recipients (its transaction runs until its messages are written): the
     * call-off commits at once, so that the next batches take nobody, and the rest is cancelled when the running
     * batch is done. Cancelling in the complete's own transaction waited for the running batch while the next ones,
     * not seeing the uncommitted stop, started one after another: the whole push went out.
     */
    @Test
    void aCompleteWhileABatchHoldsItsRecipientsStopsTheNextBatchesAtOnce() throws Exception {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        String deliveryId = deliveryOf(task).getId();
        long pushId = livePush(task).getId();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<List<String>> runningBatch = heldOpen(() -> {
            Map<String, Object> range = jdbc.queryForMap(
                    "select first_user_id, last_user_id from push_batch where push_id = ? and batch = 0", pushId);
            return jdbc.queryForList("select user_id from push_recipient where push_id = ? and user_id between ? and ? "
                    + "for update", String.class, pushId, range.get("first_user_id"), range.get("last_user_id"));
        }, release);

        CompletableFuture<Void> complete = CompletableFuture.runAsync(
                () -> fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, "campaign over"));
        awaitCommitted("select count(*) from push where id = " + pushId + " and cancel_reason = 'TASK_COMPLETED'");
        BatchResult next = delivery.deliverBatch(pushId, 1, deliveryId);

        assertThat(next.delivered()).as("the next batch, after the call-off").isZero();
        assertThat(complete).as("the complete waits for the running batch only").isNotDone();
        release.countDown();
        runningBatch.get(30, TimeUnit.SECONDS);
        complete.get(30, TimeUnit.SECONDS);
        Push stopped = livePush(task);
        assertThat(stopped.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(stopped.getCancelReason()).isEqualTo("TASK_COMPLETED");
        assertThat(delivery.counts(pushId).cancelled()).isEqualTo(5);
        assertThat(inboxMessages(task, audience)).isEmpty();
        engine.runDueJobs(task.getId());
        assertThat(deliveryOf(task)).as("its workers stopped, and the delivery ended").isNull();
        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.CANCELLED);
    }

    /**
     * Runs {@code work} on another thread in a transaction of its own, which stays open (its locks with it) until
     * {@code release}; returns once the work is done, with the transaction still open.
     */
    private <T> CompletableFuture<T> heldOpen(Supplier<T> work, CountDownLatch release) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<T> held = CompletableFuture.supplyAsync(() -> new TransactionTemplate(transactions)
                .execute(status -> {
                    T result = work.get();
                    holding.countDown();
                    awaitQuietly(release);
                    return result;
                }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        return held;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits, up to 30 s, until another transaction has committed what the count query counts. */
    private void awaitCommitted(String countQuery) throws InterruptedException {
        for (int i = 0; i < 300 && jdbc.queryForObject(countQuery, Long.class) == 0; i++) {
            Thread.sleep(100);
        }
        assertThat(jdbc.queryForObject(countQuery, Long.class)).as(countQuery).isPositive();
    }

    /**
     * A profile value longer than a message keeps (attributes take up to 100,000 characters) shortens that
     * recipient's message; it failed the whole batch on every retry, until an incident stopped the push.
     */
    @Test
    void aLongProfileValueShortensItsMessageAndFailsNoBatch() {
        List<String> audience = deliveries.audienceOf(2, id -> new UserProfile(id, "User " + id, null, null, null, null,
                null, Set.of(), Map.of("city", "x".repeat(25_000)), Set.of()));
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);

        engine.runDueJobs(task.getId());

        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(livePush(task).getDelivered()).isEqualTo(2);
        assertThat(jdbc.queryForList("select body from inbox_message where push_id = ?", String.class,
                livePush(task).getId())).hasSize(2).allSatisfy(body -> assertThat(body)
                .hasSize(TemplateRenderer.MAX_BODY).startsWith("News from xxx").endsWith("x…"));
    }

    /** Paused, then resumed before the first delivery's workers ran again: those stop, the new delivery goes on. */
    @Test
    void theWorkersOfTheDeliveryBeforeAResumeStop() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        ProcessInstance first = deliveryOf(task);
        List<Job> firstWorkers = batchJobs(first);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);

        firstWorkers.forEach(job -> management().executeJob(job.getId()));

        assertThat(delivery.counts(livePush(task).getId()).delivered()).as("nothing by the first delivery").isZero();
        engine.runDueJobs(task.getId());
        assertThat(first).isEnded();
        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
    }

    /** An edit sends a paused task back to testing: its paused push, of the old content, is called off. */
    @Test
    void editWhilePausedCallsOffWhatIsLeft() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        management().executeJob(batchJobs(deliveryOf(task)).get(0).getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());

        fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(), Fixtures.manualInApp(), null));

        Push cancelled = livePush(task);
        assertThat(cancelled.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(cancelled.getCancelReason()).isEqualTo("TASK_EDITED");
        assertThat(delivery.counts(cancelled.getId()).delivered()).isEqualTo(2);
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.TESTING);
    }

    @Test
    void completeWhilePausedCancelsWhatIsLeft() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        management().executeJob(batchJobs(deliveryOf(task)).get(0).getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, "campaign over");

        Push cancelled = livePush(task);
        assertThat(cancelled.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(cancelled.getCancelReason()).isEqualTo("TASK_COMPLETED");
        assertThat(cancelled.getDelivered()).isEqualTo(2);
        assertThat(jdbc.queryForList("select reason from push_recipient where push_id = ? and status = ?",
                String.class, cancelled.getId(), RecipientStatus.CANCELLED.name()))
                .containsExactly("TASK_COMPLETED", "TASK_COMPLETED", "TASK_COMPLETED");
    }

    @Test
    void completeMidPushCancelsWhatIsLeft() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        management().executeJob(batchJobs(deliveryOf(task)).get(0).getId());

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, "campaign over");
        engine.runDueJobs(task.getId());

        Push cancelled = livePush(task);
        assertThat(cancelled.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(cancelled.getDelivered()).isEqualTo(2);
        assertThat(delivery.counts(cancelled.getId()).total()).isEqualTo(5);
        assertThat(jdbc.queryForList("select distinct reason from push_recipient where push_id = ? and status = ?",
                String.class, cancelled.getId(), RecipientStatus.CANCELLED.name())).containsExactly("TASK_COMPLETED");
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    /** An administrator cancels the delivery in Cockpit: what is left of its push is called off, not left hanging. */
    @Test
    void cancellingTheDeliveryCancelsWhatIsLeftOfItsPush() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);
        ProcessInstance push = deliveryOf(task);
        management().executeJob(batchJobs(push).get(0).getId());

        engine.processEngine().getRuntimeService().deleteProcessInstance(push.getId(), "cancelled in Cockpit");

        Push cancelled = livePush(task);
        assertThat(cancelled.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(cancelled.getDelivered()).isEqualTo(2);
        assertThat(jdbc.queryForList("select distinct reason from push_recipient where push_id = ? and status = ?",
                String.class, cancelled.getId(), RecipientStatus.CANCELLED.name())).containsExactly("DELIVERY_CANCELLED");
    }

    /**
     * Resumed at once, long after its send time: the push that started in time goes on (no expiry), reaches the rest,
     * and the task completes once it is delivered.
     */
    @Test
    void oneTimePushPausedMidWayGoesOnAfterTheResume() {
        List<String> audience = audienceOf(5);
        OperationTask task = sentToBatchJobs(audience, PushType.ONE_TIME);
        management().executeJob(batchJobs(deliveryOf(task)).get(0).getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());
        engine.advance(Duration.ofDays(1));
        try {
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
            engine.runDueJobs(task.getId());
        } finally {
            engine.resetClock();
        }

        assertThat(deliveries.livePushes(task)).as("one push").hasSize(1);
        Push push = livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(push.getDelivered()).isEqualTo(5);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        OperationTask done = fixtures.reload(task);
        assertThat(done.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.getCompletionReason()).isEqualTo(CompletionReason.DELIVERED);
    }

    /**
     * Paused and resumed before its push was planned: the resume starts the one-time push again, beside the first
     * start's plan. Only one of the two plans a push; each recipient gets it once.
     */
    @Test
    void oneTimePushPausedAndResumedBeforeItsPlanIsPlannedOnce() {
        List<String> audience = audienceOf(5);
        OperationTask task = oneTimeStartedNotPlanned(audience);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);

        engine.runDueJobsExcept(task.getId(), Element.SERVICE_DELIVER_BATCH.id());
        assertThat(deliveries.livePushes(task)).as("one push, planned by one of the two starts").hasSize(1);
        engine.runDueJobs(task.getId());

        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    /** The same, with the first start's push delivered before the resume's start plans: that one plans nothing. */
    @Test
    void oneTimePushDeliveredBeforeTheResumesStartIsNotPlannedAgain() {
        List<String> audience = audienceOf(5);
        OperationTask task = oneTimeStartedNotPlanned(audience);
        ProcessInstance first = deliveryOf(task);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        for (List<Job> due = dueJobsOf(first); !due.isEmpty(); due = dueJobsOf(first)) {
            management().executeJob(due.get(0).getId());
        }
        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);

        engine.runDueJobs(task.getId());

        assertThat(deliveries.livePushes(task)).as("one push").hasSize(1);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        assertThat(fixtures.reload(task).getStatus()).as("told by the second start").isEqualTo(TaskStatus.COMPLETED);
    }

    /** A running ONE_TIME task to the users, its delivery started at once; its plan's job waits. */
    private OperationTask oneTimeStartedNotPlanned(List<String> audience) {
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME,
                Schedule.immediately(), null, Deliveries.to(audience)));
        while (deliveryOf(task) == null) {
            management().executeJob(management().createJobQuery()
                    .processInstanceId(engine.lifecycle(task.getId()).getId()).executable().singleResult().getId());
        }
        return task;
    }

    private List<Job> dueJobsOf(ProcessInstance delivery) {
        return management().createJobQuery().processInstanceId(delivery.getId()).executable().list();
    }

    /** The skips are counted by reason, in the push's counts and in the line that logs it done. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void plansWhoMustNotGetItAsSkippedWithTheReason(CapturedOutput output) {
        String word = HttpJson.uniqueWord();
        List<String> audience = List.of("mailable-" + word, "no-email-" + word, "opted-out-" + word,
                "opted-out-no-email-" + word);
        users.upsert(profile(audience.get(0), "a@example.com", Set.of()));
        users.upsert(profile(audience.get(1), null, Set.of()));
        users.upsert(profile(audience.get(2), "c@example.com", Set.of(Channel.EMAIL)));
        users.upsert(profile(audience.get(3), null, Set.of(Channel.EMAIL)));
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.EMAIL);
        atInfo(DeliveryService.class, () -> engine.runDueJobs(task.getId()));

        Push push = livePush(task);
        assertThat(output.getOut()).contains("Task " + task.getId() + ": LIVE push " + push.getId() + " done "
                + "(EMAIL into the local outbox): 4 targeted, 1 delivered, 0 failed, 3 skipped "
                + "{NO_ADDRESS=1, OPTED_OUT=2}");
        assertThat(push.getTargeted()).isEqualTo(4);
        assertThat(push.getSkipped()).isEqualTo(3);
        assertThat(push.getDelivered()).isEqualTo(1);
        assertThat(delivery.counts(push.getId()).skippedByReason())
                .containsExactlyInAnyOrderEntriesOf(Map.of("OPTED_OUT", 2L, "NO_ADDRESS", 1L));
        assertThat(jdbc.queryForList("select user_id from outbox_message where push_id = ?", String.class, push.getId()))
                .containsExactly(audience.get(0));
    }

    /**
     * A cap counts what a user got on the channel from any task in its period: not the test rounds, not a failed
     * delivery, not a message older than the period. It counts a message that went out in the period from a push that
     * finished just before it (called off while a provider had messages, whose answers came after).
     */
    @Test
    void frequencyCapSkipsWhoGotEnoughOnTheChannelAcrossTasks() {
        List<String> audience = audienceOf(5);
        OperationTask earlier = sentToBatchJobs(audience.subList(0, 4), PushType.MANUAL);
        engine.runDueJobs(earlier.getId());
        long earlierPush = livePush(earlier).getId();
        jdbc.update("update push_recipient set status = 'FAILED', reason = 'rejected' where push_id = ? and user_id = ?",
                earlierPush, audience.get(2));
        jdbc.update("update push_recipient set updated_at = ? where push_id = ? and user_id = ?",
                Timestamp.from(engine.now().minus(Duration.ofDays(1)).minusSeconds(1)), earlierPush, audience.get(3));
        jdbc.update("update push set finished_at = ? where id = ?",
                Timestamp.from(engine.now().minus(Duration.ofDays(1)).minus(Duration.ofMinutes(1))), earlierPush);

        Schedule oncePerDay = new Schedule(null, null, null, null, null, null, null, null,
                new FrequencyCap(1, Duration.ofDays(1)), null);
        OperationTask capped = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, oncePerDay);
        engine.runDueJobs(capped.getId());

        Push push = livePush(capped);
        assertThat(push.getDelivered()).isEqualTo(3);
        assertThat(delivery.counts(push.getId()).skippedByReason()).containsExactly(Map.entry("FREQUENCY_CAP", 2L));
        assertThat(inboxMessages(capped, audience)).containsOnlyKeys(audience.subList(2, 5));
    }

    /**
     * A push still being delivered counts what it has yet to send: a push with a cap of one a day, planned while the
     * first still waits to deliver to two of its users, skips those two; each user gets one message.
     */
    @Test
    void frequencyCapCountsWhatAnotherPushHasYetToSend() {
        List<String> audience = audienceOf(6);
        OperationTask first = sentToBatchJobs(audience.subList(0, 4), PushType.MANUAL);
        assertThat(delivery.counts(livePush(first).getId()).planned()).as("not delivered yet").isEqualTo(4);

        Schedule oncePerDay = new Schedule(null, null, null, null, null, null, null, null,
                new FrequencyCap(1, Duration.ofDays(1)), null);
        OperationTask capped = sentToBatchJobs(audience.subList(2, 6), PushType.MANUAL, Channel.IN_APP, oncePerDay);

        Push planned = livePush(capped);
        assertThat(delivery.counts(planned.getId()).skippedByReason()).containsExactly(Map.entry("FREQUENCY_CAP", 2L));
        engine.runDueJobs(first.getId());
        engine.runDueJobs(capped.getId());
        assertThat(inboxMessages(first, audience)).containsOnlyKeys(audience.subList(0, 4));
        assertThat(inboxMessages(capped, audience)).containsOnlyKeys(audience.subList(4, 6));
    }

    /** Monday 06:00 UTC is 15:00 in Tokyo and 06:00 in Lisbon: with a 09:00-21:00 window, Lisbon waits 3 hours. */
    @Test
    void recipientsOutsideTheirSendWindowWaitAtTheWorkersTimerUntilItOpens() {
        engine.setTime(Instant.parse("2026-03-02T06:00:00Z"));
        try {
            List<String> audience = deliveries.audienceOf(2, id -> new UserProfile(id, id, null, null, null,
                    id.startsWith("batch0") ? "Asia/Tokyo" : "Europe/Lisbon", null, Set.of(), Map.of(), Set.of()));
            Schedule daytime = new Schedule(null, null, null, null, null,
                    List.of(new SendWindow(LocalTime.of(9, 0), LocalTime.of(21, 0))), null, null, null, null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, daytime);
            ProcessInstance push = deliveryOf(task);

            engine.runDueJobs(task.getId());

            assertThat(push).isWaitingAt(Element.TIMER_UNTIL_DUE.id());
            Push waiting = livePush(task);
            assertThat(delivery.counts(waiting.getId()).deferredByReason())
                    .containsExactly(Map.entry(SkipReason.OUTSIDE_SEND_WINDOW.name(), 1L));
            assertThat(inboxMessages(task, audience)).containsExactly(Map.entry(audience.get(0), 1L));
            assertThat(management().createJobQuery().processInstanceId(push.getId())
                    .activityId(Element.TIMER_UNTIL_DUE.id()).singleResult().getDuedate().toInstant())
                    .isEqualTo(Instant.parse("2026-03-02T09:00:00Z"));
            engine.advance(Duration.ofHours(2));
            assertThat(engine.runDueJobs(task.getId())).isZero();

            engine.advance(Duration.ofHours(1));
            engine.runDueJobs(task.getId());

            assertThat(push).isEnded();
            assertThat(livePush(task).getDelivered()).isEqualTo(2);
            assertThat(delivery.counts(waiting.getId()).deferredByReason()).isEmpty();
            assertThat(inboxMessages(task, audience))
                    .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
            assertThat(jdbc.queryForObject("select updated_at from push_recipient where push_id = ? and user_id = ?",
                    Timestamp.class, waiting.getId(), audience.get(1)).toInstant())
                    .as("dated when it went out, which is what a frequency cap counts")
                    .isEqualTo(Instant.parse("2026-03-02T09:00:00Z"));
        } finally {
            engine.resetClock();
        }
    }

    /**
     * Sunday 20:00 UTC is Monday 05:00 in Tokyo and still Sunday in Lisbon: with Monday a do-not-disturb day, Tokyo
     * waits until its Tuesday begins, recorded with the reason, and then gets it.
     */
    @Test
    void recipientsOnTheirDoNotDisturbDayWaitUntilItEnds() {
        engine.setTime(Instant.parse("2026-03-01T20:00:00Z"));
        try {
            List<String> audience = deliveries.audienceOf(2, id -> new UserProfile(id, id, null, null, null,
                    id.startsWith("batch0") ? "Asia/Tokyo" : "Europe/Lisbon", null, Set.of(), Map.of(), Set.of()));
            Schedule notOnMondays = new Schedule(null, null, null, null, null, null, List.of(DayOfWeek.MONDAY),
                    null, null, null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, notOnMondays);
            ProcessInstance push = deliveryOf(task);

            engine.runDueJobs(task.getId());

            assertThat(push).isWaitingAt(Element.TIMER_UNTIL_DUE.id());
            Push waiting = livePush(task);
            assertThat(delivery.counts(waiting.getId()).deferredByReason())
                    .containsExactly(Map.entry(SkipReason.DO_NOT_DISTURB.name(), 1L));
            assertThat(jdbc.queryForObject("select reason from push_recipient where push_id = ? and user_id = ?",
                    String.class, waiting.getId(), audience.get(0))).isEqualTo(SkipReason.DO_NOT_DISTURB.name());
            assertThat(inboxMessages(task, audience)).containsExactly(Map.entry(audience.get(1), 1L));
            assertThat(management().createJobQuery().processInstanceId(push.getId())
                    .activityId(Element.TIMER_UNTIL_DUE.id()).singleResult().getDuedate().toInstant())
                    .as("Tuesday 00:00 in Tokyo").isEqualTo(Instant.parse("2026-03-02T15:00:00Z"));

            deliversTheRestAfter(Duration.ofHours(19), push, task, audience);
        } finally {
            engine.resetClock();
        }
    }

    /**
     * Who waited for the window is checked again when it opens: at 06:00 UTC all of Lisbon waits until 09:00; by
     * then one opted out of email, one lost the address, one got an email from another task (the cap is one a day).
     * They are skipped with those reasons; the fourth gets it.
     */
    @Test
    void whoWaitedForTheWindowIsCheckedAgainWhenItOpens() {
        engine.setTime(Instant.parse("2026-03-02T06:00:00Z"));
        try {
            List<String> audience = deliveries.audienceOf(4, id -> new UserProfile(id, id, id + "@example.com", null,
                    null, "Europe/Lisbon", null, Set.of(), Map.of(), Set.of()));
            Schedule daytimeOncePerDay = new Schedule(null, null, null, null, null,
                    List.of(new SendWindow(LocalTime.of(9, 0), LocalTime.of(21, 0))), null, null,
                    new FrequencyCap(1, Duration.ofDays(1)), null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.EMAIL, daytimeOncePerDay);
            engine.runDueJobs(task.getId());
            Push waiting = livePush(task);
            assertThat(delivery.counts(waiting.getId()).deferredByReason())
                    .containsExactly(Map.entry(SkipReason.OUTSIDE_SEND_WINDOW.name(), 4L));

            engine.advance(Duration.ofHours(1));
            users.upsert(new UserProfile(audience.get(0), "A", audience.get(0) + "@example.com", null, null,
                    "Europe/Lisbon", null, Set.of(), Map.of(), Set.of(Channel.EMAIL)));
            users.upsert(new UserProfile(audience.get(1), "B", null, null, null, "Europe/Lisbon", null, Set.of(),
                    Map.of(), Set.of()));
            OperationTask other = sentToBatchJobs(List.of(audience.get(2)), PushType.MANUAL, Channel.EMAIL);
            engine.runDueJobs(other.getId());
            assertThat(livePush(other).getDelivered()).isEqualTo(1);
            engine.advance(Duration.ofHours(2));
            engine.runDueJobs(task.getId());

            Push done = livePush(task);
            assertThat(done.getStatus()).isEqualTo(PushStatus.DELIVERED);
            assertThat(delivery.counts(done.getId()).skippedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "OPTED_OUT", 1L, "NO_ADDRESS", 1L, "FREQUENCY_CAP", 1L));
            assertThat(delivery.outcomes(done.getId())).extracting(DeliveryService.RecipientOutcome::reason)
                    .containsExactly("OPTED_OUT", "NO_ADDRESS", "FREQUENCY_CAP", null);
            assertThat(jdbc.queryForList("select user_id from outbox_message where push_id = ?", String.class,
                    done.getId())).containsExactly(audience.get(3));
        } finally {
            engine.resetClock();
        }
    }

    /** A pause may last days: the resumed push skips whoever opted out or reached the cap meanwhile. */
    @Test
    void theResumedPushChecksWhoIsLeftAgain() {
        List<String> audience = audienceOf(5);
        Schedule oncePerDay = new Schedule(null, null, null, null, null, null, null, null,
                new FrequencyCap(1, Duration.ofDays(1)), null);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, oncePerDay);
        ProcessInstance first = deliveryOf(task);
        management().executeJob(batchJobs(first).get(0).getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        engine.runDueJobs(task.getId());
        assertThat(delivery.counts(livePush(task).getId()).planned()).isEqualTo(3);

        users.upsert(new UserProfile(audience.get(2), "C", null, null, null, null, null, Set.of(), Map.of(),
                Set.of(Channel.IN_APP)));
        OperationTask other = sentToBatchJobs(List.of(audience.get(3)), PushType.MANUAL, Channel.IN_APP);
        engine.runDueJobs(other.getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        Push resumed = livePush(task);
        assertThat(resumed.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(delivery.counts(resumed.getId()).skippedByReason())
                .containsExactlyInAnyOrderEntriesOf(Map.of("OPTED_OUT", 1L, "FREQUENCY_CAP", 1L));
        assertThat(inboxMessages(task, audience)).containsOnlyKeys(audience.get(0), audience.get(1), audience.get(4));
    }

    /** Two sends a minute: the first batch takes both, the second waits at its worker's timer for the refill. */
    @Test
    void sendsBeyondTheRateLimitWaitUntilItHasRoom() {
        engine.setTime(Instant.parse("2026-03-02T12:00:00Z"));
        try {
            List<String> audience = audienceOf(4);
            Schedule twoPerMinute = new Schedule(null, null, null, null, null, null, null, 2, null, null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, twoPerMinute);
            ProcessInstance push = deliveryOf(task);

            engine.runDueJobs(task.getId());

            assertThat(push).isWaitingAt(Element.TIMER_UNTIL_DUE.id());
            Push limited = livePush(task);
            assertThat(delivery.counts(limited.getId()).delivered()).isEqualTo(2);
            assertThat(delivery.counts(limited.getId()).deferredByReason())
                    .containsExactly(Map.entry(SkipReason.RATE_LIMITED.name(), 2L));
            assertThat(management().createJobQuery().processInstanceId(push.getId())
                    .activityId(Element.TIMER_UNTIL_DUE.id()).singleResult().getDuedate().toInstant())
                    .as("a minute refills two sends").isEqualTo(Instant.parse("2026-03-02T12:01:00Z"));
            engine.advance(Duration.ofSeconds(59));
            assertThat(engine.runDueJobs(task.getId())).isZero();

            deliversTheRestAfter(Duration.ofSeconds(1), push, task, audience);
        } finally {
            engine.resetClock();
        }
    }

    /**
     * Three sends a minute over batches of two: the second batch is granted one of its two, the first by id, and its
     * other recipient waits; nobody is sent twice when it has room.
     */
    @Test
    void aBatchGrantedPartOfItsRecipientsSendsTheFirstByIdAndTheRestWait() {
        engine.setTime(Instant.parse("2026-03-02T12:00:00Z"));
        try {
            List<String> audience = audienceOf(4).stream().sorted().toList();
            Schedule threePerMinute = new Schedule(null, null, null, null, null, null, null, 3, null, null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, threePerMinute);
            ProcessInstance push = deliveryOf(task);

            engine.runDueJobs(task.getId());

            Push limited = livePush(task);
            assertThat(inboxMessages(task, audience)).containsOnlyKeys(audience.get(0), audience.get(1), audience.get(2));
            assertThat(delivery.outcomes(limited.getId())).extracting(DeliveryService.RecipientOutcome::reason)
                    .containsExactly(null, null, null, SkipReason.RATE_LIMITED.name());

            deliversTheRestAfter(Duration.ofMinutes(1), push, task, audience);
        } finally {
            engine.resetClock();
        }
    }

    /**
     * A push of one batch paused while a worker waits for the rate limit: the resume's plan delivers the rest in its
     * own job, as soon as there is room, with no worker.
     */
    @Test
    void aResumedPushOfOneBatchIsDeliveredInThePlansJob() {
        engine.setTime(Instant.parse("2026-03-02T12:00:00Z"));
        try {
            List<String> audience = audienceOf(2);
            Schedule onePerMinute = new Schedule(null, null, null, null, null, null, null, 1, null, null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, onePerMinute);
            assertThat(delivery.counts(livePush(task).getId()).delivered()).as("one in the plan's job").isEqualTo(1);
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
            engine.runDueJobs(task.getId());

            engine.advance(Duration.ofMinutes(1));
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
            engine.runDueJobsExcept(task.getId(), Element.SERVICE_DELIVER_BATCH.id());

            assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
            assertThat(livePush(task).getDelivered()).isEqualTo(2);
            assertThat(inboxMessages(task, audience))
                    .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        } finally {
            engine.resetClock();
        }
    }

    /** A worker waiting at its timer when the task is paused stops there; the resume's delivery reaches the rest. */
    @Test
    void pauseWhileAWorkerWaitsAtItsTimerEndsTheDelivery() {
        engine.setTime(Instant.parse("2026-03-02T12:00:00Z"));
        try {
            List<String> audience = audienceOf(4);
            Schedule twoPerMinute = new Schedule(null, null, null, null, null, null, null, 2, null, null);
            OperationTask task = sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP, twoPerMinute);
            ProcessInstance first = deliveryOf(task);
            engine.runDueJobs(task.getId());
            assertThat(first).isWaitingAt(Element.TIMER_UNTIL_DUE.id());

            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
            engine.advance(Duration.ofMinutes(1));
            engine.runDueJobs(task.getId());

            assertThat(first).isEnded();
            assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.PAUSED);
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
            engine.runDueJobs(task.getId());
            assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
            assertThat(inboxMessages(task, audience))
                    .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        } finally {
            engine.resetClock();
        }
    }

    /** One batch on a channel written in the database goes out in the plan's job: no worker, no batch job. */
    @Test
    void pushOfOneBatchIsDeliveredInThePlansJob() {
        List<String> audience = audienceOf(2);
        OperationTask task = sentToBatchJobs(audience, PushType.MANUAL);

        ProcessInstance push = deliveryOf(task);
        assertThat(push).isWaitingAt(Element.SERVICE_FINISH_PUSH.id());
        assertThat(batchJobs(push)).isEmpty();
        assertThat(delivery.counts(livePush(task).getId()).delivered()).isEqualTo(2);
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
        engine.runDueJobs(task.getId());

        assertThat(push).isEnded().hasNotPassed(Element.SERVICE_DELIVER_BATCH.id());
        assertThat(livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(livePush(task).getDelivered()).isEqualTo(2);
        assertThat(engine.lifecycle(task.getId())).isWaitingAt(LifecycleProcess.Element.RECEIVE_MANUAL_SENDS.id());
    }

    /**
     * A push of ten batches or more logs its progress at each tenth of its recipients, with the task, the push and
     * its counts.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aLongPushLogsItsProgressByTenths(CapturedOutput output) {
        OperationTask task = sentToBatchJobs(audienceOf(40), PushType.MANUAL);

        atInfo(DeliverBatchDelegate.class, () -> {
            deliverInOrder(deliveryOf(task), 20);
            engine.runDueJobs(task.getId());
        });

        Push push = livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(progress(output, task, push)).as("20 batches of 2").containsExactlyElementsOf(tenthsOf40());
    }

    /**
     * A delivery that takes over a paused push goes through the batches done before at once: the progress is what
     * the push's recipients show, each tenth once, as if it had not been paused (by its batch numbers, it said 10% to
     * 40% again).
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void theProgressOfAResumedPushIsWhatItsRecipientsShow(CapturedOutput output) {
        OperationTask task = sentToBatchJobs(audienceOf(40), PushType.MANUAL);

        atInfo(DeliverBatchDelegate.class, () -> {
            deliverInOrder(deliveryOf(task), 8);
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, "hold on");
            engine.runDueJobs(task.getId());
            assertThat(delivery.counts(livePush(task).getId()).delivered()).isEqualTo(16);
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
            engine.runDueJobsExcept(task.getId(), Element.SERVICE_DELIVER_BATCH.id());
            deliverInOrder(deliveryOf(task), 20);
            engine.runDueJobs(task.getId());
        });

        Push push = livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(progress(output, task, push)).containsExactlyElementsOf(tenthsOf40());
    }

    /** The progress lines of a push of 40 recipients, each tenth once, none skipped or failed. */
    private static List<String> tenthsOf40() {
        return IntStream.rangeClosed(1, 10).mapToObj(tenth -> tenth * 10 + "% done, " + tenth * 4
                + " of 40 recipients: " + tenth * 4 + " delivered, 0 failed, 0 skipped, " + (40 - tenth * 4) + " left")
                .toList();
    }

    /** What the push's progress lines say after the task and the push. */
    private static List<String> progress(CapturedOutput output, OperationTask task, Push push) {
        String progress = "Task " + task.getId() + ": push " + push.getId() + ": ";
        return output.getOut().lines().filter(line -> line.contains(progress) && line.contains("% done"))
                .map(line -> line.substring(line.indexOf(progress) + progress.length())).toList();
    }

    /**
     * Delivers {@code batches} of the delivery's batches, the lowest number first, as its workers take them (a few at
     * a time, on any node); each worker goes on with its next one.
     */
    private void deliverInOrder(ProcessInstance delivery, int batches) {
        for (int i = 0; i < batches; i++) {
            Job next = batchJobs(delivery).stream().min(Comparator.comparingInt(job -> ((Number) engine.processEngine()
                    .getRuntimeService().getVariable(job.getExecutionId(), DeliveryProcess.BATCH)).intValue()))
                    .orElseThrow();
            management().executeJob(next.getId());
        }
    }


    private OperationTask sentToBatchJobs(List<String> audience, PushType pushType) {
        return sentToBatchJobs(audience, pushType, Channel.IN_APP);
    }

    private OperationTask sentToBatchJobs(List<String> audience, PushType pushType, Channel channel) {
        return sentToBatchJobs(audience, pushType, channel, Schedule.immediately());
    }

    private OperationTask sentToBatchJobs(List<String> audience, PushType pushType, Channel channel, Schedule schedule) {
        return deliveries.sentToBatchJobs(audience, pushType, channel, schedule);
    }

    /** A MANUAL task to exactly these users, in their inbox. */
    private static TaskDefinition manualInAppTo(List<String> audience) {
        return Fixtures.definition(Channel.IN_APP, PushType.MANUAL, Schedule.immediately(), null,
                Deliveries.to(audience));
    }

    /** After {@code wait}, the push that waited delivers the rest: it ends, every recipient reached once. */
    private void deliversTheRestAfter(Duration wait, ProcessInstance push, OperationTask task, List<String> audience) {
        engine.advance(wait);
        engine.runDueJobs(task.getId());
        assertThat(push).isEnded();
        assertThat(livePush(task).getDelivered()).isEqualTo(audience.size());
        assertThat(inboxMessages(task, audience))
                .isEqualTo(audience.stream().collect(Collectors.toMap(user -> user, user -> 1L)));
    }

    private List<String> audienceOf(int size) {
        return deliveries.audienceOf(size);
    }

    private static UserProfile profile(String id, String email, Set<Channel> optOut) {
        return new UserProfile(id, id, email, null, null, null, null, Set.of(), Map.of(), optOut);
    }

    private ProcessInstance deliveryOf(OperationTask task) {
        return deliveries.deliveryOf(task);
    }

    private List<Job> batchJobs(ProcessInstance push) {
        return deliveries.batchJobs(push);
    }

    private Push livePush(OperationTask task) {
        return deliveries.livePush(task);
    }

    private Map<String, Long> inboxMessages(OperationTask task, List<String> audience) {
        return jdbc.queryForList("select user_id from inbox_message where task_id = ?", String.class, task.getId())
                .stream().filter(audience::contains).collect(Collectors.groupingBy(user -> user, Collectors.counting()));
    }

    private ManagementService management() {
        return engine.processEngine().getManagementService();
    }
}
