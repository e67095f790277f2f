package io.reachflow.delivery;

import io.reachflow.support.EmbeddedPostgresDatabase;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link FrequencyCapTest} on PostgreSQL 17 (embedded), where the capped set is streamed with a cursor and skipped by
 * key with {@code = any(array)}. Set up as {@code LifecycleOnPostgresTest} is, for the reasons given there.
 */
@ActiveProfiles({"test", "postgres", "demo"})
@TestPropertySource(properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FrequencyCapOnPostgresTest extends FrequencyCapTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresDatabase.register(registry);
    }
}
