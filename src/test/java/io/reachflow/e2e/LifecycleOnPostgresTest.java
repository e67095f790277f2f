package io.reachflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.OnEmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The same lifecycle over HTTP on PostgreSQL 17 (embedded), with the {@code postgres} profile as production
 * runs it plus the demo users: our Flyway schema, our SQL and the engine's own tables on the real database. (How
 * it shares the JVM with the H2 tests: {@link OnEmbeddedPostgres}.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@OnEmbeddedPostgres
@Import({Engine.class, Fixtures.class, Api.class})
class LifecycleOnPostgresTest extends LifecycleOverHttpScenarios {


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
