package io.reachflow.support;

import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushKind;
import io.reachflow.delivery.PushRepository;
import io.reachflow.lifecycle.DeliveryProcess;
import io.reachflow.lifecycle.DeliveryProcess.Element;
import io.reachflow.task.Audience;
import io.reachflow.task.AudienceType;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.boot.test.context.TestComponent;

/** Live pushes of running tasks to users made for the test, stopped where their batch jobs wait. */
@TestComponent
public class Deliveries {

    private final Fixtures fixtures;
    private final Engine engine;
    private final UserService users;
    private final PushRepository pushes;

    public Deliveries(Fixtures fixtures, Engine engine, UserService users, PushRepository pushes) {
        this.fixtures = fixtures;
        this.engine = engine;
        this.users = users;
        this.pushes = pushes;
    }

    /** {@code size} new users without addresses. */
    public List<String> audienceOf(int size) {
        return audienceOf(size, id -> new UserProfile(id, "User " + id, null, null, null, null, null, Set.of(),
                Map.of(), Set.of()));
    }

    /** {@code size} new users, each profile made from its id. */
    public List<String> audienceOf(int size, Function<String, UserProfile> profile) {
        String word = HttpJson.uniqueWord();
        return IntStream.range(0, size).mapToObj(i -> {
            String id = "batch" + i + "-" + word;
            users.upsert(profile.apply(id));
            return id;
        }).toList();
    }

    /**
     * A running task to the given users, its push started (MANUAL: sent by an operator; ONE_TIME: at once, after
     * its timer and start jobs) and planned: the workers' batch jobs wait. A push of one batch on a channel written in
     * the database was delivered with its plan, and has no batch job.
     */
    public OperationTask sentToBatchJobs(List<String> audience, PushType pushType, Channel channel, Schedule schedule) {
        OperationTask task = fixtures.running(Fixtures.definition(channel, pushType, schedule, null, to(audience)));
        if (pushType == PushType.MANUAL) {
            fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        }
        while (deliveryOf(task) == null) {
            management().executeJob(management().createJobQuery()
                    .processInstanceId(engine.lifecycle(task.getId()).getId()).executable().singleResult().getId());
        }
        String plan = management().createJobQuery().processInstanceId(deliveryOf(task).getId())
                .activityId(Element.SERVICE_PLAN_PUSH.id()).singleResult().getId();
        management().executeJob(plan);
        return task;
    }

    /** The audience of exactly these users. */
    public static Audience to(List<String> users) {
        return new Audience(AudienceType.USERS, List.of(), users, List.of());
    }

    /** The task's delivery process, while it runs. */
    public ProcessInstance deliveryOf(OperationTask task) {
        return engine.processEngine().getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey(DeliveryProcess.KEY).processInstanceBusinessKey(String.valueOf(task.getId()))
                .singleResult();
    }

    /** The batch jobs of the delivery, one per worker. */
    public List<Job> batchJobs(ProcessInstance delivery) {
        return management().createJobQuery().processInstanceId(delivery.getId())
                .activityId(Element.SERVICE_DELIVER_BATCH.id()).list();
    }

    /** The task's live pushes, newest first. */
    public List<Push> livePushes(OperationTask task) {
        return pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.LIVE);
    }

    /** The task's latest live push. */
    public Push livePush(OperationTask task) {
        return pushes.findFirstByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.LIVE).orElseThrow();
    }

    private ManagementService management() {
        return engine.processEngine().getManagementService();
    }
}
