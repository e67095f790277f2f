package io.reachflow.audience;

/** The formats of {@code POST /api/users/import}. */
public enum ImportFormat {
    /** One profile as JSON per line ({@code application/x-ndjson}). */
    NDJSON,
    /** A header row, then a profile per row; tags and optOut joined by '|', attributes.name columns ({@code text/csv}). */
    CSV
}
