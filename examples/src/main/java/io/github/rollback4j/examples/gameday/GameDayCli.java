package io.github.rollback4j.examples.gameday;

import io.github.rollback4j.core.gameday.GameDay;
import io.github.rollback4j.core.gameday.GameDayResult;
import io.github.rollback4j.core.gameday.Scenario;
import io.github.rollback4j.core.gameday.Scenarios;
import io.github.rollback4j.core.runbook.Finding;
import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.micrometer.PrometheusAlertRules;
import io.github.rollback4j.trigger.Verdict;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ./gameday} command: {@code gameday SCENARIO [--json FILE] [--seed N] [--repeat N] [--evidence DIR]
 * [--replicas N] [--postgres JDBC_URL]}.
 * It lives in the examples because {@code --evidence} needs {@code rollback-micrometer} (for the alert rules),
 * which {@code rollback-core} cannot depend on.
 *
 * <ul>
 *   <li>prints the run's timeline and outcome;</li>
 *   <li>{@code --json FILE} writes {@code {"scenario", "seed", "outcome", "segmentOutcomes", "detectionSeconds",
 *   "requests", "events": [{"t", "type", "detail"}], "routing", "verdicts", "incidents", "evidence"}}
 *   ({@code segmentOutcomes} only with a plan per segment, {@code evidence} only with {@code --evidence});</li>
 *   <li>{@code --seed N} runs with that seed instead of the scenario's;</li>
 *   <li>{@code --repeat N} runs N seeds (the seed and the N−1 after it) and prints the outcome counts and
 *   the percentiles of the detection time; with {@code --json FILE} it writes that summary with each seed's
 *   outcome ({@link #writeRepeat});</li>
 *   <li>{@code --evidence DIR} runs {@link GameDay#run(Scenario, long, Path)} (incident bundles and the
 *   runbook in DIR), then writes the Prometheus alert rules of the scenario's triggers to
 *   {@code DIR/alert-rules-<scenario>.yml} (runbook link: the runbook file next to it) and prints what it
 *   wrote (with a shadow also the shadow report, HTML and JSON). Refused with {@code --repeat} above 1: one directory holds one run's evidence.</li>
 *   <li>{@code --replicas N} runs the scenario on a fleet of N replicas ({@link Scenario#withReplicas}: its
 *   {@code fleet} section with {@code replicas: N}, or a round-robin fleet without faults when it has none); a
 *   scenario with a {@code fleet} section runs as a fleet without it. A fleet shares a real PostgreSQL: the
 *   one at {@code --postgres JDBC_URL}, otherwise an embedded PostgreSQL 15 started for the command in a
 *   temporary folder on a loopback port and stopped at the end ({@link PostgresGameDays}); each run gets a
 *   schema of its own, each replica its own store on its own small pool. {@code --json} then has a
 *   {@code fleet} object: the replicas, and for each committed routing change who decided it and when each
 *   replica applied it.</li>
 * </ul>
 * A refused scenario file is reported as {@code gameday: FILE: PATH: what is wrong}, the file and the field path
 * apart. Exit status: 0 when the run (every run, with {@code --repeat}) reached the scenario's {@code expect}
 * outcome or the scenario expects none, 1 otherwise, 2 for a bad command line or scenario file, or evidence
 * that could not be written.
 */
public final class GameDayCli {

    private static final String USAGE = "usage: gameday SCENARIO [--json FILE] [--seed N] [--repeat N] [--evidence DIR]"
            + " [--replicas N] [--postgres JDBC_URL]";

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
        Path evidence = null;
        Long seed = null;
        int repeat = 1;
        Integer replicas = null;
        String postgres = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> json = Path.of(value(args, ++i, "--json"));
                    case "--evidence" -> evidence = Path.of(value(args, ++i, "--evidence"));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                    case "--replicas" -> replicas = Integer.parseInt(value(args, ++i, "--replicas"));
                    case "--postgres" -> postgres = value(args, ++i, "--postgres");
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
            if (evidence != null && repeat > 1) {
                throw new IllegalArgumentException("--evidence keeps the evidence of one run; it cannot be combined with --repeat "
                        + repeat + " (run the seeds you want evidence of one by one with --seed N --evidence DIR)");
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
            // the file and the field path apart: "FILE: PATH: what is wrong"
            err.println("gameday: " + (e.file() == null ? scenarioFile : e.file()) + ": "
                    + (e.path().isEmpty() ? "" : e.path() + ": ") + e.detail());
            return 2;
        }
        try {
            if (replicas != null) {
                scenario = scenario.withReplicas(replicas);
            }
            if (postgres != null && scenario.fleet() == null) {
                throw new IllegalArgumentException("--postgres is the store of a fleet game day: add --replicas N (or a fleet"
                        + " section to the scenario)");
            }
        } catch (IllegalArgumentException e) {
            err.println("gameday: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (scenario.fleet() == null) {
            return run(scenario, seed, repeat, json, evidence, null, out, err);
        }
        PostgresGameDays database;
        try {
            database = postgres != null ? PostgresGameDays.existing(postgres) : PostgresGameDays.embedded();
        } catch (RuntimeException e) {
            err.println("gameday: " + e.getMessage());
            return 2;
        }
        try (database) {
            err.println("gameday: a fleet of " + scenario.fleet().replicas() + " replicas on " + database.describe());
            return run(scenario, seed, repeat, json, evidence, database, out, err);
        }
    }

    /** The run (or runs, with {@code --repeat}); a fleet's each on a new schema of {@code database}. */
    private static int run(Scenario scenario, Long seed, int repeat, Path json, Path evidence, PostgresGameDays database,
                           PrintStream out, PrintStream err) {
        long first = seed != null ? seed : scenario.seed();
        if (repeat == 1) {
            GameDayResult result;
            Path alertRules = null;
            try {
                result = runOnce(scenario, first, evidence, database);
                out.print(result.timeline());
                if (evidence != null) {
                    alertRules = writeAlertRules(scenario, result.evidence());
                    printEvidence(out, result, alertRules);
                }
            } catch (UncheckedIOException | IOException e) {
                err.println("gameday: cannot write the evidence to " + evidence + ": " + e.getMessage());
                return 2;
            } catch (IllegalArgumentException e) {
                err.println("gameday: " + e.getMessage());
                return 2;
            }
            if (json != null) {
                try {
                    write(json, result, alertRules);
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
        List<GameDayResult> runs = new ArrayList<>();
        boolean all = true;
        for (long s = first; s < first + repeat; s++) {
            GameDayResult result = runOnce(scenario, s, null, database);
            outcomes.merge(result.outcome(), 1, Integer::sum);
            if (!Double.isNaN(result.detectionSeconds())) {
                detections.add(result.detectionSeconds());
            }
            all &= meetsExpectation(scenario, result);
            runs.add(result);
        }
        double[] d = detections.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.println("Game day '" + scenario.name() + "', " + repeat + " seeds from " + first);
        out.println("Outcomes: " + outcomes);
        if (d.length > 0) {
            out.printf("Detection time (s): p50 %.0f, p90 %.0f, p99 %.0f, max %.0f over %d detections%n",
                    percentile(d, 0.5), percentile(d, 0.9), percentile(d, 0.99), d[d.length - 1], d.length);
        }
        if (json != null) {
            try {
                writeRepeat(json, scenario, first, repeat, outcomes, d, runs);
            } catch (IOException | UncheckedIOException e) {
                err.println("gameday: cannot write " + json + ": " + e.getMessage());
                return 2;
            }
            out.println("Repeat summary written to " + json);
        }
        return all ? 0 : 1;
    }

    private static GameDayResult runOnce(Scenario scenario, long seed, Path evidence, PostgresGameDays database) {
        if (database == null) {
            return evidence == null ? GameDay.run(scenario, seed) : GameDay.run(scenario, seed, evidence);
        }
        try (PostgresGameDays.Run store = database.newRun()) {
            return GameDay.run(scenario, seed, evidence, store);
        }
    }

    /**
     * The summary of {@code --repeat N} as JSON: {@code {"scenario", "firstSeed", "repeat", "expect", "outcomes",
     * "meetsExpectation", "detectionSeconds": {"count", "p50", "p90", "p99", "max"}, "runs": [{"seed", "outcome",
     * "detectionSeconds", "meetsExpectation", "segmentOutcomes"}]}} ({@code detectionSeconds} percentiles null without
     * any detection; a run's {@code detectionSeconds} null when it detected nothing).
     */
    static void writeRepeat(Path file, Scenario scenario, long first, int repeat, Map<String, Integer> outcomes, double[] sorted,
                            List<GameDayResult> runs) throws IOException {
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ObjectNode root = mapper.createObjectNode();
        root.put("scenario", scenario.name());
        root.put("firstSeed", first);
        root.put("repeat", repeat);
        root.put("expect", scenario.expect());
        ObjectNode counts = root.putObject("outcomes");
        outcomes.forEach(counts::put);
        root.put("meetsExpectation", runs.stream().allMatch(r -> meetsExpectation(scenario, r)));
        ObjectNode detection = root.putObject("detectionSeconds");
        detection.put("count", sorted.length);
        if (sorted.length == 0) {
            detection.putNull("p50").putNull("p90").putNull("p99").putNull("max");
        } else {
            detection.put("p50", percentile(sorted, 0.5)).put("p90", percentile(sorted, 0.9)).put("p99", percentile(sorted, 0.99))
                    .put("max", sorted[sorted.length - 1]);
        }
        ArrayNode list = root.putArray("runs");
        for (GameDayResult r : runs) {
            ObjectNode run = list.addObject().put("seed", r.seed()).put("outcome", r.outcome());
            if (Double.isNaN(r.detectionSeconds())) {
                run.putNull("detectionSeconds");
            } else {
                run.put("detectionSeconds", r.detectionSeconds());
            }
            run.put("meetsExpectation", meetsExpectation(scenario, r));
            if (!r.segmentOutcomes().isEmpty()) {
                ObjectNode segments = run.putObject("segmentOutcomes");
                r.segmentOutcomes().forEach(segments::put);
            }
            if (r.fleet() != null) {
                ArrayNode rollbacks = run.putArray("rollbacks");
                for (GameDayResult.Decision d : r.fleet().rollbacks()) {
                    ObjectNode n = rollbacks.addObject().put("by", d.replica()).put("role", d.role()).put("t", d.t());
                    if (Double.isNaN(d.propagationSeconds())) {
                        n.putNull("propagationSeconds");
                    } else {
                        n.put("propagationSeconds", d.propagationSeconds());
                    }
                }
            }
        }
        writeAtomically(file, mapper.writeValueAsString(root));
    }

    /**
     * Writes the alert rules of the scenario's triggers next to the runbook (which is their runbook link).
     *
     * @return the file, or {@code null} when the scenario has no trigger (nothing to alert on)
     */
    static Path writeAlertRules(Scenario scenario, GameDayResult.Evidence evidence) throws IOException {
        if (scenario.triggers().isEmpty()) {
            return null;
        }
        PrometheusAlertRules rules = PrometheusAlertRules.builder(GameDay.routerName(scenario))
                .triggers(scenario.triggers())
                .runbookUrl(evidence.runbook().getFileName().toString())
                .build();
        Path file = evidence.directory().resolve("alert-rules-" + GameDay.fileName(scenario) + ".yml");
        writeAtomically(file, rules.toYaml());
        return file;
    }

    private static void printEvidence(PrintStream out, GameDayResult result, Path alertRules) {
        GameDayResult.Evidence evidence = result.evidence();
        out.println("Evidence written to " + evidence.directory() + ":");
        for (GameDayResult.IncidentOutcome i : result.incidents()) {
            out.println("  " + evidence.directory().relativize(i.bundle()) + "/  incident bundle (incident.json, summary.md): "
                    + i.status() + (i.rollbackRefused() ? " (rollback refused, escalated at once)" : ", verification " + i.verification()));
        }
        if (result.incidents().isEmpty()) {
            out.println("  (no incident: nothing was rolled back)");
        }
        long errors = evidence.runbookFindings().stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
        out.println("  " + evidence.directory().relativize(evidence.runbook()) + "  runbook, self-check: "
                + evidence.runbookFindings().size() + " finding(s), " + errors + " error(s)");
        if (alertRules != null) {
            out.println("  " + evidence.directory().relativize(alertRules) + "  Prometheus alert rules");
        } else {
            out.println("  (no alert rules: the scenario has no trigger)");
        }
        if (evidence.shadowReport() != null) {
            out.println("  " + evidence.directory().relativize(evidence.shadowReport()) + "  shadow report (releases compared,"
                    + " the gate's decision, segments over threshold, example mismatches)");
            out.println("  " + evidence.directory().relativize(evidence.shadowReportJson()) + "  shadow report as JSON");
        }
    }

    /** Temporary file in the same directory, then an atomic rename: a reader never sees half a file. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
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

    static void write(Path file, GameDayResult result, Path alertRules) throws IOException {
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
        ObjectNode labels = root.putObject("releases");
        result.releases().forEach(labels::put);
        ObjectNode flags = root.putObject("flags");
        result.flags().forEach(flags::put);
        root.put("rollbackRefusals", result.rollbackRefusals());
        ArrayNode selfCheck = root.putArray("selfCheck");
        result.selfCheck().forEach(f -> selfCheck.addObject().put("severity", f.severity().name()).put("code", f.code().name())
                .put("message", f.message()));
        ArrayNode incidents = root.putArray("incidents");
        for (GameDayResult.IncidentOutcome i : result.incidents()) {
            incidents.addObject().put("id", i.id()).put("segment", i.segment()).put("status", i.status().name())
                    .put("rollbackRefused", i.rollbackRefused())
                    .put("opened", i.openedAt().toString()).put("ended", i.endedAt() == null ? null : i.endedAt().toString())
                    .put("verification", i.verification().name()).put("bundle", i.bundle().toString());
        }
        if (result.fleet() != null) {
            writeFleet(root.putObject("fleet"), result.fleet());
        }
        if (result.evidence() != null) {
            ObjectNode evidence = root.putObject("evidence");
            evidence.put("directory", result.evidence().directory().toString())
                    .put("runbook", result.evidence().runbook().toString())
                    .put("alertRules", alertRules == null ? null : alertRules.toString())
                    .put("shadowReport", result.evidence().shadowReport() == null ? null : result.evidence().shadowReport().toString())
                    .put("shadowReportJson", result.evidence().shadowReportJson() == null ? null
                            : result.evidence().shadowReportJson().toString());
            ArrayNode bundles = evidence.putArray("bundles");
            result.incidents().forEach(i -> bundles.add(i.bundle().toString()));
        }
        writeAtomically(file, mapper.writeValueAsString(root));
    }

    /**
     * {@code {"store", "loadBalancer", "replicas": [{"id", "startedAt", "stoppedAt", "generation", "leader", "failSafe"}],
     * "decisions": [{"generation", "action", "by", "role", "detail", "t", "appliedAt": {replica: t}, "notApplied",
     * "propagationSeconds"}]}}: times in seconds since the start, {@code stoppedAt} null for a replica that ran to the end,
     * {@code propagationSeconds} from the commit until the last of the other replicas running then routed by it (null when
     * none did).
     */
    static void writeFleet(ObjectNode fleet, GameDayResult.FleetOutcome outcome) {
        fleet.put("store", outcome.store()).put("loadBalancer", outcome.loadBalancer());
        ArrayNode replicas = fleet.putArray("replicas");
        for (GameDayResult.Replica r : outcome.replicas()) {
            ObjectNode n = replicas.addObject().put("id", r.id()).put("startedAt", r.startedAt());
            if (Double.isNaN(r.stoppedAt())) {
                n.putNull("stoppedAt");
            } else {
                n.put("stoppedAt", r.stoppedAt());
            }
            n.put("generation", r.generation()).put("leader", r.leader()).put("failSafe", r.failSafe());
        }
        ArrayNode decisions = fleet.putArray("decisions");
        for (GameDayResult.Decision d : outcome.decisions()) {
            ObjectNode n = decisions.addObject().put("generation", d.generation()).put("action", d.action()).put("by", d.replica())
                    .put("role", d.role()).put("detail", d.detail()).put("t", d.t());
            ObjectNode applied = n.putObject("appliedAt");
            d.appliedAt().forEach(applied::put);
            ArrayNode never = n.putArray("notApplied");
            d.notApplied().forEach(never::add);
            double propagation = d.propagationSeconds();
            if (Double.isNaN(propagation)) {
                n.putNull("propagationSeconds");
            } else {
                n.put("propagationSeconds", propagation);
            }
        }
    }
}
