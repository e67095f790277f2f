package io.reachflow.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One embedded PostgreSQL 17 server per JVM, started on first use and stopped when the JVM exits (by the
 * library's own shutdown hook). Tests point the application at it from a {@code @DynamicPropertySource}:
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void postgres(DynamicPropertyRegistry registry) {
 *     EmbeddedPostgresDatabase.register(registry);
 * }
 * }</pre>
 */
public final class EmbeddedPostgresDatabase {

    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";

    private static EmbeddedPostgres server;

    private EmbeddedPostgresDatabase() {
    }

    /** Sets {@code spring.datasource.*} to the embedded server, starting it if it is not running yet. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", EmbeddedPostgresDatabase::jdbcUrl);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
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
