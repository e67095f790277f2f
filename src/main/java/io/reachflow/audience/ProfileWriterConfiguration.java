package io.reachflow.audience;

import java.sql.DatabaseMetaData;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/** Imports write through COPY on PostgreSQL, through JDBC batches elsewhere. */
@Configuration
class ProfileWriterConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ProfileWriterConfiguration.class);

    @Bean
    ProfileBulkWriter profileBulkWriter(DataSource dataSource, JdbcTemplate jdbc) throws MetaDataAccessException {
        String database = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        boolean postgres = "PostgreSQL".equals(database);
        log.debug("User imports write to {} with {}", database, postgres ? "COPY" : "JDBC batches");
        return postgres ? new PostgresCopyProfileWriter(dataSource) : new JdbcBatchProfileWriter(jdbc);
    }
}
