package io.reachflow.delivery;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.reachflow.system.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The tasks' {@code rateLimitPerMinute}: one Bucket4j token bucket per task, {@code rateLimitPerMinute} sends at most
 * per minute, refilled evenly. On PostgreSQL the bucket is a row of {@code rate_limit_bucket}, taken with
 * {@code SELECT … FOR UPDATE} by whichever node sends, so the limit holds across nodes; on H2 (one node) it is in
 * memory. A bucket starts full, and a task edited to a new limit gets a bucket of it (its revision is the bucket's
 * configuration version). Time is the application's clock.
 */
@Component
class RateLimits {

    private final ProxyManager<Long> shared;
    private final Map<Long, LocalBucket> local = new ConcurrentHashMap<>();
    private final TimeMeter time;

    @Autowired
    RateLimits(Database database, DataSource dataSource, Clock clock) {
        this(database.isPostgres() ? dataSource : null, clock);
    }

    /** Buckets in PostgreSQL through {@code postgres}; in memory when it is null. */
    RateLimits(DataSource postgres, Clock clock) {
        this.time = new ClockTime(clock);
        this.shared = postgres == null ? null : Bucket4jPostgreSQL.selectForUpdateBasedBuilder(postgres)
                .table("rate_limit_bucket").idColumn("id").stateColumn("state").clientClock(time).build();
    }

    /**
     * Takes as many of {@code wanted} sends as the task's limit allows now. When that is fewer, the grant says how
     * long until enough are free again for the rest, or a minute's worth of it.
     */
    Grant take(long taskId, int revision, int perMinute, long wanted) {
        Bucket bucket = bucket(taskId, revision, perMinute);
        long granted = bucket.tryConsumeAsMuchAsPossible(wanted);
        if (granted >= wanted) {
            return new Grant(granted, Duration.ZERO);
        }
        long next = Math.min(wanted - granted, perMinute);
        return new Grant(granted, Duration.ofNanos(bucket.estimateAbilityToConsume(next).getNanosToWaitForRefill()));
    }

    /**
     * Gives back sends taken but not made (a provider stopped taking messages before them), up to the bucket's
     * capacity, so that they do not count twice against the limit.
     */
    void giveBack(long taskId, int revision, int perMinute, long unsent) {
        if (unsent > 0) {
            bucket(taskId, revision, perMinute).addTokens(unsent);
        }
    }

    private Bucket bucket(long taskId, int revision, int perMinute) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build();
        if (shared != null) {
            return shared.builder()
                    .withImplicitConfigurationReplacement(revision, TokensInheritanceStrategy.PROPORTIONALLY)
                    .build(taskId, () -> configuration);
        }
        return local.compute(taskId, (id, existing) -> existing != null && existing.perMinute() == perMinute
                ? existing
                : new LocalBucket(perMinute, Bucket.builder().addLimit(configuration.getBandwidths()[0])
                        .withCustomTimePrecision(time).build())).bucket();
    }

    /** Sends granted now; how long until more are free when that is fewer than wanted. */
    record Grant(long granted, Duration untilMore) {
    }

    private record LocalBucket(int perMinute, Bucket bucket) {
    }

    /** The application's clock (the engine's, which tests move) as Bucket4j's wall clock. */
    private record ClockTime(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            return clock.millis() * 1_000_000;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
