package io.reachflow.audience;

import java.time.Instant;
import java.util.List;

/**
 * A bulk import of user profiles as the API shows it: its progress while it runs, then its outcome. Counts are
 * rows: {@code processed} = {@code imported} + {@code failed}. {@code percent} is of the bytes read, when the
 * upload announced its length. {@code errors} lists the first {@value #MAX_ERRORS} bad rows by line.
 */
public record ImportReport(long id, ImportFormat format, ImportStatus status, String startedBy, Instant startedAt,
                           Instant updatedAt, Instant finishedAt, Long bytesTotal, long bytesRead, Integer percent,
                           long processed, long imported, long failed, List<RowError> errors, String failure) {

    public static final int MAX_ERRORS = 100;

    /** Percent of {@code bytesTotal} read; null when the upload did not announce its length. */
    static Integer percent(long bytesRead, Long bytesTotal) {
        return bytesTotal == null || bytesTotal <= 0 ? null : (int) Math.min(100, bytesRead * 100 / bytesTotal);
    }

    /** A row refused: its line in the file and what is wrong with it. */
    public record RowError(long line, String message) {
    }
}
