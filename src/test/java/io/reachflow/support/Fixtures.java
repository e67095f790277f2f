package io.reachflow.support;

import io.reachflow.lifecycle.TaskCommands;
import io.reachflow.task.Audience;
import io.reachflow.task.AudienceType;
import io.reachflow.task.Channel;
import io.reachflow.task.Content;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.Trigger;
import io.reachflow.system.Groups;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Tasks in every state, made through the same commands the API calls (as the demo users), with the engine's
 * jobs run in between.
 */
@TestComponent
public class Fixtures {

    public static final String OPERATOR = "olivia";
    public static final String OTHER_OPERATOR = "oscar";
    public static final String REVIEWER = "rita";
    public static final String SENIOR_REVIEWER = "sam";
    /** Both operator and reviewer: may review, but not what she created or submitted. */
    public static final String OPERATOR_AND_REVIEWER = "una";

    private final TaskCommands commands;
    private final OperationTaskRepository tasks;
    private final Engine engine;

    public Fixtures(TaskCommands commands, OperationTaskRepository tasks, Engine engine) {
        this.commands = commands;
        this.tasks = tasks;
        this.engine = engine;
    }

    /** A MANUAL in-app task to the "berlin" tag (alice and bob), tested by olivia and una. */
    public static TaskDefinition manualInApp() {
        return definition(Channel.IN_APP, PushType.MANUAL, Schedule.immediately(), null);
    }

    /** The definition with a material change (its description): an edit that needs a new test and approval. */
    public static TaskDefinition edited(TaskDefinition definition) {
        return new TaskDefinition(definition.name(), definition.description() + " (edited)", definition.campaign(),
                definition.miniProgram(), definition.subgroup(), definition.channel(), definition.pushType(),
                definition.audience(), definition.content(), definition.schedule(), definition.trigger(),
                definition.conversion(), definition.testers());
    }

    public static TaskDefinition definition(Channel channel, PushType pushType, Schedule schedule, Trigger trigger) {
        return definition(channel, pushType, schedule, trigger,
                new Audience(AudienceType.TAGS, List.of("berlin"), List.of(), List.of()));
    }

    /** {@link #definition(Channel, PushType, Schedule, Trigger)} to another audience. */
    public static TaskDefinition definition(Channel channel, PushType pushType, Schedule schedule, Trigger trigger,
                                            Audience audience) {
        return new TaskDefinition("Welcome Berlin", "A test task", "spring-sale", "shop", "north", channel, pushType,
                audience,
                new Content("Hi {{name|there}}", "News from {{attributes.city|your city}}", "https://example.com/sale"),
                schedule, trigger, null, List.of("olivia", "una"));
    }

    public static Schedule oneTimeAt(Instant sendAt) {
        return new Schedule(sendAt, null, null, null, null, null, null, null, null, null);
    }

    public static Schedule recurring(String cron, Instant startAt, Instant endAt) {
        return new Schedule(null, startAt, endAt, cron, "UTC", null, null, null, null, null);
    }

    public static Schedule until(Instant endAt) {
        return new Schedule(null, null, endAt, null, null, null, null, null, null, null);
    }

    public static Trigger trigger() {
        return new Trigger("app_open", Duration.ofMinutes(5));
    }

    public OperationTask draft(TaskDefinition definition) {
        return draftBy(OPERATOR, definition);
    }

    public OperationTask draftBy(String creator, TaskDefinition definition) {
        return as(creator, () -> commands.create(definition));
    }

    public OperationTask testing(TaskDefinition definition) {
        OperationTask task = draft(definition);
        act(OPERATOR, task.getId(), TaskAction.TEST, null);
        engine.runDueJobs(task.getId());
        return reload(task);
    }

    public OperationTask underReview(TaskDefinition definition) {
        OperationTask task = testing(definition);
        act(OPERATOR, task.getId(), TaskAction.SUBMIT, null);
        return reload(task);
    }

    public OperationTask running(TaskDefinition definition) {
        OperationTask task = underReview(definition);
        act(REVIEWER, task.getId(), TaskAction.APPROVE, "looks good");
        if (reload(task).getApprovalStatus() != io.reachflow.task.ApprovalStatus.APPROVED) {
            act(SENIOR_REVIEWER, task.getId(), TaskAction.APPROVE, "looks good");
        }
        return reload(task);
    }

    public OperationTask paused(TaskDefinition definition) {
        OperationTask task = running(definition);
        act(OPERATOR, task.getId(), TaskAction.PAUSE, null);
        return reload(task);
    }

    public OperationTask completed(TaskDefinition definition) {
        OperationTask task = running(definition);
        act(OPERATOR, task.getId(), TaskAction.COMPLETE, null);
        return reload(task);
    }

    public OperationTask act(String user, long taskId, TaskAction action, String comment) {
        return as(user, () -> commands.perform(taskId, action, comment, null, groupsOf(user)));
    }

    public OperationTask reload(OperationTask task) {
        return tasks.findById(task.getId()).orElseThrow();
    }

    public <T> T as(String user, Supplier<T> work) {
        List<SimpleGrantedAuthority> authorities = groupsOf(user).stream()
                .map(group -> new SimpleGrantedAuthority(Groups.authority(group))).toList();
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(user, null, authorities));
        try {
            return work.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /**
     * A new operator of the identity service with the given password, for tests that fail logins: the engine
     * locks a user out after failed logins, which must not happen to a demo user the other tests share.
     */
    public String newOperator(String idPrefix, String password) {
        IdentityService identity = engine.processEngine().getIdentityService();
        String id = idPrefix + "-" + HttpJson.uniqueWord();
        User operator = identity.newUser(id);
        operator.setPassword(password);
        identity.saveUser(operator);
        identity.createMembership(id, Groups.OPERATORS);
        return id;
    }

    public static List<String> groupsOf(String user) {
        return switch (user) {
            case "olivia", "oscar" -> List.of(Groups.OPERATORS);
            case "rita", "rob" -> List.of(Groups.REVIEWERS);
            case "sam" -> List.of(Groups.REVIEWERS, Groups.SENIOR_REVIEWERS);
            case "una" -> List.of(Groups.OPERATORS, Groups.REVIEWERS);
            case "demo" -> List.of(Groups.ADMINS);
            default -> List.of();
        };
    }
}
