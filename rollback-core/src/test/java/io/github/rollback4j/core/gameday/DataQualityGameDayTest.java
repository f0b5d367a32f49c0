package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Input fields in the traffic, emitted by each release's feature pipeline and profiled by the router, so that
 * data-quality triggers see data; and the model/feature pairing of the seed's mini challenge.
 */
class DataQualityGameDayTest {

    private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");
    private static final Path ENCODER = SCENARIOS.resolve("encoder-null-spike-rollback.yaml");

    @Test
    void theNewEncodersNullSpikeRollsBackModelAndEncoderTogetherAndTurnsItsFlagOff(@TempDir Path evidence) throws Exception {
        Scenario scenario = Scenarios.load(ENCODER);

        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(result.outcome()).isEqualTo("rolled_back");
        GameDayResult.Event back = result.first("rolled-back").orElseThrow();
        assertThat(back.detail()).contains("all traffic to v1", "quarantined [v2]", "flags off [encoder-v5]",
                "trigger merchant-null-rate (SEVERE)");
        assertThat(result.releases()).containsEntry("v1", "fraud-model:1.3.2+categorical-encoder:v4")
                .containsEntry("v2", "fraud-model:2.0.0+categorical-encoder:v5");
        assertThat(result.routing().get("default")).containsExactly(Map.entry("v1", 10_000));
        assertThat(result.flags()).containsEntry("encoder-v5", false).containsEntry("encoder-v4", true);
        Verdict nullRate = breach(result, "merchant-null-rate");
        assertThat(nullRate.evidence().candidateValue()).as("encoder v5 emits 20 % nulls").isBetween(0.14, 0.26);
        assertThat(nullRate.evidence().baselineValue()).as("v1 + encoder v4 emits none").isZero();
        assertThat(breach(result, "schema-violations").evidence().candidateValue()).as("the field is required")
                .isBetween(0.14, 0.26);

        // verification after the rollback: the inputs on v1 + encoder v4 are clean again
        assertThat(result.incidents()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(i.verification()).isEqualTo(Incident.Verification.State.PASSED);
        });
        assertThat(result.first("incident-resolved").orElseThrow().detail())
                .contains("lkg-merchant-null-rate HEALTHY", "lkg-schema-violations HEALTHY", "lkg-error-rate HEALTHY");
        JsonNode bundle = JsonMapper.builder().build().readTree(Files.readString(result.incidents().get(0).bundle()
                .resolve(EvidenceStore.BUNDLE_JSON)));
        JsonNode frozen = bundle.get("frozen").get(0);
        assertThat(frozen.get("label").asString()).isEqualTo("fraud-model:2.0.0+categorical-encoder:v5");
        assertThat(frozen.get("features").get("categorical-encoder").asString()).startsWith("v5@sha256:");
        assertThat(frozen.get("flagsDisabled").toString()).contains("encoder-v5");
        assertThat(bundle.get("samples").get("before").toString()).as("samples show what the pipeline emitted")
                .contains("\"merchant-category\":null");
    }

    @Test
    void anIdenticalPipelineRaisesNoDataQualityAlarm() throws Exception {
        String yaml = Files.readString(ENCODER).replace("      merchant-category: {nullRate: 20%}", "      merchant-category: {}");

        GameDayResult result = GameDay.run(Scenarios.fromYaml(yaml));

        assertThat(result.outcome()).isEqualTo("promoted");
        assertThat(result.verdicts()).filteredOn(v -> v.trigger().equals("merchant-null-rate")).isNotEmpty()
                .allSatisfy(v -> assertThat(v.level()).isEqualTo(VerdictLevel.HEALTHY))
                .allSatisfy(v -> assertThat(v.evidence().candidateSamples()).isPositive());
    }

    @Test
    void aUnitChangeInOneRegionFromAGivenTimeRollsBackThatRegionOnAsItsSchemaAndDistributionBreak() {
        GameDayResult result = GameDay.run(Scenarios.load(SCENARIOS.resolve("data-quality-unit-change.yaml")));

        assertThat(result.segmentOutcomes()).containsExactly(Map.entry("eu-west", "rolled_back"), Map.entry("us-east", "promoted"));
        GameDayResult.Event back = result.first("segment-rolled-back").orElseThrow();
        assertThat(back.detail()).startsWith("eu-west to v1").contains("trigger schema-violations");
        assertThat(back.t()).as("the pipeline changes at 8 min; the breach must hold 1 min").isBetween(8 * 60.0 + 60, 12 * 60.0);
        assertThat(result.first("breaching").orElseThrow().t()).as("nothing breaches before the change").isGreaterThan(8 * 60.0);
        Verdict schema = breach(result, "schema-violations");
        assertThat(schema.segment().name()).isEqualTo("eu-west");
        Verdict drift = breach(result, "amount-drift");
        assertThat(drift.segment().name()).isEqualTo("eu-west");
        assertThat(drift.evidence().candidateValue()).as("PSI of euros vs cents").isGreaterThan(0.25);
        assertThat(result.verdicts()).noneMatch(v -> v.level().isBreach() && v.segment() != null && v.segment().name().equals("us-east")
                && !v.trigger().equals("score-drift"));
        // the prediction score is profiled too: the score-drift trigger judged it with data
        assertThat(result.verdicts()).filteredOn(v -> v.trigger().equals("score-drift")).isNotEmpty()
                .allSatisfy(v -> assertThat(v.evidence().candidateSamples()).isPositive());
    }

    private static Verdict breach(GameDayResult result, String trigger) {
        return result.verdicts().stream().filter(v -> v.trigger().equals(trigger) && v.level().isBreach()).findFirst()
                .orElseThrow(() -> new AssertionError("no breach of " + trigger + " in " + result.verdicts()));
    }

    private static SpecException refused(String yaml) {
        try {
            Scenarios.fromYaml(yaml);
        } catch (SpecException e) {
            return e;
        }
        throw new AssertionError("the scenario was accepted");
    }

    @Test
    void aModelPairedWithAnEncoderItDoesNotRequireIsRefusedAtLoadWithTheFieldPath() throws Exception {
        String yaml = Files.readString(ENCODER);
        SpecException wrong = refused(yaml.replace("    features: {categorical-encoder: v5}", "    features: {categorical-encoder: v4}"));
        assertThat(wrong.path()).isEqualTo("releases[1].features.categorical-encoder");
        assertThat(wrong.detail()).contains("'v4' does not pair with model fraud-model:2.0.0", "requires categorical-encoder at [v5]",
                "releases[1].requires.categorical-encoder");

        SpecException missing = refused(yaml.replace("    features: {categorical-encoder: v5}\n", ""));
        assertThat(missing.path()).isEqualTo("releases[1].features");
        assertThat(missing.detail()).contains("is missing 'categorical-encoder'", "requires at [v5]");

        SpecException undeclared = refused(yaml.replace("    requires: {categorical-encoder: v5}      # the model was trained on the new encoding only",
                "    requires: {tokenizer: v2}"));
        assertThat(undeclared.path()).isIn("releases[1].features.categorical-encoder", "releases[1].features");

        // one model version, one declaration
        SpecException twice = refused(yaml.replace("    version: 2.0.0\n", "    version: 1.3.2\n"));
        assertThat(twice.path()).isEqualTo("releases[1].requires");
        assertThat(twice.detail()).contains("model fraud-model:1.3.2 is declared compatible with", "releases[0].requires");

        // a model compatible with two encoder versions pairs with either
        Scenario both = Scenarios.fromYaml(yaml.replace("    requires: {categorical-encoder: v5}", "    requires: {categorical-encoder: [v5, v6]}"));
        assertThat(both.release("v2").requires()).containsEntry("categorical-encoder", List.of("v5", "v6"));
    }

    @Test
    void inputFieldMistakesAreRefusedWithTheFieldPathAndUnknownKeysStayRefused() throws Exception {
        String yaml = Files.readString(ENCODER);
        assertThat(refused(yaml.replace("nullRate: 20%", "nulRate: 20%")).path())
                .isEqualTo("releases[1].inputs.merchant-category.nulRate");
        assertThat(refused(yaml.replace("merchant-category: {nullRate: 20%}", "merchant: {nullRate: 20%}")).detail())
                .contains("'merchant' is not a field of traffic.inputs", "[amount, merchant-category]");
        assertThat(refused(yaml.replace("      type: numeric\n", "      type: number\n")).path()).isEqualTo("traffic.inputs.amount.type");
        assertThat(refused(yaml.replace("      lognormal: {median: 40, sigma: 1}\n", "")).detail())
                .contains("numeric field 'amount' needs a distribution");
        assertThat(refused(yaml.replace("nullRate: 20%", "nullRate: 120%")).path()).isEqualTo("releases[1].inputs.merchant-category.nullRate");
        assertThat(refused(yaml.replace("      range: [0, 100000]\n", "").replace("merchant-category: {nullRate: 20%}",
                "amount: {violationRate: 5%}")).detail()).contains("needs a rule to break", "range");
        assertThat(refused(yaml.replace("categories: {grocery: 0.4,", "categories: {grocery: 0.5,")).detail())
                .contains("shares must sum to 1");
        assertThat(refused(yaml.replace("    errorRate: 0.3%\n    inputs:", "    errorRate: 0.3%\n    health: {probe: flaky}\n    inputs:"))
                .path()).isEqualTo("releases[1].health.probe");
        assertThat(refused(yaml.replace("    errorRate: 0.3%\n    inputs:", "    errorRate: 0.3%\n    health: {prob: fail}\n    inputs:"))
                .detail()).contains("is not a known field here");
    }

    @Test
    void inputsChangePerReleaseAndTheSameRequestGivesTheSameValuesUnderTheSamePipeline() {
        Scenario scenario = Scenarios.fromYaml("""
                name: pipeline
                duration: 1m
                traffic:
                  rate: 10
                  inputs:
                    amount: {type: numeric, normal: {mean: 50, sd: 5}, range: [0, 100]}
                    country: {type: categorical, categories: {DE: 0.5, FR: 0.5}, allowed: [DE, FR]}
                releases:
                  - {name: v1, version: 1.0.0, lastKnownGood: true}
                  - name: v2
                    version: 2.0.0
                    inputs: {amount: {shift: 1000}, country: {violationRate: 100%}}
                strategy:
                  canary: {candidate: v2, steps: [{weight: 100%, bake: 1m}]}
                """);
        List<Scenario.InputField> fields = List.copyOf(scenario.traffic().inputs().values());
        SyntheticModel v1 = new SyntheticModel(scenario.release("v1"), null, scenario.start(), null, fields, true);
        SyntheticModel v2 = new SyntheticModel(scenario.release("v2"), null, scenario.start(), null, fields, true);

        Object[] a = v1.emit(scenario.release("v1").behaviour().inputs(), 99L);
        Object[] b = v1.emit(scenario.release("v1").behaviour().inputs(), 99L);
        Object[] c = v2.emit(scenario.release("v2").behaviour().inputs(), 99L);

        assertThat(a).containsExactly(b);
        assertThat((Double) c[0]).isEqualTo((Double) a[0] + 1000, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c[1]).isEqualTo(SyntheticModel.INVALID_CATEGORY);
        assertThatThrownBy(() -> Scenarios.fromYaml("""
                name: bad
                duration: 1m
                traffic: {rate: 1, inputs: {amount: {type: numeric, normal: {mean: 1, sd: 1}}}}
                releases:
                  - {name: v1, version: 1.0.0, lastKnownGood: true}
                  - {name: v2, version: 2.0.0, bySegment: {default: {changes: [{at: 1m, restart: true}]}}}
                strategy: {canary: {candidate: v2, steps: [{weight: 100%, bake: 1m}]}}
                """)).isInstanceOf(SpecException.class).hasMessageContaining("releases[1].bySegment.default.changes[0].restart");
    }
}
