package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.spring.PropertyFailures;
import io.github.rollback4j.Model;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strategy.canary.segments}: a canary plan per segment, built from properties, run as one
 * {@link SegmentedRollout}, shown and operated through the endpoint. The rollout's scheduled tick is
 * set to 1h, so the tests drive {@code tick()} themselves.
 */
class SegmentedRolloutPropertiesTest {

    private static final Segment EU = Segment.of("eu-west");
    private static final Segment US = Segment.of("us-east");
    private static final String R = "rollback4j.routers.scorer.";
    private static final org.springframework.boot.actuate.endpoint.SecurityContext ADMIN =
            RolloutsEndpointTest.caller("ana", "ROLLOUT_ADMIN");

    /** v2 fails on negative inputs: the tests send those to eu-west only, so v2 regresses in eu-west alone. */
    @Configuration(proxyBeanMethods = false)
    static class RegionalModels {
        @Bean
        Model<Double, Double> regionalV2() {
            return in -> {
                if (in < 0) {
                    throw new IllegalStateException("v2 fails on eu-west's inputs");
                }
                return in * 2;
            };
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class, RegionalModels.class);

    /** Router scorer: v1 (LKG), v2; a per-segment error-rate trigger; no canary plan yet. */
    private static String[] base(String... extra) {
        List<String> p = new ArrayList<>(List.of(
                "rollback4j.defaults.warm-up-calls=2",
                "rollback4j.actuator.write-enabled=true",
                R + "sample-inputs-bean=scorerSamples",
                R + "releases[0].name=v1",
                R + "releases[0].model-bean=scorerV1",
                R + "releases[0].version=1.0.0",
                R + "releases[0].digest=" + TestModels.V1_DIGEST,
                R + "releases[0].lkg=true",
                R + "releases[1].name=v2",
                R + "releases[1].model-bean=regionalV2",
                R + "releases[1].version=2.0.0",
                R + "releases[1].digest=" + TestModels.V2_DIGEST,
                R + "strategy.type=canary",
                R + "strategy.tick-interval=1h",
                R + "triggers[0].name=error-rate",
                R + "triggers[0].metric=error_rate",
                R + "triggers[0].above=5%",
                R + "triggers[0].window=10s",
                R + "triggers[0].min-samples=20",
                R + "triggers[0].per-segment=true",
                "management.endpoints.web.exposure.include=health,rollouts"));
        p.addAll(List.of(extra));
        return p.toArray(String[]::new);
    }

    /** eu-west and us-east: 50 % (no bake), then 100 % for 1h; us-east with a progress deadline of its own. */
    private static final String[] TWO_PLANS = {
            R + "strategy.canary.segments.eu-west.steps[0].weight=50",
            R + "strategy.canary.segments.eu-west.steps[0].bake=0s",
            R + "strategy.canary.segments.eu-west.steps[1].weight=100",
            R + "strategy.canary.segments.eu-west.steps[1].bake=1h",
            R + "strategy.canary.segments.us-east.steps[0].weight=50",
            R + "strategy.canary.segments.us-east.steps[0].bake=0s",
            R + "strategy.canary.segments.us-east.steps[1].weight=100",
            R + "strategy.canary.segments.us-east.steps[1].bake=1h",
            R + "strategy.canary.segments.us-east.progress-deadline=12h"};

