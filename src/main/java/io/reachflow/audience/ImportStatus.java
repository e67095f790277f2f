package io.reachflow.audience;

/** Where a bulk import stands. */
public enum ImportStatus {
    /** Reading and writing; the counts grow with each chunk of rows committed. */
    RUNNING,
    /** The whole file was read; good rows are in, bad rows are listed. */
    COMPLETED,
    /** Stopped early (the upload broke off, or the database refused a chunk); the rows counted as imported are in. */
    FAILED
}
