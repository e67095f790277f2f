package io.reachflow.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.system.Database;
import io.reachflow.task.Channel;
import io.reachflow.task.FrequencyCap;
import io.reachflow.task.OperationTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/** A push's recipients in the database: their messages rendered from their profiles, and how they stand. */
@Component
class PushRecipients {

    private static final Logger log = LoggerFactory.getLogger(PushRecipients.class);
    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() { };
    /** A recipient row {@code r} that may go out at the time given as the parameter (SQL). */
    static final String DUE = "(r.not_before is null or r.not_before <= ?)";
    /**
     * The push given as the first parameter is still being delivered, by the delivery given as the second (any, for a
     * test round) (SQL): read by the statement that takes a batch, so a pause, complete or takeover that committed
     * before it makes it take nobody, without a lock on the push for them to wait for. One that commits after it finds
     * the batch handed over, and the batch completes.
     */
    private static final String STILL_DELIVERING = "exists (select 1 from push p where p.id = ? "
            + "and p.status = 'DELIVERING' and p.cancel_reason is null and (p.kind = 'TEST' or p.delivery_id = ?))";
    /**
     * A push {@code p} of the channel, other than the one given, that may have delivered in a cap's period: parameters
     * the channel, that push, and {@link #finishedSince} (SQL).
     */
    private static final String PERIOD_PUSHES = "p.channel = ? and p.kind = 'LIVE' and p.id <> ? "
            + "and (p.finished_at is null or p.finished_at > ?)";
    /** How many capped users are read, and then skipped, at a time. */
    private static final int CAP_CHUNK = 5_000;
    /** The columns rendering reads of a recipient's profile, in {@link #PROFILE}'s order. */
    private static final List<String> PROFILE_COLUMNS = List.of("id", "name", "email", "phone", "push_token",
            "time_zone", "locale", "attributes");
    /** What rendering reads of a recipient's profile {@code u}; a row is read by the positions below. */
    private static final String PROFILE = "u." + String.join(", u.", PROFILE_COLUMNS);
    private static final int ID = position("id");
    private static final int NAME = position("name");
    private static final int EMAIL = position("email");
    private static final int PHONE = position("phone");
    private static final int TIME_ZONE = position("time_zone");
    private static final int LOCALE = position("locale");
    private static final int ATTRIBUTES_COLUMN = position("attributes");

    private final JdbcTemplate jdbc;
    private final TemplateRenderer renderer;
    private final ObjectReader attributes;
    private final RateLimits rateLimits;
    private final DeliveryProperties properties;
    private final Database database;

    PushRecipients(JdbcTemplate jdbc, TemplateRenderer renderer, ObjectMapper objectMapper, RateLimits rateLimits,
                   DeliveryProperties properties, Database database) {
        this.jdbc = jdbc;
        this.renderer = renderer;
        this.attributes = objectMapper.readerFor(ATTRIBUTES);
        this.database = database;
        this.rateLimits = rateLimits;
        this.properties = properties;
    }

