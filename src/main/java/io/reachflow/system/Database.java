package io.reachflow.system;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Which database this is, and PostgreSQL's bulk path: {@code COPY … FROM STDIN} on the connection of the current
 * transaction, for writes of thousands of rows (imports, deliveries) that row-by-row statements would make slow.
 */
@Component
public class Database {

    private final DataSource dataSource;
    private final boolean postgres;

    public Database(DataSource dataSource) throws MetaDataAccessException {
        this.dataSource = dataSource;
        this.postgres = "PostgreSQL".equals(
                JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName));
    }

    public boolean isPostgres() {
        return postgres;
    }

    /**
     * The clause that locks a select's rows against changes but not against each other's reads: PostgreSQL's
     * {@code for share}; H2, which has no shared row locks, locks them for update.
     */
    public String forShare() {
        return postgres ? "for share" : "for update";
    }

    /**
     * Streams CSV rows into {@code table (columns)} with COPY, in the current transaction (PostgreSQL only);
     * returns how many rows it wrote.
     */
    public long copyIn(String table, String columns, CsvRows rows) {
        if (!postgres) {
            throw new IllegalStateException("COPY is PostgreSQL's; this database is not");
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "copy " + table + " (" + columns + ") from stdin (format csv)", new StringReader(rows.toString()));
        } catch (SQLException e) {
            throw new IllegalStateException("COPY into " + table + " failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
