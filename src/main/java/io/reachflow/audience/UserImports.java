package io.reachflow.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reachflow.system.CurrentActor;
import io.reachflow.system.Database;
import io.reachflow.system.JsonReadProblem;
import io.reachflow.system.SetElements;
import io.reachflow.system.StrictJson;
import io.reachflow.task.Channel;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.BufferedReader;
import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.data.domain.Page;
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
    private static final String ATTRIBUTE_COLUMN = "attributes.";
    /** The columns of a CSV, a profile's fields but its attributes, which have a column each. */
    static final List<String> CSV_COLUMNS = Arrays.stream(UserProfile.class.getRecordComponents())
            .map(RecordComponent::getName).filter(name -> !name.equals("attributes")).toList();
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(15);

    private final ProfileBulkWriter writer;
    private final ImportRecords records;
    private final Validator validator;
    private final ObjectMapper objectMapper;
    private final ObjectReader profileReader;
    private final CsvMapper csvMapper = new CsvMapper();
    private final TransactionTemplate transactions;
    private final CurrentActor actor;
    private final Database database;
    private final Clock clock;
    private final Instant startedAt;
    private final MeterRegistry meters;
    private final ApplicationAvailability availability;
    private final StaffProfiles staffProfiles;

    UserImports(ProfileBulkWriter writer, ImportRecords records, Validator validator, ObjectMapper objectMapper,
                PlatformTransactionManager transactionManager, CurrentActor actor, Database database, Clock clock,
                MeterRegistry meters, ApplicationAvailability availability, StaffProfiles staffProfiles) {
        this.writer = writer;
        this.staffProfiles = staffProfiles;
        this.availability = availability;
        this.meters = meters;
        this.database = database;
        // before the web server takes uploads: an import that moved since is this run's own
        this.startedAt = clock.instant();
        this.records = records;
        this.validator = validator;
        // rows are read as strictly as PUT /api/users/{id} reads a profile
        this.objectMapper = StrictJson.of(objectMapper);
        this.profileReader = this.objectMapper.readerFor(UserProfile.class);
        this.transactions = new TransactionTemplate(transactionManager);
        this.actor = actor;
        this.clock = clock;
    }

    /**
     * Reads the whole upload and answers what it did. {@code length} is the upload's announced length in bytes,
     * or -1; with it, progress shows a percentage.
     */
    public ImportReport run(InputStream upload, ImportFormat format, long length) throws IOException {
        CountingInputStream counted = new CountingInputStream(upload);
        // a CSV's header is read before the import is recorded: an upload refused for it leaves no record
        MappingIterator<Map<String, Object>> csvRows = format == ImportFormat.CSV ? csvRows(counted) : null;
        Predicate<String> writable = staffProfiles.writable();
        ImportProgress progress = records.start(format, actor.name(), clock.instant(), length >= 0 ? length : null);
        log.info("User import {} ({}) started by {}{}", progress.id, format, progress.startedBy,
                length >= 0 ? String.format(Locale.ROOT, ", %,d bytes", length) : "");
        Run run = new Run(progress, counted, writable);
        try {
            if (csvRows == null) {
                run.readNdjson();
            } else {
                run.readCsv(csvRows);
            }
            run.flush();
        } catch (IOException | RuntimeException e) {
            run.fail(e);
            throw e;
        }
        run.complete();
        return find(progress.id).orElseThrow();
    }

    /**
     * The CSV's rows, its header read and checked: it must name the columns, an {@code id} among them, each once,
     * and only columns a profile has ({@link #CSV_COLUMNS}, {@code attributes.<name>}); otherwise every row would
     * fail, or a misspelt column would be dropped from every profile.
     */
    private MappingIterator<Map<String, Object>> csvRows(InputStream upload) throws IOException {
        MappingIterator<Map<String, Object>> rows;
        try {
            // decoded here, not by the parser: its decoder gives up on the first byte that is not UTF-8, and the rest
            // of the file with it; this one reads it as U+FFFD, which then makes only its row bad
            rows = csvMapper.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                    .readValues(withoutByteOrderMark(new InputStreamReader(upload, StandardCharsets.UTF_8)));
        } catch (JsonProcessingException e) {
            throw new ImportRefusedException(String.valueOf(e.getOriginalMessage()).startsWith("Empty header line")
                    ? "The CSV has no header row: its first line must name the columns, such as id,name,email"
                    : "The CSV's header row cannot be read: " + e.getOriginalMessage());
        }
        List<String> columns = new ArrayList<>();
        ((CsvSchema) rows.getParser().getSchema()).forEach(column -> columns.add(column.getName()));
        List<String> repeated = columns.stream().filter(column -> Collections.frequency(columns, column) > 1)
                .distinct().toList();
        List<String> unknown = columns.stream()
                .filter(column -> !CSV_COLUMNS.contains(column) && !column.startsWith(ATTRIBUTE_COLUMN)).toList();
        String problem = !columns.contains("id") ? "has no 'id' column"
                : !repeated.isEmpty() ? "names " + repeated + " more than once"
                : !unknown.isEmpty() ? "has unknown columns " + unknown : null;
        if (problem != null) {
            rows.close();
            throw new ImportRefusedException("The CSV's header row " + problem + "; its columns are "
                    + String.join(", ", CSV_COLUMNS) + " and " + ATTRIBUTE_COLUMN + "<name>");
        }
        return rows;
    }

    /**
     * The text without the byte order mark a file may start with (Excel's "CSV UTF-8" writes one): read as text, it
     * would be part of the first column's name.
     */
    private static Reader withoutByteOrderMark(Reader text) throws IOException {
        PushbackReader reader = new PushbackReader(text);
        int first = reader.read();
        if (first != -1 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }

    public Optional<ImportReport> find(long id) {
        return records.find(id);
    }

    /** A page of the imports, newest first, of one status or all. */
    public Page<ImportReport> page(ImportStatus status, int page, int size) {
        return records.page(status, page, size);
    }

    /**
     * Ends as FAILED the imports that have stopped moving: RUNNING, but no chunk committed for
     * {@link #ABANDONED_AFTER}, because the node that ran them stopped (a broken upload ends its import itself).
     * Every few minutes, on every node; an import that moves commits a chunk every few seconds.
     */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT1M")
    public int failAbandoned() {
        Instant now = clock.instant();
        List<Long> failed = records.failStale(now.minus(ABANDONED_AFTER), "no progress for "
                + ABANDONED_AFTER.toMinutes() + " minutes: the node running the import stopped; import the file again "
                + "(rows are upserted)", now);
        if (!failed.isEmpty()) {
            log.warn("Imports {} made no progress for {} minutes and are FAILED", failed, ABANDONED_AFTER.toMinutes());
            count(ImportStatus.FAILED, failed.size(), 0, 0);
        }
        return failed.size();
    }

    /**
     * On H2, an embedded file that one application at a time opens, an import still RUNNING when the application
     * starts was cut off when it last stopped: it ends FAILED at once, where a node's import on PostgreSQL (that
     * another node may be running) waits for {@link #failAbandoned}.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void failCutOffAtStart() {
        if (database.isPostgres()) {
            return;
        }
        List<Long> failed = records.failStale(startedAt, "the application stopped while it ran; import the file "
                + "again (rows are upserted, the chunks committed before are in)", clock.instant());
        if (!failed.isEmpty()) {
            log.warn("Imports {} were cut off when the application last stopped and are FAILED", failed);
            count(ImportStatus.FAILED, failed.size(), 0, 0);
        }
    }

    private final class Run {

        private final ImportProgress progress;
        private final CountingInputStream upload;
        private final Map<String, UserProfile> chunk = new LinkedHashMap<>();
        private int chunkRows;
        private long nextLogAtRows = LOG_EVERY_ROWS;
        private int nextLogAtPercent = 10;
        /** Whose profiles the importer may write: staff members' are theirs or an admin's. */
        private final Predicate<String> writable;

        Run(ImportProgress progress, CountingInputStream upload, Predicate<String> writable) {
            this.progress = progress;
            this.upload = upload;
            this.writable = writable;
        }

        /**
         * NDJSON is read line by line, each line parsed on its own: a malformed line is reported and the next line
         * starts afresh (one parser over the whole stream cannot find its way back into the rows after a broken
         * one).
         */
        void readNdjson() throws IOException {
            BufferedReader lines = new BufferedReader(withoutByteOrderMark(new InputStreamReader(upload,
                    StandardCharsets.UTF_8)));
            long line = 0;
            for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    take(ndjsonProfile(text), line);
                } catch (BadRow e) {
                    progress.failed(line, e.getMessage());
                }
            }
        }

        void readCsv(MappingIterator<Map<String, Object>> csvRows) throws IOException {
            try (MappingIterator<Map<String, Object>> rows = csvRows) {
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
                    try {
                        take(csvProfile(row), line);
                    } catch (BadRow e) {
                        progress.failed(line, e.getMessage());
                    }
                }
            }
        }

        private void take(UserProfile profile, long line) {
            String problems = problems(profile);
            if (problems != null) {
                progress.failed(line, problems);
                return;
            }
            if (!writable.test(profile.id())) {
                progress.failed(line, "id '" + profile.id() + "' is staff: " + StaffProfiles.refusal());
                return;
            }
            chunk.put(profile.id(), profile);
            chunkRows++;
            if (chunkRows == CHUNK) {
                // a graceful stop refuses new requests first (readiness), and waits for this one: the chunk read is
                // not written, those before are kept
                if (availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC) {
                    throw new ImportCutOffException(progress.id);
                }
                flush();
            }
        }

        /** Writes the chunk and the progress in one transaction; a row appearing twice in it counts twice, last wins. */
        void flush() {
            progress.bytesRead = upload.count();
            if (chunkRows > 0) {
                Instant now = clock.instant();
                int rows = chunkRows;
                writeChunk(rows, now);
                progress.imported(rows);
                chunk.clear();
                chunkRows = 0;
            }
            logProgress();
        }

        /**
         * Writes the chunk and the progress in one transaction, its profiles in id order, the order every import
         * locks them in (two imports of the same profiles in different orders would deadlock). Another import (or a
         * {@code PUT}) may create one of the chunk's new profiles at the same time, or the database may still choose
         * this transaction to end a deadlock: the chunk is then written again.
         */
        private void writeChunk(int rows, Instant now) {
            List<UserProfile> profiles = chunk.values().stream().sorted(Comparator.comparing(UserProfile::id)).toList();
            for (int attempt = 1; ; attempt++) {
                try {
                    transactions.executeWithoutResult(status -> {
                        writer.write(profiles, now);
                        records.progress(progress, rows, now);
                    });
                    return;
                } catch (DuplicateKeyException | PessimisticLockingFailureException createdMeanwhile) {
                    if (attempt == UserService.CONCURRENT_WRITE_ATTEMPTS) {
                        throw createdMeanwhile;
                    }
                    log.info("User import {}: its chunk met another write of its profiles ({}); it is written "
                            + "again", progress.id, createdMeanwhile.getClass().getSimpleName());
                }
            }
        }

        private void logProgress() {
            Integer percent = progress.percent();
            boolean rowsStep = progress.processed >= nextLogAtRows;
            boolean percentStep = percent != null && percent >= nextLogAtPercent && percent < 100;
            if (rowsStep || percentStep) {
                log.info("User import {}: {}{}, {} imported, {} failed, {} rows/s", progress.id,
                        rows(progress.processed), percent == null ? "" : " (" + percent + "% of the upload)",
                        grouped(progress.imported), grouped(progress.failed), grouped(rate()));
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
            count(ImportStatus.COMPLETED, 1, progress.imported, progress.failed);
            log.info("User import {} completed: {}, {} imported, {} failed, in {} s ({} rows/s)", progress.id,
                    rows(progress.processed), grouped(progress.imported), grouped(progress.failed), seconds(),
                    grouped(rate()));
        }

        /** Records the import as FAILED (the chunks committed before stay in) and says why. */
        void fail(Exception cause) {
            progress.bytesRead = upload.count();
            // a parser's own message, without where the server read it from; for a broken-off upload, whose exception
            // names no more than its class, what it means and what to do
            // and no SQL, constraint or row of the database's: what went wrong there is in the log
            String why = cause instanceof JsonProcessingException json
                    ? "the upload cannot be read: " + json.getOriginalMessage()
                    : cause instanceof IOException ? "the upload broke off before its end; import the file again "
                    + "(rows are upserts)"
                    : cause instanceof DataAccessException ? "the database refused a chunk of it (the log says why); "
                    + "the chunks before it are kept; import the file again (rows are upserts)"
                    : cause.getMessage();
            records.finish(progress, ImportStatus.FAILED, why.length() > 2000 ? why.substring(0, 2000) : why,
                    clock.instant());
            count(ImportStatus.FAILED, 1, progress.imported, progress.failed);
            if (cause instanceof DataAccessException) {
                log.warn("User import {} failed after {} rows ({} imported): {}", progress.id,
                        grouped(progress.processed), grouped(progress.imported), why, cause);
            } else {
                log.warn("User import {} failed after {} rows ({} imported): {}{}", progress.id,
                        grouped(progress.processed), grouped(progress.imported), why,
                        cause instanceof IOException ? " (" + cause + ")" : "");
            }
        }

        private long seconds() {
            return Duration.between(progress.startedAt, clock.instant()).toSeconds();
        }

        /** A count with its thousands grouped, as the log's other counts of rows. */
        private static String grouped(long count) {
            return String.format(Locale.ROOT, "%,d", count);
        }

        private static String rows(long count) {
            return count == 1 ? "1 row" : grouped(count) + " rows";
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
                .map(v -> {
                    String field = SetElements.field(v.getPropertyPath().toString());
                    return field + " " + SetElements.message(field, v.getInvalidValue(), v.getMessage());
                })
                .sorted()
                .collect(Collectors.joining("; "));
    }

    /**
     * Imports as meters, for dashboards and alerts across nodes: {@code reachflow.imports} (counter; tag
     * {@code outcome} COMPLETED or FAILED) and {@code reachflow.import.rows} (counter; tag {@code outcome}
     * {@code imported} or {@code failed}, the bad rows), counted when an import ends.
     */
    private void count(ImportStatus outcome, int imports, long imported, long failed) {
        Counter.builder("reachflow.imports").description("User imports ended").tag("outcome", outcome.name())
                .register(meters).increment(imports);
        Counter.builder("reachflow.import.rows").description("Rows of user imports").tag("outcome", "imported")
                .register(meters).increment(imported);
        Counter.builder("reachflow.import.rows").description("Rows of user imports").tag("outcome", "failed")
                .register(meters).increment(failed);
    }

    /**
     * Bytes that are not UTF-8 are read as U+FFFD, the replacement character: a row that holds one was not saved as
     * UTF-8 (or holds that character itself, which no profile needs), and is refused rather than stored garbled.
     */
    private static void requireUtf8(String text) throws BadRow {
        if (text.indexOf('\uFFFD') >= 0) {
            throw new BadRow("is not UTF-8 text (bytes that are not UTF-8, or U+FFFD): save the file as UTF-8");
        }
    }

    /**
     * An NDJSON row: a profile as {@code PUT /api/users/{id}} takes it, read as strictly (a field a profile does not
     * have is refused); {@code attributes} is free JSON.
     */
    private UserProfile ndjsonProfile(String text) throws BadRow {
        requireUtf8(text);
        JsonNode row;
        try {
            row = objectMapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadRow("not valid JSON: " + JsonReadProblem.syntax(e));
        }
        JsonNode id = row.get("id");
        if (!row.isObject() || id == null || id.isNull() || !id.isValueNode() || id.asText().isEmpty()) {
            throw new BadRow("row is not an object with an id");
        }
        try {
            return profileReader.readValue(row);
        } catch (JsonMappingException e) {
            throw new BadRow(JsonReadProblem.of(e).sentence());
        } catch (IOException e) {
            throw new BadRow("unreadable row"); // a tree in memory is read without I/O
        }
    }

    /** A CSV row: list columns joined by '|', attributes.* columns. */
    private static UserProfile csvProfile(Map<String, Object> row) throws BadRow {
        if (row == null || text(row.get("id")) == null) {
            throw new BadRow("row has no id");
        }
        for (Object value : row.values()) {
            if (value != null) {
                requireUtf8(value.toString());
            }
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        row.forEach((column, value) -> {
            if (column.startsWith(ATTRIBUTE_COLUMN) && value != null && !value.toString().isEmpty()) {
                attributes.put(column.substring(ATTRIBUTE_COLUMN.length()), value);
            }
        });
        Set<Channel> optOut = new LinkedHashSet<>();
        for (String channel : list(row.get("optOut"))) {
            String name = channel.trim().toUpperCase(Locale.ROOT);
            optOut.add(Arrays.stream(Channel.values()).filter(known -> known.name().equals(name)).findFirst().orElseThrow(
                    () -> new BadRow(JsonReadProblem.notOneOf("optOut", channel, Channel.class).sentence())));
        }
        return new UserProfile(text(row.get("id")), text(row.get("name")), text(row.get("email")),
                text(row.get("phone")), text(row.get("pushToken")), text(row.get("timeZone")), text(row.get("locale")),
                new LinkedHashSet<>(list(row.get("tags"))), attributes, optOut);
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

    /** A row that is no profile, and why, in the words of the file: it is reported with its line and skipped. */
    private static final class BadRow extends Exception {

        BadRow(String message) {
            super(message, null, false, false);
        }
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
