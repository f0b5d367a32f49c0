package io.github.rollback4j.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CanaryRollbackExampleTest {

    @Test
    void theCanaryIsRolledBackAndAllTrafficReturnsToVersionOne() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        CanaryRollbackExample.Outcome outcome = CanaryRollbackExample.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(outcome.rolledBack()).isTrue();
        assertThat(outcome.servedAfterRollback()).hasSize(1);
        assertThat(outcome.servedAfterRollback().values()).containsExactly(CanaryRollbackExample.CALLS_PER_STEP);
        assertThat(outcome.encoderV5FlagOn()).isFalse();
        assertThat(printed).contains("ROLLED BACK").contains("Trigger: error rate").contains("Quarantined: [rel-");
    }
}
