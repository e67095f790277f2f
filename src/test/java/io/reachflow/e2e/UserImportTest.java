package io.reachflow.e2e;

import io.reachflow.support.ReachflowSpringTest;

/** Bulk imports on the embedded H2 of the shared test application (JDBC batches). */
@ReachflowSpringTest
class UserImportTest extends UserImportScenarios {
}
