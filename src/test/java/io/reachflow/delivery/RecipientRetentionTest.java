package io.reachflow.delivery;

import static io.reachflow.support.HttpJson.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

/**
 * A live push's recipient rows are deleted once it finished longer ago than the retention (90 days by default),
 * and its history reads the same from the counts it keeps. Each test backdates its own push only, so that the
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
    DeliveryProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Api api;

    @Test
    void aLivePushPastTheRetentionKeepsItsCountsAndLosesItsRecipientRows() {
        OperationTask task = delivered(5);
        Push push = deliveries.livePush(task);
        JsonNode before = get(rita(), PUSHES, task.getId()).getBody().get(0);
        long testRound = jdbc.queryForObject("select max(id) from push where task_id = ? and kind = 'TEST'",
                Long.class, task.getId());
        int testRoundRows = rows(testRound);

        finishedAgo(push, properties.recipientsRetention().minusDays(1));
        assertThat(retention.prune(Duration.ofMinutes(1))).as("none left").isFalse();
        assertThat(rows(push.getId())).as("within the retention").isEqualTo(5);

        finishedAgo(push, properties.recipientsRetention().plusDays(1));
        assertThat(retention.prune(Duration.ofMinutes(1))).as("none left").isFalse();

        assertThat(rows(push.getId())).isZero();
        assertThat(rows(testRound)).as("a test round keeps its testers").isEqualTo(testRoundRows).isPositive();
        ObjectNode after = (ObjectNode) get(rita(), PUSHES, task.getId()).getBody().get(0);
        assertThat(after.path("recipientsPrunedAt").isTextual()).isTrue();
        after.remove("recipientsPrunedAt");
        ((ObjectNode) before).remove("finishedAt");
        after.remove("finishedAt");
        ((ObjectNode) before).remove("ratePerSecond");
        after.remove("ratePerSecond");
        assertThat(after).as("the same counts, kept with the push").isEqualTo(before);
        ResponseEntity<JsonNode> gone = get(rita(), RECIPIENTS, task.getId(), push.getId());
        assertThat(gone.getStatusCode()).isEqualTo(HttpStatus.GONE);
        assertThat(gone.getBody().path("detail").asText()).contains("retention", "counts are kept");
    }

    @Test
    void aPushFinishedBeforeItsCountsWereKeptIsCountedBeforeItsRowsGo() {
        OperationTask task = delivered(3);
        Push push = deliveries.livePush(task);
        jdbc.update("update push set final_counts = null where id = ?", push.getId());
        finishedAgo(push, properties.recipientsRetention().plusDays(1));

        retention.prune(Duration.ofMinutes(1));

        assertThat(rows(push.getId())).isZero();
        JsonNode after = get(rita(), PUSHES, task.getId()).getBody().get(0);
        assertThat(after.path("delivered").asLong()).isEqualTo(3);
        assertThat(after.path("targeted").asLong()).isEqualTo(3);
    }

    @Test
    void aRoundThatRunsOutOfTimeLeavesTheRestForTheNext() {
        OperationTask task = delivered(3);
        Push push = deliveries.livePush(task);
        finishedAgo(push, properties.recipientsRetention().plusDays(1));

        assertThat(retention.prune(Duration.ZERO)).as("some left").isTrue();
        assertThat(rows(push.getId())).isEqualTo(3);
        assertThat(retention.prune(Duration.ofMinutes(1))).isFalse();
        assertThat(rows(push.getId())).isZero();
    }

    /** The housekeeping process's daily timer starts a round of pruning, a job of its own. */
    @Test
    void theDailyHousekeepingProcessPrunes() {
        OperationTask task = delivered(2);
        Push push = deliveries.livePush(task);
        finishedAgo(push, properties.recipientsRetention().plusDays(1));
        ManagementService management = engine.processEngine().getManagementService();
        Job timer = management.createJobQuery().processDefinitionKey("reachflow-housekeeping").timers()
                .singleResult();
        assertThat(timer.getDuedate()).as("tomorrow at 03:00 at the latest")
                .isBefore(java.util.Date.from(engine.now().plus(Duration.ofDays(1))));

        management.executeJob(timer.getId());
        List<Job> rounds = management.createJobQuery().processDefinitionKey("reachflow-housekeeping")
                .activityId("service_prune_recipients").list();
        assertThat(rounds).hasSize(1);
        management.executeJob(rounds.get(0).getId());

        assertThat(rows(push.getId())).isZero();
        assertThat(engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey("reachflow-housekeeping").count()).as("ended: none left").isZero();
        assertThat(management.createJobQuery().processDefinitionKey("reachflow-housekeeping").timers().count())
                .as("the next day's timer").isEqualTo(1);
    }

    private OperationTask delivered(int users) {
        OperationTask task = deliveries.sentToBatchJobs(deliveries.audienceOf(users), PushType.MANUAL, Channel.IN_APP,
                Schedule.immediately());
        engine.runDueJobs(task.getId());
        return task;
    }

    private void finishedAgo(Push push, Duration ago) {
        jdbc.update("update push set finished_at = ? where id = ?", Timestamp.from(engine.now().minus(ago)),
                push.getId());
    }

    private int rows(long pushId) {
        return jdbc.queryForObject("select count(*) from push_recipient where push_id = ?", Integer.class, pushId);
    }

    private RestClient rita() {
        return api.as("rita");
    }
}
