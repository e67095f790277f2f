package io.reachflow.system;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;

/**
 * {@code reachflow.incidents.open} (gauge): the engine's open incidents, jobs that failed through all their retries
 * (a delivery's batch, a plan) and wait for an admin in Cockpit. Counted in the database when read, so every node
 * shows the cluster's; an alert on it above 0 is an alert on a stuck push.
 */
@Component
class IncidentMetrics {

    IncidentMetrics(MeterRegistry registry, RuntimeService runtime) {
        Gauge.builder("reachflow.incidents.open", runtime, engine -> engine.createIncidentQuery().count())
                .description("Open incidents: jobs failed through all their retries, waiting for an admin")
                .register(registry);
    }
}
