package io.github.rollback4j.core.spec;

import io.github.rollback4j.core.gameday.Scenarios;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a careless user or a hostile file feeds the loaders: each is refused with a
 * {@link SpecException} that names the field path, and nothing of the file is used.
 */
class HostileSpecTest {

    @TempDir
    Path dir;

    private static final String TRIGGER = """
            triggers:
              - name: error-rate
                metric: error_rate
                above: 5%
                window: 1m
            """;

    /** A minimal valid scenario with two traffic segments; {@code %s} is where a test puts its hostile lines. */
    private static final String SCENARIO = """
            name: hostile
            duration: 1h
            traffic:
              rate: 10
              segments: {eu-west: 0.5, us-east: 0.5}
            releases:
              - name: v1
                version: 1.0.0
                lastKnownGood: true
              - name: v2
                version: 2.0.0
            %s
            strategy:
              canary:
                candidate: v2
                steps:
                  - {weight: 100%%, bake: 10m}
            """;

    private static SpecException refusedTrigger(String yaml) {
        return catchThrowableOfType(SpecException.class, () -> TriggerSpecs.fromYaml(yaml));
    }

    private static SpecException refusedScenario(String yaml) {
        return catchThrowableOfType(SpecException.class, () -> Scenarios.fromYaml(yaml));
    }

    @Test
    void theTemplatesAreValid() {
        assertThat(TriggerSpecs.fromYaml(TRIGGER)).hasSize(1);
        assertThat(Scenarios.fromYaml(SCENARIO.formatted("")).name()).isEqualTo("hostile");
    }

    @Test
    void aKeyGivenTwiceIsRefusedInYamlAndJson() {
        SpecException yaml = refusedTrigger(TRIGGER + "    window: 5m\n");
        assertThat(yaml.path()).isEqualTo("<yaml>.triggers[0].window");
        assertThat(yaml).hasMessageContaining("given twice");

        SpecException json = catchThrowableOfType(SpecException.class, () -> TriggerSpecs.fromJson(
                "{\"triggers\": [{\"name\": \"e\", \"metric\": \"error_rate\", \"above\": 0.05, \"above\": 0.5}]}"));
        assertThat(json.path()).isEqualTo("<json>.triggers[0].above");

        SpecException top = refusedScenario(SCENARIO.formatted("") + "name: again\n");
        assertThat(top.path()).isEqualTo("name");
    }

    @Test
    void aThirtyDigitIntegerIsRefusedWithItsPath() {
        SpecException e = refusedTrigger(TRIGGER + "    minSamples: 123456789012345678901234567890\n");
        assertThat(e.path()).isEqualTo("<yaml>.triggers[0].minSamples");
        assertThat(e).hasMessageContaining("out of range");
    }

    @Test
    void anIntegerPastTheRangeOfADoubleIsRefusedWithItsPathInNumberAndDurationFields() {
        String huge = "9".repeat(400);
        SpecException number = refusedTrigger(TRIGGER.replace("above: 5%", "above: " + huge));
        assertThat(number.path()).isEqualTo("<yaml>.triggers[0].above");
        assertThat(number).hasMessageContaining("finite number").hasMessageContaining("(400 characters)");

        SpecException duration = refusedTrigger(TRIGGER.replace("window: 1m", "window: " + huge));
        assertThat(duration.path()).isEqualTo("<yaml>.triggers[0].window");
    }

    @Test
    void aSegmentNameWithASpaceIsRefusedWithItsPath() {
        SpecException e = refusedScenario(SCENARIO.formatted("").replace("{eu-west: 0.5, us-east: 0.5}", "{\"eu west\": 0.5, us-east: 0.5}"));
        assertThat(e.path()).isEqualTo("traffic.segments.eu west");
        assertThat(e).hasMessageContaining("letters, digits");
    }

