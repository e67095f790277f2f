package io.reachflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Api;
import io.reachflow.support.EmbeddedPostgresDatabase;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same lifecycle over HTTP on PostgreSQL 17 (embedded), with the {@code postgres} profile as production
 * runs it plus the demo users: our Flyway schema, our SQL and the engine's own tables on the real database.
 *
 * <p>It runs in the same JVM as the H2 tests, so its engine and process application take generated names: the
 * engine registry is JVM-wide, and a second engine named "default" is refused. ({@code /engine-rest} and the
 * webapps of this application resolve the default engine, so PostgreSQL tests go through {@code /api}.) The
 * application is closed after the class, while the database still runs: closed by the JVM's shutdown hooks, it
 * would race the database's own hook and hang on connections to a stopped server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@ActiveProfiles({"test", "postgres", "demo"})
@Import({Engine.class, Fixtures.class, Api.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LifecycleOnPostgresTest extends LifecycleOverHttpScenarios {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresDatabase.register(registry);
    }

    @Autowired
    DataSource dataSource;

    @Test
    void runsOnPostgreSql() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(connection.getMetaData().getDatabaseMajorVersion()).isEqualTo(17);
        }
        assertThat(engine.processEngine().getProcessEngineConfiguration())
                .extracting("databaseType").isEqualTo("postgres");
    }
}
