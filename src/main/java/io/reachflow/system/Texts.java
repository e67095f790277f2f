package io.reachflow.system;

import java.util.Locale;

/** Texts cut to fit where they are kept, or made safe to log. */
public final class Texts {

    private Texts() {
    }

    /**
     * What a client sent, as a log line may hold it: control, format and line-separator characters written as
     * escapes (a line feed as backslash, "u000a"), so that a name with a line break cannot forge a line of its own;
     * cut to 200 characters.
     */
    public static String loggable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder safe = new StringBuilder();
        text.codePoints().forEach(point -> {
            int type = Character.getType(point);
            if (Character.isISOControl(point) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                safe.append(String.format(Locale.ROOT, "\\u%04x", point));
            } else {
                safe.appendCodePoint(point);
            }
        });
        return fitted(safe.toString(), 200);
    }

    /**
     * The text, cut to {@code max} characters with "…" at the end when longer (never within a surrogate pair): a
     * long value shortens what is kept of it rather than failing the write of a column too short for it.
     */
    public static String fitted(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + "…";
    }
}
