package io.reachflow.audience;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The counts of an import while it runs; written to its {@code user_import} row with each chunk. */
final class ImportProgress {

    final long id;
    final ImportFormat format;
    final String startedBy;
    final Instant startedAt;
    final Long bytesTotal;
    long bytesRead;
    long processed;
    long imported;
    long failed;
    final List<ImportReport.RowError> errors = new ArrayList<>();

    ImportProgress(long id, ImportFormat format, String startedBy, Instant startedAt, Long bytesTotal) {
        this.id = id;
        this.format = format;
        this.startedBy = startedBy;
        this.startedAt = startedAt;
        this.bytesTotal = bytesTotal;
    }

    void imported(int rows) {
        processed += rows;
        imported += rows;
    }

    void failed(long line, String message) {
        processed++;
        failed++;
        if (errors.size() < ImportReport.MAX_ERRORS) {
            errors.add(new ImportReport.RowError(line, message));
        }
    }

    /** Percent of the bytes read, when the upload announced its length. */
    Integer percent() {
        return ImportReport.percent(bytesRead, bytesTotal);
    }
}
