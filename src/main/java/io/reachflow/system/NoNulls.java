package io.reachflow.system;

import java.util.List;

/**
 * A list as a request's record keeps it: a copy that cannot change, without nulls. A null element is refused naming
 * its index ({@code sendWindows[0]}), which a 400 then names under its object ({@code schedule.sendWindows[0]}), where
 * {@link List#copyOf} failed the whole object as unreadable.
 */
public final class NoNulls {

    private NoNulls() {
    }

    /** The list's copy (empty for none); {@code field} names it in the refusal of a null element. */
    public static <T> List<T> copy(String field, List<T> list) {
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new NullElementException(field + "[" + i + "]");
            }
        }
        return List.copyOf(list);
    }

    /** A null element of a list; {@link #field} is its path within the object being read. */
    public static final class NullElementException extends IllegalArgumentException {

        private final String field;

        NullElementException(String field) {
            super(field + " must not be null");
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
