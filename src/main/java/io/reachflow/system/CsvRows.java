package io.reachflow.system;

/**
 * Rows as CSV for {@link Database#copyIn}: every value quoted (quotes doubled), a null as an empty unquoted field,
 * which COPY reads as NULL.
 */
public final class CsvRows {

    private final StringBuilder csv;

    public CsvRows(int expectedRows) {
        this.csv = new StringBuilder(Math.max(16, expectedRows) * 96);
    }

    /** One row; values are written with {@code toString()} (an {@code Instant} as ISO-8601, which COPY takes). */
    public CsvRows row(Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                csv.append(',');
            }
            if (values[i] != null) {
                csv.append('"').append(values[i].toString().replace("\"", "\"\"")).append('"');
            }
        }
        csv.append('\n');
        return this;
    }

    @Override
    public String toString() {
        return csv.toString();
    }
}
