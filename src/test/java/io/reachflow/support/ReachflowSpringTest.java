package io.reachflow.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole application on a random port, on an in-memory H2, with the demo users (all with password "demo")
 * and no job executor: tests run the engine's jobs themselves through {@link Engine}. Every test class with this
 * annotation shares one application context; the engine's clock is set back to the real time after each test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "demo"})
@Import({Engine.class, Fixtures.class, Api.class, Deliveries.class})
@ExtendWith(EngineClockReset.class)
public @interface ReachflowSpringTest {
}
