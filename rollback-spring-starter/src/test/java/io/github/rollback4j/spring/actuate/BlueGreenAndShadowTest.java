package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.BlueGreenRollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BlueGreenAndShadowTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class);

    @Test
    void aBlueGreenRolloutFlipsToGreenAndTheEndpointFlipsItBack() {
        runner.withPropertyValues(TestModels.scorer("rollback4j.routers.scorer.strategy.type=blue-green",
                        "rollback4j.routers.scorer.strategy.blue-green.bake=1h", "rollback4j.actuator.write-enabled=true"))
                .run(context -> {
                    RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
                    assertThat(scorer.rollout()).isInstanceOf(BlueGreenRollout.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
                    assertThat(scorer.router().servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(scorer.release("v2"), 10_000));

                    WebEndpointResponse<Map<String, Object>> flipped = context.getBean(RolloutsEndpoint.class)
                            .write("scorer", "flip", null, "green looks wrong", RolloutsEndpointTest.caller("ana", "ROLLOUT_ADMIN"));

                    assertThat(flipped.getStatus()).isEqualTo(200);
                    assertThat(scorer.rollout().status().phase()).isEqualTo(RolloutPhase.ABORTED);
                    assertThat(scorer.router().servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(scorer.release("v1"), 10_000));
                    assertThat(scorer.router().state().quarantined()).containsExactly(scorer.release("v2"));
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEnabledShadowMirrorsTheLastKnownGoodsCallsToTheCandidate() {
        runner.withPropertyValues(TestModels.scorer("rollback4j.routers.scorer.strategy.type=none",
                        "rollback4j.routers.scorer.shadow.enabled=true", "rollback4j.routers.scorer.shadow.sample-rate=1.0",
                        "rollback4j.routers.scorer.shadow.comparator=numeric", "rollback4j.routers.scorer.shadow.absolute-tolerance=0.001"))
                .run(context -> {
                    RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
                    assertThat(scorer.shadowCandidate()).isEqualTo(scorer.release("v2"));
                    for (int i = 0; i < 50; i++) {
                        assertThat(scorer.router().invoke((double) i)).isEqualTo(2.0 * i);
                    }
                    // Every call is offered; the bulkhead (4 concurrent) may drop some, the others are compared.
                    await().atMost(Duration.ofSeconds(10)).until(() -> scorer.shadow().inFlight() == 0
                            && scorer.shadow().report().offered() == 50
                            && scorer.shadow().compared() + scorer.shadow().dropped() + scorer.shadow().errors() == 50);
                    assertThat(scorer.shadow().compared()).isPositive();
                    assertThat(scorer.shadow().errors()).isZero();
                    assertThat(scorer.shadow().report().total().mismatches()).isZero();
                    Map<String, Object> body = context.getBean(RolloutsEndpoint.class).router("scorer").getBody();
                    assertThat((Map<String, Object>) body.get("shadow")).containsEntry("candidate", "v2")
                            .containsEntry("compared", scorer.shadow().compared());
                });
    }

    @Test
    void aShadowComparatorOutsideTheListIsRefused() {
        runner.withPropertyValues(TestModels.scorer("rollback4j.routers.scorer.shadow.enabled=true",
                        "rollback4j.routers.scorer.shadow.comparator=fuzzy"))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("rollback4j.routers.scorer.shadow.comparator").hasMessageContaining("fuzzy"));
    }
}
