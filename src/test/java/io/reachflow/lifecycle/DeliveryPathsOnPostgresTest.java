package io.reachflow.lifecycle;

import io.reachflow.support.OnEmbeddedPostgres;

/**
 * {@link DeliveryPathsTest} on PostgreSQL 17 (embedded): batches, pause and resume, send windows, the rate limit
 * (its bucket in PostgreSQL) and the frequency cap, with the inbox written by COPY.
 */
@OnEmbeddedPostgres
class DeliveryPathsOnPostgresTest extends DeliveryPathsTest {

}
