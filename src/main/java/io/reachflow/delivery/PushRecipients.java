package io.reachflow.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.audience.UserProfile;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.task.OperationTask;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A push's recipients in the database: their messages rendered from their profiles, and how they stand. */
@Component
class PushRecipients {

    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final TemplateRenderer renderer;
    private final ObjectMapper objectMapper;

    PushRecipients(JdbcTemplate jdbc, TemplateRenderer renderer, ObjectMapper objectMapper) {
        this.jdbc = jdbc;
        this.renderer = renderer;
        this.objectMapper = objectMapper;
    }

    /** The task's content rendered for each recipient of the batch in {@code status}, with the channel's address. */
    List<RenderedMessage> render(OperationTask task, long pushId, int batch, RecipientStatus status) {
        TemplateRenderer.Compiled title = renderer.compile(task.getContent().title());
        TemplateRenderer.Compiled body = renderer.compile(task.getContent().body());
        String addressColumn = DeliveryService.addressColumn(task.getChannel());
        List<RenderedMessage> messages = new ArrayList<>();
        jdbc.query("select u.id, u.name, u.email, u.phone, u.push_token, u.time_zone, u.locale, u.attributes "
                + "from push_recipient r join audience_user u on u.id = r.user_id "
                + "where r.push_id = ? and r.batch = ? and r.status = ? order by r.user_id", row -> {
                    Map<String, Object> profile = profile(row);
                    String address = addressColumn == null ? null : row.getString(addressColumn);
                    messages.add(new RenderedMessage(row.getString("id"), address, title.render(profile),
                            body.render(profile), task.getContent().link()));
                }, pushId, batch, status.name());
        return messages;
    }

    /**
     * Counts by status; skips and failures by reason, and the reasons why recipients still PLANNED wait (a
     * provider's temporary failure).
     */
    RecipientCounts counts(long pushId) {
        Map<String, Long> byStatus = new HashMap<>();
        Map<String, Long> skippedByReason = new LinkedHashMap<>();
        Map<String, Long> failedByReason = new LinkedHashMap<>();
        Map<String, Long> deferredByReason = new LinkedHashMap<>();
        jdbc.query("select status, reason, count(*) from push_recipient where push_id = ? group by status, reason "
                + "order by status, reason", row -> {
                    RecipientStatus status = RecipientStatus.valueOf(row.getString(1));
                    String reason = row.getString(2);
                    long count = row.getLong(3);
                    byStatus.merge(status.name(), count, Long::sum);
                    if (reason != null) {
                        switch (status) {
                            case SKIPPED -> skippedByReason.put(reason, count);
                            case FAILED -> failedByReason.put(reason, count);
                            case PLANNED -> deferredByReason.put(reason, count);
                            default -> { }
                        }
                    }
                }, pushId);
        long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
        return new RecipientCounts(total,
                byStatus.getOrDefault(RecipientStatus.DELIVERED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.FAILED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.SKIPPED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.PLANNED.name(), 0L),
                byStatus.getOrDefault(RecipientStatus.SENDING.name(), 0L),
                skippedByReason, failedByReason, deferredByReason);
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
}
