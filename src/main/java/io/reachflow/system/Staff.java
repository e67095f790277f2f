package io.reachflow.system;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.stereotype.Component;

/**
 * Who is staff: a user of the identity service, which only an admin adds to (in Admin, or an LDAP directory behind
 * the identity service). Testers must be: a test round's content has not been reviewed, and it skips opt-outs and send
 * windows, so it must never reach a customer's profile named as a tester, nor a customer's address put on a staff
 * member's profile ({@code io.reachflow.audience.StaffProfiles}).
 */
@Component
public class Staff {

    private final IdentityService identityService;

    Staff(IdentityService identityService) {
        this.identityService = identityService;
    }

    /** Every staff member's id: one query of the identity service. */
    public Set<String> ids() {
        return identityService.createUserQuery().list().stream().map(User::getId).collect(Collectors.toSet());
    }

    /** Those of {@code ids} who are not staff, in their order: one query of the identity service. */
    public List<String> outside(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Set<String> staff = identityService.createUserQuery().userIdIn(ids.toArray(String[]::new)).list().stream()
                .map(User::getId).collect(Collectors.toSet());
        return ids.stream().filter(id -> !staff.contains(id)).toList();
    }
}
