package io.reachflow.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import io.reachflow.task.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Keeps user profiles: one at a time, or a streamed import of NDJSON or CSV. */
@Service
public class UserService {

    private static final Logger log = LoggerFactory.getLogger(UserService.class);
    static final int IMPORT_CHUNK = 500;
    static final int MAX_REPORTED_ERRORS = 100;
    private static final String LIST_SEPARATOR = "|";

    private final AudienceUserRepository users;
    private final Validator validator;
    private final ObjectMapper objectMapper;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final CsvMapper csvMapper = new CsvMapper();

    public UserService(AudienceUserRepository users, Validator validator, ObjectMapper objectMapper,
                       PlatformTransactionManager transactionManager, Clock clock) {
        this.users = users;
        this.validator = validator;
        this.objectMapper = objectMapper;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
    }

    /** Creates or replaces a profile; true when it was created. */
    @Transactional
    public boolean upsert(UserProfile profile) {
        Optional<AudienceUser> existing = users.findById(profile.id());
        AudienceUser user = existing.orElseGet(() -> new AudienceUser(profile.id(), clock.instant()));
        user.update(profile, clock.instant());
        users.save(user);
        return existing.isEmpty();
    }

    @Transactional(readOnly = true)
    public Optional<UserProfile> find(String id) {
        return users.findById(id).map(AudienceUser::profile);
    }

    /**
     * Streams an import: rows are read one by one and written in chunks, so memory does not grow with the file.
     * A bad row is reported with its line and skipped; good rows are kept.
     */
    public ImportReport importUsers(InputStream body, ImportFormat format) throws IOException {
        ImportReport report = new ImportReport();
        List<UserProfile> chunk = new ArrayList<>(IMPORT_CHUNK);
        if (format == ImportFormat.NDJSON) {
            importNdjson(body, chunk, report);
        } else {
            importCsv(body, chunk, report);
        }
        write(chunk, report);
        log.info("User import ({}): {} rows read, {} imported, {} failed", format, report.getProcessed(),
                report.getImported(), report.getFailed());
        return report;
    }

    /**
     * NDJSON is read line by line, each line parsed on its own: a malformed line is reported and the next line
     * starts afresh (one parser over the whole stream cannot find its way back into the rows after a broken one).
     */
    private void importNdjson(InputStream body, List<UserProfile> chunk, ImportReport report) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        ObjectReader reader = reader(ImportFormat.NDJSON);
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
                report.failed(line, "unreadable row: " + e.getOriginalMessage());
                continue;
            }
            take(row, line, ImportFormat.NDJSON, chunk, report);
        }
    }

    private void importCsv(InputStream body, List<UserProfile> chunk, ImportReport report) throws IOException {
        try (MappingIterator<Map<String, Object>> rows = reader(ImportFormat.CSV).readValues(body)) {
            while (true) {
                long line;
                Map<String, Object> row;
                try {
                    if (!rows.hasNextValue()) {
                        break;
                    }
                    line = rows.getCurrentLocation().getLineNr();
                    row = rows.nextValue();
                } catch (IOException | RuntimeException e) {
                    report.failed(rows.getCurrentLocation().getLineNr(), "unreadable row: " + e.getMessage());
                    if (!skipBrokenRow(rows)) {
                        break;
                    }
                    continue;
                }
                take(row, line, ImportFormat.CSV, chunk, report);
            }
        }
    }

    private void take(Map<String, Object> row, long line, ImportFormat format, List<UserProfile> chunk,
                      ImportReport report) {
        Optional<UserProfile> read;
        try {
            read = toProfile(row, format);
        } catch (IllegalArgumentException e) {
            report.failed(line, "unreadable row: " + e.getMessage());
            return;
        }
        read.ifPresentOrElse(profile -> {
            String problems = problems(profile);
            if (problems == null) {
                chunk.add(profile);
            } else {
                report.failed(line, problems);
            }
        }, () -> report.failed(line, "row is not an object with an id"));
        if (chunk.size() == IMPORT_CHUNK) {
            write(chunk, report);
        }
    }

    private ObjectReader reader(ImportFormat format) {
        return switch (format) {
            case NDJSON -> objectMapper.readerFor(Map.class);
            case CSV -> csvMapper.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader());
        };
    }

    private static boolean skipBrokenRow(MappingIterator<?> rows) {
        try {
            return rows.hasNextValue();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void write(List<UserProfile> chunk, ImportReport report) {
        if (chunk.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(status -> chunk.forEach(this::upsert));
        report.imported(chunk.size());
        log.debug("User import: {} rows imported so far", report.getImported());
        chunk.clear();
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
    @SuppressWarnings("unchecked")
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
            optOut.add(Channel.valueOf(channel.trim().toUpperCase()));
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

    public enum ImportFormat {
        NDJSON, CSV
    }
}
