package io.github.rollback4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CauseTest {

    @Test
    void automaticCauseHasActorAutomatic() {
        Cause cause = Cause.automatic("p99 latency +41% over baseline for 5 min");

        assertThat(cause.actor()).isEqualTo("automatic").isEqualTo(Cause.AUTOMATIC);
        assertThat(cause.reason()).isEqualTo("p99 latency +41% over baseline for 5 min");
    }

    @Test
    void operatorCauseKeepsActorAndReason() {
        Cause cause = Cause.operator("alice", "conversion dropped in eu-west");

        assertThat(cause).isEqualTo(new Cause("alice", "conversion dropped in eu-west"));
        assertThat(cause.actor()).isEqualTo("alice");
        assertThat(cause.reason()).isEqualTo("conversion dropped in eu-west");
    }

    @ParameterizedTest(name = "''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", "\n  "})
    void refusesBlankActor(String actor) {
        assertThatIllegalArgumentException().isThrownBy(() -> new Cause(actor, "manual rollback"))
                .withMessage("Cause.actor must name who made the change (an operator id or 'automatic')");
    }

    @ParameterizedTest(name = "''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", "\n  "})
    void refusesBlankReason(String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> new Cause("alice", reason))
                .withMessage("Cause.reason must say why the change was made; it goes into the audit log");
        assertThatIllegalArgumentException().isThrownBy(() -> Cause.automatic(reason))
                .withMessageStartingWith("Cause.reason");
        assertThatIllegalArgumentException().isThrownBy(() -> Cause.operator("alice", reason))
                .withMessageStartingWith("Cause.reason");
    }

    @Test
    void refusesOperatorCauseWithoutOperator() {
        assertThatThrownBy(() -> Cause.operator(null, "manual rollback")).hasMessageStartingWith("Cause.actor");
        assertThatThrownBy(() -> Cause.operator(" ", "manual rollback")).hasMessageStartingWith("Cause.actor");
    }
}
