package io.github.rollback4j.core.spec;

import io.github.rollback4j.core.TestScale;
import io.github.rollback4j.core.gameday.Scenarios;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutation fuzzing of the loaders: valid files (the shipped game-day scenarios, a trigger runbook, a
 * reference profile file) are cut, spliced and salted with hostile values at random, with a fixed
 * seed. Whatever comes out, a loader either returns or throws a {@link SpecException} whose message
 * starts with a field path; any other exception is a defect.
 *
 * <p>CI runs {@value #CI_MUTATIONS} mutations per seed file; {@code -Drollback4j.test.scale=N} runs N
 * times as many.
 */
class LoaderFuzzTest {

    private static final int CI_MUTATIONS = 150;
    private static final long SEED = 20260113L;
    private static final List<String> HOSTILE = List.of(".nan", "-.inf", "NaN", "0x1p3", "1e400", "99999999999999999999999999999",
            "-9223372036854775809", "100000000000000000000d", "P100000000000000000000D", "-5m", "*alias", "&anchor x", "~", "''",
            "[]", "{}", "[[[[[[[[", "}}}", "\"eu west\"", "!!binary AAAA", "!!java.lang.Object {}", "<<: *m", "%", "? x",
            "\u0000", "\uFFFF", "\t", "'", "\"", "#", "- -", ": :", "1_000", "0o17", "-0", "1.0e-400", "5 %", "100%%",
            "\u202Eabc", "null", "true", "yes", "2026-13-45T99:99:99Z");
    /** Values of another type than the field expects: lists and maps for scalars, text for numbers, numbers for text. */
    private static final List<String> WRONG_TYPES = List.of("[1, 2]", "{a: 1}", "{}", "[]", "- x", "\"text\"", "abc", "12",
            "-1", "0.5", "true", "null", "[[1]]", "{\"a\": {\"b\": 1}}");

    @TempDir
    Path dir;

    @Test
    void mutatedScenariosAreLoadedOrRefusedWithAPath() throws IOException {
        Path scenarios = Path.of("..", "examples", "scenarios");
        List<Path> files;
        try (Stream<Path> list = Files.list(scenarios)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).as("the shipped scenarios under %s", scenarios.toAbsolutePath()).isNotEmpty();
        for (Path file : files) {
            String text = Files.readString(file);
            Scenarios.fromYaml(text); // the seed file itself is valid
            fuzz(text, Scenarios::fromYaml);
        }
    }

    @Test
    void mutatedTriggerRunbooksAreLoadedOrRefusedWithAPath() {
        String runbook = TriggerSpecsTest.RUNBOOK;
        fuzz(runbook, TriggerSpecs::fromYaml);
        String json = """
                {"triggers": [{"name": "e", "metric": "error_rate", "above": 0.05, "window": "1m", "sustain": "3m"},
                              {"name": "k", "metric": "kpi", "kpi": "ctr", "drop": "2%", "significance": 0.05}]}""";
        TriggerSpecs.fromJson(json);
        fuzz(json, TriggerSpecs::fromJson);
    }

    @Test
    void mutatedReferenceProfilesAreLoadedOrRefusedWithAPath() throws IOException {
        Path valid = dir.resolve("valid.json");
        ReferenceProfiles.write(valid, List.of(ReferenceProfile.numeric("amount", new double[] {1, 2, 2, 3, 5}, 1_000),
                ReferenceProfile.categorical("country", Map.of("de", 3L, "fr", 1L), 1_000)));
        Path mutated = dir.resolve("mutated.json");
        fuzz(Files.readString(valid), text -> {
            try {
                Files.writeString(mutated, text);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            ReferenceProfiles.read(mutated);
        });
    }

    private void fuzz(String seed, Consumer<String> loader) {
        SplittableRandom random = new SplittableRandom(SEED ^ seed.hashCode());
        List<String> defects = new ArrayList<>();
        int mutations = TestScale.rounds(CI_MUTATIONS);
        for (int i = 0; i < mutations && defects.size() < 5; i++) {
            String input = mutate(seed, random);
            try {
                loader.accept(input);
            } catch (SpecException e) {
                // Located: by its field path, the message starting with it; an empty path is the whole document
                // (too large, not a mapping, not parseable: the message then says where, by line and column).
                boolean byPath = e.path() != null && !e.path().isBlank() && e.getMessage().startsWith(e.path() + ": ");
                boolean document = e.path() != null && e.path().isEmpty();
                if (!byPath && !document) {
                    defects.add("a SpecException without its path (" + cut(e.getMessage()) + ") for:\n" + cut(input));
                }
            } catch (RuntimeException | StackOverflowError e) {
                defects.add(cut(e.toString()) + " for:\n" + cut(input));
            }
        }
        assertThat(defects).as("inputs that failed otherwise than with a SpecException naming a path").isEmpty();
    }

    /** Keeps a failure report readable when the input is a huge mutation. */
    private static String cut(String text) {
        return text.length() <= 4_000 ? text : text.substring(0, 4_000) + "…(" + text.length() + " characters)";
    }

    private static String mutate(String seed, SplittableRandom random) {
        StringBuilder text = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(text.length() + 1); // 0..length: an insertion point
            switch (random.nextInt(9)) {
                case 0 -> {
                    if (at < text.length()) {
                        text.deleteCharAt(at);
                    }
                }
                case 1 -> text.insert(at, HOSTILE.get(random.nextInt(HOSTILE.size())));
                case 2 -> replaceValue(text, random, HOSTILE.get(random.nextInt(HOSTILE.size())));
                case 3 -> replaceValue(text, random, WRONG_TYPES.get(random.nextInt(WRONG_TYPES.size())));
                case 4 -> { // the line around 'at' given twice: duplicate keys, duplicate list items
                    int start = at == 0 ? 0 : text.lastIndexOf("\n", at - 1) + 1;
                    int end = text.indexOf("\n", start);
                    String line = text.substring(start, end < 0 ? text.length() : end);
                    text.insert(start, line + "\n");
                }
                case 5 -> text.setLength(at); // truncated
                case 6 -> text.insert(at, (char) random.nextInt(0x20, 0x7F));
                case 7 -> { // nesting, balanced or not, in flow style
                    int depth = random.nextInt(1, 3 * SpecNode.MAX_DEPTH);
                    String open = random.nextBoolean() ? "[" : "{\"k\": ";
                    String close = open.equals("[") ? "]" : "}";
                    text.insert(at, open.repeat(depth) + "1" + close.repeat(random.nextInt(depth + 1)));
                }
                default -> {
                    if (random.nextInt(8) == 0) { // huge: past the size limit, refused before parsing
                        String chunk = text.length() == 0 ? "x: 1\n" : text.toString();
                        text.append("\n").append(chunk.repeat(SpecNode.MAX_SIZE / chunk.length() + 1));
                    } else { // a long but legal-sized value: a very long string or digit run
                        replaceValue(text, random, (random.nextBoolean() ? "9" : "a").repeat(random.nextInt(1, 5_000)));
                    }
                }
            }
        }
        return text.toString();
    }

    /** Replaces the value after a random ': ' with {@code value}. */
    private static void replaceValue(StringBuilder text, SplittableRandom random, String value) {
        int colon = text.indexOf(": ", random.nextInt(text.length() + 1));
        if (colon < 0) {
            return;
        }
        int end = colon + 2;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != ',' && text.charAt(end) != '}') {
            end++;
        }
        text.replace(colon + 2, end, value);
    }
}