    /** Whether the push is still being delivered by {@code deliveryId} ({@link #STILL_DELIVERING}). */
    boolean stillDelivering(long pushId, String deliveryId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select case when " + STILL_DELIVERING + " then true else "
                + "false end", Boolean.class, pushId, deliveryId));
    }

    /**
     * Takes the batch's recipients due at {@code at} for a channel written in the database, in the caller's
     * transaction, and renders their messages: their rows stay locked until it ends. Nobody once the push is no
     * longer being delivered by {@code deliveryId} ({@link #STILL_DELIVERING}; null for a test round). On PostgreSQL
     * one statement marks them DELIVERED and returns their profiles (a failure the channel reports is then recorded
     * over it, in {@link #record}); elsewhere they are locked, read, and marked after the channel took them.
     */
    Taken takeDue(OperationTask task, Batch batch, Instant at, String deliveryId) {
        Timestamp now = Timestamp.from(at);
        if (database.isPostgres()) {
            // The profiles are joined within the batch's range too: where the batch's users are most users of that
            // range (an audience of most users), the planner reads the range's profiles into a hash at once; where
            // they are few of them, it looks each one up by its key. Without the range, a hash would read them all.
            List<RenderedMessage> rendered = new ArrayList<>();
            int taken = plannedForTheirRange(() -> {
                // each row taken, its profile joined where there still is one (left join: see skipDeleted)
                int[] rows = {0};
                RowCallbackHandler render = renderer(task, rendered);
                jdbc.query("with taken as (update push_recipient r set status = 'DELIVERED', reason = null, "
                        + "detail = null, updated_at = ? "
                        + "where " + Batch.ROWS + " and r.status = 'PLANNED' and " + DUE + " and " + STILL_DELIVERING
                        + " returning r.user_id) "
                        + "select " + PROFILE + " from taken t left join audience_user u on u.id = t.user_id "
                        + "and " + Batch.PROFILES, row -> {
                            rows[0]++;
                            render.processRow(row);
                        }, Batch.parameters(now, batch, now, batch.pushId(), deliveryId, batch.profiles()));
                return rows[0];
            });
            if (rendered.size() < taken) {
                skipDeleted(task.getId(), batch, now, "r.status = 'DELIVERED' and r.updated_at = ?", now);
            }
            return new Taken(batch, now, RecipientStatus.DELIVERED, rendered);
        }
        int taken = jdbc.queryForList("select r.user_id from push_recipient r where " + Batch.ROWS
                + " and r.status = 'PLANNED' and " + DUE + " and " + STILL_DELIVERING + " for update", String.class,
                Batch.parameters(batch, now, batch.pushId(), deliveryId)).size();
        if (taken == 0) {
            return new Taken(batch, now, RecipientStatus.PLANNED, List.of());
        }
        List<RenderedMessage> rendered = render(task, batch, "r.status = 'PLANNED' and " + DUE, now);
        if (rendered.size() < taken) {
            skipDeleted(task.getId(), batch, now, "r.status = 'PLANNED' and " + DUE, now);
        }
        return new Taken(batch, now, RecipientStatus.PLANNED, rendered);
    }

    /**
     * Records the batch's rows chosen by {@code which} (SQL, with the one parameter {@code value}) whose profile is
     * gone as SKIPPED {@link SkipReason#USER_DELETED}: the rows of a plan that read the profile before its deletion
     * committed (the deletion skips what it finds planned, {@link RecipientErasure}). So no one is counted reached
     * with nothing sent. Called only when a batch rendered fewer messages than it took.
     */
    void skipDeleted(long taskId, Batch batch, Timestamp at, String which, Object value) {
        int skipped = jdbc.update("update push_recipient r set status = 'SKIPPED', reason = ?, detail = null, "
                + "claim = null, updated_at = ? where " + Batch.ROWS + " and " + which
                + " and not exists (select 1 from audience_user u where u.id = r.user_id)",
                Batch.parameters(SkipReason.USER_DELETED.name(), at, batch, value));
        log.info("Task {}: push {} batch {}: {} recipients skipped as {}: their profiles were deleted after the push "
                + "was planned", taskId, batch.pushId(), batch.number(), skipped, SkipReason.USER_DELETED);
    }

    /** The push's batch {@code number}, with its range. */
    Batch batch(long pushId, int number) {
        return jdbc.query("select first_user_id, last_user_id from push_batch where push_id = ? and batch = ?",
                (row, i) -> new Batch(pushId, number, row.getString(1), row.getString(2)), pushId, number)
                .stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("Push " + pushId + " has no batch " + number));
    }

    /**
     * Records what the channel made of the messages taken: the failures one by one (they are few), then, where they
     * are not yet, everyone else taken DELIVERED at once (those are the messages the channel took: a row whose profile
     * the join found gone was skipped when it was taken, {@link #skipDeleted}).
     */
    void record(Taken taken, Map<String, Rejected> failures) {
        List<Map.Entry<String, Rejected>> failed = List.copyOf(failures.entrySet());
        if (!failed.isEmpty()) {
            jdbc.batchUpdate("update push_recipient set status = 'FAILED', reason = ?, detail = ?, updated_at = ? "
                            + "where push_id = ? and user_id = ? and status = ?", failed, failed.size(),
                    (statement, failure) -> {
                        statement.setString(1, stored(failure.getValue().reason()));
                        statement.setString(2, stored(failure.getValue().detail()));
                        statement.setTimestamp(3, taken.at());
                        statement.setLong(4, taken.batch().pushId());
                        statement.setString(5, failure.getKey());
                        statement.setString(6, taken.status().name());
                    });
        }
        if (taken.status() == RecipientStatus.PLANNED && !taken.messages().isEmpty()) {
            jdbc.update("update push_recipient r set status = 'DELIVERED', reason = null, detail = null, updated_at = ? "
                    + "where " + Batch.ROWS + " and r.status = 'PLANNED' and " + DUE,
                    Batch.parameters(taken.at(), taken.batch(), taken.at()));
        }
    }

    /** A recipient's reason or detail as stored: at most 255 characters; null stays null. */
    static String stored(String text) {
        return text == null || text.length() <= 255 ? text : text.substring(0, 254) + "…";
    }

    /** The same for each recipient of the batch in the claim {@code claim} (SENDING). */
    List<RenderedMessage> renderClaim(OperationTask task, Batch batch, String claim) {
        return render(task, batch, "r.status = 'SENDING' and r.claim = ?", claim);
    }

    private List<RenderedMessage> render(OperationTask task, Batch batch, String which, Object value) {
        List<RenderedMessage> messages = new ArrayList<>();
        // sorted here, not by an ORDER BY: the planner then joins the profiles as it finds cheapest
        jdbc.query("select " + PROFILE + " from push_recipient r join audience_user u on u.id = r.user_id "
                + "where " + Batch.ROWS + " and " + which, renderer(task, messages), Batch.parameters(batch, value));
        messages.sort(Comparator.comparing(RenderedMessage::userId));
        return messages;
    }

    /**
     * Renders the task's content, with the channel's address, for each profile row ({@link #PROFILE}, its columns
     * read by position) into messages.
     */
    private RowCallbackHandler renderer(OperationTask task, List<RenderedMessage> messages) {
        TemplateRenderer.Message message = new TemplateRenderer.Message(renderer.compile(task.getContent().title()),
                renderer.compile(task.getContent().body()));
        int address = position(DeliveryService.addressColumn(task.getChannel()));
        String link = task.getContent().link();
        return row -> {
            String id = row.getString(ID);
            if (id == null) {
                return; // a row taken whose profile is gone (a left join): skipDeleted records it
            }
            Map<String, Object> context = message.context(id, row.getString(NAME), row.getString(EMAIL),
                    row.getString(PHONE), row.getString(LOCALE), row.getString(TIME_ZONE),
                    message.readsAttributes() ? attributes(id, row.getString(ATTRIBUTES_COLUMN)) : null);
            messages.add(new RenderedMessage(id, address == 0 ? null : row.getString(address), message.title(context),
                    message.body(context), link));
        };
    }

    /** The position of a column in {@link #PROFILE} (from 1, as JDBC counts); 0 for none. */
    private static int position(String column) {
        return column == null ? 0 : PROFILE_COLUMNS.indexOf(column) + 1;
    }

    /**
     * Keeps back what of the batch may not go out at {@code now}: they stay PLANNED, with the reason, until their
     * next allowed time. First the recipients who waited are checked again ({@link #recheckWaited}), then those whose
     * local time is outside the task's send windows or on one of its do-not-disturb days (one statement per time
     * zone that must wait; a user without one is in the task's), then, of those left, the sends beyond the task's
     * rate limit.
     */
    void holdBack(OperationTask task, Batch batch, Instant now, boolean throughProvider) {
        SendWindows windows = SendWindows.of(task.getSchedule());
        if (throughProvider || windows.restricts() || task.getSchedule().rateLimitPerMinute() != null) {
            recheckWaited(task, batch, now);
        }
        if (windows.restricts()) {
            plannedForTheirRange(() -> {
                deferOutsideSendWindows(task, windows, batch, now);
                return null;
            });
        }
        deferBeyondRateLimit(task, batch, now);
    }

    /**
     * Runs statements that join a batch's profiles within its range ({@link Batch#PROFILES}) planned for that range,
     * on PostgreSQL: a plan cached for any range (its generic plan, once the driver has prepared the statement) would
     * read the whole range's profiles into a hash also where the batch's users are few of them (a sparse audience),
     * many times slower than looking each one up by its key. Then back to cached plans for the rest of the
     * transaction (the channel's writes, thousands of the same statement); a failure ends the transaction, and the
     * setting with it.
     */
    private <T> T plannedForTheirRange(Supplier<T> statements) {
        boolean postgres = database.isPostgres();
        if (postgres) {
            jdbc.execute("set local plan_cache_mode = force_custom_plan");
        }
        T result = statements.get();
        if (postgres) {
            jdbc.execute("set local plan_cache_mode to default");
        }
        return result;
    }

    /**
     * The batch's recipients who waited (for a send window, a do-not-disturb day, the rate limit or a provider's
     * temporary failure: a PLANNED row with a reason) and are due now are checked again, as the plan checked them:
     * whoever opted out of the channel, lost the address for it or reached the frequency cap meanwhile is SKIPPED
     * with that reason. A wait may last hours; the plan's snapshot holds for who did not wait. The cap is counted per
     * recipient, by key, in the channel's pushes of the period: a lookup each, not a grouping of the period's sends.
     */
    private void recheckWaited(OperationTask task, Batch batch, Instant now) {
        long pushId = batch.pushId();
        Timestamp at = Timestamp.from(now);
        String waited = Batch.ROWS + " and r.status = 'PLANNED' and r.reason is not null and " + DUE;
        // most batches have nobody who waited: one look, then nothing more
        if (jdbc.queryForList("select r.user_id from push_recipient r where " + waited + " fetch first 1 rows only",
                String.class, Batch.parameters(batch, at)).isEmpty()) {
            return;
        }
        String optedOut = DeliveryService.optedOut(task.getChannel(), "r.user_id");
        String addressColumn = DeliveryService.addressColumn(task.getChannel());
        String excluded = addressColumn == null ? optedOut : "(" + optedOut + " or exists (select 1 from audience_user u "
                + "where u.id = r.user_id and " + Batch.PROFILES + " and " + DeliveryService.noAddress(addressColumn)
                + "))";
        int skipped = plannedForTheirRange(() -> jdbc.update("update push_recipient r set status = 'SKIPPED', "
                + "reason = case when " + optedOut + " then '" + SkipReason.OPTED_OUT + "' else '"
                + SkipReason.NO_ADDRESS + "' end, detail = null, not_before = null, updated_at = ? where " + waited
                + " and " + excluded, addressColumn == null ? Batch.parameters(at, batch, at)
                : Batch.parameters(at, batch, at, batch.profiles())));
        FrequencyCap cap = task.getSchedule().frequencyCap();
        List<Long> periodPushes = cap == null ? List.of() : periodPushes(pushId, task.getChannel(), cap, now);
        int capped = periodPushes.isEmpty() ? 0 : jdbc.execute((Connection connection) -> {
            try (PreparedStatement statement = connection.prepareStatement("update push_recipient r set "
                    + "status = 'SKIPPED', reason = '" + SkipReason.FREQUENCY_CAP + "', detail = null, "
                    + "not_before = null, updated_at = ? "
                    + "where " + waited + " and (select count(*) from push_recipient s where s.push_id = any (?) "
                    + "and s.user_id = r.user_id and s.status = 'DELIVERED' and s.updated_at > ?) >= ?")) {
                Object[] parameters = Batch.parameters(at, batch, at,
                        connection.createArrayOf("bigint", periodPushes.toArray()),
                        Timestamp.from(now.minus(cap.period())), cap.max());
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                return statement.executeUpdate();
            }
        });
        if (skipped + capped > 0) {
            log.debug("Task {}: push {} batch {}: {} recipients who waited opted out or lost their address meanwhile, "
                    + "{} reached the frequency cap", task.getId(), pushId, batch.number(), skipped, capped);
        }
    }

    /** The channel's live pushes, other than {@code pushId}, that may have delivered in the cap's period. */
    private List<Long> periodPushes(long pushId, Channel channel, FrequencyCap cap, Instant now) {
        return jdbc.queryForList("select p.id from push p where " + PERIOD_PUSHES, Long.class, channel.name(), pushId,
                Timestamp.from(finishedSince(cap, now)));
    }

    /**
     * The pushes that finished after this may have delivered in the cap's period: one called off while a provider
     * had messages records their answers after it finished, within a claim's expiry.
     */
    private Instant finishedSince(FrequencyCap cap, Instant now) {
        return now.minus(cap.period()).minus(properties.claimExpiry());
    }

    /** The batch's due recipients outside the task's send windows wait for the next one (only when they restrict). */
    private void deferOutsideSendWindows(OperationTask task, SendWindows windows, Batch batch, Instant now) {
        Timestamp at = Timestamp.from(now);
        List<String> zones = jdbc.queryForList("select distinct u.time_zone from push_recipient r join audience_user u "
                + "on u.id = r.user_id where " + Batch.ROWS + " and " + Batch.PROFILES + " and r.status = 'PLANNED' and "
                + DUE, String.class, Batch.parameters(batch, batch.profiles(), at));
        for (String zone : zones) {
            windows.deferral(now, zoneOf(zone, task)).ifPresent(deferral -> {
                int deferred = jdbc.update("update push_recipient r set reason = ?, detail = null, not_before = ? "
                        + "where " + Batch.ROWS + " and r.status = 'PLANNED' and " + DUE + " and r.user_id "
                        + "in (select u.id from audience_user u where " + Batch.PROFILES + " and "
                        + (zone == null ? "u.time_zone is null)" : "u.time_zone = ?)"), zone == null
                        ? Batch.parameters(deferral.reason().name(), Timestamp.from(deferral.until()), batch, at,
                                batch.profiles())
                        : Batch.parameters(deferral.reason().name(), Timestamp.from(deferral.until()), batch, at,
                                batch.profiles(), zone));
                log.debug("Push {} batch {}: {} recipients in {} wait until {} ({})", batch.pushId(), batch.number(),
                        deferred,
                        zone == null ? "the task's time zone" : zone, deferral.until(), deferral.reason());
            });
        }
    }

    /** The batch's due recipients beyond what the task's rate limit grants now wait until it has room for them. */
    private void deferBeyondRateLimit(OperationTask task, Batch batch, Instant now) {
        Integer perMinute = task.getSchedule().rateLimitPerMinute();
        if (perMinute == null) {
            return;
        }
        Timestamp at = Timestamp.from(now);
        Integer due = jdbc.queryForObject("select count(*) from push_recipient r where " + Batch.ROWS
                + " and r.status = 'PLANNED' and " + DUE, Integer.class, Batch.parameters(batch, at));
        if (due == 0) {
            return;
        }
        RateLimits.Grant grant = rateLimits.take(task.getId(), task.getRevision(), perMinute, due);
        if (grant.granted() >= due) {
            return;
        }
        Instant until = now.plus(grant.untilMore());
        // those granted are the first due by id: the rest, after the last of them, wait. Found first, not as a NOT IN
        // of the granted ones, which H2 evaluates again for every row of the batch (minutes for a batch of 10,000)
        String lastGranted = null;
        if (grant.granted() > 0) {
            List<String> last = jdbc.queryForList("select r.user_id from push_recipient r where " + Batch.ROWS
                    + " and r.status = 'PLANNED' and " + DUE + " order by r.user_id offset ? rows fetch next 1 rows "
                    + "only", String.class, Batch.parameters(batch, at, grant.granted() - 1));
            if (last.isEmpty()) {
                return; // fewer due than counted: a complete or an erasure took some meanwhile, the grant covers the rest
            }
            lastGranted = last.get(0);
        }
        String wait = "update push_recipient r set reason = ?, detail = null, not_before = ? where " + Batch.ROWS
                + " and r.status = 'PLANNED' and " + DUE;
        int deferred = lastGranted == null
                ? jdbc.update(wait, Batch.parameters(SkipReason.RATE_LIMITED.name(), Timestamp.from(until), batch, at))
                : jdbc.update(wait + " and r.user_id > ?",
                        Batch.parameters(SkipReason.RATE_LIMITED.name(), Timestamp.from(until), batch, at, lastGranted));
        log.debug("Task {}: push {} batch {}: {} of {} recipients wait for the rate limit ({}/min) until {}",
                task.getId(), batch.pushId(), batch.number(), deferred, due, perMinute, until);
    }

    /** Recipients that the rate limit let through but were not handed to the provider do not count against it. */
    void notSent(OperationTask task, int recipients) {
        Integer perMinute = task.getSchedule().rateLimitPerMinute();
        if (perMinute != null) {
            rateLimits.giveBack(task.getId(), task.getRevision(), perMinute, recipients);
        }
    }

    /**
     * What is left of the batch after an attempt: its recipients PLANNED, and SENDING in another attempt. When none
     * is due now, when the next is: the earliest PLANNED one's time, or when another attempt's claim expires (then
     * its answers are in, or it was interrupted).
     */
    BatchResult result(Batch batch, Instant now, int delivered, int failed, List<Deferred> deferrals) {
        return jdbc.queryForObject("select sum(case when r.status = 'PLANNED' then 1 else 0 end), "
                + "sum(case when r.status = 'PLANNED' and " + DUE + " then 1 else 0 end), "
                + "min(case when r.status = 'PLANNED' then r.not_before end), "
                + "sum(case when r.status = 'SENDING' then 1 else 0 end), "
                + "min(case when r.status = 'SENDING' then r.updated_at end) "
                + "from push_recipient r where " + Batch.ROWS + " and r.status in ('PLANNED', 'SENDING')",
                (row, i) -> {
                    int planned = row.getInt(1);
                    int due = row.getInt(2);
                    Timestamp earliestPlanned = row.getTimestamp(3);
                    int sending = row.getInt(4);
                    Timestamp oldestClaim = row.getTimestamp(5);
                    Instant dueAt = null;
                    if (due == 0 && planned > 0) {
                        dueAt = earliestPlanned.toInstant();
                    }
                    if (due == 0 && sending > 0) {
                        Instant claimExpires = oldestClaim.toInstant().plus(properties.claimExpiry());
                        dueAt = dueAt == null || claimExpires.isBefore(dueAt) ? claimExpires : dueAt;
                    }
                    Duration retryAfter = deferrals.stream().map(Deferred::retryAfter).filter(Objects::nonNull)
                            .max(Duration::compareTo).orElse(null);
                    String reason = deferrals.isEmpty() ? null : deferrals.get(deferrals.size() - 1).describe();
                    return new BatchResult(delivered, failed, deferrals.size(), planned + sending, retryAfter, dueAt,
                            reason);
                }, Batch.parameters(Timestamp.from(now), batch));
    }

    /**
     * Skips, with {@code FREQUENCY_CAP}, the push's planned recipients who got at least the cap's messages on the
     * channel in its period, from any task's pushes (test rounds do not count): its pushes' DELIVERED recipient rows
     * are the send log. A message another push being delivered has yet to send (PLANNED, or with a provider) counts
     * as sent, though it may yet fail or be called off: otherwise a push planned while another is still being
     * delivered (hours, through a slow provider or a send window) would reach its recipients too. The plans of a
     * channel follow one another, so this one sees the last one's rows. A paused push's do not count: it may never
     * go on. The period's sends are grouped once; the capped users it streams are then skipped by key, a
     * chunk at a time. One statement joining both would leave it to the planner, which, misjudging how many are
     * capped, can make it a scan of the push per recipient. The capped keep their batch number; a batch takes only
     * PLANNED recipients. Returns how many it skipped.
     */
    int skipCapped(long pushId, Channel channel, FrequencyCap cap, Instant now) {
        Instant since = now.minus(cap.period());
        Instant finishedSince = finishedSince(cap, now);
        Timestamp at = Timestamp.from(now);
        List<String> chunk = new ArrayList<>(CAP_CHUNK);
        int[] capped = {0};
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement("select s.user_id from push p "
                    + "join push_recipient s on s.push_id = p.id where " + PERIOD_PUSHES
                    // what pushes being delivered have yet to send counts too, but not a called-off push's PLANNED
                    + " and ((s.status = 'DELIVERED' and s.updated_at > ?) or (p.status = 'DELIVERING' "
                    + "and (s.status = 'SENDING' or (s.status = 'PLANNED' and p.cancel_reason is null)))) "
                    + "group by s.user_id having count(*) >= ?");
            statement.setFetchSize(CAP_CHUNK);
            statement.setString(1, channel.name());
            statement.setLong(2, pushId);
            statement.setTimestamp(3, Timestamp.from(finishedSince));
            statement.setTimestamp(4, Timestamp.from(since));
            statement.setInt(5, cap.max());
            return statement;
        }, (RowCallbackHandler) row -> {
            chunk.add(row.getString(1));
            if (chunk.size() == CAP_CHUNK) {
                capped[0] += skip(pushId, chunk, SkipReason.FREQUENCY_CAP, at);
                chunk.clear();
            }
        });
        capped[0] += skip(pushId, chunk, SkipReason.FREQUENCY_CAP, at);
        log.debug("Push {}: {} recipients at the frequency cap ({} per {})", pushId, capped[0], cap.max(), cap.period());
        return capped[0];
    }

    /** Skips those of {@code users} still PLANNED for the push, each found by its key. */
    private int skip(long pushId, List<String> users, SkipReason reason, Timestamp at) {
        if (users.isEmpty()) {
            return 0;
        }
        return jdbc.execute((Connection connection) -> {
            try (PreparedStatement statement = connection.prepareStatement("update push_recipient set "
                    + "status = 'SKIPPED', reason = ?, detail = null, not_before = null, updated_at = ? "
                    + "where push_id = ? and user_id = any (?) and status = 'PLANNED'")) {
                statement.setString(1, reason.name());
                statement.setTimestamp(2, at);
                statement.setLong(3, pushId);
                statement.setArray(4, connection.createArrayOf("varchar", users.toArray()));
                return statement.executeUpdate();
            }
        });
    }

    /** The user's time zone; the task's when the user has none or one that is not (any more) a zone. */
    private static ZoneId zoneOf(String zone, OperationTask task) {
        if (zone != null) {
            try {
                return ZoneId.of(zone);
            } catch (DateTimeException unknown) {
                log.warn("User time zone {} is not one: the task's ({}) applies", zone, task.getSchedule().zone());
            }
        }
        return task.getSchedule().zone();
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

    /**
     * Recipients taken for a channel written in the database: as {@code status} (DELIVERED already, or PLANNED and
     * locked) at {@code at}, with their messages.
     */
    record Taken(Batch batch, Timestamp at, RecipientStatus status, List<RenderedMessage> messages) {
    }

    private Map<String, Object> attributes(String userId, String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return attributes.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored attributes of user " + userId + " are not JSON", e);
        }
    }
}
