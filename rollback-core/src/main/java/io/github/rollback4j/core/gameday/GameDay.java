package io.github.rollback4j.core.gameday;

import io.github.rollback4j.Decision;
import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InMemoryFeatureFlags;
import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.RouterConfig;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.gameday.SyntheticModel.Request;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.FileSystemEvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.internal.AtomicFiles;
import io.github.rollback4j.core.runbook.Finding;
import io.github.rollback4j.core.runbook.Runbook;
import io.github.rollback4j.core.shadow.ShadowComparator;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.shadow.ShadowReport;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.shadow.TimeOfDayBuckets;
import io.github.rollback4j.core.strategy.BlueGreenPlan;
import io.github.rollback4j.core.strategy.BlueGreenRollout;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Runs a {@link Scenario} against the real router, telemetry, triggers and strategy on a virtual
 * clock: hours of traffic in seconds, the same result for the same seed.
 *
 * <pre>{@code
 * GameDayResult result = GameDay.run(Scenarios.load(Path.of("examples/scenarios/canary-latency-regression.yaml")));
 * assertThat(result.outcome()).isEqualTo("rolled_back");
 * }</pre>
 *
 * <p>Each simulated second restarts the releases whose instance restarts then (the router warms them
 * again), sends the scenario's requests (its rate shaped by the diurnal pattern, spread over the
 * segments, sticky per user, with their context attributes and input fields), reports the KPI for
 * each served request, moves the clock one second and, every {@code healthChecks.interval}, probes
 * every release ({@code checkHealth()}); every {@code tick} the strategy ticks (and with it the trigger
 * engine). The synthetic models ({@code SyntheticModel}) spend their latency on the calling thread's
 * clock only ({@link VirtualTimeSource#spend}), so the router measures it without moving the shared
 * time; as the release's feature pipeline, the serving model writes the input fields the router's
 * input profile reads, so data-quality triggers see what the release emitted.
 *
 * <p>A scenario with a {@code fleet} section ({@link Scenario#fleet()}) runs N replicas of the router sharing one
 * rollout through a fleet store (in-memory here; PostgreSQL with {@link #run(Scenario, long, Path, FleetStores)}).
 *
 * <p>Stateless and thread-safe: each run builds its own router.
 */
public final class GameDay {

    /** Telemetry of a game day's router: the default windows, one call in ten sampled for incident evidence. */
    static final TelemetryConfig TELEMETRY = TelemetryConfig.custom().sampleRate(0.1).build();
    /**
     * With evidence, the router's call sample ring holds this many samples (default 512), so that a canary at
     * 1 % of 400 requests per second still leaves an incident 50 samples from before its rollback.
     */
    static final int EVIDENCE_SAMPLE_CAPACITY = 20_000;
    /** With evidence, the share of calls sampled into the ring (the router's default). */
    static final double EVIDENCE_SAMPLE_RATE = 0.01;
    /** How long {@link Incidents#flush} may take at the end of a run with evidence. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

    private GameDay() {
    }

    /**
     * @param scenario a scenario
     * @return its name with every character other than a letter, digit, {@code .}, {@code _} or {@code -}
     *         replaced by {@code -}: the stem of the evidence file names ({@code runbook-<name>.md})
     */
    public static String fileName(Scenario scenario) {
        return scenario.name().replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /**
     * @param scenario a scenario
     * @return the name of the router a run of it builds, {@code gameday-} + {@link #fileName(Scenario)}: the
     *         {@code router} of its incidents, runbook and metrics
     */
    public static String routerName(Scenario scenario) {
        return "gameday-" + fileName(scenario);
    }

    /**
     * @param scenario the scenario
     * @return the result, with the scenario's own seed
     */
    public static GameDayResult run(Scenario scenario) {
        return run(scenario, scenario.seed());
    }

    /**
     * @param scenario the scenario
     * @param seed the random seed
     * @return the result
     */
    public static GameDayResult run(Scenario scenario, long seed) {
        return scenario.fleet() == null ? new Run(scenario, seed, null).execute()
                : new FleetGameDay(scenario, seed, null, FleetStores.inMemory()).execute();
    }

    /**
     * Runs with an incident manager attached and keeps the evidence in {@code evidenceDir}:
     *
     * <ul>
     *   <li>each rollback opens an incident (owner, channel, recovery checks and samples from the scenario's
     *   {@link Scenario#incident() incident} section) whose bundle ({@code <id>/incident.json} and
     *   {@code <id>/summary.md}) a {@link FileSystemEvidenceStore} writes, with the trigger engine's verdict;</li>
     *   <li>when the rollout starts, the {@link Runbook} of the live router (triggers, the incidents' owner,
     *   channel and verification) is written atomically to {@code runbook-<name>.md}
     *   ({@link #fileName(Scenario)}); a run whose rollout never starts writes it at the end;</li>
     *   <li>incidents are evaluated every simulated second; when the rollout has ended while an incident's
     *   verification is still running, the run goes on sending traffic (the strategy no longer ticks) until
     *   every incident is resolved or escalated, at most until the last verification deadline;</li>
     *   <li>the timeline gets {@code incident-opened}, {@code incident-resolved} and {@code incident-escalated}
     *   events, and the result the {@link GameDayResult#incidents() incidents} and the
     *   {@link GameDayResult#evidence() evidence} paths.</li>
     * </ul>
     * The outcome, the routing and the events of the rollout are those of the run without evidence.
     *
     * @param scenario the scenario
     * @param seed the random seed
     * @param evidenceDir where the bundles and the runbook go (created when missing)
     * @return the result
     * @throws java.io.UncheckedIOException when the runbook cannot be written
     */
    public static GameDayResult run(Scenario scenario, long seed, Path evidenceDir) {
        java.util.Objects.requireNonNull(evidenceDir, "evidenceDir must not be null");
        return scenario.fleet() == null ? new Run(scenario, seed, evidenceDir).execute()
                : new FleetGameDay(scenario, seed, evidenceDir, FleetStores.inMemory()).execute();
    }

    /**
     * Runs a scenario with a {@link Scenario#fleet() fleet} section (see {@link Scenario#withReplicas}) on the given
     * store: N replicas of the router in this JVM on one virtual clock, each its own process as far as rollback4j
     * can tell (its own {@code Fleet} membership and store handle from {@link FleetStores#open}, router, trigger
     * engine on fleet-wide telemetry, rollout and {@code FleetMember}; with evidence its own incident manager, whose
     * bundles go to {@code evidenceDir/<replica>/}), sharing the rollout through the store:
     *
     * <ul>
     *   <li>each simulated second the scenario's requests go to the live replicas through the fleet's load balancer
     *   (round-robin, or a seeded random pick), and every live replica probes its releases when a health round is
     *   due;</li>
     *   <li>every {@code tick} (from {@code startAfter}) every live replica runs its fleet round
     *   ({@code FleetMember.tick()}, never {@code start()}): lease, re-read of the state (the poll and publish
     *   intervals are the tick), publish, and the decision: the leader runs the rollout on fleet-wide data, each
     *   follower its emergency brake (its SEVERE triggers on its own data);</li>
     *   <li>the faults ({@code kill}, {@code cutOff}, {@code restart}) happen at their time, before that second's
     *   traffic.</li>
     * </ul>
     * The timeline says who committed each routing change ({@code — generation 7 by r2 (emergency brake)}), when each
     * replica applied it ({@code applied}), leader elections and takeovers ({@code fleet-leader}), fail-safe and the
     * faults; {@link GameDayResult#fleet()} has the same per replica. Every store call is made on the calling thread in
     * replica order, so the result does not depend on a store's notice threads: the same seed gives the same result
     * on the in-memory store and on PostgreSQL. The outcome is that of the fleet's stored rollout progress.
     *
     * @param scenario a scenario with a fleet section
     * @param seed the random seed
     * @param evidenceDir where the bundles and the runbook go, or {@code null} for none
     * @param stores the store of this run (it must hold nothing of the scenario's router yet)
     * @return the result, with {@link GameDayResult#fleet()}
     * @throws IllegalArgumentException when the scenario has no fleet section, or the store holds an earlier run's state
     */
    public static GameDayResult run(Scenario scenario, long seed, Path evidenceDir, FleetStores stores) {
        java.util.Objects.requireNonNull(stores, "stores must not be null");
        if (scenario.fleet() == null) {
            throw new IllegalArgumentException("game day '" + scenario.name() + "' has no fleet section; add one or run"
                    + " scenario.withReplicas(n)");
        }
        return new FleetGameDay(scenario, seed, evidenceDir, stores).execute();
    }

    /**
     * @param phase a rollout's phase
     * @return the game-day outcome: {@code promoted}; {@code rolled_back} (rolled back or aborted);
     *         {@code blocked} (held by the shadow gate, or refused before any traffic); {@code paused};
     *         {@code running} (pending or progressing)
     */
    static String outcome(RolloutPhase phase) {
        return switch (phase) {
            case PROMOTED -> "promoted";
            case ROLLED_BACK, ABORTED -> "rolled_back";
            case PAUSED -> "paused";
            case REFUSED, BLOCKED -> "blocked";
            case PENDING, PROGRESSING -> "running";
        };
    }

    /**
     * @param r a synthetic release
     * @return the release the router serves: its model version declared compatible with {@code requires}, paired
     *         with {@code features}, turning {@code flags} on; digests derived from the names and versions
     * @throws IllegalArgumentException when the model and the features do not pair ({@link Release.Builder#build()})
     */
    static Release release(SyntheticRelease r) {
        ModelVersion.Builder model = ModelVersion.builder(r.model()).version(r.version()).digest(digest(r.model() + ":" + r.version()));
        r.requires().forEach((feature, versions) -> model.compatibleWith(feature, versions.toArray(String[]::new)));
        Release.Builder release = Release.builder(model.build()).name(r.name());
        r.features().forEach((feature, version) -> release.feature(FeatureVersion.of(feature, version, digest(feature + ":" + version))));
        r.flags().forEach(release::featureFlag);
        return release.build();
    }

    private static String digest(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("gameday:" + text).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The router's input profile from {@code traffic.inputs}: every field read from what the serving release's
     * feature pipeline emitted, its rules ({@code required}, {@code range}, {@code allowed}) the input schema.
     */
    /** The spec of a scenario release: the probe input, warm-up calls, probe timeout and failures before unhealthy. */
    static ReleaseSpec<Request, Double> releaseSpec(Release release, Model<Request, Double> model, SyntheticRelease.Probe probe) {
        return ReleaseSpec.builder(release, model)
                .sampleInputs(List.of(Request.PROBE))
                .warmupCalls(probe.warmupCalls())
                .probeTimeout(probe.timeout())
                .unhealthyAfterFailures(probe.unhealthyAfter())
                .build();
    }

    /** A canary plan from a scenario's steps, each with the step deadline when one is set. */
    static CanaryPlan plan(List<Scenario.Step> steps, Duration stepDeadline) {
        CanaryPlan.Builder plan = CanaryPlan.builder();
        for (Scenario.Step step : steps) {
            if (stepDeadline != null) {
                plan.step(step.weightBasisPoints(), step.bake(), stepDeadline);
            } else {
                plan.step(step.weightBasisPoints(), step.bake());
            }
        }
        return plan.build();
    }

    /**
     * The incident manager of a game day with evidence: bundles in {@code directory}, the scenario's verification,
     * samples, owner and channel, and the trigger engine's verdicts when there is one ({@code engine} may be null).
     */
    static Incidents incidents(Scenario.IncidentSpec spec, ManagedModelRouter<Request, Double> router, VirtualTimeSource clock,
                               Path directory, TriggerEngine engine) {
        Incidents.Builder incidents = Incidents.builder(router).timeSource(clock)
                .evidenceStore(FileSystemEvidenceStore.of(directory))
                .verify(spec.checks())
                .verificationTimeout(spec.verificationWithin())
                .samples(spec.samplesBefore(), spec.samplesAfter());
        if (engine != null) {
            incidents.triggerEngine(engine);
        }
        if (spec.owner() != null) {
            incidents.owner(spec.owner());
        }
        if (spec.channel() != null) {
            incidents.channel(spec.channel());
        }
        return incidents.build();
    }

    /** Finishes a runbook: from the incident manager when there is one, else from the scenario's incident section. */
    static Runbook runbook(Runbook.Builder b, Scenario.IncidentSpec spec, Incidents incidents) {
        if (incidents != null) {
            return b.incidents(incidents).build();
        }
        if (spec.owner() != null) {
            b.owner(spec.owner());
        }
        if (spec.channel() != null) {
            b.channel(spec.channel());
        }
        return b.verification(spec.checks(), spec.verificationWithin()).build();
    }

    /**
     * A release's instance restarted cold: the router warms it again with the model marked as warming.
     *
     * @return the timeline line, e.g. {@code "v2 restarted cold and warmed up again: READY"}
     */
    static String restart(ManagedModelRouter<Request, Double> router, String name, ReleaseId id, SyntheticModel model,
                          VirtualTimeSource clock) {
        model.warming = true;
        try {
            router.warmUp(id);
        } finally {
            model.warming = false;
            clock.settle();
        }
        ReleaseHealth health = router.health(id);
        return name + " restarted cold and warmed up again: " + health.state()
                + (health.isServable() ? "" : " (" + health.lastFailure() + ")");
    }

    /** Weights by release name, e.g. {@code {v1=9500, v2=500}}. */
    static String named(Map<ReleaseId, Integer> weights, Map<ReleaseId, String> names) {
        Map<String, Integer> out = new LinkedHashMap<>();
        weights.forEach((id, w) -> out.put(names.get(id), w));
        return out.toString();
    }

    /** The router's weights per segment, by release name: the result's routing at the end. */
    static Map<String, Map<String, Integer>> routing(ManagedModelRouter<Request, Double> router, Map<ReleaseId, String> names) {
        Map<String, Map<String, Integer>> routing = new LinkedHashMap<>();
        for (String segment : router.state().allocations().keySet()) {
            Map<String, Integer> weights = new LinkedHashMap<>();
            router.weights(Segment.of(segment)).forEach((id, w) -> weights.put(names.get(id), w));
            routing.put(segment, weights);
        }
        return routing;
    }

    /** {@code at} as {@code hh:mm:ss} after the scenario's start. */
    static String clockTime(Instant start, Instant at) {
        long s = Duration.between(start, at).toSeconds();
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** A figure with four significant digits, {@code n/a} for NaN. */
    static String number(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4g", value);
    }

    static InputProfile<Request> inputProfile(List<Scenario.InputField> fields) {
        InputProfile.Builder<Request> profile = InputProfile.builder();
        for (int i = 0; i < fields.size(); i++) {
            Scenario.InputField f = fields.get(i);
            int index = i;
            if (f.numeric()) {
                profile.numeric(f.name(), r -> r.feature(index) instanceof Number n ? n : null);
                if (f.min() != Double.NEGATIVE_INFINITY || f.max() != Double.POSITIVE_INFINITY) {
                    profile.range(f.name(), f.min(), f.max());
                }
            } else {
                profile.categorical(f.name(), r -> r.feature(index));
                if (!f.allowed().isEmpty()) {
                    profile.allowedCategories(f.name(), f.allowed().toArray(String[]::new));
                }
            }
            if (f.required()) {
                profile.required(f.name());
            }
        }
        return profile.build();
    }

    /**
     * One run: builds the router from the scenario, then drives it second by second. Each simulated second
     * ({@link #second}) applies the releases' restarts, sends the traffic, moves the clock and probes the
     * releases when a health round is due; the strategy (with its trigger engine) ticks on top of that.
     * Everything runs on the calling thread (direct probe and shadow executors), which keeps a run
     * deterministic for its seed.
     */
    private static final class Run {
        private final Scenario scenario;
        private final long seed;
        private final VirtualTimeSource clock;
        private final TrafficSource traffic;
        private final List<GameDayResult.Event> events = new ArrayList<>();
        private final Map<ReleaseId, String> names = new LinkedHashMap<>();
        private final Map<String, SyntheticRelease> byName = new LinkedHashMap<>();
        private final Map<String, SyntheticModel> models = new LinkedHashMap<>();
        private final Map<String, Release> releases = new LinkedHashMap<>();
        private final List<Verdict> verdicts = new ArrayList<>();
        private final Map<String, Verdict> lastVerdicts = new LinkedHashMap<>();
        private final InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
        private final long healthCheckSeconds;
        private Instant candidateSince;
        private double detection = Double.NaN;
        private long requests;
        private final Path evidence;
        private final Map<String, IncidentStatus> incidentStatus = new LinkedHashMap<>();
        private Path runbookFile;
        private List<Finding> runbookFindings = List.of();
        private Runbook runbook;
        /** Releases whose failed probes are on the timeline already, until they recover. */
        private final Map<ReleaseId, Boolean> failing = new LinkedHashMap<>();
        private long refusals;
        /** Whether the current run of refused rollbacks is on the timeline (reset when routing or health changes). */
        private boolean refusalShown;
        private boolean selfCheckDue;

        Run(Scenario scenario, long seed, Path evidence) {
            this.scenario = scenario;
            this.seed = seed;
            this.evidence = evidence;
            this.clock = VirtualTimeSource.startingAt(scenario.start());
            this.traffic = new TrafficSource(scenario.traffic(), seed);
            this.healthCheckSeconds = Math.max(1, scenario.healthCheckInterval().toSeconds());
        }

        GameDayResult execute() {
            SplittableRandom modelRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
            List<Scenario.InputField> fields = List.copyOf(scenario.traffic().inputs().values());
            for (SyntheticRelease r : scenario.releases()) {
                Release release = release(r);
                releases.put(r.name(), release);
                names.put(release.id(), r.name());
                byName.put(r.name(), r);
                models.put(r.name(), new SyntheticModel(r, clock, scenario.start(), modelRandom, fields, true));
            }
            SyntheticRelease lkg = scenario.lastKnownGood();
            ModelRouters.Builder<Request, Double> builder = ModelRouters
                    .builder(routerName(scenario), spec(lkg))
                    .timeSource(clock)
                    .probeExecutor(Runnable::run)
                    .featureFlags(flags)
                    .config(RouterConfig.custom().salt((int) seed).healthCheckInterval(scenario.healthCheckInterval()).build())
                    .randomBuckets(() -> traffic.nextInt(10_000))
                    .telemetry(TELEMETRY)
                    .scoreExtractor(score -> score);
            for (SyntheticRelease r : scenario.releases()) {
                if (!r.lastKnownGood()) {
                    builder.release(spec(r));
                }
            }
            if (!fields.isEmpty()) {
                builder.inputProfile(inputProfile(fields));
            }
            if (evidence != null) {
                // room for the incident's samples of a small canary (the ring's own draws: routing is unchanged)
                builder.samples(EVIDENCE_SAMPLE_CAPACITY, EVIDENCE_SAMPLE_RATE);
            }
            models.values().forEach(m -> m.warming = true);
            ManagedModelRouter<Request, Double> built;
            try {
                built = builder.build(); // warms every release
            } finally {
                models.values().forEach(m -> m.warming = false);
            }
            try (ManagedModelRouter<Request, Double> router = built) {
                router.eventPublisher().onEvent(this::onRouterEvent);
                for (SyntheticRelease r : scenario.releases()) {
                    ReleaseHealth health = router.health(releases.get(r.name()).id());
                    if (!health.isServable()) {
                        failing.put(health.release(), true);
                        event("release-unhealthy", r.name() + " failed its warm-up at the start and is " + health.state() + ": "
                                + health.lastFailure());
                    }
                }
                ReleaseId candidate = releases.get(scenario.strategy().candidate()).id();
                if (scenario.strategy().kind().equals("shadow")) {
                    return shadow(router, candidate, lkg);
                }
                return rollout(router, candidate, lkg);
            }
        }

        private ReleaseSpec<Request, Double> spec(SyntheticRelease synthetic) {
            return releaseSpec(releases.get(synthetic.name()), models.get(synthetic.name()), synthetic.probe());
        }

        /**
         * One simulated second: the traffic, the clock moved, the restarts due at the new time, and a health round
         * when one is due. What the strategy and the incidents do on top of it is the caller's.
         */
        private void second(ManagedModelRouter<Request, Double> router, long s) {
            sendOneSecond(router);
            clock.settle();
            clock.advance(Duration.ofSeconds(1));
            restarts(router, s + 1);
            if ((s + 1) % healthCheckSeconds == 0) {
                router.checkHealth();
                clock.settle();
            }
        }

        /** Releases whose instance restarts at {@code s} seconds from the start: the router warms them again. */
        private void restarts(ManagedModelRouter<Request, Double> router, long s) {
            for (SyntheticRelease r : scenario.releases()) {
                for (SyntheticRelease.Change change : r.changes()) {
                    if (change.restart() && change.at().toSeconds() == s && s > 0) {
                        event("release-restarted", restart(router, r.name(), releases.get(r.name()).id(), models.get(r.name()), clock));
                    }
                }
            }
        }

        /**
         * Canary (one plan or a plan per segment), blue/green, or shadow then canary: the strategy ticks
         * every {@code tick} from {@code startAfter} (after the shadow's duration, for shadow then canary)
         * until it is over or the run's duration has passed.
         */
        private GameDayResult rollout(ManagedModelRouter<Request, Double> router, ReleaseId candidate, SyntheticRelease lkg) {
            Scenario.StrategySpec strategy = scenario.strategy();
            TriggerEngine engine = TriggerEngine.builder(router).triggers(scenario.triggers()).timeSource(clock).build();
            engine.onVerdict(this::onVerdict);
            ShadowRunner<Request, Double> runner = strategy.shadow() == null ? null : shadowRunner(strategy.shadow());
            long seconds = scenario.duration().toSeconds();
            long tickSeconds = Math.max(1, scenario.tick().toSeconds());
            long startAfter = strategy.startAfter().toSeconds();
            long rolloutAfter = startAfter + (runner == null ? 0 : strategy.shadow().duration().toSeconds());
            if (runner == null) {
                event("start", "last-known-good " + lkg.name() + ", candidate " + strategy.candidate() + " by " + strategy.kind()
                        + (strategy.perSegment() ? " per segment " + strategy.segments().keySet() : "") + ", "
                        + scenario.triggers().size() + " triggers");
            } else {
                event("start", "last-known-good " + lkg.name() + " serves all traffic; " + percent(strategy.shadow().share())
                        + " % mirrored to " + strategy.candidate() + " in shadow for " + strategy.shadow().duration()
                        + ", then a canary" + (strategy.perSegment() ? " per segment " + strategy.segments().keySet() : "")
                        + " gated on the shadow; " + scenario.triggers().size() + " triggers");
            }
            Driver driver = null;
            Incidents incidents = evidence == null ? null : incidents(router, engine);
            runbook = runbook(router, engine, null, incidents);
            try {
                if (rolloutAfter == 0) {
                    driver = driver(router, candidate, engine, runner);
                    driver.tick();
                    afterTick();
                    writeRunbook();
                }
                for (long s = 0; s < seconds && (driver == null || !driver.over()); s++) {
                    if (runner != null && s == startAfter) {
                        startShadow(router, candidate, runner);
                    }
                    second(router, s);
                    if (s + 1 >= rolloutAfter && (s + 1 - rolloutAfter) % tickSeconds == 0) {
                        boolean first = driver == null;
                        if (first) {
                            driver = driver(router, candidate, engine, runner);
                        }
                        driver.tick();
                        afterTick();
                        if (first) {
                            writeRunbook();
                        }
                    }
                    evaluate(incidents);
                }
                if (driver != null && driver.over()) {
                    awaitVerification(router, incidents);
                }
                ShadowReport report = null;
                if (runner != null) {
                    router.stopShadow();
                    report = runner.report();
                    shadowReport(report);
                }
                String outcome = driver == null ? "running" : driver.outcome();
                end(outcome, driver == null ? " (the rollout never started)" : " (" + driver.label() + ")");
                List<Verdict> kept = new ArrayList<>(verdicts);
                kept.addAll(lastVerdicts.values());
                return result(outcome, router, List.copyOf(kept), driver == null ? Map.of() : driver.segmentOutcomes(), incidents,
                        report == null ? null : gate(strategy.shadow()), report);
            } finally {
                if (driver != null) {
                    driver.close();
                }
                if (runner != null) {
                    runner.close();
                }
                if (incidents != null) {
                    incidents.close();
                }
            }
        }

        private void end(String outcome, String detail) {
            event("end", "outcome " + outcome + detail + (refusals == 0 ? ""
                    : "; the router refused " + refusals + " rollback(s): the last-known-good could not serve"));
        }

        /** The runbook of the live router: from the incidents with evidence, from the scenario's incident section otherwise. */
        private Runbook runbook(ManagedModelRouter<Request, Double> router, TriggerEngine engine, List<TriggerSpec> triggers,
                                Incidents incidents) {
            Runbook.Builder b = Runbook.builder(router);
            if (engine != null) {
                b.engine(engine);
            } else {
                b.triggers(triggers);
            }
            return GameDay.runbook(b, scenario.incident(), incidents);
        }

        /** After a strategy tick: a refused rollback puts the runbook's self-check errors on the timeline. */
        private void afterTick() {
            if (!selfCheckDue) {
                return;
            }
            selfCheckDue = false;
            List<Finding> errors = runbook.selfCheck().stream().filter(f -> f.severity() == Finding.Severity.ERROR).toList();
            event("self-check", errors.isEmpty() ? "no error"
                    : errors.stream().map(f -> "ERROR " + f.code() + ": " + f.message()).collect(Collectors.joining("; ")));
        }

        /**
         * An incident manager writing to the evidence directory, set up from the scenario's incident section
         * (its checks are the absolute triggers unless the scenario lists its own).
         */
        private Incidents incidents(ManagedModelRouter<Request, Double> router, TriggerEngine engine) {
            return GameDay.incidents(scenario.incident(), router, clock, evidence, engine);
        }

        /** Writes the runbook of the router as it is now (once per run; only with evidence). */
        private void writeRunbook() {
            if (evidence == null || runbookFile != null) {
                return;
            }
            Path file = evidence.resolve("runbook-" + fileName(scenario) + ".md");
            runbookFindings = runbook.selfCheck();
            try {
                AtomicFiles.write(file, runbook.toMarkdown().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("game day '" + scenario.name() + "': cannot write the runbook " + file + ": "
                        + e.getMessage(), e);
            }
            runbookFile = file;
        }

        /** Evaluates the incidents (if any) and puts their openings and endings on the timeline. */
        private void evaluate(Incidents incidents) {
            if (incidents == null) {
                return;
            }
            incidents.evaluate();
            for (Incident incident : incidents.incidents()) {
                IncidentStatus before = incidentStatus.put(incident.id(), incident.status());
                if (before == null && incident.rollbackRefused()) {
                    event(incident.openedAt(), "incident-escalated", incident.id() + ": rollback refused, the last-known-good "
                            + names.get(incident.lastKnownGood()) + " cannot serve; escalated at once, "
                            + incident.frozen().stream().map(f -> names.get(f.release())).toList() + " keep serving");
                    continue;
                }
                if (before == null) {
                    Incident.Verification v = incident.verification();
                    event(incident.openedAt(), "incident-opened", incident.id() + ": "
                            + (incident.segment() == null ? "every segment" : "segment " + incident.segment())
                            + " rolled back to " + names.get(incident.lastKnownGood()) + "; "
                            + (v.state() == Incident.Verification.State.NOT_CONFIGURED
                            ? "no verification checks, it stays open until resolved by hand"
                            : "verifying " + checkNames() + " until +" + clockTime(v.deadline())));
                }
                if (before != incident.status() && incident.status() != IncidentStatus.OPEN) {
                    String checks = incident.verification().checks().stream()
                            .map(c -> c.trigger() + " " + c.level() + " (" + number(c.evidence().candidateValue()) + ")")
                            .collect(Collectors.joining(", "));
                    if (incident.status() == IncidentStatus.ESCALATED) {
                        event(incident.endedAt(), "incident-escalated", incident.id() + ": rollback did not restore the SLOs"
                                + " within " + scenario.incident().verificationWithin() + ": " + checks);
                    } else {
                        event(incident.endedAt(), "incident-resolved", incident.id() + ": verification "
                                + incident.verification().state() + (checks.isEmpty() ? "" : ": " + checks));
                    }
                }
            }
        }

        /**
         * After the rollout ended: traffic goes on (the strategy no longer ticks) while an incident's
         * verification runs, at most until the last verification deadline. Only with evidence.
         */
        private void awaitVerification(ManagedModelRouter<Request, Double> router, Incidents incidents) {
            if (incidents == null) {
                return;
            }
            List<Incident> running = verifying(incidents);
            if (running.isEmpty()) {
                return;
            }
            Instant deadline = running.stream().map(i -> i.verification().deadline()).max(Instant::compareTo).orElseThrow();
            event("verifying", running.size() + " incident(s) verifying recovery; traffic goes on until they resolve or"
                    + " escalate, at most until +" + clockTime(deadline));
            long s = Duration.between(scenario.start(), clock.now()).toSeconds();
            while (!verifying(incidents).isEmpty() && !clock.now().isAfter(deadline)) {
                second(router, s++);
                evaluate(incidents);
            }
        }

        private static List<Incident> verifying(Incidents incidents) {
            return incidents.open().stream()
                    .filter(i -> i.verification().state() == Incident.Verification.State.RUNNING).toList();
        }

        private String checkNames() {
            return scenario.incident().checks().stream().map(TriggerSpec::name).collect(Collectors.joining(", "));
        }

        /** {@code hh:mm:ss} since the start of the run. */
        private String clockTime(Instant at) {
            return GameDay.clockTime(scenario.start(), at);
        }

        /**
         * The result; with evidence, waits until every bundle is written, writes the shadow report (when there is a
         * shadow) and lists the incidents and the files.
         */
        private GameDayResult result(String outcome, ManagedModelRouter<Request, Double> router, List<Verdict> kept,
                                     Map<String, String> segmentOutcomes, Incidents incidents, ShadowGate gate, ShadowReport report) {
            List<GameDayResult.IncidentOutcome> outcomes = new ArrayList<>();
            GameDayResult.Evidence files = null;
            if (incidents != null) {
                writeRunbook();
                try {
                    if (!incidents.flush(FLUSH_TIMEOUT)) {
                        throw new UncheckedIOException(new IOException("game day '" + scenario.name()
                                + "': the incident bundles were not written within " + FLUSH_TIMEOUT + " to " + evidence));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("game day '" + scenario.name() + "': interrupted while writing the bundles", e);
                }
                FileSystemEvidenceStore store = (FileSystemEvidenceStore) incidents.store();
                for (Incident i : incidents.incidents()) {
                    outcomes.add(new GameDayResult.IncidentOutcome(i.id(), i.segment() == null ? null : i.segment().name(),
                            i.status(), i.openedAt(), i.endedAt(), i.verification().state(), store.directory(i.id()), i.rollbackRefused()));
                }
                Path html = null;
                Path json = null;
                if (report != null) {
                    html = store.root().resolve("shadow-report-" + fileName(scenario) + ".html");
                    json = store.root().resolve("shadow-report-" + fileName(scenario) + ".json");
                    writeShadowReport(report, gate, html, json);
                }
                files = new GameDayResult.Evidence(store.root(), runbookFile, runbookFindings, html, json);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            releases.forEach((name, release) -> labels.put(name, release.label()));
            return new GameDayResult(scenario.name(), seed, outcome, List.copyOf(events), routing(router), kept, detection, requests,
                    segmentOutcomes, outcomes, files, labels, flags.snapshot(), runbook.selfCheck(), refusals, null);
        }

        /** The shadow report as HTML (led by the releases compared and the gate's decision) and as JSON. */
        private void writeShadowReport(ShadowReport report, ShadowGate gate, Path html, Path json) {
            String candidate = describe(scenario.strategy().candidate());
            String baseline = describe(scenario.lastKnownGood().name());
            ShadowGate.Decision decision = gate.evaluate(report);
            JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
            ObjectNode root = mapper.createObjectNode();
            root.put("scenario", scenario.name());
            root.putObject("candidate").put("name", scenario.strategy().candidate())
                    .put("release", releases.get(scenario.strategy().candidate()).id().value())
                    .put("label", releases.get(scenario.strategy().candidate()).label());
            root.putObject("baseline").put("name", scenario.lastKnownGood().name())
                    .put("release", releases.get(scenario.lastKnownGood().name()).id().value())
                    .put("label", releases.get(scenario.lastKnownGood().name()).label());
            ObjectNode g = root.putObject("gate");
            g.put("decision", decisionName(decision)).put("threshold", gate.defaultThreshold()).put("minCompared", gate.minCompared())
                    .put("metric", gate.metric().name());
            ArrayNode breaches = g.putArray("breaches");
            if (decision instanceof ShadowGate.Blocked blocked) {
                blocked.breaches().forEach(b -> breaches.addObject().put("where", b.where()).put("segment", b.segment())
                        .put("timeOfDay", b.timeOfDay()).put("attribute", b.attribute()).put("rate", b.rate())
                        .put("threshold", b.threshold()).put("compared", b.compared()));
            }
            ArrayNode shortfalls = g.putArray("shortfalls");
            if (decision instanceof ShadowGate.Inconclusive inconclusive) {
                inconclusive.shortfalls().forEach(f -> shortfalls.addObject().put("segment", f.segment())
                        .put("compared", f.compared()).put("required", f.required()));
            }
            root.set("report", mapper.readTree(report.toJson()));
            try {
                AtomicFiles.write(html, report.toHtml(candidate, baseline, gate).getBytes(StandardCharsets.UTF_8));
                AtomicFiles.write(json, mapper.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("game day '" + scenario.name() + "': cannot write the shadow report " + html + ": "
                        + e.getMessage(), e);
            }
        }

        private String describe(String releaseName) {
            return releaseName + " (" + releases.get(releaseName).label() + ")";
        }

        private static String decisionName(ShadowGate.Decision decision) {
            return decision instanceof ShadowGate.Blocked ? "blocked" : decision instanceof ShadowGate.Open ? "open" : "inconclusive";
        }

        /**
         * Shadow mode: the last-known-good serves everything while a share of its calls is mirrored
         * to the candidate; at the end the promotion gate decides whether a canary may start.
         */
        private GameDayResult shadow(ManagedModelRouter<Request, Double> router, ReleaseId candidate, SyntheticRelease lkg) {
            Scenario.StrategySpec strategy = scenario.strategy();
            ShadowGate gate = gate(strategy.shadow());
            event("start", "last-known-good " + lkg.name() + " serves all traffic; " + percent(strategy.shadow().share())
                    + " % mirrored to " + strategy.candidate() + " in shadow"
                    + (strategy.shadow().noiseRate() > 0 ? "; noise cancellation on " + percent(strategy.shadow().noiseRate())
                    + " % of mirrored calls" : ""));
            long seconds = scenario.duration().toSeconds();
            long startAfter = strategy.startAfter().toSeconds();
            Incidents incidents = evidence == null ? null : incidents(router, null);
            runbook = runbook(router, null, scenario.triggers(), incidents);
            try (ShadowRunner<Request, Double> runner = shadowRunner(strategy.shadow())) {
                for (long s = 0; s < seconds; s++) {
                    if (s == startAfter) {
                        startShadow(router, candidate, runner);
                        writeRunbook();
                    }
                    second(router, s);
                    evaluate(incidents);
                }
                router.stopShadow();
                ShadowReport report = runner.report();
                ShadowGate.Decision decision = gate.evaluate(report);
                String outcome;
                if (decision instanceof ShadowGate.Blocked blocked) {
                    outcome = "blocked";
                    detect(clock.now());
                    shadowBlocked(blocked);
                } else {
                    outcome = "running";
                    event("shadow-gate", "gate " + decisionName(decision) + ": "
                            + (decision instanceof ShadowGate.Open ? "the canary may start" : "too few compared calls to decide"));
                }
                shadowReport(report);
                end(outcome, "");
                return result(outcome, router, List.of(), Map.of(), incidents, gate, report);
            } finally {
                if (incidents != null) {
                    incidents.close();
                }
            }
        }

        /**
         * The shadow runner: the candidate's synthetic model on a copy of the LKG's calls, compared with the numeric
         * comparator; with {@code noiseRate}, the LKG runs again on that share for noise cancellation; with an
         * {@code attribute}, mismatches are broken down by it.
         */
        private ShadowRunner<Request, Double> shadowRunner(Scenario.Shadow shadow) {
            ShadowRunner.Builder<Request, Double> b = ShadowRunner.<Request, Double>builder(
                            models.get(scenario.strategy().candidate()).forShadow())
                    .name(scenario.name())
                    .comparator(ShadowComparator.numeric(shadow.tolerance(), 0.0))
                    .sampleRate(shadow.share())
                    .seed(seed)
                    .executor(Runnable::run)
                    .timeSource(clock)
                    .timeOfDay(TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 22, 6).otherwise("day").build());
            if (shadow.noiseRate() > 0) {
                b.baseline(models.get(scenario.lastKnownGood().name()).forShadow()).noiseRate(shadow.noiseRate());
            }
            if (shadow.attribute() != null) {
                b.attribute(shadow.attribute());
            }
            return b.build();
        }

        private static ShadowGate gate(Scenario.Shadow shadow) {
            return ShadowGate.builder().defaultThreshold(shadow.threshold()).minCompared(shadow.minCompared()).build();
        }

        private void startShadow(ManagedModelRouter<Request, Double> router, ReleaseId candidate, ShadowRunner<Request, Double> runner) {
            router.startShadow(candidate, runner);
            candidateSince = clock.now();
            event("shadow-started", scenario.strategy().candidate() + " receives a copy of " + percent(scenario.strategy().shadow().share())
                    + " % of the traffic");
        }

        private void shadowBlocked(ShadowGate.Blocked blocked) {
            for (ShadowGate.Breach breach : blocked.breaches()) {
                event("shadow-blocked", (breach.attribute() != null ? "attribute " : "segment ") + breach.where()
                        + String.format(Locale.ROOT, ": excess mismatch %.1f %% > %.1f %% over %d compared calls", breach.rate() * 100,
                        breach.threshold() * 100, breach.compared()));
            }
        }

        private void shadowReport(ShadowReport report) {
            ShadowReport.Counts total = report.total();
            event("shadow-report", String.format(Locale.ROOT, "%d compared, %.2f %% mismatched overall", total.compared(),
                    total.mismatchRate() * 100)
                    + (total.noiseCompared() == 0 ? "" : String.format(Locale.ROOT, " (baseline noise %.2f %% over %d self-comparisons,"
                    + " excess %.2f %%)", total.noiseRate() * 100, total.noiseCompared(), total.excessMismatchRate() * 100))
                    + "; " + total.drops() + " dropped");
        }

        /** A verdict's value for the timeline: 4 significant digits, {@code n/a} when there is none. */
        private static long percent(double share) {
            return Math.round(share * 100);
        }

        /** What the run loop drives: one rollout, or one canary per segment. */
        private interface Driver extends AutoCloseable {
            void tick();

            boolean over();

            String outcome();

            String label();

            Map<String, String> segmentOutcomes();

            @Override
            void close();
        }

        private Driver driver(ManagedModelRouter<Request, Double> router, ReleaseId candidate, TriggerEngine engine,
                              ShadowRunner<Request, Double> runner) {
            Scenario.StrategySpec strategy = scenario.strategy();
            ShadowGate gate = runner == null ? null : gate(strategy.shadow());
            if (strategy.perSegment()) {
                SegmentedRollout.Builder b = SegmentedRollout.builder(router, candidate, engine).clock(clock);
                strategy.segments().forEach((segment, plan) -> b.segment(Segment.of(segment), plan(plan.steps(), plan.stepDeadline())));
                if (gate != null) {
                    b.shadowGate(gate, runner::report);
                }
                SegmentedRollout segmented = b.build();
                segmented.rollouts().forEach((segment, rollout) -> watch(rollout, segment.name() + ": "));
                return new Driver() {
                    public void tick() {
                        segmented.tick();
                    }

                    public boolean over() {
                        return segmented.isOver();
                    }

                    public String outcome() {
                        return GameDay.outcome(segmented.phase());
                    }

                    public String label() {
                        StringBuilder out = new StringBuilder();
                        segmented.statuses().forEach((segment, status) -> out.append(out.length() == 0 ? "" : ", ").append(segment)
                                .append(' ').append(GameDay.outcome(status.phase())).append(' ').append(status.label()));
                        return out + (segmented.routerPromoted() ? "; router promoted" : "");
                    }

                    public Map<String, String> segmentOutcomes() {
                        Map<String, String> out = new LinkedHashMap<>();
                        segmented.statuses().forEach((segment, status) -> out.put(segment.name(), GameDay.outcome(status.phase())));
                        return out;
                    }

                    public void close() {
                        segmented.close();
                    }
                };
            }
            Rollout rollout = switch (strategy.kind()) {
                case "blueGreen" -> BlueGreenRollout.builder(router, candidate, engine,
                        BlueGreenPlan.builder().bake(strategy.steps().get(0).bake()).build()).clock(clock).build();
                default -> {
                    CanaryRollout.Builder b = CanaryRollout.builder(router, candidate, engine, plan(strategy.steps(), strategy.stepDeadline()))
                            .clock(clock);
                    if (gate != null) {
                        b.shadowGate(gate, runner::report);
                    }
                    yield b.build();
                }
            };
            watch(rollout, "");
            return new Driver() {
                public void tick() {
                    rollout.tick();
                }

                public boolean over() {
                    return rollout.status().phase().isTerminal();
                }

                public String outcome() {
                    return GameDay.outcome(rollout.status().phase());
                }

                public String label() {
                    return rollout.status().label();
                }

                public Map<String, String> segmentOutcomes() {
                    return Map.of();
                }

                public void close() {
                    rollout.close();
                }
            };
        }

        /** Timeline entries for the rollout's transitions; a shadow gate's block adds its breaches. */
        private void watch(Rollout rollout, String prefix) {
            rollout.onTransition(t -> {
                event("rollout", prefix + t.from().label() + " -> " + t.to().label() + ": " + t.reason());
                if (t.to().phase() == RolloutPhase.BLOCKED && rollout instanceof CanaryRollout canary) {
                    detect(t.time());
                    canary.gateDecision().ifPresent(d -> {
                        if (d instanceof ShadowGate.Blocked blocked) {
                            shadowBlocked(blocked);
                        } else {
                            event("shadow-gate", prefix + t.reason());
                        }
                    });
                }
            });
        }

        private void sendOneSecond(ManagedModelRouter<Request, Double> router) {
            Scenario.Traffic t = scenario.traffic();
            Instant now = clock.now();
            int hour = now.atZone(ZoneOffset.UTC).getHour();
            long n = traffic.count(now);
            for (long i = 0; i < n; i++) {
                clock.settle();
                TrafficSource.Call call = traffic.next(hour);
                requests++;
                try {
                    Decision<Double> decision = router.decide(call.request(), call.context());
                    if (t.kpi() != null) {
                        SyntheticRelease served = byName.get(names.get(decision.release()));
                        double rateNow = served.behaviourAt(elapsed(), call.request().segment).kpiRate();
                        router.telemetry().reportKpi(t.kpi(), decision, traffic.nextDouble() < rateNow ? 1 : 0);
                    }
                } catch (Exception modelFailure) {
                    // the synthetic model's error: counted by the router's telemetry, seen by the caller as usual
                }
            }
        }

        private void onRouterEvent(RouterEvent e) {
            if (e instanceof RouterEvent.WeightsChanged w) {
                if (candidateSince == null && w.after().keySet().stream().anyMatch(id -> !byName.get(names.get(id)).lastKnownGood())) {
                    candidateSince = w.time();
                }
                refusalShown = false;
                event("weights-changed", w.segment() + ": " + named(w.after()) + " (" + w.cause().reason() + ")");
            } else if (e instanceof RouterEvent.RolledBack r) {
                detect(r.time());
                event("rolled-back", "all traffic to " + names.get(r.lastKnownGood()) + "; quarantined " + r.rolledBack().stream()
                        .map(names::get).toList() + "; flags off " + r.flagsDisabled() + "; trigger " + r.cause().trigger()
                        + " (" + r.cause().severity() + ")");
            } else if (e instanceof RouterEvent.SegmentRolledBack r) {
                detect(r.time());
                event("segment-rolled-back", r.segment() + " to " + names.get(r.lastKnownGood()) + "; trigger " + r.cause().trigger());
            } else if (e instanceof RouterEvent.Promoted p) {
                event("promoted", names.get(p.promoted()) + " is the last-known-good");
            } else if (e instanceof RouterEvent.RollbackRefused r) {
                refusals++;
                if (!refusalShown) {
                    refusalShown = true;
                    selfCheckDue = true;
                    detect(r.time());
                    ReleaseHealth lkg = r.lastKnownGood();
                    event("rollback-refused", "rollback to " + names.get(lkg.release()) + " refused: it is " + lkg.state()
                            + (lkg.lastFailure() == null ? "" : " (" + lkg.lastFailure() + ")") + "; trigger " + r.cause().trigger()
                            + " (" + r.cause().severity() + "); the candidate keeps serving, nothing routes to an unhealthy release");
                }
            } else if (e instanceof RouterEvent.HealthCheckFailed h) {
                String name = names.get(h.release());
                if (h.unhealthy() && !Boolean.TRUE.equals(failing.get(h.release()))) {
                    failing.put(h.release(), true);
                    refusalShown = false;
                    event("release-unhealthy", name + " is UNHEALTHY after " + h.consecutiveFailures() + " failed probe(s): "
                            + h.reason() + (byName.get(name).lastKnownGood() ? "; a rollback onto it would be refused" : "; out of traffic"));
                } else if (!h.unhealthy() && !failing.containsKey(h.release())) {
                    failing.put(h.release(), false);
                    event("health-check-failed", name + ": " + h.reason() + " (" + h.consecutiveFailures() + " in a row)");
                }
            } else if (e instanceof RouterEvent.HealthRecovered h) {
                failing.remove(h.release());
                refusalShown = false;
                event("health-recovered", names.get(h.release()) + " passed its health probe again and may serve");
            }
        }

        private void onVerdict(Verdict v) {
            String key = v.trigger() + "|" + v.candidate() + "|" + v.segment();
            lastVerdicts.put(key, v);
            if (v.level().isBreach() && verdicts.stream().noneMatch(k -> (k.trigger() + "|" + k.candidate() + "|" + k.segment()).equals(key))) {
                verdicts.add(v);
                event("breach", v.summary(names.getOrDefault(v.candidate(), v.candidate().value())));
            } else if (v.level() == VerdictLevel.INCONCLUSIVE && v.evidence().breachingSince() != null
                    && v.evidence().breachingSince().equals(v.time())) {
                event("breaching", v.trigger() + " starts breaching" + (v.segment() == null ? "" : " in " + v.segment())
                        + ": " + v.evidence().note());
            }
        }

        private void detect(Instant at) {
            if (Double.isNaN(detection) && candidateSince != null) {
                detection = Duration.between(candidateSince, at).toMillis() / 1000.0;
            }
        }

        private String named(Map<ReleaseId, Integer> weights) {
            return GameDay.named(weights, names);
        }

        private Map<String, Map<String, Integer>> routing(ManagedModelRouter<Request, Double> router) {
            return GameDay.routing(router, names);
        }

        private void event(String type, String detail) {
            events.add(new GameDayResult.Event(elapsed().toMillis() / 1000.0, type, detail));
        }

        private void event(Instant at, String type, String detail) {
            events.add(new GameDayResult.Event(Duration.between(scenario.start(), at).toMillis() / 1000.0, type, detail));
        }

        private Duration elapsed() {
            return Duration.ofMillis(clock.currentTimeMillis() - scenario.start().toEpochMilli());
        }
    }
}
