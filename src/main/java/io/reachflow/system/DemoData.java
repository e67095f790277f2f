package io.reachflow.system;

import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile's users, all with password {@value #PASSWORD}, and a few audience profiles to send
 * to. The admin {@code demo} comes from {@code camunda.bpm.admin-user} in {@code application-demo.yml}.
 */
@Component
@Profile("demo")
class DemoData {

    static final String PASSWORD = "demo";
    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private static final Map<String, List<String>> MEMBERSHIPS = Map.of(
            "olivia", List.of(Groups.OPERATORS),
            "oscar", List.of(Groups.OPERATORS),
            "rita", List.of(Groups.REVIEWERS),
            "rob", List.of(Groups.REVIEWERS),
            "sam", List.of(Groups.REVIEWERS, Groups.SENIOR_REVIEWERS),
            "una", List.of(Groups.OPERATORS, Groups.REVIEWERS));

    private final IdentityService identityService;
    private final UserService users;

    /** The demo's users, and its admin ({@code camunda.bpm.admin-user} of {@code application-demo.yml}). */
    static Set<String> userIds() {
        Set<String> ids = new TreeSet<>(MEMBERSHIPS.keySet());
        ids.add("demo");
        return ids;
    }

    private final String databaseUrl;

    DemoData(IdentityService identityService, UserService users, Environment environment) {
        this.identityService = identityService;
        this.users = users;
        this.databaseUrl = environment.getProperty("spring.datasource.url", "");
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(1)
    void seed() {
        if (!databaseUrl.startsWith(DemoProfileGuard.EMBEDDED_URL_PREFIX)) {
            // named on purpose (postgres,demo for a trial), but worth a line in a log that someone reads
            log.warn("The demo profile runs on a database that is not the embedded H2: its users log in with the "
                    + "password '{}'. For a trial only; a start without it gives them random passwords", PASSWORD);
        }
        MEMBERSHIPS.forEach((id, groups) -> {
            if (identityService.createUserQuery().userId(id).count() == 0) {
                User user = identityService.newUser(id);
                user.setFirstName(Character.toUpperCase(id.charAt(0)) + id.substring(1));
                user.setLastName("Demo");
                user.setEmail(id + "@reachflow.test");
                user.setPassword(PASSWORD);
                identityService.saveUser(user);
                groups.forEach(group -> identityService.createMembership(id, group));
                log.info("Demo user {} ({}) created", id, groups);
            }
        });
        if (users.find("alice").isEmpty()) {
            for (UserProfile profile : audience()) {
                users.upsert(profile);
            }
            log.info("Demo audience profiles created: alice, bob, carol, and the operators as testers");
        }
    }

    private static List<UserProfile> audience() {
        return List.of(
                profile("alice", "Alice", "alice@example.com", Set.of("vip", "berlin"), Map.of("city", "Berlin")),
                profile("bob", "Bob", "bob@example.com", Set.of("berlin"), Map.of("city", "Berlin")),
                profile("carol", null, null, Set.of("vip"), Map.of()),
                // numbers set aside for fiction (Ofcom's drama range): a trial with a real SMS gateway texts nobody
                tester("olivia", "Olivia", "+44 7700 900001", Map.of("city", "Lisbon")),
                tester("oscar", "Oscar", "+44 7700 900002", Map.of()),
                tester("una", "Una", "+44 7700 900003", Map.of()));
    }

    private static UserProfile profile(String id, String name, String email, Set<String> tags, Map<String, Object> attributes) {
        return new UserProfile(id, name, email, null, null, "Europe/Berlin", "en", tags, attributes, Set.of());
    }

    /** An operator as a tester: an address for every channel, so that a test round of any channel reaches them. */
    private static UserProfile tester(String id, String name, String phone, Map<String, Object> attributes) {
        return new UserProfile(id, name, id + "@reachflow.test", phone, "demo-push-token-" + id, "Europe/Berlin", "en",
                Set.of("staff"), attributes, Set.of());
    }
}
