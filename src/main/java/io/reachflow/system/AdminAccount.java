package io.reachflow.system;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.digest.PasswordManager;
import org.camunda.bpm.engine.impl.identity.DefaultPasswordPolicyImpl;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.impl.util.EncryptionUtil;
import org.camunda.bpm.spring.boot.starter.property.AdminUserProperty;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Who administers Reachflow is configuration: {@code camunda.bpm.admin-user}, which the Camunda starter creates,
 * with the group {@code camunda-admin}, at the first start ({@code REACHFLOW_ADMIN_USER} and
 * {@code REACHFLOW_ADMIN_PASSWORD} in the {@code postgres} profile; {@code demo} in the {@code demo} profile).
 * Outside the {@code demo} profile the start is refused:
 * <ul>
 *   <li>when that admin's password is missing, blank or an unresolved placeholder (the starter would have created
 *   the admin with that text, or with the user id, as its password);</li>
 *   <li>when, after it, nobody is in {@code camunda-admin}: Camunda's first-admin page would let anyone who finds
 *   it create one. (That page is closed anyway: {@code SecurityConfiguration}.)</li>
 * </ul>
 * And outside it, a demo user that still has the demo password (a database that a trial ran on, {@code postgres,demo},
 * then used for production) gets a random password: nobody logs in with {@code demo}/{@code demo} any more.
 * The password is used when the admin is created, once; later starts leave it as it is (change it in Admin).
 */
@Component
class AdminAccount extends AbstractProcessEnginePlugin {

    private static final Logger log = LoggerFactory.getLogger(AdminAccount.class);
    /** What Camunda's default password policy asks, in words (its rules' placeholders are keys for translations). */
    static final String PASSWORD_POLICY = "at least " + DefaultPasswordPolicyImpl.MIN_LENGTH + " characters, with a "
            + "lowercase and an uppercase letter, a digit and a sign, and not the user's id or name";

    private final CamundaBpmProperties camunda;
    private final ProcessEngine engine;
    private final boolean demo;
    /** The engine's configuration, for its password hashing once it runs (the engine is a proxy here). */
    private ProcessEngineConfigurationImpl configuration;

    AdminAccount(CamundaBpmProperties camunda, @Lazy ProcessEngine engine, Environment environment) {
        this.camunda = camunda;
        this.engine = engine;
        this.demo = environment.acceptsProfiles(Profiles.of("demo"));
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        this.configuration = configuration;
        requirePasswordOfItsOwn();
    }

    /**
     * Refuses the start when, outside the demo, the admin's password is missing or does not meet the policy: before
     * the database's migrations ({@link #beforeMigrations}), so that a refused start leaves an empty database empty,
     * and again as the engine starts (a start without migrations).
     */
    void requirePasswordOfItsOwn() {
        AdminUserProperty admin = camunda.getAdminUser();
        if (demo || admin == null || admin.getId() == null) {
            return;
        }
        String password = admin.getPassword();
        if (password == null || password.isBlank() || password.contains("${") || password.equals(admin.getId())) {
            throw new StartRefusedException("The admin " + admin.getId() + " has no password of its own",
                    "Set REACHFLOW_ADMIN_PASSWORD (camunda.bpm.admin-user.password), or run with the demo profile");
        }
        UserEntity user = new UserEntity(admin.getId());
        user.setFirstName(admin.getFirstName());
        user.setLastName(admin.getLastName());
        user.setEmail(admin.getEmail());
        List<String> broken = policyBreaches(password, user);
        if (!broken.isEmpty()) {
            // the starter would create the admin, and the engine refuse it, with a stack trace that says less
            throw new StartRefusedException("The admin " + admin.getId() + "'s password does not meet the password "
                    + "policy (" + String.join(", ", broken) + ")", "Set REACHFLOW_ADMIN_PASSWORD to "
                    + PASSWORD_POLICY);
        }
    }

    /** The admin's password is checked before Flyway migrates the database: a refused start changes nothing. */
    @Bean
    static FlywayMigrationStrategy beforeMigrations(AdminAccount admin) {
        return flyway -> {
            admin.requirePasswordOfItsOwn();
            flyway.migrate();
        };
    }

