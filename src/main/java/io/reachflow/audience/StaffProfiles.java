package io.reachflow.audience;

import io.reachflow.system.CurrentActor;
import io.reachflow.system.Staff;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.camunda.bpm.engine.AuthorizationException;
import org.springframework.stereotype.Component;

/**
 * A staff member's profile (an id of the identity service's) holds where test rounds reach them, their address,
 * phone and push token: only they or an admin write it. Test rounds go to staff only, since their content has not
 * been reviewed; an operator who could put a customer's address on another staff member's profile would have sent
 * that customer unreviewed content. Customers' profiles stay the operators' and the users' app's to write. The
 * application's own writes (no user: the demo's data) are not checked.
 */
@Component
public class StaffProfiles {

    private final Staff staff;
    private final CurrentActor actor;

    StaffProfiles(Staff staff, CurrentActor actor) {
        this.staff = staff;
        this.actor = actor;
    }

    /**
     * Refuses (403) a write or erasure of the profile {@code id} when it is another staff member's and the current
     * user is no admin.
     */
    public void requireWritable(String id) {
        if (!writesAny() && !id.equals(actor.name()) && staff.outside(List.of(id)).isEmpty()) {
            throw new AuthorizationException(actor.name() + " may not change the profile of " + id + ": "
                    + refusal());
        }
    }

    /**
     * Whether the current user may write each id's profile, for many rows: the staff are read once (for an admin, not
     * at all).
     */
    public Predicate<String> writable() {
        if (writesAny()) {
            return id -> true;
        }
        String self = actor.name();
        Set<String> staffIds = staff.ids();
        return id -> id.equals(self) || !staffIds.contains(id);
    }

    /** Why a staff member's profile was not written. */
    public static String refusal() {
        return "a staff member's profile holds where test rounds reach them, and only they or an admin change it";
    }

    private boolean writesAny() {
        return actor.isApplication() || actor.isAdmin();
    }
}
