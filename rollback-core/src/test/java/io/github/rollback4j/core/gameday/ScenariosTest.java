package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.spec.SpecException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strategy shapes of the scenario format: shadow then canary, and a canary plan per segment. */
class ScenariosTest {

    private static final String HEAD = """
            name: test
            duration: 3h
            tick: 10s
            seed: 3
            traffic:
              rate: 40
              segments: {eu-west: 0.5, us-east: 0.5}
            releases:
              - {name: v1, version: 1.0.0, lastKnownGood: true, latency: {median: 20ms}}
              - {name: v2, version: 2.0.0, latency: {median: 20ms}}
            triggers:
              - {name: errors, metric: error_rate, above: 5%, window: 1m}
            """;

    private static final String SHADOW_THEN_CANARY = HEAD + """
            strategy:
              shadowThenCanary:
                candidate: v2
                shadow: {share: 50%, threshold: 5%, tolerance: 0.01, duration: 1h, minCompared: 200}
                canary:
                  steps:
                    - {weight: 10%, bake: 10m}
                    - {weight: 100%, bake: 10m}
            """;

    private static SpecException refused(String yaml) {
        try {
            Scenarios.fromYaml(yaml);
        } catch (SpecException e) {
            return e;
        }
        throw new AssertionError("the scenario was accepted");
    }

    @Test
    void shadowThenCanaryReadsEveryField() {
        Scenario scenario = Scenarios.fromYaml(SHADOW_THEN_CANARY);
        Scenario.StrategySpec s = scenario.strategy();
        assertThat(s.kind()).isEqualTo("shadowThenCanary");
        assertThat(s.shadow()).isEqualTo(new Scenario.Shadow(0.5, 0.05, 0.01, 200, java.time.Duration.ofHours(1), 0.0, null));
        assertThat(s.steps()).extracting(Scenario.Step::weightBasisPoints).containsExactly(1000, 10_000);
        assertThat(s.perSegment()).isFalse();
    }

    @Test
    void anOpenGateHandsOverToTheCanaryWhoseOutcomeIsTheScenarios() {
        GameDayResult result = GameDay.run(Scenarios.fromYaml(SHADOW_THEN_CANARY));
        assertThat(result.outcome()).isEqualTo("promoted");
        GameDayResult.Event canary = result.first("weights-changed").orElseThrow();
        assertThat(canary.t()).as("the canary starts once the hour of shadow is over").isEqualTo(3600.0);
        assertThat(result.first("shadow-started").orElseThrow().t()).isZero();
        assertThat(result.first("shadow-blocked")).isEmpty();
        assertThat(result.first("shadow-report").orElseThrow().detail()).contains("0.00 % mismatched");
        assertThat(result.routing().get("default")).containsExactly(java.util.Map.entry("v2", 10_000));
    }

    @Test
    void aPlanPerSegmentIsReadInFileOrder() {
        Scenario scenario = Scenarios.fromYaml(HEAD + """
                strategy:
                  canary:
                    candidate: v2
                    segments:
                      us-east: {steps: [{weight: 100%, bake: 5m}], stepDeadline: 20m}
                      eu-west: {steps: [{weight: 5%, bake: 5m}, {weight: 100%, bake: 5m}]}
                """);
        assertThat(scenario.strategy().segments()).containsOnlyKeys("us-east", "eu-west");
        assertThat(scenario.strategy().segments().keySet()).containsExactly("us-east", "eu-west");
        assertThat(scenario.strategy().segments().get("us-east").stepDeadline()).hasMinutes(20);
        assertThat(scenario.strategy().segments().get("eu-west").steps()).hasSize(2);
    }

    @Test
    void mistakesAreRefusedWithTheFieldPath() {
        assertThat(refused(SHADOW_THEN_CANARY.replace(", duration: 1h", "")).getMessage())
                .contains("strategy.shadowThenCanary.shadow.duration");
        assertThat(refused(SHADOW_THEN_CANARY.replace("minCompared: 200", "minCompared: 0")).getMessage())
                .contains("strategy.shadowThenCanary.shadow.minCompared").contains("between 1 and 1000000000").contains("0");
        assertThat(refused(SHADOW_THEN_CANARY.replace("{weight: 100%, bake: 10m}", "{weight: 5%, bake: 10m}")).getMessage())
                .contains("strategy.shadowThenCanary.canary.steps[1].weight").contains("greater than the step before");
        assertThat(refused(SHADOW_THEN_CANARY.replace("  canary:\n", "  canary:\n      segments: {eu-west: {steps: []}}\n"))
                .getMessage()).contains("strategy.shadowThenCanary.canary").contains("exactly one of steps").contains("both");
        assertThat(refused(HEAD + """
                strategy:
                  canary:
                    candidate: v2
                    segments:
                      ap-south: {steps: [{weight: 100%, bake: 5m}]}
                """).getMessage()).contains("strategy.canary.segments.ap-south").contains("not a segment of traffic.segments")
                .contains("[eu-west, us-east]");
        assertThat(refused(HEAD + """
                strategy:
                  canary:
                    candidate: v2
                    segments:
                      eu-west: {steps: [{weight: 50%, bake: 5m}]}
                """).getMessage()).contains("strategy.canary.segments.eu-west.steps[0].weight").contains("must be 100 %");
        assertThat(refused(HEAD + """
                strategy:
                  shadow: {candidate: v2, share: 10%, threshold: 5%, duration: 1h}
                """).getMessage()).contains("strategy.shadow").contains("duration");
        assertThat(refused(HEAD.replace("latency: {median: 20ms}}", "latency: {median: 20ms}, bySegment: {eu-west: {speed: 2}}}"))
                .getMessage()).contains("releases[0].bySegment.eu-west.speed").contains("known fields are");
        assertThat(refused(HEAD + """
                strategy:
                  canaryThenShadow: {candidate: v2}
                """).getMessage()).contains("exactly one of canary, blueGreen, shadow, shadowThenCanary");
    }

    @Test
    void aRefusedFileNamesTheFileAndTheFieldPathApart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("case.yaml");
        java.nio.file.Files.writeString(file, SHADOW_THEN_CANARY.replace("minCompared: 200", "minCompared: 0"));

        SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> Scenarios.load(file));

        assertThat(e.file()).isEqualTo(file);
        assertThat(e.path()).isEqualTo("strategy.shadowThenCanary.shadow.minCompared");
        assertThat(e.detail()).startsWith("must be between 1 and 1000000000");
        assertThat(e.getMessage()).isEqualTo(file + ": strategy.shadowThenCanary.shadow.minCompared: " + e.detail())
                .doesNotContain("case.yaml.strategy");
        java.nio.file.Files.writeString(file, "name: [unclosed");
        SpecException yaml = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> Scenarios.load(file));
        assertThat(yaml.file()).isEqualTo(file);
        assertThat(yaml.getMessage()).startsWith(file + ": is not valid YAML");
        // without a file the path starts at the document
        assertThat(refused(SHADOW_THEN_CANARY.replace("minCompared: 200", "minCompared: 0")).getMessage())
                .startsWith("strategy.shadowThenCanary.shadow.minCompared: ");
    }
}
