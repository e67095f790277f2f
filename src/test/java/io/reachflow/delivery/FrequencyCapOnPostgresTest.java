package io.reachflow.delivery;

import io.reachflow.support.OnEmbeddedPostgres;

/**
 * {@link FrequencyCapTest} on PostgreSQL 17 (embedded), where the capped set is streamed with a cursor and skipped by
 * key with {@code = any(array)}.
 */
@OnEmbeddedPostgres
class FrequencyCapOnPostgresTest extends FrequencyCapTest {

}
