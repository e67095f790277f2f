package io.reachflow.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of a push: its number, and the first and last user id among its recipients. A plan numbers the recipients
 * into batches in the order of the primary key's user ids, so a batch's rows are a range of that key, read through
 * it without an index of their own; the batch number among the conditions keeps each statement to the batch's rows
 * whatever the range (a push planned before the ranges were recorded may have ranges that overlap).
 *
 * @param pushId the push
 * @param number the batch's number, from 0
 * @param first  the least user id among its recipients
 * @param last   the greatest
 */
record Batch(long pushId, int number, String first, String last) {

    /** The batch's rows {@code r} (SQL): where a statement names it, {@link #parameters} puts its four parameters. */
    static final String ROWS = rows("r");

    /** The batch's rows as {@code alias} (SQL), with the four parameters of {@link #ROWS}. */
    static String rows(String alias) {
        return alias + ".push_id = ? and " + alias + ".user_id between ? and ? and " + alias + ".batch = ?";
    }

    /** A statement's parameters in order, each batch among them given as the four that {@link #ROWS} takes. */
    static Object[] parameters(Object... parameters) {
        List<Object> flat = new ArrayList<>(parameters.length + 6);
        for (Object parameter : parameters) {
            if (parameter instanceof Batch batch) {
                flat.add(batch.pushId);
                flat.add(batch.first);
                flat.add(batch.last);
                flat.add(batch.number);
            } else {
                flat.add(parameter);
            }
        }
        return flat.toArray();
    }
}
