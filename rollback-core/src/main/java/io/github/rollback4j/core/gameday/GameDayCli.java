package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.trigger.Verdict;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ./gameday} command: {@code gameday SCENARIO [--json FILE] [--seed N] [--repeat N]}.
 *
 * <ul>
 *   <li>prints the run's timeline and outcome;</li>
 *   <li>{@code --json FILE} writes {@code {"scenario", "seed", "outcome", "segmentOutcomes", "detectionSeconds",
 *   "events": [{"t", "type", "detail"}], "routing", "verdicts"}} ({@code segmentOutcomes} only with a plan per segment);</li>
 *   <li>{@code --seed N} runs with that seed instead of the scenario's;</li>
 *   <li>{@code --repeat N} runs N seeds (the seed and the N−1 after it) and prints the outcome counts and
 *   the percentiles of the detection time.</li>
 * </ul>
 * Exit status: 0 when the run (every run, with {@code --repeat}) reached the scenario's {@code expect}
 * outcome or the scenario expects none, 1 otherwise, 2 for a bad command line or scenario file.
 */
public final class GameDayCli {

    private static final String USAGE = "usage: gameday SCENARIO [--json FILE] [--seed N] [--repeat N]";

    private GameDayCli() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path scenarioFile = null;
        Path json = null;
        Long seed = null;
        int repeat = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> json = Path.of(value(args, ++i, "--json"));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                    case "--repeat" -> {
                        repeat = Integer.parseInt(value(args, ++i, "--repeat"));
                        if (repeat < 1 || repeat > 100_000) {
                            throw new IllegalArgumentException("--repeat must be between 1 and 100000, but was " + repeat);
                        }
                    }
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("--") || scenarioFile != null) {
                            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                        }
                        scenarioFile = Path.of(args[i]);
                    }
                }
            }
            if (scenarioFile == null) {
                throw new IllegalArgumentException("name a scenario file, e.g. examples/scenarios/canary-latency-regression.yaml");
            }
        } catch (NumberFormatException e) {
            err.println("gameday: " + e.getMessage() + " is not a whole number\n" + USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("gameday: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        Scenario scenario;
        try {
            scenario = Scenarios.load(scenarioFile);
        } catch (SpecException e) {
            err.println("gameday: " + e.getMessage());
            return 2;
        }
        long first = seed != null ? seed : scenario.seed();
        if (repeat == 1) {
            GameDayResult result = GameDay.run(scenario, first);
            out.print(result.timeline());
            if (json != null) {
                try {
                    write(json, result);
                } catch (IOException e) {
                    err.println("gameday: cannot write " + json + ": " + e.getMessage());
                    return 2;
                }
                out.println("Result written to " + json);
            }
            return meetsExpectation(scenario, result) ? 0 : 1;
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        List<Double> detections = new ArrayList<>();
        boolean all = true;
        for (long s = first; s < first + repeat; s++) {
            GameDayResult result = GameDay.run(scenario, s);
            outcomes.merge(result.outcome(), 1, Integer::sum);
            if (!Double.isNaN(result.detectionSeconds())) {
                detections.add(result.detectionSeconds());
            }
            all &= meetsExpectation(scenario, result);
        }
        out.println("Game day '" + scenario.name() + "', " + repeat + " seeds from " + first);
        out.println("Outcomes: " + outcomes);
        if (!detections.isEmpty()) {
            double[] d = detections.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.printf("Detection time (s): p50 %.0f, p90 %.0f, p99 %.0f, max %.0f over %d detections%n",
                    percentile(d, 0.5), percentile(d, 0.9), percentile(d, 0.99), d[d.length - 1], d.length);
        }
        return all ? 0 : 1;
    }

    private static boolean meetsExpectation(Scenario scenario, GameDayResult result) {
        return scenario.expect() == null || scenario.expect().equals(result.outcome());
    }

    /** Lower nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    static void write(Path file, GameDayResult result) throws IOException {
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ObjectNode root = mapper.createObjectNode();
        root.put("scenario", result.scenario());
        root.put("seed", result.seed());
        root.put("outcome", result.outcome());
        if (!result.segmentOutcomes().isEmpty()) {
            ObjectNode segments = root.putObject("segmentOutcomes");
            result.segmentOutcomes().forEach(segments::put);
        }
        if (!Double.isNaN(result.detectionSeconds())) {
            root.put("detectionSeconds", result.detectionSeconds());
        }
        root.put("requests", result.requests());
        ArrayNode events = root.putArray("events");
        for (GameDayResult.Event e : result.events()) {
            events.addObject().put("t", e.t()).put("type", e.type()).put("detail", e.detail());
        }
        ObjectNode routing = root.putObject("routing");
        result.routing().forEach((segment, weights) -> {
            ObjectNode s = routing.putObject(segment);
            weights.forEach(s::put);
        });
        ArrayNode verdicts = root.putArray("verdicts");
        for (Verdict v : result.verdicts()) {
            ObjectNode n = verdicts.addObject();
            n.put("trigger", v.trigger()).put("candidate", v.candidate().value()).put("baseline", v.baseline().value())
                    .put("segment", v.segment() == null ? null : v.segment().name()).put("level", v.level().name())
                    .put("severity", v.severity().name()).put("time", v.time().toString());
            ObjectNode e = n.putObject("evidence");
            e.put("metric", v.evidence().metric()).put("candidate", v.evidence().candidateValue())
                    .put("baseline", v.evidence().baselineValue()).put("threshold", v.evidence().threshold())
                    .put("limit", v.evidence().limit()).put("candidateSamples", v.evidence().candidateSamples())
                    .put("baselineSamples", v.evidence().baselineSamples()).put("statistic", v.evidence().statistic())
                    .put("statisticValue", v.evidence().statisticValue()).put("pValue", v.evidence().pValue())
                    .put("eValue", v.evidence().eValue())
                    .put("windowFrom", String.valueOf(v.evidence().windowFrom()))
                    .put("windowTo", String.valueOf(v.evidence().windowTo()))
                    .put("breachingSince", String.valueOf(v.evidence().breachingSince()))
                    .put("note", v.evidence().note());
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, mapper.writeValueAsString(root));
    }
}
