package io.reachflow.lifecycle;

import io.reachflow.support.OnEmbeddedPostgres;

/**
 * {@link ProviderDeliveryTest} on PostgreSQL 17 (embedded), where the claims, the locks and the rate limiter's
 * buckets are PostgreSQL's own.
 */
@OnEmbeddedPostgres
class ProviderDeliveryOnPostgresTest extends ProviderDeliveryTest {

}
