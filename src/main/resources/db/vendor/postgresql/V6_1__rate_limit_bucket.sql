-- One token bucket per task with a rateLimitPerMinute (Bucket4j's PostgreSQL select-for-update layout): every node
-- takes its sends from the same row, so the limit holds across nodes. H2 (one node) keeps its buckets in memory.
create table rate_limit_bucket (
    id    bigint primary key,
    state bytea
);
