package io.reachflow.system;

/**
 * An invalid element of a set (a profile's tag) has no index to be named by: its field is named {@code tags[]}, and
 * its message quotes it, so that a 400 or an import's bad row says which tag is wrong.
 */
public final class SetElements {

    /** How much of a value a message quotes. */
    private static final int QUOTED = 40;

    private SetElements() {
    }

    /**
     * A violation's path as the API names it: Hibernate Validator's {@code tags[].<iterable element>} is
     * {@code tags[]}.
     */
    public static String field(String path) {
        return path.replaceAll("\\.<[^>]+>", "");
    }

    /** The message, quoting the value first where the field is an element of a set. */
    public static String message(String field, Object value, String message) {
        if (!field.endsWith("[]") || !(value instanceof String text)) {
            return message;
        }
        return "'" + (text.length() > QUOTED ? text.substring(0, QUOTED) + "…" : text) + "': " + message;
    }
}
