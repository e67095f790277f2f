package io.reachflow.system;

/** Texts cut to fit where they are kept. */
public final class Texts {

    private Texts() {
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
