package io.reachflow.lifecycle;

import io.reachflow.support.EmbeddedPostgresDatabase;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ProviderDeliveryTest} on PostgreSQL 17 (embedded), where the claims, the locks and the rate limiter's
 * buckets are PostgreSQL's own. Set up as {@code LifecycleOnPostgresTest} is, for the reasons given there.
 */
@ActiveProfiles({"test", "postgres", "demo"})
class ProviderDeliveryOnPostgresTest extends ProviderDeliveryTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresDatabase.register(registry);
    }
}
