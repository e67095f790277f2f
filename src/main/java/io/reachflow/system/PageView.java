package io.reachflow.system;

import java.util.List;
import java.util.function.Function;
import org.springframework.data.domain.Page;

/**
 * A page of a list, as every paged list of the API answers it: the page's items, which page of what size, and how
 * many items the list holds in all.
 */
public record PageView<T>(List<T> items, int page, int size, long total) {

    /** The page's items, mapped to what the API shows of them. */
    public static <E, T> PageView<T> of(Page<E> found, Function<E, T> view) {
        return new PageView<>(found.getContent().stream().map(view).toList(), found.getNumber(), found.getSize(),
                found.getTotalElements());
    }

    /**
     * Refuses a page whose first item lies beyond what a database query can skip (an int): {@code page} is the
     * parameter that says which page.
     */
    public static void requireReachable(int page, int size) {
        if ((long) page * size > Integer.MAX_VALUE) {
            throw InvalidParameter.of("page",
                    "Page must be at most " + Integer.MAX_VALUE / size + " with size " + size);
        }
    }
}
