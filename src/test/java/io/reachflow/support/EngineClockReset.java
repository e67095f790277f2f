package io.reachflow.support;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sets the engine's clock (and so the application's) back to the real time after each test: a test that moved it
 * ({@link Engine#advance}) must not leave the tests after it days ahead, in the application context they share.
 */
public class EngineClockReset implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        ClockUtil.reset();
    }
}
