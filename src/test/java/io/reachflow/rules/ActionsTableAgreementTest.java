package io.reachflow.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.lifecycle.LifecycleProcess.Message;
import io.reachflow.lifecycle.TaskActionPolicy;
import io.reachflow.lifecycle.TaskCommands;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.TaskStatus;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.EventSubscription;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * {@code dmn/task-actions.dmn} is obeyed everywhere: for a task in each state its table allows, the task's
 * {@code allowedActions}, the API (which accepts exactly the allowed actions and answers 409 with the allowed
 * ones to every other) and the lifecycle process (which waits for exactly the allowed actions' messages) agree.
 */
@ReachflowSpringTest
class ActionsTableAgreementTest {

    @Autowired
    Fixtures fixtures;

    @Autowired
    TaskCommands commands;

    @Autowired
    TaskActionPolicy policy;

    @Autowired
    LifecycleFacade lifecycle;

    @Autowired
    Engine engine;

    @Autowired
    Api api;

    @Autowired
    RuntimeService runtimeService;

    /** Each state of the table (and both sides of its push-type condition), and how to reach it. */
    static Stream<Arguments> states() {
        return Stream.of(
                state("DRAFT/NONE", TaskStatus.DRAFT, ApprovalStatus.NONE, PushType.MANUAL),
                state("TESTING/NONE", TaskStatus.TESTING, ApprovalStatus.NONE, PushType.MANUAL),
                state("TESTING/SUBMISSION_FAILED", TaskStatus.TESTING, ApprovalStatus.SUBMISSION_FAILED, PushType.MANUAL),
                state("TESTING/REJECTED", TaskStatus.TESTING, ApprovalStatus.REJECTED, PushType.MANUAL),
                state("TESTING/WITHDRAWN", TaskStatus.TESTING, ApprovalStatus.WITHDRAWN, PushType.MANUAL),
                state("UNDER_REVIEW/UNDER_REVIEW", TaskStatus.UNDER_REVIEW, ApprovalStatus.UNDER_REVIEW, PushType.MANUAL),
                state("RUNNING/APPROVED manual", TaskStatus.RUNNING, ApprovalStatus.APPROVED, PushType.MANUAL),
                state("RUNNING/APPROVED triggered", TaskStatus.RUNNING, ApprovalStatus.APPROVED, PushType.TRIGGERED),
                state("PAUSED/APPROVED", TaskStatus.PAUSED, ApprovalStatus.APPROVED, PushType.MANUAL),
                state("COMPLETED/APPROVED", TaskStatus.COMPLETED, ApprovalStatus.APPROVED, PushType.MANUAL));
    }

    private static Arguments state(String name, TaskStatus status, ApprovalStatus approval, PushType pushType) {
        return Arguments.of(name, status, approval, pushType);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void apiAndProcessAcceptExactlyTheAllowedActions(String name, TaskStatus status, ApprovalStatus approval,
                                                    PushType pushType) {
        Supplier<OperationTask> inState = () -> taskIn(status, approval, pushType);
        OperationTask task = inState.get();
        assertThat(task.getStatus()).isEqualTo(status);
        assertThat(task.getApprovalStatus()).isEqualTo(approval);
        Set<TaskAction> allowed = policy.allowedActions(task);

        assertThat(allowedActionsShownByApi(task)).isEqualTo(names(allowed));
        assertThat(messagesTheProcessWaitsFor(task)).isEqualTo(expectedMessages(allowed, status));
        assertThat(lifecycle.openReviewTask(task.getId()).isPresent())
                .isEqualTo(allowed.contains(TaskAction.APPROVE) && allowed.contains(TaskAction.REJECT));

        for (TaskAction action : EnumSet.complementOf(EnumSet.copyOf(allowed))) {
            ResponseEntity<Map> refused = perform(task, action);
            assertThat(refused.getStatusCode().value()).as("%s in %s", action, name).isEqualTo(409);
            assertThat((List<String>) refused.getBody().get("allowedActions")).as("%s in %s", action, name)
                    .containsExactlyInAnyOrderElementsOf(names(allowed));
        }
        OperationTask unchanged = fixtures.reload(task);
        assertThat(unchanged.getVersion()).as("refused actions change nothing").isEqualTo(task.getVersion());

        for (TaskAction action : allowed) {
            OperationTask fresh = inState.get();
            HttpStatusCode accepted = perform(fresh, action).getStatusCode();
            assertThat(accepted.is2xxSuccessful()).as("%s in %s answered %s", action, name, accepted).isTrue();
        }
    }

    private OperationTask taskIn(TaskStatus status, ApprovalStatus approval, PushType pushType) {
        TaskDefinition definition = pushType == PushType.TRIGGERED
                ? Fixtures.definition(Channel.IN_APP, PushType.TRIGGERED, Fixtures.until(engine.now().plus(Duration.ofDays(7))), Fixtures.trigger())
                : Fixtures.manualInApp();
        return switch (status) {
            case DRAFT -> fixtures.draft(definition);
            case TESTING -> switch (approval) {
                case NONE -> fixtures.testing(definition);
                case SUBMISSION_FAILED -> {
                    OperationTask task = fixtures.testing(definition);
                    fixtures.as(Fixtures.OPERATOR, () -> commands.edit(task.getId(), Fixtures.edited(definition), null));
                    yield fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SUBMIT, null);
                }
                case REJECTED -> fixtures.act(Fixtures.REVIEWER, fixtures.underReview(definition).getId(), TaskAction.REJECT, "no");
                case WITHDRAWN -> fixtures.act(Fixtures.OPERATOR, fixtures.underReview(definition).getId(), TaskAction.WITHDRAW, null);
                default -> throw new IllegalArgumentException(approval.name());
            };
            case UNDER_REVIEW -> fixtures.underReview(definition);
            case RUNNING -> fixtures.running(definition);
            case PAUSED -> fixtures.paused(definition);
            case COMPLETED -> fixtures.completed(definition);
        };
    }

    @SuppressWarnings("unchecked")
    private Set<String> allowedActionsShownByApi(OperationTask task) {
        Map<String, Object> shown = api.as(Fixtures.OPERATOR).get().uri("/api/tasks/{id}", task.getId())
                .retrieve().body(Map.class);
        return Set.copyOf((List<String>) shown.get("allowedActions"));
    }

    private Set<String> messagesTheProcessWaitsFor(OperationTask task) {
        return runtimeService.createEventSubscriptionQuery()
                .processInstanceId(engine.lifecycle(task.getId()) == null ? "none" : engine.lifecycle(task.getId()).getId())
                .eventType("message").list().stream()
                .map(EventSubscription::getEventName)
                .collect(Collectors.toSet());
    }

    /** The messages through which each allowed action reaches the lifecycle (edits only matter to it when paused). */
    private static Set<String> expectedMessages(Set<TaskAction> allowed, TaskStatus status) {
        return allowed.stream()
                .map(action -> switch (action) {
                    case TEST -> Message.TEST_REQUESTED;
                    case SUBMIT -> Message.SUBMITTED;
                    case DELETE -> Message.DELETED;
                    case WITHDRAW -> Message.WITHDRAWN;
                    case PAUSE -> Message.PAUSED;
                    case RESUME -> Message.RESUMED;
                    case COMPLETE -> Message.COMPLETED;
                    case SEND -> Message.SEND_REQUESTED;
                    case EDIT -> status == TaskStatus.PAUSED ? Message.REOPENED : null;
                    case APPROVE, REJECT, COPY, CHANGE_SUBGROUP -> null;
                })
                .filter(java.util.Objects::nonNull)
                .map(Message::messageName)
                .collect(Collectors.toSet());
    }

    @SuppressWarnings("rawtypes")
    private ResponseEntity<Map> perform(OperationTask task, TaskAction action) {
        RestClient operator = api.as(Fixtures.OPERATOR);
        return switch (action) {
            case EDIT -> operator.put().uri("/api/tasks/{id}", task.getId()).contentType(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.IF_MATCH, "*").body(editBody(task)).retrieve().toEntity(Map.class);
            case DELETE -> {
                ResponseEntity<Void> deleted = operator.delete().uri("/api/tasks/{id}", task.getId()).retrieve().toBodilessEntity();
                yield deleted.getStatusCode().is2xxSuccessful()
                        ? ResponseEntity.status(deleted.getStatusCode()).build()
                        : operator.delete().uri("/api/tasks/{id}", task.getId()).retrieve().toEntity(Map.class);
            }
            case CHANGE_SUBGROUP -> operator.put().uri("/api/tasks/{id}/subgroup", task.getId())
                    .contentType(MediaType.APPLICATION_JSON).body(Map.of("subgroup", "south")).retrieve().toEntity(Map.class);
            case APPROVE, REJECT -> api.as(Fixtures.REVIEWER).post()
                    .uri("/api/tasks/{id}/{action}", task.getId(), action.name().toLowerCase())
                    .contentType(MediaType.APPLICATION_JSON).body(Map.of("comment", "checked")).retrieve().toEntity(Map.class);
            default -> operator.post().uri("/api/tasks/{id}/{action}", task.getId(), action.name().toLowerCase())
                    .contentType(MediaType.APPLICATION_JSON).body(Map.of()).retrieve().toEntity(Map.class);
        };
    }

    private static Map<String, Object> editBody(OperationTask task) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", task.getName() + " (edited)");
        body.put("channel", task.getChannel().name());
        body.put("pushType", task.getPushType().name());
        body.put("audience", Map.of("type", "TAGS", "tags", List.of("berlin")));
        body.put("content", Map.of("body", "Edited body"));
        if (task.getPushType() == PushType.TRIGGERED) {
            body.put("schedule", Map.of("endAt", task.getSchedule().endAt().toString()));
            body.put("trigger", Map.of("event", "app_open"));
        }
        body.put("testers", task.getTesters());
        return body;
    }

    private static Set<String> names(Set<TaskAction> actions) {
        return actions.stream().map(Enum::name).collect(Collectors.toSet());
    }
}