    private static void traffic(RollbackRouters.Entry scorer) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                scorer.router().invoke(-1.0, RequestContext.of("eu-user-" + i, EU));
            } catch (Exception v2Failure) {
                // counted by the router's telemetry
            }
            scorer.router().invoke(1.0, RequestContext.of("us-user-" + i, US));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRegressionInOneSegmentRollsBackThatSegmentOnlyWhileTheOtherAdvancesAndTheEndpointShowsBoth() {
        runner.withPropertyValues(base(TWO_PLANS)).run(context -> {
            assertThat(context).hasNotFailed();
            RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
            assertThat(scorer.rollout()).isNull();
            SegmentedRollout segmented = scorer.segmented();
            assertThat(segmented.rollouts().keySet()).containsExactly(EU, US);
            assertThat(segmented.rollout(US).plan().progressDeadline()).hasHours(12);
            assertThat(segmented.rollout(EU).plan().progressDeadline()).as("inherits canary.progress-deadline").hasHours(24);

            segmented.tick();
            assertThat(segmented.statuses().values()).extracting(s -> s.weightBasisPoints()).containsOnly(5000);
            traffic(scorer);
            segmented.tick();

            assertThat(segmented.statuses().get(EU).phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
            assertThat(segmented.statuses().get(EU).reason()).contains("rolled back in segment eu-west by trigger 'error-rate'");
            assertThat(segmented.statuses().get(US)).extracting(s -> s.phase(), s -> s.step(), s -> s.weightBasisPoints())
                    .containsExactly(RolloutPhase.PROGRESSING, 1, 10_000);
            ReleaseIds ids = new ReleaseIds(scorer);
            assertThat(scorer.router().weights(EU)).isEqualTo(Map.of(ids.v1, 10_000));
            assertThat(scorer.router().weights(US)).isEqualTo(Map.of(ids.v2, 10_000));
            assertThat(scorer.router().state().quarantined()).as("v2 still serves us-east").isEmpty();
            assertThat(scorer.router().lastKnownGood().id()).isEqualTo(ids.v1);

            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            Map<String, Object> line = (Map<String, Object>) ((Map<String, Object>) endpoint.routers().get("routers")).get("scorer");
            assertThat(line).containsEntry("candidate", "v2").containsEntry("phase", "ROLLED_BACK");
            assertThat((Map<String, Object>) line.get("segments")).containsOnlyKeys("eu-west", "us-east");

            Map<String, Object> rollout = (Map<String, Object>) endpoint.router("scorer").getBody().get("rollout");
            assertThat(rollout).containsEntry("strategy", "canary").containsEntry("phase", "ROLLED_BACK")
                    .containsEntry("routerPromoted", false);
            Map<String, Map<String, Object>> segments = (Map<String, Map<String, Object>>) rollout.get("segments");
            assertThat(segments.get("eu-west")).containsEntry("phase", "ROLLED_BACK").containsEntry("weightBasisPoints", 0);
            assertThat(segments.get("us-east")).containsEntry("phase", "PROGRESSING").containsEntry("step", 1)
                    .containsEntry("steps", 2).containsEntry("weightBasisPoints", 10_000);
            assertThat((List<Map<String, Object>>) segments.get("eu-west").get("timeline")).last()
                    .extracting(m -> m.get("trigger")).isEqualTo("error-rate");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void writeOperationsActOnTheSegmentTheyName() {
        runner.withPropertyValues(base(TWO_PLANS)).run(context -> {
            RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
            SegmentedRollout segmented = scorer.segmented();
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            ReleaseIds ids = new ReleaseIds(scorer);
            segmented.tick();

            WebEndpointResponse<Map<String, Object>> paused = endpoint.write("scorer", "pause", null, "eu freeze", "eu-west",
                    ADMIN);
            assertThat(paused.getStatus()).isEqualTo(200);
            assertThat(paused.getBody()).containsEntry("segment", "eu-west");
            assertThat(segmented.statuses().get(EU).phase()).isEqualTo(RolloutPhase.PAUSED);
            assertThat(segmented.statuses().get(US).phase()).isEqualTo(RolloutPhase.PROGRESSING);
            assertThat(endpoint.write("scorer", "resume", null, null, "eu-west", ADMIN).getStatus())
                    .isEqualTo(200);
            assertThat(segmented.statuses().get(EU).phase()).isEqualTo(RolloutPhase.PROGRESSING);

            // Without a segment, pause holds every progressing segment.
            assertThat(endpoint.write("scorer", "pause", null, null, null, ADMIN).getBody().get("result"))
                    .asString().contains("[eu-west, us-east]");
            assertThat(segmented.statuses().values()).extracting(s -> s.phase()).containsOnly(RolloutPhase.PAUSED);
            endpoint.write("scorer", "resume", null, null, null, ADMIN);

            assertThat(endpoint.write("scorer", "rollback", null, "us pager", "us-east", ADMIN)
                    .getStatus()).isEqualTo(200);
            assertThat(segmented.statuses().get(US).phase()).isEqualTo(RolloutPhase.ABORTED);
            assertThat(scorer.router().weights(US)).isEqualTo(Map.of(ids.v1, 10_000));
            assertThat(scorer.router().weights(EU)).containsEntry(ids.v2, 5000);

            assertThat(endpoint.write("scorer", "promote", null, "eu fine", "eu-west", ADMIN)
                    .getStatus()).isEqualTo(200);
            assertThat(segmented.statuses().get(EU).phase()).isEqualTo(RolloutPhase.PROMOTED);
            assertThat(scorer.router().weights(EU)).isEqualTo(Map.of(ids.v2, 10_000));
            assertThat(scorer.router().lastKnownGood().id()).as("us-east was aborted").isEqualTo(ids.v1);

            assertThat(endpoint.write("scorer", "pause", null, null, "eu-west", ADMIN).getStatus())
                    .as("eu-west is over").isEqualTo(409);
            WebEndpointResponse<Map<String, Object>> unknown = endpoint.write("scorer", "pause", null, null, "ap-south",
                    ADMIN);
            assertThat(unknown.getStatus()).isEqualTo(400);
            assertThat(unknown.getBody().get("error")).asString().contains("[eu-west, us-east]");
            assertThat(endpoint.write("scorer", "flip", null, null, null, ADMIN).getStatus()).isEqualTo(409);
        });
    }

    @Test
    void promotingEverySegmentPromotesTheRouter() {
        runner.withPropertyValues(base(TWO_PLANS)).run(context -> {
            RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            scorer.segmented().tick();
            endpoint.write("scorer", "promote", null, null, "eu-west", ADMIN);
            assertThat(scorer.segmented().routerPromoted()).isFalse();
            WebEndpointResponse<Map<String, Object>> last = endpoint.write("scorer", "promote", null, null, "us-east",
                    ADMIN);
            assertThat(last.getBody().get("result")).asString().contains("v2 is the last-known-good");
            assertThat(scorer.segmented().phase()).isEqualTo(RolloutPhase.PROMOTED);
            assertThat(scorer.router().lastKnownGood().id()).isEqualTo(new ReleaseIds(scorer).v2);
        });
    }

    // ------------------------------------------------------------------ bad properties

    private FailureAnalysis failure(String... overrides) {
        return PropertyFailures.analyze(runner, base(overrides));
    }

    private static String[] with(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void segmentsTogetherWithStepsAreRefused() {
        FailureAnalysis a = failure(with(TWO_PLANS, R + "strategy.canary.steps[0].weight=100", R + "strategy.canary.steps[0].bake=1m"));
        assertThat(a.getDescription()).contains("Property: " + R + "strategy.canary.steps").contains("\"1 step(s)\"")
                .contains("together with canary.segments");
        assertThat(a.getAction()).contains("canary.segments.<segment>.steps");
    }

    @Test
    void segmentsTogetherWithStrategySegmentAreRefused() {
        FailureAnalysis a = failure(with(TWO_PLANS, R + "strategy.segment=eu-west"));
        assertThat(a.getDescription()).contains("Property: " + R + "strategy.segment").contains("\"eu-west\"")
                .contains("together with canary.segments");
        assertThat(a.getAction()).contains("Remove strategy.segment");
    }

    @Test
    void aBadSegmentNameIsRefused() {
        String name = "x".repeat(70);
        FailureAnalysis a = failure(R + "strategy.canary.segments." + name + ".steps[0].weight=100",
                R + "strategy.canary.segments." + name + ".steps[0].bake=1m");
        assertThat(a.getDescription()).contains("Property: " + R + "strategy.canary.segments." + name).contains("\"" + name + "\"");
        assertThat(a.getAction()).contains("1 to 64 letters");
    }

    @Test
    void anEmptySegmentPlanIsRefused() {
        FailureAnalysis a = failure(with(TWO_PLANS, R + "strategy.canary.segments.ap-south.progress-deadline=2h"));
        assertThat(a.getDescription()).contains("Property: " + R + "strategy.canary.segments.ap-south.steps")
                .contains("is an empty plan");
        assertThat(a.getAction()).contains("List the segment's steps");
    }

    @Test
    void blueGreenWithSegmentsIsRefused() {
        FailureAnalysis a = failure(with(TWO_PLANS, R + "strategy.type=blue-green"));
        assertThat(a.getDescription()).contains("Property: " + R + "strategy.canary.segments")
                .contains("the strategy is blue-green");
        assertThat(a.getAction()).contains("strategy.type: canary");
    }

    @Test
    void aBadStepInASegmentPlanNamesItsPath() {
        FailureAnalysis a = failure(with(TWO_PLANS, R + "strategy.canary.segments.us-east.steps[1].weight=90"));
        assertThat(a.getDescription()).contains("Property: " + R + "strategy.canary.segments.us-east.steps[1].weight")
                .contains("is the last step but not 100");
        FailureAnalysis deadline = failure(with(TWO_PLANS, R + "strategy.canary.segments.us-east.progress-deadline=0s"));
        assertThat(deadline.getDescription()).contains("Property: " + R + "strategy.canary.segments.us-east.progress-deadline");
    }

    /** The router's release ids by name. */
    private static final class ReleaseIds {
        final io.github.rollback4j.ReleaseId v1;
        final io.github.rollback4j.ReleaseId v2;

        ReleaseIds(RollbackRouters.Entry scorer) {
            v1 = scorer.release("v1");
            v2 = scorer.release("v2");
        }
    }
}
