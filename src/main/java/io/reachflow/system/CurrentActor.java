package io.reachflow.system;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who is acting right now: the user the engine has authenticated (Tasklist, {@code /engine-rest}, a review
 * decided through the API), else the user of the current API request, else {@value #SYSTEM} for the engine's
 * own jobs and timers.
 */
@Component
public class CurrentActor {

    public static final String SYSTEM = "system";

    private final IdentityService identityService;

    public CurrentActor(IdentityService identityService) {
        this.identityService = identityService;
    }

    public String name() {
        Authentication engineUser = identityService.getCurrentAuthentication();
        if (engineUser != null && engineUser.getUserId() != null) {
            return engineUser.getUserId();
        }
        var requestUser = SecurityContextHolder.getContext().getAuthentication();
        if (requestUser != null && requestUser.isAuthenticated() && !(requestUser instanceof AnonymousAuthenticationToken)) {
            return requestUser.getName();
        }
        return SYSTEM;
    }

    /** Whether no user acts: the application itself (its start, its jobs), whatever a user may be named. */
    public boolean isApplication() {
        Authentication engineUser = identityService.getCurrentAuthentication();
        var requestUser = SecurityContextHolder.getContext().getAuthentication();
        return (engineUser == null || engineUser.getUserId() == null) && (requestUser == null
                || !requestUser.isAuthenticated() || requestUser instanceof AnonymousAuthenticationToken);
    }

    /** Whether whoever acts is in {@code camunda-admin}; the system (no user) is not. */
    public boolean isAdmin() {
        Authentication engineUser = identityService.getCurrentAuthentication();
        if (engineUser != null && engineUser.getUserId() != null) {
            return engineUser.getGroupIds() != null && engineUser.getGroupIds().contains(Groups.ADMINS);
        }
        var requestUser = SecurityContextHolder.getContext().getAuthentication();
        return requestUser != null && requestUser.isAuthenticated() && requestUser.getAuthorities().stream()
                .anyMatch(authority -> Groups.authority(Groups.ADMINS).equals(authority.getAuthority()));
    }
}
