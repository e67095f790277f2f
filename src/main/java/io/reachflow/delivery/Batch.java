package io.reachflow.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of a push: its number, and the first and last user id among its recipients. A plan numbers the recipients
 * into batches in the order of the primary key's user ids, so a batch's rows are a range of that key, read through
 * it without an index of their own. The statements name the range alone, not the number as well: the planner would
 * take the two for independent and expect next to no rows, where it should weigh how to join a batch of thousands.
 * (The ranges of a push planned before they were recorded may overlap, on a database whose collation is not byte
 * order. A recipient in two ranges is still taken once: every statement that takes one names the status it leaves.
 * Their batches may then count, wait for and lock each other's rows: slower, never sent twice.)
 *
 * @param pushId the push
 * @param number the batch's number, from 0
 * @param first  the least user id among its recipients
 * @param last   the greatest
 */
record Batch(long pushId, int number, String first, String last) {

    /** The batch's rows {@code r} (SQL): where a statement names it, {@link #parameters} puts its three parameters. */
    static final String ROWS = "r.push_id = ? and r.user_id between ? and ?";

    /**
     * The profiles {@code u} in the batch's range (SQL, parameters {@link #profiles}): joined with it, they leave the
     * planner the choice of reading the range's profiles at once, where without it that would be all profiles.
     */
    static final String PROFILES = "u.id between ? and ?";

    /** The parameters of {@link #PROFILES}, for {@link #parameters}. */
    Profiles profiles() {
        return new Profiles(first, last);
    }

    /**
     * A statement's parameters in order: each batch among them given as the three that {@link #ROWS} takes, each
     * {@link #profiles} as the two of {@link #PROFILES}.
     */
    static Object[] parameters(Object... parameters) {
        List<Object> flat = new ArrayList<>(parameters.length + 4);
        for (Object parameter : parameters) {
            if (parameter instanceof Batch batch) {
                flat.add(batch.pushId);
                flat.add(batch.first);
                flat.add(batch.last);
            } else if (parameter instanceof Profiles profiles) {
                flat.add(profiles.first);
                flat.add(profiles.last);
            } else {
                flat.add(parameter);
            }
        }
        return flat.toArray();
    }

    /** The range of {@link #PROFILES}. */
    record Profiles(String first, String last) {
    }
}
