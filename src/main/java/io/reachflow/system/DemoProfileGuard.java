package io.reachflow.system;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The demo profile is the default (nothing to set for a first run), and it seeds users whose password is "demo".
 * A start that names no profile but points at a database other than the embedded H2 (production's variables set,
 * {@code SPRING_PROFILES_ACTIVE} forgotten) would put them into that database, where they stay: it is refused before
 * anything touches the database. Naming the profiles ({@code postgres}, or {@code postgres,demo} for a trial) is
 * what such a start needs. Registered in {@code META-INF/spring.factories}.
 */
class DemoProfileGuard implements EnvironmentPostProcessor {

    static final String EMBEDDED_URL_PREFIX = "jdbc:h2:";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getActiveProfiles().length > 0) {
            return;
        }
        String other = url(environment, "spring.datasource.url");
        boolean elsewhere = !other.startsWith(EMBEDDED_URL_PREFIX);
        if (!elsewhere) {
            // the pool's own URL, when it has one, is the database it opens
            other = url(environment, "spring.datasource.hikari.jdbc-url");
            elsewhere = !other.isEmpty() && !other.startsWith(EMBEDDED_URL_PREFIX);
        }
        if (elsewhere) {
            // the kind of database only: a URL may hold its password
            String kind = other.matches("^jdbc:[a-z0-9]+:.*") ? other.substring(0, other.indexOf(':', 5) + 1) + "…"
                    : "spring.datasource.url";
            throw new StartRefusedException("No profile is named, so the demo profile would be used, with its demo "
                    + "users and their known passwords, on a database that is not the embedded H2 (" + kind + ")",
                    "Name the profile: SPRING_PROFILES_ACTIVE=postgres for production (its admin from "
                            + "REACHFLOW_ADMIN_USER and REACHFLOW_ADMIN_PASSWORD), or postgres,demo for a trial");
        }
    }

    /** The property, or empty when unset or not resolvable yet (a placeholder of a later source). */
    private static String url(ConfigurableEnvironment environment, String property) {
        try {
            return environment.getProperty(property, "");
        } catch (IllegalArgumentException unresolvable) {
            return "unresolved";
        }
    }
}
