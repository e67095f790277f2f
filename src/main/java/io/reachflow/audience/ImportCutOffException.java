package io.reachflow.audience;

/**
 * An import stopped at a chunk's end because the application is stopping: its chunks before are kept, and it is
 * recorded FAILED while the database is still there. Left to run, it held the graceful stop for its whole timeout,
 * and then wrote into a closed database (hundreds of lines of errors, and no record of why it failed).
 */
public class ImportCutOffException extends RuntimeException {

    static final String MESSAGE = "the application stopped while the file was read; the chunks before are kept; "
            + "import the file again once it is back (rows are upserts)";

    private final long importId;

    ImportCutOffException(long importId) {
        super(MESSAGE);
        this.importId = importId;
    }

    /** The import's id, whose record says FAILED with {@link #MESSAGE}. */
    public long importId() {
        return importId;
    }
}