    /**
     * After the start: the configured admin, locked after failed logins (anyone who knows its name can lock it, and
     * a tenth failure in a row locks it for good), is unlocked, so that whoever can restart the application can always
     * get into Admin again. The other users stay as they are: an admin unlocks them (Admin → Users).
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void unlockTheAdmin() {
        AdminUserProperty admin = camunda.getAdminUser();
        if (admin == null || admin.getId() == null) {
            return;
        }
        IdentityService identity = engine.getIdentityService();
        if (identity.createUserQuery().userId(admin.getId()).singleResult() instanceof UserEntity user
                && (user.getAttempts() > 0 || user.getLockExpirationTime() != null)) {
            identity.unlockUser(admin.getId());
            int maxAttempts = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration())
                    .getLoginMaxAttempts();
            LoginLock lock = LoginLock.of(user, maxAttempts);
            if (lock.forGood()) {
                log.warn("The admin {} was locked for good after {} failed logins in a row: unlocked at this start",
                        admin.getId(), lock.attempts());
            } else if (lock.until() != null) {
                log.warn("The admin {} was locked after {} failed login(s) in a row (until {}): unlocked at this start",
                        admin.getId(), lock.attempts(), lock.until());
            } else {
                // a lock long over (3 s after a first failure): the next failure would still have locked it longer
                log.info("The admin {} had {} failed login(s) in a row, no longer locked: counted afresh from this "
                        + "start", admin.getId(), lock.attempts());
            }
        }
    }

    /**
     * After the start, outside the demo profile: the demo's users that still have its password get a random one, with
     * a WARN naming them (an admin gives them a password of their own in Admin, or deletes them). Their tasks, history
     * and memberships stay. The configured admin is never one of them: its password is checked before the start.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void retireDemoPasswords() {
        if (demo) {
            return;
        }
        Set<String> candidates = new TreeSet<>(DemoData.userIds());
        if (camunda.getAdminUser() != null && camunda.getAdminUser().getId() != null) {
            candidates.remove(camunda.getAdminUser().getId());
        }
        List<String> retired = retireDemoPasswords(engine.getIdentityService(), configuration.getPasswordManager(),
                candidates);
        if (!retired.isEmpty()) {
            log.warn("Users {} had the demo password (this database ran the demo profile): each has a random password "
                    + "now; give them their own in Admin, or delete them", String.join(", ", retired));
        }
    }

    /** Gives those of {@code userIds} whose password is the demo's a random one; returns who they were. */
    static List<String> retireDemoPasswords(IdentityService identity, PasswordManager passwords,
                                            Collection<String> userIds) {
        List<String> retired = new ArrayList<>();
        for (String id : userIds) {
            if (identity.createUserQuery().userId(id).singleResult() instanceof UserEntity user
                    && user.getPassword() != null && passwords.check(
                            EncryptionUtil.saltPassword(DemoData.PASSWORD, user.getSalt()), user.getPassword())) {
                user.setPassword(randomPassword(user));
                identity.saveUser(user);
                retired.add(id);
            }
        }
        return retired;
    }

    /**
     * 32 random bytes, with a letter of each case, a digit and a sign, that the password policy takes for the user
     * (random text may hold the user's name, which the policy refuses, failing the start).
     */
    private static String randomPassword(UserEntity user) {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "aA1!";
            if (policyBreaches(password, user).isEmpty()) {
                return password;
            }
        }
    }

    /** The rules of Camunda's default password policy that {@code password} breaks for {@code user}, by name. */
    private static List<String> policyBreaches(String password, UserEntity user) {
        return new DefaultPasswordPolicyImpl().getRules().stream()
                .filter(rule -> !rule.execute(password, user))
                .map(rule -> rule.getPlaceholder().replace("PASSWORD_POLICY_", "").toLowerCase(Locale.ROOT))
                .toList();
    }

    /** After the start: the starter created the configured admin by now, on a new database. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void requireAnAdmin() {
        if (demo) {
            return;
        }
        IdentityService identity = engine.getIdentityService();
        long admins = identity.createUserQuery().memberOfGroup(Groups.ADMINS).count();
        if (admins == 0) {
            throw new StartRefusedException("Nobody is in " + Groups.ADMINS, "Name the first admin with "
                    + "REACHFLOW_ADMIN_USER and REACHFLOW_ADMIN_PASSWORD (camunda.bpm.admin-user.id and .password, "
                    + "as the postgres profile does), or run with the demo profile");
        }
        log.info("{} admin(s) in {}{}", admins, Groups.ADMINS, camunda.getAdminUser() == null
                || camunda.getAdminUser().getId() == null ? ""
                : "; the configured admin " + camunda.getAdminUser().getId() + " is created at the first start only, "
                        + "its password changed in Admin after that");
    }
}