    @Test
    void yamlAnchorsAndAliasesAreRefused() {
        SpecException alias = refusedTrigger(TRIGGER.replace("window: 1m", "window: &w 1m\n    sustain: *w"));
        assertThat(alias.path()).isEqualTo("<yaml>.triggers[0].sustain");
        assertThat(alias).hasMessageContaining("alias (*w)");

        SpecException anchor = refusedTrigger("triggers:\n  - &t {name: a, metric: error_rate, above: 5%}\n");
        assertThat(anchor.path()).isEqualTo("<yaml>.triggers[0]");
        assertThat(anchor).hasMessageContaining("anchor (&t)");

        SpecException bare = refusedTrigger("triggers:\n  - *t\n");
        assertThat(bare.path()).isEqualTo("<yaml>.triggers[0]");
        assertThat(bare).hasMessageContaining("alias");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            ".nan         | not a finite", "NaN          | not a number", "'NaN'        | not a number",
            ".inf         | finite", "-.inf        | finite", "Infinity     | not a number", "0x1p3        | not a number",
            "'0x1p3'      | not a number", "1e400        | finite", "'1e400%'     | not a number"})
    void nonFiniteAndHexadecimalNumbersAreRefused(String value, String message) {
        SpecException e = refusedTrigger(TRIGGER.replace("above: 5%", "above: " + value));
        assertThat(e.path()).isEqualTo("<yaml>.triggers[0].above");
    }

    @ParameterizedTest
    @CsvSource({"100000000000000000000d", "P100000000000000000000D", "PT9999999999999999999H", "3651d", "88000h"})
    void durationsPastTheLimitAreRefused(String duration) {
        SpecException e = refusedTrigger(TRIGGER.replace("window: 1m", "window: " + duration));
        assertThat(e.path()).isEqualTo("<yaml>.triggers[0].window");
        assertThat(e).hasMessageContaining("longer than 3650d");
    }

    @Test
    void theLongestDurationIsStillTaken() {
        assertThat(SpecNode.yaml("d: 3650d", "<t>").duration("d")).isEqualTo(Duration.ofDays(3650));
    }

    @Test
    void bySegmentNamingASegmentTheTrafficDoesNotHaveIsRefused() {
        String yaml = SCENARIO.formatted("").replace("    version: 2.0.0\n",
                "    version: 2.0.0\n    bySegment:\n      eu-wset: {errorRate: 0.5}\n");
        SpecException e = refusedScenario(yaml);
        assertThat(e.path()).isEqualTo("releases[1].bySegment.eu-wset");
        assertThat(e).hasMessageContaining("did you mean 'eu-west'?");
    }

    @Test
    void aMisspeltKeyIsRefusedWithTheClosestKnownOne() {
        SpecException e = refusedTrigger(TRIGGER + "    sustian: 5m\n");
        assertThat(e.path()).isEqualTo("<yaml>.triggers[0].sustian");
        assertThat(e).hasMessageContaining("did you mean 'sustain'?");
    }

    @Test
    void anEightMegabyteFileIsRefusedBeforeItIsParsed() throws IOException {
        StringBuilder big = new StringBuilder("triggers:\n");
        while (big.length() < 8 << 20) {
            big.append("  - {name: t").append(big.length()).append(", metric: error_rate, above: 5%}\n");
        }
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, big);
        long start = System.nanoTime();
        SpecException fromFile = catchThrowableOfType(SpecException.class, () -> TriggerSpecs.load(file));
        SpecException fromText = refusedTrigger(big.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(fromFile.file()).isEqualTo(file);
        assertThat(fromFile).hasMessageContaining("larger than the limit of 1048576");
        assertThat(fromText).hasMessageContaining("larger than the limit of 1048576");
        assertThat(took).as("refused without parsing").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithItsPath() {
        String deep = "triggers: " + "[".repeat(200) + "]".repeat(200);
        SpecException e = refusedTrigger(deep);
        assertThat(e).hasMessageContaining("deeper than 32 levels");
        assertThat(e.path()).startsWith("<yaml>.triggers[0]");
        SpecException json = catchThrowableOfType(SpecException.class,
                () -> TriggerSpecs.fromJson("{\"triggers\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}"));
        assertThat(json).hasMessageContaining("deeper than 32 levels");
    }

    @Test
    void aFileThatIsNotARegularFileIsRefused() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> TriggerSpecs.load(dir));
        assertThat(e).hasMessageContaining("not a regular file");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> TriggerSpecs.load(file)).isInstanceOf(SpecException.class).hasMessageContaining("not UTF-8");
    }

    @Test
    void aBuilderRefusalIsASpecExceptionWithThePath() {
        SpecException e = refusedTrigger(TRIGGER.replace("window: 1m", "window: 1m\n    sustain: -5m"));
        assertThat(e.path()).startsWith("<yaml>.triggers[0]");
    }

    @Test
    void distortionHoursMustBeWholeHours() {
        String yaml = SCENARIO.formatted("").replace("    version: 2.0.0\n",
                "    version: 2.0.0\n    distortion: {outputShift: 0.2, segments: {eu-west: [22.5, 6]}}\n");
        SpecException e = refusedScenario(yaml);
        assertThat(e.path()).isEqualTo("releases[1].distortion.segments.eu-west[0]");
    }

    // ------------------------------------------------------------------ reference profiles

    private Path profiles(String json) throws IOException {
        Path file = dir.resolve("refs.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void referenceProfilesRoundTrip() throws IOException {
        Path file = dir.resolve("ok.json");
        ReferenceProfiles.write(file, List.of(ReferenceProfile.categorical("country", Map.of("de", 3L, "fr", 1L), 0)));
        assertThat(ReferenceProfiles.read(file)).singleElement().satisfies(p -> assertThat(p.present()).isEqualTo(4));
    }

    @Test
    void referenceProfileCountsOverflowingLongAreRefusedWithThePath() throws IOException {
        SpecException literal = catchThrowableOfType(SpecException.class, () -> ReferenceProfiles.read(profiles("""
                [{"field": "amount", "kind": "NUMERIC", "capturedAtEpochMillis": 0, "missing": 0, "nonFinite": 0, "values": [1.0], "counts": [99999999999999999999]}]""")));
        assertThat(literal.path()).endsWith("refs.json[0].counts[0]");

        SpecException sum = catchThrowableOfType(SpecException.class, () -> ReferenceProfiles.read(profiles("""
                [{"field": "amount", "kind": "NUMERIC", "capturedAtEpochMillis": 0, "missing": 0, "nonFinite": 0, "values": [1.0, 2.0], "counts": [9223372036854775807, 1]}]""")));
        assertThat(sum.path()).endsWith("refs.json[0]");
        assertThat(sum).hasMessageContaining("counts[1]").hasMessageContaining("past 9223372036854775807");

        SpecException categories = catchThrowableOfType(SpecException.class, () -> ReferenceProfiles.read(profiles("""
                [{"field": "c", "kind": "CATEGORICAL", "capturedAtEpochMillis": 0, "missing": 9223372036854775807, "nonFinite": 0, "categories": {"de": 1}}]""")));
        assertThat(categories).hasMessageContaining("categories['de']");
    }

    @Test
    void referenceProfilesWithADuplicateKeyAreRefused() throws IOException {
        SpecException e = catchThrowableOfType(SpecException.class, () -> ReferenceProfiles.read(profiles("""
                [{"field": "amount", "kind": "NUMERIC", "capturedAtEpochMillis": 0, "missing": 0, "nonFinite": 0, "values": [1.0], "counts": [1], "counts": [5]}]""")));
        assertThat(e.path()).endsWith("refs.json[0].counts");
        assertThat(e).hasMessageContaining("given twice");
    }

    @Test
    void aReferenceProfileWithoutARequiredFieldNamesIt() throws IOException {
        SpecException e = catchThrowableOfType(SpecException.class, () -> ReferenceProfiles.read(profiles("""
                [{"field": "amount", "kind": "NUMERIC", "values": [1.0], "counts": [1]}]""")));
        assertThat(e.path()).endsWith("refs.json[0].capturedAtEpochMillis");
    }

    @Test
    void aReferenceProfileWithAWrongTypeNamesTheField() throws IOException {
        SpecException e = catchThrowableOfType(SpecException.class, () -> ReferenceProfiles.read(profiles("""
                [{"field": "amount", "kind": "NUMERIC", "capturedAtEpochMillis": 0, "missing": 0, "nonFinite": 0, "values": [1.0], "counts": ["many"]}]""")));
        assertThat(e.path()).endsWith("refs.json[0].counts[0]");
    }
}
