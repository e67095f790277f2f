package io.reachflow.delivery;

import io.reachflow.support.OnEmbeddedPostgres;

/** {@link RecipientRetentionTest} on PostgreSQL 17 (embedded), where the rows go in chunks by key. */
@OnEmbeddedPostgres
class RecipientRetentionOnPostgresTest extends RecipientRetentionTest {
}
