package io.reachflow.e2e;

import io.reachflow.support.ReachflowSpringTest;

/** The lifecycle over HTTP on the embedded H2 of the shared test application. */
@ReachflowSpringTest
class LifecycleOverHttpTest extends LifecycleOverHttpScenarios {
}
