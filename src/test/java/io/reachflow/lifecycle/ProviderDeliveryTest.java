package io.reachflow.lifecycle;

import static io.reachflow.support.Logs.atInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.reachflow.delivery.DeliveryDeferredException;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushStatus;
import io.reachflow.delivery.RecipientCounts;
import io.reachflow.delivery.RecipientStatus;
import io.reachflow.support.Api;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.support.ScriptedReceiver;
import io.reachflow.support.ScriptedReceiver.Answer;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.RestClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Live pushes through real providers on local servers: a webhook receiver, an SMS gateway and FCM (one HTTP server
 * scripted per path) and SMTP (GreenMail). Temporary failures are retried by the engine with backoff (no earlier
 * than Retry-After) until an incident; permanent ones are recorded; an interrupted send is sent again only where the
 * provider recognises it; a pause while a provider has messages still records its answers. The test profile cuts
 * pushes into batches of 2, retried after 10 s (the cycle's 5 s, but not before the deferred recipients are due), then 2 min, then an incident.
 *
 * <p>The providers' addresses make this application context its own, next to the H2 tests' shared one: its engine
 * takes a generated name (the engine registry is JVM-wide), and it is closed after the class. The local servers run
 * until the JVM ends: {@link ProviderDeliveryOnPostgresTest} runs the same tests against them.
 */
@ReachflowSpringTest
@TestPropertySource(properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ProviderDeliveryTest {

    private static final String WEBHOOK = "/hooks/reachflow";
    private static final String SMS = "/sms/send";
    private static final String FCM = "/v1/projects/reachflow/messages:send";
    private static final ScriptedReceiver providers = new ScriptedReceiver().start();
    private static final GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

    static {
        smtp.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("reachflow.channels.webhook.url", () -> providers.url(WEBHOOK));
        registry.add("reachflow.channels.webhook.secret", () -> "webhook-secret");
        registry.add("reachflow.channels.sms.url", () -> providers.url(SMS));
        registry.add("reachflow.channels.sms.request-template",
                () -> "{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"key\":\"{{idempotencyKey}}\"}");
        registry.add("reachflow.channels.push.endpoint", () -> providers.url(FCM));
        registry.add("reachflow.channels.push.access-token", () -> "fcm-token");
        registry.add("reachflow.channels.email.from", () -> "Reachflow <news@reachflow.test>");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    Deliveries deliveries;

    @Autowired
    Api api;

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
    ObjectMapper json;

    /** The testers get the test rounds on every channel; process assertions look at this context's engine. */
    @BeforeEach
    void testersHaveEveryAddress() {
        BpmnAwareTests.init(engine.processEngine());
        for (String tester : List.of(Fixtures.OPERATOR, Fixtures.OPERATOR_AND_REVIEWER)) {
            users.upsert(new UserProfile(tester, tester, tester + "@reachflow.test", "+49300000" + tester.length(),
                    "token-" + tester, "Europe/Berlin", "en", Set.of("staff"), Map.of(), Set.of()));
        }
    }

    @AfterEach
    void reset() {
        engine.resetClock();
        providers.clear();
    }

    @Test
    void webhookFailingWith500Then429IsRetriedWithBackoffAndReachesEachRecipientOnce() {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        Push push = deliveries.livePush(task);
        providers.script(WEBHOOK, Answer.status(500, "down for maintenance"), Answer.retryAfter(429, "300"));
        Job batch = onlyBatchJob(task);
        engine.advance(Duration.ZERO);

        assertThatThrownBy(() -> management().executeJob(batch.getId())).as("the status, not the provider's answer")
                .hasMessageEndingWith(": 2 recipients wait (HTTP 500)");
        Job retried = job(batch);
        assertThat(retried.getRetries()).as("retries left of the cycle PT5S,PT2M").isEqualTo(2);
        assertThat(retried.getDuedate().toInstant())
                .as("when the deferred recipients are due again: the pause of 10 s outweighs the cycle's 5 s")
                .isEqualTo(engine.now().plusSeconds(10));
        RecipientCounts waiting = delivery.counts(push.getId());
        assertThat(waiting.remaining()).isEqualTo(2);
        assertThat(waiting.deferredByReason()).containsExactly(Map.entry("HTTP 500", 2L));
        assertThat(delivery.recipients(push.getId(), RecipientStatus.PLANNED, "HTTP 500", null, 10))
                .extracting(DeliveryService.RecipientOutcome::detail).containsOnly("down for maintenance");
        assertThat(engine.runDueJobs(task.getId())).as("nothing is due before the backoff").isZero();

        engine.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> management().executeJob(batch.getId()))
                .hasMessageEndingWith(": 2 recipients wait (HTTP 429, Retry-After 300s)");
        assertThat(job(batch).getDuedate().toInstant()).as("Retry-After: 300 outweighs the cycle's 2 minutes")
                .isAfterOrEqualTo(engine.now().plusSeconds(299));
        engine.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertThat(engine.runDueJobs(task.getId())).isZero();

        engine.advance(Duration.ofMinutes(3));
        engine.runDueJobs(task.getId());

        Push delivered = deliveries.livePush(task);
        assertThat(delivered.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(delivered.getDelivered()).isEqualTo(2);
        assertThat(delivery.counts(push.getId()).deferredByReason()).isEmpty();
        assertThat(webhookRequests(push).stream().map(ScriptedReceiver.Received::status)).containsExactly(500, 429, 200);
        assertThat(usersAnsweredOk(push)).containsExactlyInAnyOrderElementsOf(audience);
        assertThat(jdbc.queryForList("select attempts from push_recipient where push_id = ?", Integer.class,
                push.getId())).containsOnly(3);
    }

    /**
     * A recipient whose profile was deleted after the push was planned (a plan that read it before the erasure
     * committed) is claimed with the batch but cannot be rendered: SKIPPED USER_DELETED, never counted delivered, and
     * the provider gets the others only.
     */
    @Test
    void aRecipientDeletedAfterThePlanIsSkippedAndNotSentToTheProvider() {
        List<String> audience = deliveries.audienceOf(3);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        Push push = deliveries.livePush(task);
        jdbc.update("delete from audience_user where id = ?", audience.get(1));

        engine.runDueJobs(task.getId());

        Push delivered = deliveries.livePush(task);
        assertThat(delivered.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(delivered.getDelivered()).isEqualTo(2);
        assertThat(delivery.counts(push.getId()).skippedByReason()).containsExactly(Map.entry("USER_DELETED", 1L));
        assertThat(usersAnsweredOk(push)).containsExactlyInAnyOrder(audience.get(0), audience.get(2));
    }

    /**
     * A provider's temporary failure is expected and retried, across every batch of a push in an outage: its one line
     * per attempt names the task, push and batch ({@code RetryAfterPlugin}); the job executor's own warning of it
     * (ENGINE-14006, the job id and the exception, over several lines) is not logged as well. Any other failure is.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aTemporaryFailureFailsItsJobWithoutAStackTrace(CapturedOutput output) {
        OperationTask task = deliveries.sentToBatchJobs(deliveries.audienceOf(2), PushType.MANUAL, Channel.WEBHOOK,
                Schedule.immediately());
        providers.script(WEBHOOK, Answer.status(500));
        Job batch = onlyBatchJob(task);

        Throwable failure = catchThrowable(() -> management().executeJob(batch.getId()));

        assertThat(failure).isInstanceOf(DeliveryDeferredException.class).hasMessageContaining("HTTP 500");
        assertThat(failure.getStackTrace()).isEmpty();
        assertThat(output.getOut().lines().filter(line -> line.contains(" WARN ")
                && line.contains("Task " + task.getId() + ", push ")))
                .as("the retry's line").singleElement().asString().contains("(HTTP 500); tried again at");
        int before = output.getOut().length();
        ExecuteJobHelper.LOGGING_HANDLER.exceptionWhileExecutingJob(batch.getId(), failure);
        assertThat(output.getOut().substring(before)).as("what the job executor logs of it").isBlank();
        ExecuteJobHelper.LOGGING_HANDLER.exceptionWhileExecutingJob(batch.getId(), new IllegalStateException("other"));
        assertThat(output.getOut().substring(before)).as("of another failure")
                .contains("WARN", "ENGINE-14006", batch.getId(), "IllegalStateException: other");
    }

    /** The incident is logged with its task, and shows in the API: on the push, and where and why on the task. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aBatchThatKeepsFailingBecomesAnIncidentAndGoesOnOnceRetried(CapturedOutput output) {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        String answer = "{\"error\":\"busy\",\"to\":\"+4915100000001\"}";
        providers.script(WEBHOOK, Answer.status(503, answer), Answer.status(503, answer), Answer.status(503, answer));
        Job batch = onlyBatchJob(task);

        for (Duration backoff : List.of(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(2))) {
            engine.advance(backoff.plusSeconds(1));
            assertThatThrownBy(() -> management().executeJob(batch.getId())).hasMessageContaining("HTTP 503");
        }

        List<Incident> incidents = engine.processEngine().getRuntimeService().createIncidentQuery()
                .processInstanceId(deliveries.deliveryOf(task).getId()).list();
        assertThat(incidents).hasSize(1);
        assertThat(incidents.get(0).getIncidentMessage()).contains("Task " + task.getId() + ", push ", "2 recipients wait", "HTTP 503")
                .as("the provider's answer may name recipients").doesNotContain("+4915100000001");
        assertThat(deliveries.livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERING);
        assertThat(output.getOut()).contains("Task " + task.getId() + ": 'Deliver batch' failed through all its "
                + "retries and waits for an admin (Cockpit, process instance " + deliveries.deliveryOf(task).getId())
                .doesNotContain("+4915100000001");
        assertThat(output.getOut().lines().filter(line -> line.contains("Task " + task.getId() + ", push ")
                && line.contains(" WARN ") && line.contains("2 recipients wait (HTTP 503); ")))
                .as("one line per attempt, with the task and when it is tried again")
                .anySatisfy(line -> assertThat(line).containsPattern("tried again at \\S+ \\(2 retries left\\)"))
                .anySatisfy(line -> assertThat(line).containsPattern("tried again at \\S+ \\(1 retry left\\)"))
                .anySatisfy(line -> assertThat(line).endsWith("no retry left: an incident waits for an admin (Cockpit)"));
        RestClient operator = api.as(Fixtures.OPERATOR);
        JsonNode stuck = HttpJson.get(operator, "/api/tasks/{id}/incidents", task.getId()).getBody();
        assertThat(stuck).hasSize(1);
        assertThat(stuck.get(0).path("process").asText()).isEqualTo(DeliveryProcess.KEY);
        assertThat(stuck.get(0).path("activity").asText()).isEqualTo("Deliver batch");
        assertThat(stuck.get(0).path("message").asText()).contains("HTTP 503");
        assertThat(stuck.get(0).path("pushId").asLong()).isEqualTo(deliveries.livePush(task).getId());
        assertThat(HttpJson.get(operator, "/api/tasks/{id}/pushes", task.getId()).getBody().path("items").get(0)
                .path("incidents").asLong()).isEqualTo(1);

        management().setJobRetries(batch.getId(), 1);
        engine.advance(Duration.ofMinutes(10));
        engine.runDueJobs(task.getId());

        assertThat(HttpJson.get(operator, "/api/tasks/{id}/incidents", task.getId()).getBody()).isEmpty();
        assertThat(HttpJson.get(operator, "/api/tasks/{id}/pushes", task.getId()).getBody().path("items").get(0)
                .path("incidents").asLong()).isZero();

        assertThat(deliveries.livePush(task).getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(usersAnsweredOk(deliveries.livePush(task))).containsExactlyInAnyOrderElementsOf(audience);
    }

    /**
     * A complete calls the push off, and its delivery, stuck in an incident, tries once more and ends without sending:
     * no incident stays in Cockpit for a task that is over.
     */
    @Test
    void aCompleteEndsADeliveryStuckInAnIncident() {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        String stuck = stuckInAnIncident(task);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, "campaign over");
        engine.runDueJobs(task.getId());

        assertThat(engine.processEngine().getRuntimeService().createIncidentQuery().processInstanceId(stuck).count())
                .isZero();
        assertThat(deliveries.deliveryOf(task)).as("the delivery ended").isNull();
        Push push = deliveries.livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.CANCELLED);
        assertThat(push.getCancelReason()).isEqualTo("TASK_COMPLETED");
        assertThat(push.getDelivered()).isZero();
        assertThat(delivery.counts(push.getId()).remaining()).isZero();
        assertThat(webhookRequests(push)).as("the three failed tries, none after the complete").hasSize(3);
        assertThat(HttpJson.get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/incidents", task.getId()).getBody())
                .isEmpty();
    }

    /**
     * An operator's way out of an outage without an admin: pause, and resume once the provider is back. The delivery
     * stuck in an incident ends with the pause (it tries once more and finds the push paused), so no incident stays
     * open; the resume's delivery reaches every recipient once.
     */
    @Test
    void aPauseEndsADeliveryStuckInAnIncidentAndTheResumeReachesEveryone() {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        String stuck = stuckInAnIncident(task);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, "provider down");
        engine.runDueJobs(task.getId());

        assertThat(engine.processEngine().getRuntimeService().createIncidentQuery().processInstanceId(stuck).count())
                .isZero();
        assertThat(HttpJson.get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/incidents", task.getId()).getBody())
                .isEmpty();
        assertThat(webhookRequests(deliveries.livePush(task))).as("nothing sent while paused").hasSize(3);

        engine.advance(Duration.ofMinutes(5)); // the provider is back
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        Push push = deliveries.livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(usersAnsweredOk(push)).containsExactlyInAnyOrderElementsOf(audience);
        assertThat(engine.processEngine().getRuntimeService().createIncidentQuery().count()).isZero();
    }

    /** The rejections are in the log by reason; what the provider said is each recipient's detail, not logged above DEBUG. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aPermanentRejectionIsRecordedPerRecipientAndNotRetried(CapturedOutput output) {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        providers.script(WEBHOOK, Answer.status(422, "unknown audience"));

        atInfo(DeliveryService.class, () -> engine.runDueJobs(task.getId()));

        Push push = deliveries.livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(push.getFailed()).isEqualTo(2);
        assertThat(output.getOut().lines().filter(line -> line.contains(": LIVE push " + push.getId() + " done: ")))
                .as("a live push that reached nobody is worth a warning").singleElement().asString().contains(" WARN ")
                .contains("Task " + task.getId() + ": LIVE push " + push.getId() + " done: 2 targeted, 0 delivered, "
                        + "2 failed {HTTP 422=2}, 0 skipped, in ").containsPattern("in \\d+(\\.\\d)? m?s$");
        assertThat(delivery.counts(push.getId()).failedByReason()).containsExactly(Map.entry("HTTP 422", 2L));
        assertThat(delivery.recipients(push.getId(), RecipientStatus.FAILED, "HTTP 422", null, 10))
                .extracting(DeliveryService.RecipientOutcome::detail).containsOnly("unknown audience");
        assertThat(webhookRequests(push)).hasSize(1);
        assertThat(output.getOut()).contains("Task " + task.getId() + ": push " + push.getId()
                + ": WEBHOOK rejected all 2 messages: HTTP 422").doesNotContain("unknown audience");
    }

    @Test
    void emailGoesThroughSmtpRenderedPerRecipient() throws Exception {
        List<String> audience = deliveries.audienceOf(3, id -> profile(id, id + "@example.com", null, null));

        Push push = deliver(audience, Channel.EMAIL);

        assertThat(push.getDelivered()).isEqualTo(3);
        for (String user : audience) {
            List<MimeMessage> mails = Arrays.stream(smtp.getReceivedMessages())
                    .filter(mail -> addressedTo(mail, user + "@example.com")).toList();
            assertThat(mails).as("mails to " + user).hasSize(1);
            assertThat(mails.get(0).getSubject()).isEqualTo("Hi User " + user);
            assertThat(mails.get(0).getHeader("X-Idempotency-Key")).containsExactly(push.getId() + ":" + user);
        }
    }

    /**
     * A test round reports rather than retries: each tester's failure, permanent or temporary, with its reason; a
     * round that did not reach every tester is a warning, with the failures by reason.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aTestRoundThroughAProviderRecordsEachTestersFailureOnce(CapturedOutput output) {
        providers.script(SMS, Answer.status(422, "invalid number"), Answer.status(503));

        OperationTask task = fixtures.testing(Fixtures.definition(Channel.SMS, PushType.MANUAL, Schedule.immediately(),
                null));

        long round = jdbc.queryForObject("select max(id) from push where task_id = ? and kind = 'TEST'", Long.class,
                task.getId());
        assertThat(delivery.outcomes(round)).extracting(DeliveryService.RecipientOutcome::userId,
                DeliveryService.RecipientOutcome::status, DeliveryService.RecipientOutcome::reason,
                DeliveryService.RecipientOutcome::detail).containsExactly(
                        tuple("olivia", RecipientStatus.FAILED, "HTTP 422", "invalid number"),
                        tuple("una", RecipientStatus.FAILED, "HTTP 503", "a temporary failure, not retried in a test round"));
        assertThat(bodies(SMS, round)).as("one request per tester").hasSize(2);
        assertThat(output.getOut().lines().filter(line -> line.contains(": TEST push " + round + " done: ")))
                .singleElement().asString().contains(" WARN ").contains("Task " + task.getId() + ": TEST push "
                        + round + " done: 2 targeted, 0 delivered, 2 failed {HTTP 422=1, HTTP 503=1}, 0 skipped, in ");
    }

    /**
     * A test round through a provider that takes its time stops handing over when the round's time is up (the
     * provider batch time), so that its job never outlives its lock: the testers not reached fail with NOT_SENT.
     */
    @Test
    void aTestRoundThroughASlowProviderEndsWhenItsTimeIsUp() throws Exception {
        OperationTask task = fixtures.draft(Fixtures.definition(Channel.SMS, PushType.MANUAL, Schedule.immediately(),
                null));
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        providers.script(SMS, Answer.heldUntil(arrived, release));
        CompletableFuture<Push> sending = CompletableFuture.supplyAsync(() -> delivery.sendTestRound(task.getId()));
        try {
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the gateway has the first tester's message").isTrue();
            engine.advance(Duration.ofMinutes(3)); // it took longer than a round may (2 minutes)
        } finally {
            release.countDown();
        }
        Push round = sending.get(10, TimeUnit.SECONDS);

        assertThat(delivery.outcomes(round.getId())).extracting(DeliveryService.RecipientOutcome::userId,
                DeliveryService.RecipientOutcome::status, DeliveryService.RecipientOutcome::reason).containsExactly(
                        tuple(Fixtures.OPERATOR, RecipientStatus.DELIVERED, null),
                        tuple(Fixtures.OPERATOR_AND_REVIEWER, RecipientStatus.FAILED, "NOT_SENT"));
        assertThat(bodies(SMS, round.getId())).as("the first tester's message only").hasSize(1);
    }

    @Test
    void smsGoesThroughTheGatewayRenderedPerRecipient() throws Exception {
        List<String> audience = deliveries.audienceOf(3, id -> profile(id, null, "+4915100" + id.hashCode(), null));

        Push push = deliver(audience, Channel.SMS);

        assertThat(push.getDelivered()).isEqualTo(3);
        List<JsonNode> requests = bodies(SMS, push.getId());
        assertThat(requests).hasSize(3);
        for (JsonNode request : requests) {
            String user = request.path("key").asText().substring((push.getId() + ":").length());
            assertThat(request.path("to").asText()).isEqualTo("+4915100" + user.hashCode());
            assertThat(request.path("text").asText()).isEqualTo("News from Porto https://example.com/sale");
        }
    }

    /**
     * A gateway names each refused number in its answer: the push counts those failures under one reason, however
     * many numbers, and keeps what the gateway said about each recipient, paged in user id order.
     */
    @Test
    void failuresAreCountedByReasonWithEachRecipientsDetailKept() {
        List<String> audience = deliveries.audienceOf(4, id -> profile(id, null, "+4915100" + Math.abs(id.hashCode()), null));
        List<String> sorted = audience.stream().sorted().toList();
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.SMS, Schedule.immediately());
        // the gateway gets the messages in user id order: the first three numbers are refused, the last one taken
        providers.script(SMS, Answer.status(400, "invalid number " + number(sorted.get(0))),
                Answer.status(400, "invalid number " + number(sorted.get(1))),
                Answer.status(400, "invalid number " + number(sorted.get(2))), Answer.status(200));

        engine.runDueJobs(task.getId());

        Push push = deliveries.livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);

        assertThat(delivery.counts(push.getId()).failedByReason()).containsExactly(Map.entry("HTTP 400", 3L));
        List<DeliveryService.RecipientOutcome> firstPage = delivery.recipients(push.getId(), RecipientStatus.FAILED,
                "HTTP 400", null, 2);
        List<DeliveryService.RecipientOutcome> secondPage = delivery.recipients(push.getId(), RecipientStatus.FAILED,
                "HTTP 400", firstPage.get(1).userId(), 2);
        assertThat(firstPage).extracting(DeliveryService.RecipientOutcome::userId, DeliveryService.RecipientOutcome::detail)
                .containsExactly(tuple(sorted.get(0), "invalid number " + number(sorted.get(0))),
                        tuple(sorted.get(1), "invalid number " + number(sorted.get(1))));
        assertThat(secondPage).extracting(DeliveryService.RecipientOutcome::userId, DeliveryService.RecipientOutcome::detail)
                .containsExactly(tuple(sorted.get(2), "invalid number " + number(sorted.get(2))));
        assertThat(delivery.recipients(push.getId(), RecipientStatus.DELIVERED, null, null, 10))
                .extracting(DeliveryService.RecipientOutcome::userId, DeliveryService.RecipientOutcome::reason,
                        DeliveryService.RecipientOutcome::detail)
                .containsExactly(tuple(sorted.get(3), null, null));
    }

    /**
     * An SMS gateway that answers the first message of a batch with 429 and Retry-After: 300 gets nothing more of it
     * before then: the message not handed over waits as long as the deferred one, and so does the job's retry.
     */
    @Test
    void aRetryAfterHoldsBackTheWholeBatchOfAPerMessageProvider() {
        List<String> audience = deliveries.audienceOf(2, id -> profile(id, null, "+4915200" + Math.abs(id.hashCode()), null));
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.SMS, Schedule.immediately());
        Push push = deliveries.livePush(task);
        providers.script(SMS, Answer.retryAfter(429, "300"));
        Job batch = onlyBatchJob(task);
        engine.advance(Duration.ZERO);

        assertThatThrownBy(() -> management().executeJob(batch.getId()))
                .hasMessageEndingWith(": 2 recipients wait (HTTP 429, Retry-After 300s)");

        assertThat(bodies(SMS, push.getId())).as("the gateway asked to wait after the first").hasSize(1);
        assertThat(jdbc.queryForList("select not_before from push_recipient where push_id = ?", Timestamp.class,
                push.getId())).extracting(Timestamp::toInstant).as("both wait for the Retry-After")
                .allSatisfy(notBefore -> assertThat(notBefore).isAfterOrEqualTo(engine.now().plusSeconds(300)));
        assertThat(job(batch).getDuedate().toInstant()).as("and so does the retry")
                .isAfterOrEqualTo(engine.now().plusSeconds(300));
        engine.advance(Duration.ofMinutes(4));
        assertThat(engine.runDueJobs(task.getId())).isZero();

        engine.advance(Duration.ofMinutes(1).plusSeconds(1));
        engine.runDueJobs(task.getId());
        assertThat(deliveries.livePush(task).getDelivered()).isEqualTo(2);
    }

    private static String number(String user) {
        return "+4915100" + Math.abs(user.hashCode());
    }

    @Test
    void pushGoesThroughFcmRenderedPerRecipient() throws Exception {
        List<String> audience = deliveries.audienceOf(3, id -> profile(id, null, null, "device-" + id));

        Push push = deliver(audience, Channel.PUSH);

        assertThat(push.getDelivered()).isEqualTo(3);
        List<JsonNode> requests = bodies(FCM, push.getId());
        assertThat(requests.stream().map(request -> request.path("message").path("token").asText()))
                .containsExactlyInAnyOrderElementsOf(audience.stream().map(user -> "device-" + user).toList());
        assertThat(requests).allSatisfy(request -> assertThat(request.path("message").path("notification")
                .path("title").asText()).startsWith("Hi User batch"));
    }

    @Test
    void webhookGetsEachBatchSigned() throws Exception {
        List<String> audience = deliveries.audienceOf(3);

        Push push = deliver(audience, Channel.WEBHOOK);

        assertThat(push.getDelivered()).isEqualTo(3);
        assertThat(webhookRequests(push)).as("batches of 2").hasSize(2);
        assertThat(usersAnsweredOk(push)).containsExactlyInAnyOrderElementsOf(audience);
    }

    /** The webhook receiver recognises a message by its key: the one whose answer was lost is sent again. */
    @Test
    void aSendInterruptedByAStoppedNodeIsSentAgainToAProviderThatRecognisesIt() throws Exception {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        Push push = deliveries.livePush(task);
        interrupted(push, audience.get(0));

        engine.runDueJobs(task.getId());

        assertThat(deliveries.livePush(task).getDelivered()).isEqualTo(2);
        assertThat(usersAnsweredOk(push)).containsExactlyInAnyOrderElementsOf(audience);
    }

    /** SMTP cannot tell a mail sent twice: the one whose answer was lost is recorded as failed, not sent again. */
    @Test
    void aSendInterruptedByAStoppedNodeIsNotSentAgainToAProviderThatCannotTell() throws Exception {
        List<String> audience = deliveries.audienceOf(2, id -> profile(id, id + "@example.com", null, null));
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.EMAIL, Schedule.immediately());
        Push push = deliveries.livePush(task);
        interrupted(push, audience.get(0));

        engine.runDueJobs(task.getId());

        assertThat(delivery.counts(push.getId()).failedByReason()).containsExactly(Map.entry("INTERRUPTED", 1L));
        assertThat(Arrays.stream(smtp.getReceivedMessages()).filter(mail -> addressedTo(mail, audience.get(0)
                + "@example.com"))).isEmpty();
        assertThat(Arrays.stream(smtp.getReceivedMessages()).filter(mail -> addressedTo(mail, audience.get(1)
                + "@example.com"))).hasSize(1);
    }

    /**
     * The operator pauses while the receiver holds the first batch: the pause does not wait for it, the receiver's
     * answer is still recorded and counted, and the rest waits for the resume, after which each recipient has
     * exactly one accepted request.
     */
    @Test
    void pauseWhileTheProviderHasMessagesRecordsItsAnswerAndTheResumeReachesTheRest() throws Exception {
        List<String> audience = deliveries.audienceOf(4);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        providers.script(WEBHOOK, Answer.heldUntil(arrived, release));
        List<Job> batches = deliveries.batchJobs(deliveries.deliveryOf(task));
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> management().executeJob(batches.get(0).getId()));
        try {
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the receiver has the first batch").isTrue();
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, "hold on");
            assertThat(deliveries.livePush(task).getStatus()).isEqualTo(PushStatus.PAUSED);
        } finally {
            release.countDown();
        }
        first.get(10, TimeUnit.SECONDS);
        engine.runDueJobs(task.getId());

        Push paused = deliveries.livePush(task);
        assertThat(paused.getStatus()).isEqualTo(PushStatus.PAUSED);
        assertThat(paused.getDelivered()).as("the held batch's answer, counted after the pause").isEqualTo(2);
        assertThat(delivery.counts(paused.getId()).planned()).as("left for the resume").isEqualTo(2);
        assertThat(webhookRequests(paused)).hasSize(1);

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
        engine.runDueJobs(task.getId());

        Push push = deliveries.livePush(task);
        assertThat(push.getId()).isEqualTo(paused.getId());
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(push.getDelivered()).isEqualTo(4);
        assertThat(usersAnsweredOk(push)).containsExactlyInAnyOrderElementsOf(audience);
    }

    /**
     * A provider that takes messages one by one (an SMS gateway) stops getting them when the operator pauses, within
     * the message it has, rather than going through the rest of the claim; the resume reaches the rest, each
     * recipient once. A complete cancels what was not handed over.
     */
    @Test
    void aPauseOrCompleteStopsAProviderThatTakesMessagesOneByOne() throws Exception {
        for (TaskAction stop : List.of(TaskAction.PAUSE, TaskAction.COMPLETE)) {
            List<String> audience = deliveries.audienceOf(2, id -> profile(id, null, number(id), null));
            OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.SMS, Schedule.immediately());
            whileTheGatewayHoldsTheFirstMessage(task, () -> fixtures.act(Fixtures.OPERATOR, task.getId(), stop, null));
            engine.runDueJobs(task.getId());

            Push stopped = deliveries.livePush(task);
            assertThat(bodies(SMS, stopped.getId())).as(stop + ": the message the gateway had, and no more").hasSize(1);
            assertThat(stopped.getDelivered()).as(stop.name()).isEqualTo(1);
            if (stop == TaskAction.PAUSE) {
                assertThat(stopped.getStatus()).isEqualTo(PushStatus.PAUSED);
                assertThat(delivery.counts(stopped.getId()).planned()).as("left for the resume").isEqualTo(1);
                fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
                engine.runDueJobs(task.getId());
                Push resumed = deliveries.livePush(task);
                assertThat(resumed.getStatus()).isEqualTo(PushStatus.DELIVERED);
                assertThat(resumed.getDelivered()).isEqualTo(2);
                assertThat(bodies(SMS, resumed.getId())).extracting(body -> body.path("to").asText())
                        .as("each recipient once").containsExactlyInAnyOrderElementsOf(
                                audience.stream().map(ProviderDeliveryTest::number).toList());
            } else {
                assertThat(stopped.getStatus()).isEqualTo(PushStatus.CANCELLED);
                assertThat(delivery.counts(stopped.getId()).cancelled()).as("not handed over").isEqualTo(1);
            }
        }
    }

    /**
     * A graceful stop (SIGTERM, a deploy: the application refuses new requests first) while a provider that takes
     * messages one by one has a batch: it gets no message after the one it has, as on a pause; what it took is
     * recorded while the database is there, and the rest goes on in a new job, after the restart. It handed over on
     * past the stop's 30-second wait for running jobs, and what it had sent was sent again after the restart.
     */
    @Test
    void aGracefulStopStopsAProviderThatTakesMessagesOneByOneWithinAMessage() throws Exception {
        List<String> audience = deliveries.audienceOf(2, id -> profile(id, null, number(id), null));
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.SMS, Schedule.immediately());
        Job batch;
        try {
            batch = whileTheGatewayHoldsTheFirstMessage(task,
                    () -> AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC));
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }

        Push stopped = deliveries.livePush(task);
        assertThat(bodies(SMS, stopped.getId())).as("the message the gateway had, and no more").hasSize(1);
        assertThat(delivery.counts(stopped.getId()).delivered()).as("recorded").isEqualTo(1);
        assertThat(delivery.counts(stopped.getId()).planned()).as("left for after the restart").isEqualTo(1);
        assertThat(onlyBatchJob(task).getId()).as("the batch goes on in a job of its own").isNotEqualTo(batch.getId());

        engine.runDueJobs(task.getId()); // the restart
        Push delivered = deliveries.livePush(task);
        assertThat(delivered.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(bodies(SMS, delivered.getId())).extracting(body -> body.path("to").asText())
                .as("each recipient once").containsExactlyInAnyOrderElementsOf(
                        audience.stream().map(ProviderDeliveryTest::number).toList());
    }

    /**
     * Runs the task's one batch to the SMS gateway while the gateway holds its first message, {@code meanwhile} then,
     * and lets the gateway answer; the batch's job.
     */
    private Job whileTheGatewayHoldsTheFirstMessage(OperationTask task, Runnable meanwhile) throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        providers.script(SMS, Answer.heldUntil(arrived, release));
        Job batch = onlyBatchJob(task);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> management().executeJob(batch.getId()));
        try {
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the gateway has the first message").isTrue();
            meanwhile.run();
        } finally {
            release.countDown();
        }
        sending.get(10, TimeUnit.SECONDS);
        return batch;
    }

    /**
     * Paused and resumed while the receiver holds the first delivery's batch: the resume's delivery leaves that
     * claim to its attempt (neither sends it again nor takes it for interrupted) and waits for the claim to expire;
     * the held attempt records its answer, and each recipient is in one request.
     */
    @Test
    void aResumeWhileTheProviderHasABatchLeavesItToTheAttemptThatSentIt() throws Exception {
        List<String> audience = deliveries.audienceOf(2);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.WEBHOOK, Schedule.immediately());
        ProcessInstance first = deliveries.deliveryOf(task);
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        providers.script(WEBHOOK, Answer.heldUntil(arrived, release));
        Job held = onlyBatchJob(task);
        CompletableFuture<Void> firstAttempt = CompletableFuture.runAsync(() -> management().executeJob(held.getId()));
        ProcessInstance second;
        try {
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.RESUME, null);
            second = engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                    .processDefinitionKey(DeliveryProcess.KEY).processInstanceBusinessKey(String.valueOf(task.getId()))
                    .list().stream().filter(instance -> !instance.getId().equals(first.getId())).findFirst().orElseThrow();
            runJobsOf(second);
            assertThat(second).as("the resume's delivery waits for the held claim").isWaitingAt(
                    DeliveryProcess.Element.TIMER_UNTIL_DUE.id());
            assertThat(jdbc.queryForList("select status from push_recipient where push_id = ?", String.class,
                    deliveries.livePush(task).getId())).containsOnly("SENDING");
        } finally {
            release.countDown();
        }
        firstAttempt.get(10, TimeUnit.SECONDS);
        engine.advance(Duration.ofMinutes(4));
        runJobsOf(second);
        engine.runDueJobs(task.getId());

        Push push = deliveries.livePush(task);
        assertThat(second).isEnded();
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        assertThat(push.getDelivered()).isEqualTo(2);
        assertThat(webhookRequests(push)).as("one request, never sent again").hasSize(1);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Push deliver(List<String> audience, Channel channel) {
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, channel, Schedule.immediately());
        engine.runDueJobs(task.getId());
        Push push = deliveries.livePush(task);
        assertThat(push.getStatus()).isEqualTo(PushStatus.DELIVERED);
        return push;
    }

    /** The task's one batch, its webhook answering 503 through all its retries: its delivery, in an incident. */
    private String stuckInAnIncident(OperationTask task) {
        providers.script(WEBHOOK, Answer.status(503), Answer.status(503), Answer.status(503));
        Job batch = onlyBatchJob(task);
        for (Duration backoff : List.of(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(2))) {
            engine.advance(backoff.plusSeconds(1));
            assertThatThrownBy(() -> management().executeJob(batch.getId())).hasMessageContaining("HTTP 503");
        }
        String stuck = deliveries.deliveryOf(task).getId();
        assertThat(engine.processEngine().getRuntimeService().createIncidentQuery().processInstanceId(stuck).count())
                .isEqualTo(1);
        return stuck;
    }

    /** As if the node had died while the provider had the user's message: claimed, never answered. */
    private void interrupted(Push push, String user) {
        assertThat(jdbc.update("update push_recipient set status = 'SENDING', attempts = 1, updated_at = ? "
                + "where push_id = ? and user_id = ?", Timestamp.from(engine.now().minus(Duration.ofMinutes(10))),
                push.getId(), user)).isOne();
    }

    /** Runs the due jobs of one delivery process only. */
    private void runJobsOf(ProcessInstance delivery) {
        for (Job job = dueJob(delivery); job != null; job = dueJob(delivery)) {
            management().executeJob(job.getId());
        }
    }

    private Job dueJob(ProcessInstance delivery) {
        return management().createJobQuery().processInstanceId(delivery.getId()).executable().listPage(0, 1).stream()
                .findFirst().orElse(null);
    }

    private Job onlyBatchJob(OperationTask task) {
        List<Job> jobs = deliveries.batchJobs(deliveries.deliveryOf(task));
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

    private Job job(Job job) {
        return management().createJobQuery().jobId(job.getId()).singleResult();
    }

    private List<ScriptedReceiver.Received> webhookRequests(Push push) {
        return providers.received().stream().filter(request -> request.path().equals(WEBHOOK))
                .filter(request -> payload(request).path("pushId").asLong() == push.getId()).toList();
    }

    private List<String> usersAnsweredOk(Push push) {
        return webhookRequests(push).stream().filter(request -> request.status() == 200)
                .flatMap(request -> payload(request).path("messages").findValuesAsText("userId").stream()).toList();
    }

    private List<JsonNode> bodies(String path, long pushId) {
        String key = pushId + ":";
        return providers.received().stream().filter(request -> request.path().equals(path))
                .map(this::payload).filter(body -> body.toString().contains("\"" + key)).toList();
    }

    private JsonNode payload(ScriptedReceiver.Received request) {
        try {
            return json.readTree(request.body());
        } catch (Exception e) {
            throw new IllegalStateException("Not JSON: " + request.body(), e);
        }
    }

    private static boolean addressedTo(MimeMessage mail, String address) {
        try {
            return Arrays.stream(mail.getRecipients(RecipientType.TO)).anyMatch(to -> to.toString().equals(address));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static UserProfile profile(String id, String email, String phone, String pushToken) {
        return new UserProfile(id, "User " + id, email, phone, pushToken, "Europe/Lisbon", "pt", Set.of(),
                Map.of("city", "Porto"), Set.of());
    }

    private ManagementService management() {
        return engine.processEngine().getManagementService();
    }
}
