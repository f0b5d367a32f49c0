package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

    @Test
    void routesShiftsAndRollsBack() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = Fixtures.release("m", "1.0.0", 1);
        Release v2 = Fixtures.release("m", "2.0.0", 2);
        try (ManagedModelRouter<String, String> router = Fixtures.router("smoke", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> "v2")).build()) {
            assertThat(router.invoke("x", RequestContext.of("u1"))).isEqualTo("v1");
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "half"));
            int v2Count = 0;
            for (int i = 0; i < 1000; i++) {
                if (router.invoke("x", RequestContext.of("user-" + i)).equals("v2")) {
                    v2Count++;
                }
            }
            assertThat(v2Count).isBetween(400, 600);
            router.rollbackToLastKnownGood();
            for (int i = 0; i < 1000; i++) {
                assertThat(router.invoke("x", RequestContext.of("user-" + i))).isEqualTo("v1");
            }
            assertThat(router.state().quarantined()).containsExactly(v2.id());
        }
    }
}
