package io.reachflow.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.audience.AudienceResolver;
import io.reachflow.audience.UserProfile;
import io.reachflow.delivery.channels.ChannelAdapter;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.TaskNotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one delivery path for test rounds and live pushes: snapshot the recipients, record who must not get it
 * and why, render per recipient, hand to the channel, record each recipient's outcome once.
 *
 * <p>It runs inside the engine job that asked for it (an async continuation), so the push, the recipients'
 * outcomes and the channel's writes commit together with the job, or not at all: a retried job starts over
 * from nothing and no recipient is recorded twice (the primary key is push id + user id).
 */
@Service
public class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);
    static final int PAGE = 1000;
    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() { };

    private final OperationTaskRepository tasks;
    private final PushRepository pushes;
    private final AudienceResolver audiences;
    private final TemplateRenderer renderer;
    private final List<ChannelAdapter> channels;
    private final JdbcTemplate jdbc;
    private final ObjectMapper objectMapper;
    private final Clock clock;

    public DeliveryService(OperationTaskRepository tasks, PushRepository pushes, AudienceResolver audiences,
                           TemplateRenderer renderer, List<ChannelAdapter> channels, JdbcTemplate jdbc,
                           ObjectMapper objectMapper, Clock clock) {
        this.tasks = tasks;
        this.pushes = pushes;
        this.audiences = audiences;
        this.renderer = renderer;
        this.channels = channels;
        this.jdbc = jdbc;
        this.objectMapper = objectMapper;
        this.clock = clock;
    }

    /** Sends the task's current content to each of its testers through its channel. */
    @Transactional
    public Push sendTestRound(long taskId) {
        OperationTask task = task(taskId);
        Push push = pushes.save(Push.start(task, PushKind.TEST, PushTrigger.TEST, clock.instant()));
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate("insert into push_recipient (push_id, user_id, status, updated_at) values (?, ?, 'PLANNED', ?)",
                task.getTesters(), task.getTesters().size(), (statement, tester) -> {
                    statement.setLong(1, push.getId());
                    statement.setString(2, tester);
                    statement.setTimestamp(3, now);
                });
        // A tester must be reached: what would be a skip for an audience is a failure of the test.
        markWhere(push, RecipientStatus.FAILED, SkipReason.UNKNOWN_USER,
                "not exists (select 1 from audience_user u where u.id = push_recipient.user_id)");
        excludeUnaddressable(push, RecipientStatus.FAILED);
        deliverPlanned(push, task);
        return push;
    }

    /** Delivers one live push of a running task to its audience. */
    @Transactional
    public Push deliverLive(long taskId, PushTrigger trigger) {
        OperationTask task = task(taskId);
        Push push = pushes.save(Push.start(task, PushKind.LIVE, trigger, clock.instant()));
        int targeted = audiences.plan(push.getId(), task.getAudience(), clock.instant());
        log.info("Task {}: push {} ({}) targets {} users on {}", taskId, push.getId(), trigger, targeted,
                task.getChannel());
        markWhere(push, RecipientStatus.SKIPPED, SkipReason.OPTED_OUT,
                "exists (select 1 from audience_user_opt_out o where o.user_id = push_recipient.user_id and o.channel = '"
                        + task.getChannel().name() + "')");
        excludeUnaddressable(push, RecipientStatus.SKIPPED);
        deliverPlanned(push, task);
        return push;
    }

    /** Counts of a push's recipients by status, and by reason for skips and failures. */
    @Transactional(readOnly = true)
    public RecipientCounts counts(long pushId) {
        Map<String, Long> byStatus = new HashMap<>();
        Map<String, Long> skippedByReason = new LinkedHashMap<>();
        Map<String, Long> failedByReason = new LinkedHashMap<>();
        jdbc.query("select status, reason, count(*) from push_recipient where push_id = ? group by status, reason "
                + "order by status, reason", row -> {
                    String status = row.getString(1);
                    String reason = row.getString(2);
                    long count = row.getLong(3);
                    byStatus.merge(status, count, Long::sum);
                    if (reason != null && RecipientStatus.SKIPPED.name().equals(status)) {
                        skippedByReason.put(reason, count);
                    } else if (reason != null && RecipientStatus.FAILED.name().equals(status)) {
                        failedByReason.put(reason, count);
                    }
                }, pushId);
        long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
        return new RecipientCounts(total,
                byStatus.getOrDefault(RecipientStatus.DELIVERED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.FAILED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.SKIPPED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.PLANNED.name(), 0L),
                skippedByReason, failedByReason);
    }

    /** The outcome per recipient of a push, for test rounds (a handful of testers). */
    @Transactional(readOnly = true)
    public List<RecipientOutcome> outcomes(long pushId) {
        return jdbc.query("select user_id, status, reason, updated_at from push_recipient where push_id = ? order by user_id",
                (row, i) -> new RecipientOutcome(row.getString(1), RecipientStatus.valueOf(row.getString(2)),
                        row.getString(3), row.getTimestamp(4).toInstant()), pushId);
    }

    private void excludeUnaddressable(Push push, RecipientStatus as) {
        String addressColumn = addressColumn(push.getChannel());
        if (addressColumn != null) {
            markWhere(push, as, SkipReason.NO_ADDRESS, "exists (select 1 from audience_user u where u.id = "
                    + "push_recipient.user_id and (u." + addressColumn + " is null or u." + addressColumn + " = ''))");
        }
    }

    private void markWhere(Push push, RecipientStatus status, SkipReason reason, String condition) {
        int count = jdbc.update("update push_recipient set status = ?, reason = ?, updated_at = ? "
                        + "where push_id = ? and status = 'PLANNED' and " + condition,
                status.name(), reason.name(), Timestamp.from(clock.instant()), push.getId());
        if (count > 0) {
            log.debug("Push {}: {} recipients {} ({})", push.getId(), count, status, reason);
        }
    }

    private void deliverPlanned(Push push, OperationTask task) {
        TemplateRenderer.Compiled title = renderer.compile(task.getContent().title());
        TemplateRenderer.Compiled body = renderer.compile(task.getContent().body());
        ChannelAdapter channel = adapter(task.getChannel());
        String addressColumn = addressColumn(task.getChannel());
        String lastUserId = "";
        long delivered = 0;
        while (true) {
            List<RenderedMessage> page = new ArrayList<>(PAGE);
            String after = lastUserId;
            jdbc.query("select u.id, u.name, u.email, u.phone, u.push_token, u.time_zone, u.locale, u.attributes "
                    + "from push_recipient r join audience_user u on u.id = r.user_id "
                    + "where r.push_id = ? and r.status = 'PLANNED' and r.user_id > ? order by r.user_id "
                    + "fetch first " + PAGE + " rows only", row -> {
                        Map<String, Object> profile = profile(row);
                        String address = addressColumn == null ? null : row.getString(addressColumn);
                        page.add(new RenderedMessage(row.getString("id"), address, title.render(profile),
                                body.render(profile), task.getContent().link()));
                    }, push.getId(), after);
            if (page.isEmpty()) {
                break;
            }
            Map<String, String> failures = channel.deliver(task.getId(), push.getId(), task.getChannel(), page);
            recordOutcomes(push, page, failures);
            delivered += page.size() - failures.size();
            lastUserId = page.get(page.size() - 1).userId();
        }
        RecipientCounts counts = counts(push.getId());
        push.finish(counts, clock.instant());
        pushes.save(push);
        log.info("Task {}: {} push {} done: {} targeted, {} delivered, {} failed, {} skipped {}", task.getId(),
                push.getKind(), push.getId(), counts.total(), delivered, counts.failed(), counts.skipped(),
                counts.skippedByReason());
    }

    private void recordOutcomes(Push push, List<RenderedMessage> page, Map<String, String> failures) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate("update push_recipient set status = ?, reason = ?, updated_at = ? "
                        + "where push_id = ? and user_id = ? and status = 'PLANNED'", page, page.size(),
                (statement, message) -> {
                    String failure = failures.get(message.userId());
                    statement.setString(1, failure == null ? RecipientStatus.DELIVERED.name() : RecipientStatus.FAILED.name());
                    statement.setString(2, failure);
                    statement.setTimestamp(3, now);
                    statement.setLong(4, push.getId());
                    statement.setString(5, message.userId());
                });
    }

    private Map<String, Object> profile(ResultSet row) throws SQLException {
        String attributes = row.getString("attributes");
        try {
            return TemplateRenderer.context(new UserProfile(row.getString("id"), row.getString("name"),
                    row.getString("email"), row.getString("phone"), row.getString("push_token"),
                    row.getString("time_zone"), row.getString("locale"), Set.of(),
                    attributes == null ? Map.of() : objectMapper.readValue(attributes, ATTRIBUTES), Set.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored attributes of user " + row.getString("id") + " are not JSON", e);
        }
    }

    private ChannelAdapter adapter(Channel channel) {
        return channels.stream().filter(adapter -> adapter.handles(channel)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No channel adapter for " + channel));
    }

    /** The profile column a channel sends to; null where the user id is address enough. */
    static String addressColumn(Channel channel) {
        return switch (channel) {
            case EMAIL -> "email";
            case SMS -> "phone";
            case PUSH -> "push_token";
            case IN_APP, WEBHOOK -> null;
        };
    }

    private OperationTask task(long taskId) {
        return tasks.findById(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
    }

    public record RecipientOutcome(String userId, RecipientStatus status, String reason, Instant at) {
    }
}
