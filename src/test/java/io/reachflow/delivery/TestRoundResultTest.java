package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.delivery.DeliveryService.RecipientOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestRoundResultTest {

    private static RecipientOutcome tester(String userId, RecipientStatus status) {
        return new RecipientOutcome(userId, status, null, null, Instant.EPOCH);
    }

    @Test
    void passesWhenEveryTesterGotIt() {
        assertThat(TestRoundResult.of(List.of(tester("olivia", RecipientStatus.DELIVERED),
                tester("una", RecipientStatus.DELIVERED)))).isEqualTo(TestRoundResult.PASSED);
    }

    @Test
    void failsWhenOneTesterWasMissedWhateverTheWay() {
        for (RecipientStatus missed : List.of(RecipientStatus.FAILED, RecipientStatus.SKIPPED,
                RecipientStatus.CANCELLED)) {
            assertThat(TestRoundResult.of(List.of(tester("olivia", RecipientStatus.DELIVERED),
                    tester("una", missed)))).as(missed.name()).isEqualTo(TestRoundResult.FAILED);
        }
        assertThat(TestRoundResult.of(List.of())).as("a round to nobody").isEqualTo(TestRoundResult.FAILED);
    }

    @Test
    void isInProgressWhileATesterWaitsEvenWhenAnotherFailedAlready() {
        for (RecipientStatus waiting : List.of(RecipientStatus.PLANNED, RecipientStatus.SENDING)) {
            assertThat(TestRoundResult.of(List.of(tester("olivia", RecipientStatus.FAILED),
                    tester("una", waiting)))).as(waiting.name()).isEqualTo(TestRoundResult.IN_PROGRESS);
        }
    }
}
