package io.github.rollback4j.examples;

import io.github.rollback4j.core.strategy.RolloutPhase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CanaryRollbackExampleTest {

    @Test
    void theTriggerRollsTheCanaryBackByItselfAndAllTrafficReturnsToV1() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        CanaryRollbackExample.Outcome outcome = CanaryRollbackExample.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(outcome.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(outcome.rolledBack()).isTrue();
        assertThat(outcome.servedAfterRollback()).containsOnlyKeys("v1").containsValue(10_000);
        assertThat(outcome.encoderV5FlagOn()).isFalse();
        assertThat(outcome.callerErrorsNamingV2()).isPositive();
        assertThat(printed).contains("ROLLED BACK to v1").contains("error-rate").contains("Quarantined: [v2]")
                .contains("rolled-back      by automatic");
    }
}
