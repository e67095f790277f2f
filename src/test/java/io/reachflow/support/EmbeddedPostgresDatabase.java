package io.reachflow.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One embedded PostgreSQL 17 server per JVM, started on first use and stopped when the JVM exits (by the
 * library's own shutdown hook). Spring tests run on it with {@link OnEmbeddedPostgres}; others connect to
 * {@link #jdbcUrl()}.
 */
public final class EmbeddedPostgresDatabase {

    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";

    private static EmbeddedPostgres server;

    private EmbeddedPostgresDatabase() {
    }

    /** Sets {@code spring.datasource.*} to the embedded server, starting it if it is not running yet. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("spring.datasource.url=" + jdbcUrl(), "spring.datasource.username=" + USER,
                    "spring.datasource.password=").applyTo(context);
        }
    }

    public static synchronized String jdbcUrl() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("Embedded PostgreSQL did not start", e);
            }
        }
        return server.getJdbcUrl(USER, DATABASE);
    }
}
