package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.reachflow.ReachflowApplication;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/**
 * Outside the demo profile, the configured admin must have a password of its own; and the demo profile is not used by
 * default on a database other than the embedded H2.
 */
class AdminAccountTest {

    @Test
    void refusesAnAdminWithoutAPasswordOfItsOwnOutsideTheDemo() {
        for (String password : new String[] {null, "", "  ", "${REACHFLOW_ADMIN_PASSWORD}", "admin"}) {
            assertThatThrownBy(() -> account("postgres", password).preInit(null)).as("password %s", password)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("REACHFLOW_ADMIN_PASSWORD");
        }
        assertThatCode(() -> account("postgres", "S3cret-enough").preInit(null)).doesNotThrowAnyException();
        for (String weak : new String[] {"demo", "s3cret-enough", "S3cret", "Secret-enough", "S3cretenough"}) {
            assertThatThrownBy(() -> account("postgres", weak).preInit(null)).as("password %s", weak)
                    .isInstanceOf(StartRefusedException.class)
                    .hasMessageContaining("does not meet the password policy");
        }
        assertThatCode(() -> account("postgres,demo", "demo").preInit(null)).doesNotThrowAnyException();
    }

    /**
     * A production start with a weak admin password is refused before the database's migrations: a new database is
     * left empty, not half set up by a start that never ran.
     */
    @Test
    void refusesBeforeTheDatabaseIsMigrated(@TempDir Path directory) throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("refused") + ";DB_CLOSE_ON_EXIT=FALSE";

        Throwable refused = catchThrowable(() -> new SpringApplicationBuilder(ReachflowApplication.class)
                .profiles("production").run("--server.port=0", "--spring.datasource.url=" + url,
                        "--camunda.bpm.admin-user.id=admin", "--camunda.bpm.admin-user.password=weak"));

        assertThat(refused).hasRootCauseInstanceOf(StartRefusedException.class)
                .rootCause().hasMessageContaining("does not meet the password policy");
        try (Connection database = DriverManager.getConnection(url, "sa", "");
             ResultSet tables = database.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
            assertThat(tables.next()).as("no table, Flyway's history included").isFalse();
        }
    }

    /** Production's variables without its profile would seed the demo users into the production database. */
    @Test
    void refusesTheDefaultDemoProfileOnADatabaseOtherThanTheEmbeddedH2() {
        DemoProfileGuard guard = new DemoProfileGuard();
        MockEnvironment forgotten = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db.internal:5432/reachflow?password=x");

        assertThatThrownBy(() -> guard.postProcessEnvironment(forgotten, null))
                .isInstanceOf(StartRefusedException.class).hasMessageContaining("No profile is named")
                .hasMessageContaining("SPRING_PROFILES_ACTIVE=postgres").hasMessageNotContaining("db.internal")
                .hasMessageNotContaining("password=x");
        FailureAnalysis analysis = new StartRefusedException.Analyzer().analyze(catchThrowable(
                () -> guard.postProcessEnvironment(forgotten, null)));
        assertThat(analysis.getDescription()).startsWith("No profile is named").endsWith("(jdbc:postgresql:…)");
        assertThat(analysis.getAction()).startsWith("Name the profile: SPRING_PROFILES_ACTIVE=postgres");

        assertThatThrownBy(() -> guard.postProcessEnvironment(new MockEnvironment()
                .withProperty("spring.datasource.url", "postgres://app:secret@db/reachflow"), null))
                .isInstanceOf(StartRefusedException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> guard.postProcessEnvironment(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:h2:file:./data/reachflow")
                .withProperty("spring.datasource.hikari.jdbc-url", "jdbc:postgresql://db/r"), null))
                .as("the pool's own URL counts too").isInstanceOf(StartRefusedException.class);

        MockEnvironment named = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db/r");
        named.setActiveProfiles("postgres");
        assertThatCode(() -> guard.postProcessEnvironment(named, null)).doesNotThrowAnyException();
        assertThatCode(() -> guard.postProcessEnvironment(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:h2:file:./data/reachflow"), null))
                .as("the first run: nothing named, the embedded H2").doesNotThrowAnyException();
    }

    private static AdminAccount account(String profiles, String password) {
        CamundaBpmProperties camunda = new CamundaBpmProperties();
        camunda.getAdminUser().setId("admin");
        camunda.getAdminUser().setPassword(password);
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles(profiles.split(","));
        return new AdminAccount(camunda, (ProcessEngine) null, environment);
    }
}
