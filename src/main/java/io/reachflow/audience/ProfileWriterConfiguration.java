package io.reachflow.audience;

import io.reachflow.system.Database;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Imports write through COPY on PostgreSQL, through JDBC batches elsewhere. */
@Configuration
class ProfileWriterConfiguration {

    @Bean
    ProfileBulkWriter profileBulkWriter(Database database, JdbcTemplate jdbc) {
        return database.isPostgres() ? new PostgresCopyProfileWriter(database, jdbc) : new JdbcBatchProfileWriter(jdbc);
    }
}
