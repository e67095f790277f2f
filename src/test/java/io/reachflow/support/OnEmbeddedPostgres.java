package io.reachflow.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs a Spring test class on the {@link EmbeddedPostgresDatabase}, with the {@code postgres} profile as production
 * runs it plus the demo users.
 *
 * <p>Such a class runs in the same JVM as the H2 tests, so its engine and process application take generated names:
 * the engine registry is JVM-wide, and a second engine named "default" is refused. ({@code /engine-rest} and the
 * webapps of an application resolve the default engine, so PostgreSQL tests go through {@code /api}.) Its
 * application is closed after the class, while the database still runs: closed by the JVM's shutdown hooks, it would
 * race the database's own hook and hang on connections to a stopped server.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ActiveProfiles({"test", "postgres", "demo"})
@TestPropertySource(properties = {
        "camunda.bpm.generate-unique-process-engine-name=true",
        "camunda.bpm.generate-unique-process-application-name=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ContextConfiguration(initializers = EmbeddedPostgresDatabase.Initializer.class)
public @interface OnEmbeddedPostgres {
}
