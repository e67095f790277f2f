package io.reachflow.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.reachflow.system.CurrentActor;
import io.reachflow.task.Channel;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.BufferedReader;
import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk imports of user profiles ({@code POST /api/users/import}), streamed: rows are read one by one and written
 * in chunks of {@value #CHUNK}, each chunk in one transaction together with the import's progress, so memory
 * does not grow with the file and a crash keeps every chunk committed before it. A bad row is reported with its
 * line and skipped; good rows are kept. The chunks go to the database's fastest path ({@link ProfileBulkWriter}).
 */
@Service
public class UserImports {

    private static final Logger log = LoggerFactory.getLogger(UserImports.class);
    static final int CHUNK = 5_000;
    private static final long LOG_EVERY_ROWS = 100_000;
    private static final String LIST_SEPARATOR = "|";
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(15);

    private final ProfileBulkWriter writer;
    private final ImportRecords records;
    private final Validator validator;
    private final ObjectMapper objectMapper;
    private final CsvMapper csvMapper = new CsvMapper();
    private final TransactionTemplate transactions;
    private final CurrentActor actor;
    private final Clock clock;

    UserImports(ProfileBulkWriter writer, ImportRecords records, Validator validator, ObjectMapper objectMapper,
                PlatformTransactionManager transactionManager, CurrentActor actor, Clock clock) {
        this.writer = writer;
        this.records = records;
        this.validator = validator;
        this.objectMapper = objectMapper;
        this.transactions = new TransactionTemplate(transactionManager);
        this.actor = actor;
        this.clock = clock;
    }

    /**
     * Reads the whole upload and answers what it did. {@code length} is the upload's announced length in bytes,
     * or -1; with it, progress shows a percentage.
     */
    public ImportReport run(InputStream upload, ImportFormat format, long length) throws IOException {
        ImportProgress progress = records.start(format, actor.name(), clock.instant(), length >= 0 ? length : null);
        log.info("User import {} ({}) started by {}{}", progress.id, format, progress.startedBy,
                length >= 0 ? String.format(Locale.ROOT, ", %,d bytes", length) : "");
        Run run = new Run(progress, new CountingInputStream(upload));
        try {
            if (format == ImportFormat.NDJSON) {
                run.readNdjson();
            } else {
                run.readCsv();
            }
            run.flush();
        } catch (IOException | RuntimeException e) {
            run.fail(e);
            throw e;
        }
        run.complete();
        return find(progress.id).orElseThrow();
    }

    public Optional<ImportReport> find(long id) {
        return records.find(id);
    }

    /** The newest imports first, of one status or all. */
    public List<ImportReport> latest(ImportStatus status, int size) {
        return records.latest(status, size);
    }

    /**
     * Ends as FAILED the imports that have stopped moving: RUNNING, but no chunk committed for
     * {@link #ABANDONED_AFTER}, because the node that ran them stopped (a broken upload ends its import itself).
     * Every few minutes, on every node; an import that moves commits a chunk every few seconds.
     */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT1M")
    public int failAbandoned() {
        Instant now = clock.instant();
        int failed = records.failStale(now.minus(ABANDONED_AFTER), "no progress for " + ABANDONED_AFTER.toMinutes()
                + " minutes: the node running the import stopped; import the file again (rows are upserted)", now);
        if (failed > 0) {
            log.warn("{} imports made no progress for {} minutes and are FAILED", failed, ABANDONED_AFTER.toMinutes());
        }
        return failed;
    }

    /** One import in progress: the upload, the chunk being gathered, the counts. */
    private final class Run {

        private final ImportProgress progress;
        private final CountingInputStream upload;
        private final Map<String, UserProfile> chunk = new LinkedHashMap<>();
        private int chunkRows;
        private long nextLogAtRows = LOG_EVERY_ROWS;
        private int nextLogAtPercent = 10;

        Run(ImportProgress progress, CountingInputStream upload) {
            this.progress = progress;
            this.upload = upload;
        }

        /**
         * NDJSON is read line by line, each line parsed on its own: a malformed line is reported and the next line
         * starts afresh (one parser over the whole stream cannot find its way back into the rows after a broken
         * one).
         */
        void readNdjson() throws IOException {
            BufferedReader lines = new BufferedReader(new InputStreamReader(upload, StandardCharsets.UTF_8));
            ObjectReader reader = objectMapper.readerFor(Map.class);
            long line = 0;
            for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                Map<String, Object> row;
                try {
                    row = reader.readValue(text);
                } catch (JsonProcessingException e) {
                    progress.failed(line, "unreadable row: " + e.getOriginalMessage());
                    continue;
                }
                take(row, line, ImportFormat.NDJSON);
            }
        }

        void readCsv() throws IOException {
            ObjectReader reader = csvMapper.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader());
            try (MappingIterator<Map<String, Object>> rows = reader.readValues(upload)) {
                while (true) {
                    // where the next row starts: a row left broken (a quote never closed) is reported there, not
                    // where the reader gave up on it
                    long line = rows.getCurrentLocation().getLineNr();
                    Map<String, Object> row;
                    try {
                        if (!rows.hasNextValue()) {
                            break;
                        }
                        row = rows.nextValue();
                    } catch (JsonProcessingException | CharConversionException | RuntimeException e) {
                        // a parser's own message, without where the server read it from
                        progress.failed(line, "unreadable row: " + (e instanceof JsonProcessingException json
                                ? json.getOriginalMessage() : e.getMessage()));
                        if (!skipBrokenRow(rows)) {
                            break;
                        }
                        continue;
                    }
                    take(row, line, ImportFormat.CSV);
                }
            }
        }

        private void take(Map<String, Object> row, long line, ImportFormat format) {
            Optional<UserProfile> read;
            try {
                read = toProfile(row, format);
            } catch (IllegalArgumentException e) {
                progress.failed(line, "unreadable row: " + e.getMessage());
                return;
            }
            if (read.isEmpty()) {
                progress.failed(line, "row is not an object with an id");
                return;
            }
            String problems = problems(read.get());
            if (problems != null) {
                progress.failed(line, problems);
                return;
            }
            chunk.put(read.get().id(), read.get());
            chunkRows++;
            if (chunkRows == CHUNK) {
                flush();
            }
        }

        /** Writes the chunk and the progress in one transaction; a row appearing twice in it counts twice, last wins. */
        void flush() {
            progress.bytesRead = upload.count();
            if (chunkRows > 0) {
                Instant now = clock.instant();
                int rows = chunkRows;
                transactions.executeWithoutResult(status -> {
                    writer.write(chunk.values(), now);
                    records.progress(progress, rows, now);
                });
                progress.imported(rows);
                chunk.clear();
                chunkRows = 0;
            }
            logProgress();
        }

        private void logProgress() {
            Integer percent = progress.percent();
            boolean rowsStep = progress.processed >= nextLogAtRows;
            boolean percentStep = percent != null && percent >= nextLogAtPercent && percent < 100;
            if (rowsStep || percentStep) {
                log.info("User import {}: {} rows{}, {} imported, {} failed, {} rows/s", progress.id,
                        String.format(Locale.ROOT, "%,d", progress.processed),
                        percent == null ? "" : " (" + percent + "% of the upload)", progress.imported, progress.failed,
                        rate());
                nextLogAtRows = (progress.processed / LOG_EVERY_ROWS + 1) * LOG_EVERY_ROWS;
                nextLogAtPercent = percent == null ? nextLogAtPercent : (percent / 10 + 1) * 10;
            } else {
                log.debug("User import {}: {} rows, {} imported, {} failed", progress.id, progress.processed,
                        progress.imported, progress.failed);
            }
        }

        void complete() {
            progress.bytesRead = upload.count();
            records.finish(progress, ImportStatus.COMPLETED, null, clock.instant());
            log.info("User import {} completed: {} rows, {} imported, {} failed, in {} s ({} rows/s)", progress.id,
                    progress.processed, progress.imported, progress.failed, seconds(), rate());
        }

        /** Records the import as FAILED (the chunks committed before stay in) and says why. */
        void fail(Exception cause) {
            progress.bytesRead = upload.count();
            String why = (cause instanceof IOException ? "the upload broke off: " : "")
                    + String.valueOf(cause.getMessage());
            records.finish(progress, ImportStatus.FAILED, why.length() > 2000 ? why.substring(0, 2000) : why,
                    clock.instant());
            log.warn("User import {} failed after {} rows ({} imported): {}", progress.id, progress.processed,
                    progress.imported, why);
        }

        private long seconds() {
            return Duration.between(progress.startedAt, clock.instant()).toSeconds();
        }

        private long rate() {
            long millis = Math.max(1, Duration.between(progress.startedAt, clock.instant()).toMillis());
            return progress.processed * 1000 / millis;
        }
    }

    private static boolean skipBrokenRow(MappingIterator<?> rows) {
        try {
            return rows.hasNextValue();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private String problems(UserProfile profile) {
        Set<ConstraintViolation<UserProfile>> violations = validator.validate(profile);
        if (violations.isEmpty()) {
            return null;
        }
        return violations.stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
    }

    /** NDJSON rows are profiles as JSON; CSV rows have list columns joined by '|' and attributes.* columns. */
    private Optional<UserProfile> toProfile(Map<String, Object> row, ImportFormat format) {
        if (row == null || text(row.get("id")) == null) {
            return Optional.empty();
        }
        if (format == ImportFormat.NDJSON) {
            return Optional.of(objectMapper.convertValue(row, UserProfile.class));
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        row.forEach((column, value) -> {
            if (column.startsWith("attributes.") && value != null && !value.toString().isEmpty()) {
                attributes.put(column.substring("attributes.".length()), value);
            }
        });
        Set<Channel> optOut = new LinkedHashSet<>();
        for (String channel : list(row.get("optOut"))) {
            optOut.add(Channel.valueOf(channel.trim().toUpperCase(Locale.ROOT)));
        }
        return Optional.of(new UserProfile(text(row.get("id")), text(row.get("name")), text(row.get("email")),
                text(row.get("phone")), text(row.get("pushToken")), text(row.get("timeZone")), text(row.get("locale")),
                new LinkedHashSet<>(list(row.get("tags"))), attributes, optOut));
    }

    private static String text(Object value) {
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }

    private static List<String> list(Object value) {
        String text = text(value);
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split("\\" + LIST_SEPARATOR)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Counts the bytes read, for the progress of an upload of known length. */
    private static final class CountingInputStream extends FilterInputStream {

        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int read = super.read();
            if (read >= 0) {
                count++;
            }
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        long count() {
            return count;
        }
    }
}
