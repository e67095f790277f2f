package io.reachflow.lifecycle;

import io.reachflow.support.EmbeddedPostgresDatabase;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link DeliveryPathsTest} on PostgreSQL 17 (embedded): batches, pause and resume, send windows, the rate limit
 * (its bucket in PostgreSQL) and the frequency cap, with the inbox written by COPY. Set up as
 * {@code LifecycleOnPostgresTest} is, for the reasons given there.
 */
@ActiveProfiles({"test", "postgres", "demo"})
@TestPropertySource(properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DeliveryPathsOnPostgresTest extends DeliveryPathsTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresDatabase.register(registry);
    }
}
