package io.reachflow.audience;

import java.util.ArrayList;
import java.util.List;

/** What an import did: rows read, imported and failed, with the first failures by line. */
public class ImportReport {

    private long processed;
    private long imported;
    private long failed;
    private final List<RowError> errors = new ArrayList<>();

    void imported(int count) {
        processed += count;
        imported += count;
    }

    void failed(long line, String message) {
        processed++;
        failed++;
        if (errors.size() < UserService.MAX_REPORTED_ERRORS) {
            errors.add(new RowError(line, message));
        }
    }

    public long getProcessed() {
        return processed;
    }

    public long getImported() {
        return imported;
    }

    public long getFailed() {
        return failed;
    }

    /** The first {@value UserService#MAX_REPORTED_ERRORS} failures. */
    public List<RowError> getErrors() {
        return errors;
    }

    public record RowError(long line, String message) {
    }
}
