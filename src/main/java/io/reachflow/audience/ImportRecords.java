package io.reachflow.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.SimpleJdbcInsert;
import org.springframework.stereotype.Component;

/** The {@code user_import} rows: one per import, its progress updated with each chunk it commits. */
@Component
class ImportRecords {

    private static final TypeReference<List<ImportReport.RowError>> ERRORS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final SimpleJdbcInsert insert;
    private final ObjectMapper objectMapper;

    ImportRecords(JdbcTemplate jdbc, ObjectMapper objectMapper) {
        this.jdbc = jdbc;
        this.insert = new SimpleJdbcInsert(jdbc).withTableName("user_import").usingGeneratedKeyColumns("id")
                .usingColumns("format", "status", "started_by", "started_at", "updated_at", "bytes_total");
        this.objectMapper = objectMapper;
    }

    ImportProgress start(ImportFormat format, String startedBy, Instant now, Long bytesTotal) {
        Timestamp at = Timestamp.from(now);
        long id = insert.executeAndReturnKey(new MapSqlParameterSource()
                .addValue("format", format.name())
                .addValue("status", ImportStatus.RUNNING.name())
                .addValue("started_by", startedBy)
                .addValue("started_at", at)
                .addValue("updated_at", at)
                .addValue("bytes_total", bytesTotal)).longValue();
        return new ImportProgress(id, format, startedBy, now, bytesTotal);
    }

    /**
     * Writes the counts with {@code rows} more imported, in the transaction that writes those rows: the two never
     * disagree, whether it commits or not.
     */
    void progress(ImportProgress progress, int rows, Instant now) {
        jdbc.update("update user_import set updated_at = ?, bytes_read = ?, processed = ?, imported = ?, failed = ?, "
                        + "errors = ? where id = ?", Timestamp.from(now), progress.bytesRead, progress.processed + rows,
                progress.imported + rows, progress.failed, json(progress.errors), progress.id);
    }

    void finish(ImportProgress progress, ImportStatus status, String failure, Instant now) {
        jdbc.update("update user_import set status = ?, failure = ?, finished_at = ?, updated_at = ?, bytes_read = ?, "
                        + "processed = ?, imported = ?, failed = ?, errors = ? where id = ? and status = 'RUNNING'",
                status.name(), failure,
                Timestamp.from(now), Timestamp.from(now), progress.bytesRead, progress.processed, progress.imported,
                progress.failed, json(progress.errors), progress.id);
    }

    /** Ends as FAILED the imports RUNNING with no chunk committed since {@code staleBefore}; returns their ids. */
    List<Long> failStale(Instant staleBefore, String failure, Instant now) {
        List<Long> stale = jdbc.queryForList("select id from user_import where status = ? and updated_at < ?",
                Long.class, ImportStatus.RUNNING.name(), Timestamp.from(staleBefore));
        return stale.stream().filter(id -> jdbc.update("update user_import set status = ?, failure = ?, "
                + "finished_at = ?, updated_at = ? where id = ? and status = ? and updated_at < ?",
                ImportStatus.FAILED.name(), failure, Timestamp.from(now), Timestamp.from(now), id,
                ImportStatus.RUNNING.name(), Timestamp.from(staleBefore)) > 0).toList();
    }

    Optional<ImportReport> find(long id) {
        return jdbc.query("select * from user_import where id = ?", this::report, id).stream().findFirst();
    }

    /** A page of the imports, newest first, of one status or all. */
    Page<ImportReport> page(ImportStatus status, int page, int size) {
        String where = status == null ? "" : " where status = ?";
        List<Object> parameters = new ArrayList<>();
        if (status != null) {
            parameters.add(status.name());
        }
        Long total = jdbc.queryForObject("select count(*) from user_import" + where, Long.class, parameters.toArray());
        parameters.add((long) page * size);
        parameters.add(size);
        List<ImportReport> reports = jdbc.query("select * from user_import" + where
                + " order by id desc offset ? rows fetch first ? rows only", this::report, parameters.toArray());
        return new PageImpl<>(reports, PageRequest.of(page, size), total);
    }

    private ImportReport report(ResultSet row, int number) throws SQLException {
        Long bytesTotal = row.getObject("bytes_total") == null ? null : row.getLong("bytes_total");
        long bytesRead = row.getLong("bytes_read");
        Timestamp finishedAt = row.getTimestamp("finished_at");
        return new ImportReport(row.getLong("id"), ImportFormat.valueOf(row.getString("format")),
                ImportStatus.valueOf(row.getString("status")), row.getString("started_by"),
                row.getTimestamp("started_at").toInstant(), row.getTimestamp("updated_at").toInstant(),
                finishedAt == null ? null : finishedAt.toInstant(), bytesTotal, bytesRead,
                ImportReport.percent(bytesRead, bytesTotal),
                row.getLong("processed"), row.getLong("imported"), row.getLong("failed"), errors(row.getString("errors")),
                row.getString("failure"));
    }

    private String json(List<ImportReport.RowError> errors) {
        try {
            return objectMapper.writeValueAsString(errors);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write import errors as JSON", e);
        }
    }

    private List<ImportReport.RowError> errors(String json) {
        try {
            return objectMapper.readValue(json, ERRORS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot read stored import errors", e);
        }
    }
}
