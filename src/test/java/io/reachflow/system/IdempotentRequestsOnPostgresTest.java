package io.reachflow.system;

import io.reachflow.support.OnEmbeddedPostgres;

/** {@link IdempotentRequestsTest} on PostgreSQL 17 (embedded), production's database. */
@OnEmbeddedPostgres
class IdempotentRequestsOnPostgresTest extends IdempotentRequestsTest {

    @Override
    protected void awaitBlockedOnALock() throws InterruptedException {
        awaitCount("select count(*) from pg_stat_activity where wait_event_type = 'Lock'");
    }
}
