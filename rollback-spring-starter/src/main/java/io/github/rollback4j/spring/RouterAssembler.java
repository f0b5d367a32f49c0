package io.github.rollback4j.spring;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ConfigVersion;
import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.RouterConfig;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.fleet.Fleet;
import io.github.rollback4j.core.fleet.FleetMember;
import io.github.rollback4j.core.incident.FileSystemEvidenceStore;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.incident.LogNotifier;
import io.github.rollback4j.core.incident.MaskedUrls;
import io.github.rollback4j.core.incident.Notifier;
import io.github.rollback4j.core.incident.Redactor;
import io.github.rollback4j.core.incident.SlackNotifier;
import io.github.rollback4j.core.incident.WebhookNotifier;
import io.github.rollback4j.core.shadow.ShadowComparator;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.core.spec.SpecNode;
import io.github.rollback4j.core.spec.TriggerSpecs;
import io.github.rollback4j.core.strategy.BlueGreenPlan;
import io.github.rollback4j.core.strategy.BlueGreenRollout;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.trigger.TriggerSpec;
import org.springframework.beans.factory.ListableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one {@code rollback4j.routers.<name>} entry, laid over its base config ({@link BaseConfigs}), into
 * a router with its engine, rollout and shadow. Every refusal is a {@link RollbackPropertyException} naming the property path in
 * Spring's kebab-case, the value and the fix; trigger validation is the YAML loader's
 * ({@link TriggerSpecs}), fed the same map shape.
 */
final class RouterAssembler {

    private static final String DEFAULTS = "rollback4j.defaults.";
    private static final Set<String> STRATEGIES = Set.of("none", "canary", "blue-green");
    private static final List<String> COMPARATORS = List.of("exact", "numeric");
    private static final Pattern PATH_TOKEN = Pattern.compile("\\.([^.\\[]+)|\\[(\\d+)]");
    /** Bake of every step of the standard canary plan when strategy.canary.bake is unset. */
    static final Duration DEFAULT_CANARY_BAKE = Duration.ofMinutes(10);

    private final RollbackProperties properties;
    private final ListableBeanFactory beans;
    private final List<Notifier> extraNotifiers;
    private final Fleet fleet;

    /**
     * @param extraNotifiers notifiers every router's incident manager gets besides those of its properties
     *                       (the Spring event publisher, the context's Notifier beans)
     */
    RouterAssembler(RollbackProperties properties, ListableBeanFactory beans, List<Notifier> extraNotifiers) {
        this(properties, beans, extraNotifiers, null);
    }

    /**
     * @param fleet this replica's fleet (routers share their state and telemetry through it), or {@code null}
     */
    RouterAssembler(RollbackProperties properties, ListableBeanFactory beans, List<Notifier> extraNotifiers, Fleet fleet) {
        this.properties = properties;
        this.beans = beans;
        this.extraNotifiers = List.copyOf(extraNotifiers);
        this.fleet = fleet;
    }

    /**
     * @param name the router's name
     * @param own the router's properties as bound; unset settings come from its base config, then the defaults
     */
    RollbackRouters.Entry build(String name, RollbackProperties.Router own) {
        BaseConfigs.Resolved resolved = BaseConfigs.resolve(name, own, properties.getConfigs());
        try {
            return assemble(name, resolved.router());
        } catch (RollbackPropertyException e) {
            throw resolved.relocate(e);   // name the config's property when the refused value came from there
        }
    }

    private RollbackRouters.Entry assemble(String name, RollbackProperties.Router rp) {
        String p = "rollback4j.routers." + name;
        RollbackProperties.Defaults d = properties.getDefaults();
        List<RollbackProperties.Release> releases = rp.getReleases();
        if (releases == null || releases.isEmpty()) {
            throw new RollbackPropertyException(p + ".releases", null, "a router needs releases",
                    "List at least one release (name, model-bean, version, digest) and mark the last-known-good with lkg: true");
        }
        int lkgIndex = lkgIndex(p, releases);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < releases.size(); i++) {
            String rn = releases.get(i).getName();
            if (rn == null || rn.isBlank()) {
                throw new RollbackPropertyException(p + ".releases[" + i + "].name", rn, "is required",
                        "Name the release, e.g. v1; the name is used by strategy.candidate, segments and the Actuator endpoint");
            }
            if (!names.add(rn)) {
                throw new RollbackPropertyException(p + ".releases[" + i + "].name", rn, "is used by an earlier release",
                        "Give every release of router '" + name + "' its own name");
            }
        }

        Setting<Integer> warmUp = setting(p, "warm-up-calls", rp.getWarmUpCalls(), d.getWarmUpCalls());
        Setting<Duration> probeTimeout = setting(p, "probe-timeout", rp.getProbeTimeout(), d.getProbeTimeout());
        Setting<Integer> unhealthyAfter = setting(p, "unhealthy-after-failures", rp.getUnhealthyAfterFailures(), d.getUnhealthyAfterFailures());

        List<ReleaseSpec<Object, Object>> specs = new ArrayList<>();
        Map<String, ReleaseId> ids = new LinkedHashMap<>();
        for (int i = 0; i < releases.size(); i++) {
            ReleaseSpec<Object, Object> spec = releaseSpec(name, p + ".releases[" + i + "]", releases.get(i), rp,
                    warmUp, probeTimeout, unhealthyAfter);
            if (ids.containsValue(spec.release().id())) {
                throw new RollbackPropertyException(p + ".releases[" + i + "].digest", releases.get(i).getDigest(),
                        "gives the same release id " + spec.release().id() + " as an earlier release",
                        "Releases are named by their digests: two releases of a router must differ in model, feature or config digest");
            }
            specs.add(spec);
            ids.put(releases.get(i).getName(), spec.release().id());
        }

        RouterConfig config = routerConfig(p, rp, d);
        TelemetryConfig telemetry = telemetryConfig(p, rp, d);
        ModelRouters.Builder<Object, Object> builder = ModelRouters.builder(name, specs.get(lkgIndex));
        for (int i = 0; i < specs.size(); i++) {
            if (i != lkgIndex) {
                builder.release(specs.get(i));
            }
        }
        ManagedModelRouter<Object, Object> router;
        try {
            if (fleet != null) {
                builder.stateStore(fleet.stateStore());
            }
            router = builder.config(config).telemetry(telemetry).build();
        } catch (IllegalArgumentException e) {
            throw new RollbackPropertyException(p, name, e.getMessage(),
                    "Router names are 1 to 64 characters of letters, digits, '.', '_' or '-'", e);
        }
        try {
            applySegments(p, rp, router, ids);
            TriggerEngine engine = engine(p, rp, d, router);
            String strategy = strategyType(p, rp);
            Duration tick = tickInterval(p, rp, d);
            Rollouts rollouts = rollout(p, rp, router, ids, releases.get(lkgIndex).getName(), engine, strategy);
            ShadowRunner<Object, Object> shadow = null;
            ReleaseId shadowCandidate = null;
            if (rp.getShadow() != null && Boolean.TRUE.equals(rp.getShadow().getEnabled())) {
                String candidateName = candidateName(p + ".shadow.candidate", rp.getShadow().getCandidate(), ids,
                        releases.get(lkgIndex).getName());
                shadowCandidate = ids.get(candidateName);
                shadow = shadow(p + ".shadow", name, rp.getShadow(), specs.get(indexOf(releases, candidateName)).model(),
                        specs.get(lkgIndex).model());
            }
            Incidents incidents = incidents(p, rp, d, router, engine);
            FleetMember member = null;
            if (fleet != null) {
                FleetMember.Builder join = fleet.join(router);
                if (engine != null) {
                    join.engine(engine);
                }
                if (rollouts.single() != null) {
                    join.rollout(rollouts.single());
                } else if (rollouts.segmented() != null) {
                    join.rollout(rollouts.segmented());
                }
                if (incidents != null) {
                    join.incidents(incidents);
                }
                member = join.build();
            }
            return new RollbackRouters.Entry(name, router, orderedCopy(ids),
                    engine, rollouts.single(), strategy, tick, shadow, shadowCandidate, incidents, rollouts.segmented(), member);
        } catch (RuntimeException e) {
            router.close();
            throw e;
        }
    }

    private static Map<String, ReleaseId> orderedCopy(Map<String, ReleaseId> ids) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ids));
    }

    private static int indexOf(List<RollbackProperties.Release> releases, String name) {
        for (int i = 0; i < releases.size(); i++) {
            if (name.equals(releases.get(i).getName())) {
                return i;
            }
        }
        throw new IllegalStateException("release '" + name + "' vanished");
    }

    private static int lkgIndex(String p, List<RollbackProperties.Release> releases) {
        int found = -1;
        for (int i = 0; i < releases.size(); i++) {
            if (releases.get(i).isLkg()) {
                if (found >= 0) {
                    throw new RollbackPropertyException(p + ".releases[" + i + "].lkg", true,
                            "is a second last-known-good: releases[" + found + "] (" + releases.get(found).getName() + ") already has lkg: true",
                            "Mark exactly one release of the router with lkg: true: the one serving all traffic today");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new RollbackPropertyException(p + ".releases", null, "no release has lkg: true",
                    "Mark exactly one release with lkg: true: the last-known-good that serves all traffic at startup and is the rollback target");
        }
        return found;
    }

    // ------------------------------------------------------------------ releases

    @SuppressWarnings("unchecked")
    private ReleaseSpec<Object, Object> releaseSpec(String router, String p, RollbackProperties.Release r, RollbackProperties.Router rp,
                                                     Setting<Integer> warmUp, Setting<Duration> probeTimeout,
                                                     Setting<Integer> unhealthyAfter) {
        Model<Object, Object> model = (Model<Object, Object>) bean(p + ".model-bean", r.getModelBean(), Model.class,
                "a bean implementing io.github.rollback4j.Model");
        Release release = attempt(() -> release(router, p, r).withName(r.getName()), message -> new String[] {p + ".name", r.getName(),
                "Name the release with up to " + Release.MAX_NAME_LENGTH + " letters, digits, '.', '_', ':', '+', '/', '@' or '-', e.g. v2;"
                        + " the name is what logs, metrics and the Actuator endpoint show"});
        String samplesPath = r.getSampleInputsBean() != null ? p + ".sample-inputs-bean"
                : "rollback4j.routers." + router + ".sample-inputs-bean";
        String samplesBean = r.getSampleInputsBean() != null ? r.getSampleInputsBean() : rp.getSampleInputsBean();
        List<Object> samples = sampleInputs(samplesPath, samplesBean);
        Setting<Integer> calls = r.getWarmUpCalls() != null ? new Setting<>(p + ".warm-up-calls", r.getWarmUpCalls()) : warmUp;
        Setting<Duration> timeout = r.getProbeTimeout() != null ? new Setting<>(p + ".probe-timeout", r.getProbeTimeout()) : probeTimeout;
        Setting<Integer> failures = r.getUnhealthyAfterFailures() != null
                ? new Setting<>(p + ".unhealthy-after-failures", r.getUnhealthyAfterFailures()) : unhealthyAfter;
        check(calls, 0, ReleaseSpec.MAX_WARMUP_CALLS);
        check(failures, 1, 100);
        checkDuration(timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
        return ReleaseSpec.builder(release, model).sampleInputs(samples).warmupCalls(calls.value())
                .probeTimeout(timeout.value()).unhealthyAfterFailures(failures.value()).build();
    }

    private Release release(String router, String p, RollbackProperties.Release r) {
        String modelName = r.getModelName() != null ? r.getModelName() : router;
        ModelVersion.Builder mv = ModelVersion.builder(modelName).version(r.getVersion()).digest(r.getDigest());
        Map<String, List<String>> compatible = new LinkedHashMap<>();
        if (r.getCompatibleWith() != null && !r.getCompatibleWith().isEmpty()) {
            compatible.putAll(r.getCompatibleWith());
        } else {
            for (RollbackProperties.Feature f : r.getFeatures()) {
                if (f.getName() != null && f.getVersion() != null) {
                    compatible.computeIfAbsent(f.getName(), k -> new ArrayList<>()).add(f.getVersion());
                }
            }
        }
        ModelVersion model = attempt(() -> {
            compatible.forEach((feature, versions) -> mv.compatibleWith(feature, versions.toArray(String[]::new)));
            return mv.build();
        }, message -> {
            if (message.startsWith("ModelVersion.digest")) {
                return new String[] {p + ".digest", r.getDigest(), "Write the content digest: sha256: followed by 64 lower-case hex characters"};
            }
            if (message.startsWith("ModelVersion.version")) {
                return new String[] {p + ".version", r.getVersion(), "Write an immutable version such as 1.3.2, never a tag such as latest"};
            }
            if (message.startsWith("ModelVersion.name")) {
                return new String[] {p + ".model-name", modelName, "Name the model with letters, digits, '.', '_' or '-'"};
            }
            return new String[] {p + ".compatible-with", String.valueOf(r.getCompatibleWith()), "List immutable feature versions per feature name"};
        });
        Release.Builder rb = Release.builder(model);
        for (int j = 0; j < r.getFeatures().size(); j++) {
            RollbackProperties.Feature f = r.getFeatures().get(j);
            String fp = p + ".features[" + j + "]";
            rb.feature(attempt(() -> FeatureVersion.of(f.getName(), f.getVersion(), f.getDigest()), message -> {
                if (message.startsWith("FeatureVersion.digest")) {
                    return new String[] {fp + ".digest", f.getDigest(), "Write the feature's digest: sha256: followed by 64 lower-case hex characters"};
                }
                if (message.startsWith("FeatureVersion.version")) {
                    return new String[] {fp + ".version", f.getVersion(), "Write an immutable version such as v5"};
                }
                return new String[] {fp + ".name", f.getName(), "Name the feature, e.g. categorical-encoder"};
            }));
        }
        if (r.getConfigVersion() != null || r.getConfigDigest() != null) {
            rb.config(attempt(() -> ConfigVersion.of(r.getConfigVersion(), r.getConfigDigest()), message -> message.startsWith("ConfigVersion.digest")
                    ? new String[] {p + ".config-digest", r.getConfigDigest(), "Write sha256: followed by 64 lower-case hex characters, together with config-version"}
                    : new String[] {p + ".config-version", r.getConfigVersion(), "Write an immutable config version such as cfg-42, together with config-digest"}));
        }
        for (int j = 0; j < r.getFeatureFlags().size(); j++) {
            String flag = r.getFeatureFlags().get(j);
            String fp = p + ".feature-flags[" + j + "]";
            attempt(() -> rb.featureFlag(flag), message -> new String[] {fp, flag,
                    "Flags are 1 to 128 characters of letters, digits, '.', '_', ':' or '-'"});
        }
        return attempt(rb::build, message -> new String[] {p + ".features", describeFeatures(r.getFeatures()),
                "Pair the model with exactly the feature versions it declares (compatible-with), one version per feature"});
    }

    private static String describeFeatures(List<RollbackProperties.Feature> features) {
        List<String> out = new ArrayList<>();
        features.forEach(f -> out.add(f.getName() + ":" + f.getVersion()));
        return out.toString();
    }

    private Object bean(String path, String beanName, Class<?> type, String what) {
        if (beanName == null || beanName.isBlank()) {
            throw new RollbackPropertyException(path, beanName, "is required", "Name " + what + " "
                    + candidates(type));
        }
        if (!beans.containsBean(beanName)) {
            throw new RollbackPropertyException(path, beanName, "names no bean", "Name " + what + " " + candidates(type));
        }
        if (!beans.isTypeMatch(beanName, type)) {
            throw new RollbackPropertyException(path, beanName, "names a bean that is not a " + type.getName(),
                    "Name " + what + " " + candidates(type));
        }
        return beans.getBean(beanName);
    }

    private String candidates(Class<?> type) {
        String[] names = beans.getBeanNamesForType(type);
        return names.length == 0 ? "(the context has none; define one with @Bean)" : "(the context has " + Arrays.toString(names) + ")";
    }

    private List<Object> sampleInputs(String path, String beanName) {
        if (beanName == null || beanName.isBlank()) {
            throw new RollbackPropertyException(path, null, "is required",
                    "Name a bean holding the inputs for warm-up and health probes: a java.util.Collection or a Supplier of one "
                            + "(set it on the router or on the release)");
        }
        if (!beans.containsBean(beanName)) {
            throw new RollbackPropertyException(path, beanName, "names no bean",
                    "Name a java.util.Collection bean (or a Supplier of one) holding at least one model input");
        }
        Object bean = beans.getBean(beanName);
        Object value = bean instanceof Supplier<?> supplier && !(bean instanceof Collection<?>) ? supplier.get() : bean;
        if (!(value instanceof Collection<?> collection)) {
            throw new RollbackPropertyException(path, beanName, "names a " + bean.getClass().getName() + ", not a Collection",
                    "Name a java.util.Collection bean (or a Supplier of one) holding at least one model input");
        }
        if (collection.isEmpty()) {
            throw new RollbackPropertyException(path, beanName, "names an empty collection",
                    "Give at least one model input: the router warms each release and probes its health with them");
        }
        return List.copyOf(collection);
    }

    // ------------------------------------------------------------------ router settings

    private RouterConfig routerConfig(String p, RollbackProperties.Router rp, RollbackProperties.Defaults d) {
        Setting<Duration> health = setting(p, "health-check-interval", rp.getHealthCheckInterval(), d.getHealthCheckInterval());
        Setting<Integer> audit = setting(p, "audit-log-capacity", rp.getAuditLogCapacity(), d.getAuditLogCapacity());
        checkDuration(health, Duration.ofMillis(100), Duration.ofHours(1));
        check(audit, 1, 1_000_000);
        RouterConfig.Builder b = RouterConfig.custom().healthCheckInterval(health.value()).auditLogCapacity(audit.value());
        Integer salt = rp.getSalt() != null ? rp.getSalt() : d.getSalt();
        if (salt != null) {
            b.salt(salt);
        }
        return b.build();
    }

    private TelemetryConfig telemetryConfig(String p, RollbackProperties.Router rp, RollbackProperties.Defaults d) {
        Setting<Duration> length = setting(p, "telemetry-sub-window", rp.getTelemetrySubWindow(), d.getTelemetrySubWindow());
        Setting<Integer> count = setting(p, "telemetry-sub-windows", rp.getTelemetrySubWindows(), d.getTelemetrySubWindows());
        checkDuration(length, Duration.ofMillis(100), Duration.ofHours(1));
        check(count, 1, 100_000);
        SlidingWindowConfig window = attempt(() -> SlidingWindowConfig.custom().subWindowLength(length.value())
                .subWindowCount(count.value()).build(), message -> message.contains("subWindowLength")
                ? new String[] {length.path(), String.valueOf(length.value()), "Use a whole number of milliseconds from 100ms to 1h"}
                : new String[] {count.path(), String.valueOf(count.value()), "Use a sub-window count the telemetry window supports"});
        return TelemetryConfig.custom().callWindow(window).build();
    }

    private void applySegments(String p, RollbackProperties.Router rp, ManagedModelRouter<Object, Object> router,
                               Map<String, ReleaseId> ids) {
        for (Map.Entry<String, RollbackProperties.SegmentWeights> seg : rp.getSegments().entrySet()) {
            String sp = p + ".segments." + seg.getKey() + ".weights";
            Map<ReleaseId, Integer> bp = new HashMap<>();
            for (Map.Entry<String, Double> w : seg.getValue().getWeights().entrySet()) {
                ReleaseId id = ids.get(w.getKey());
                if (id == null) {
                    throw new RollbackPropertyException(sp + "." + w.getKey(), w.getValue(), "names no release of the router",
                            "Use release names from releases[*].name: " + ids.keySet());
                }
                bp.put(id, percentToBasisPoints(sp + "." + w.getKey(), w.getValue(), 0.0));
            }
            Segment segment = attempt(() -> Segment.of(seg.getKey()), message -> new String[] {sp, seg.getKey(), message});
            attempt(() -> {
                router.setWeights(segment, bp, Cause.automatic("startup weights of segment " + seg.getKey() + " from " + sp));
                return null;
            }, message -> new String[] {sp, String.valueOf(seg.getValue().getWeights()),
                    "Give weights in percent (0..100) that sum to 100: " + message});
        }
    }

    // ------------------------------------------------------------------ triggers

    private TriggerEngine engine(String p, RollbackProperties.Router rp, RollbackProperties.Defaults d,
                                 ManagedModelRouter<Object, Object> router) {
        if (rp.getTriggers().isEmpty()) {
            return null;
        }
        List<TriggerSpec> specs = triggerSpecs(p, p + ".triggers", rp.getTriggers(), rp, d);
        Setting<Duration> interval = setting(p, "evaluation-interval", rp.getEvaluationInterval(), d.getEvaluationInterval());
        checkDuration(interval, Duration.ofMillis(10), Duration.ofHours(1));
        TriggerEngine.Builder engine = TriggerEngine.builder(router).triggers(specs).interval(interval.value());
        if (fleet != null) {
            engine.telemetry(fleet.telemetry(router)); // the leader judges every replica's data
        }
        return engine.build();
    }

    /**
     * Reads triggers (or verification checks, which have the same shape) through the YAML loader, with the
     * router's trigger defaults for unset window, sustain, min-samples and severity.
     *
     * @param tp the property path of the list, e.g. {@code rollback4j.routers.scorer.triggers}
     */
    private static List<TriggerSpec> triggerSpecs(String p, String tp, List<RollbackProperties.Trigger> triggers,
                                                  RollbackProperties.Router rp, RollbackProperties.Defaults d) {
        List<Map<String, Object>> shape = new ArrayList<>();
        Setting<Duration> window = setting(p, "trigger-window", rp.getTriggerWindow(), d.getTriggerWindow());
        Setting<Duration> sustain = setting(p, "trigger-sustain", rp.getTriggerSustain(), d.getTriggerSustain());
        Setting<Integer> minSamples = setting(p, "trigger-min-samples", rp.getTriggerMinSamples(), d.getTriggerMinSamples());
        Setting<String> severity = setting(p, "trigger-severity", rp.getTriggerSeverity(), d.getTriggerSeverity());
        for (RollbackProperties.Trigger t : triggers) {
            shape.add(triggerShape(t, window.value(), sustain.value(), minSamples.value(), severity.value()));
        }
        try {
            return TriggerSpecs.read(SpecNode.json(JsonMapper.shared().writeValueAsString(shape), tp));
        } catch (SpecException e) {
            String loaderPath = e.path();
            String message = e.getMessage().substring(Math.min(e.getMessage().length(), loaderPath.length() + 2));
            if (valueAt(shape, loaderPath.substring(Math.min(tp.length(), loaderPath.length()))) instanceof Map<?, ?> trigger) {
                // The builder validated the whole trigger; its message names the field first.
                String field = firstFieldNamed(message, trigger.keySet());
                if (field != null) {
                    loaderPath = loaderPath + "." + field;
                }
            }
            String path = kebab(loaderPath, tp);
            Object value = valueAt(shape, loaderPath.substring(Math.min(tp.length(), loaderPath.length())));
            throw new RollbackPropertyException(path, value == null || value instanceof Map ? null : value, message,
                    "See the trigger fields in docs/guardrails.md: metric one of [latency, error_rate, timeout_rate, burn_rate, kpi,"
                            + " input_null_rate, schema_violation_rate, drift], one threshold (above, below, increase, drop,"
                            + " increase-by, drop-by) as a number or percentage, severity one of [severe, mild, dry_run]", e);
        }
    }

    private static String firstFieldNamed(String message, Set<?> fields) {
        String best = null;
        int at = Integer.MAX_VALUE;
        for (Object f : fields) {
            Matcher m = Pattern.compile("\\b" + Pattern.quote(String.valueOf(f)) + "\\b").matcher(message);
            if (m.find() && m.start() < at && !"name".equals(f)) {
                at = m.start();
                best = String.valueOf(f);
            }
        }
        return best;
    }

    private static Map<String, Object> triggerShape(RollbackProperties.Trigger t, Duration window, Duration sustain, int minSamples,
                                                    String severity) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "name", t.getName());
        put(m, "metric", t.getMetric());
        put(m, "quantile", t.getQuantile());
        put(m, "above", t.getAbove());
        put(m, "below", t.getBelow());
        put(m, "increase", t.getIncrease());
        put(m, "drop", t.getDrop());
        put(m, "increaseBy", t.getIncreaseBy());
        put(m, "dropBy", t.getDropBy());
        put(m, "significance", t.getSignificance());
        put(m, "window", (t.getWindow() != null ? t.getWindow() : window).toString());
        put(m, "sustain", (t.getSustain() != null ? t.getSustain() : sustain).toString());
        put(m, "minSamples", t.getMinSamples() != null ? t.getMinSamples() : minSamples);
        put(m, "severity", t.getSeverity() != null ? t.getSeverity() : severity);
        put(m, "perSegment", t.getPerSegment());
        put(m, "global", t.getGlobal());
        put(m, "kpi", t.getKpi());
        put(m, "kind", t.getKind());
        put(m, "field", t.getField());
        put(m, "statistic", t.getStatistic());
        put(m, "slo", t.getSlo());
        if (!t.getWindows().isEmpty()) {
            List<Map<String, Object>> windows = new ArrayList<>();
            for (RollbackProperties.BurnWindow w : t.getWindows()) {
                Map<String, Object> wm = new LinkedHashMap<>();
                put(wm, "long", w.getLongWindow() == null ? null : w.getLongWindow().toString());
                put(wm, "short", w.getShortWindow() == null ? null : w.getShortWindow().toString());
                put(wm, "factor", w.getFactor());
                windows.add(wm);
            }
            m.put("windows", windows);
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** The loader's path (camelCase keys) as the Spring property a user wrote (kebab-case). */
    static String kebab(String loaderPath, String prefix) {
        if (!loaderPath.startsWith(prefix)) {
            return loaderPath;
        }
        StringBuilder out = new StringBuilder(prefix);
        Matcher m = PATH_TOKEN.matcher(loaderPath.substring(prefix.length()));
        while (m.find()) {
            if (m.group(1) != null) {
                String key = switch (m.group(1)) {
                    case "long" -> "long-window";
                    case "short" -> "short-window";
                    default -> m.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
                };
                out.append('.').append(key);
            } else {
                out.append('[').append(m.group(2)).append(']');
            }
        }
        return out.toString();
    }

    private static Object valueAt(Object root, String relativePath) {
        Object node = root;
        Matcher m = PATH_TOKEN.matcher(relativePath);
        while (m.find() && node != null) {
            if (m.group(1) != null) {
                node = node instanceof Map<?, ?> map ? map.get(m.group(1)) : null;
            } else {
                int i = Integer.parseInt(m.group(2));
                node = node instanceof List<?> list && i < list.size() ? list.get(i) : null;
            }
        }
        return node;
    }

    // ------------------------------------------------------------------ incidents

    /** The router's incident manager, or {@code null} when {@code incident.enabled} is false. */
    private Incidents incidents(String p, RollbackProperties.Router rp, RollbackProperties.Defaults d,
                                ManagedModelRouter<Object, Object> router, TriggerEngine engine) {
        RollbackProperties.Incident own = rp.getIncident();
        RollbackProperties.Incident shared = d.getIncident();
        String ip = p + ".incident";
        String dp = DEFAULTS + "incident";
        if (!pick(ip, dp, "enabled", own.getEnabled(), shared.getEnabled(), Boolean.TRUE).value()) {
            return null;
        }
        Incidents.Builder b = Incidents.builder(router);
        // The application's Redactor bean (one, or the @Primary of several) masks samples and model messages.
        Redactor redactor = beans.getBeanProvider(Redactor.class).getIfAvailable();
        if (redactor != null) {
            b.redactor(redactor);
        }
        // Also checked here: a router without triggers or strategy reads evaluation-interval only for its incidents.
        Setting<Duration> interval = setting(p, "evaluation-interval", rp.getEvaluationInterval(), d.getEvaluationInterval());
        checkDuration(interval, Duration.ofMillis(10), Duration.ofHours(1));
        b.interval(interval.value());
        if (engine != null) {
            b.triggerEngine(engine);
        }
        Setting<String> owner = pick(ip, dp, "owner", own.getOwner(), shared.getOwner(), null);
        if (owner.value() != null) {
            b.owner(text(owner, "Name the team or person who answers for the router's rollouts, e.g. team-fraud"));
        }
        Setting<String> channel = pick(ip, dp, "channel", own.getChannel(), shared.getChannel(), null);
        if (channel.value() != null) {
            b.channel(text(channel, "Name where incidents are discussed, e.g. #fraud-oncall"));
        }
        Setting<String> dir = pick(ip, dp, "evidence-dir", own.getEvidenceDir(), shared.getEvidenceDir(), null);
        if (dir.value() != null) {
            String fix = "Name a directory the application may create and write (one sub-directory per incident), or leave it"
                    + " unset to keep bundles in memory only";
            Path root;
            try {
                root = Path.of(text(dir, fix));
            } catch (InvalidPathException e) {
                throw new RollbackPropertyException(dir.path(), dir.value(), "is not a path: " + e.getMessage(), fix, e);
            }
            try {
                b.evidenceStore(FileSystemEvidenceStore.of(root));
            } catch (UncheckedIOException e) {
                throw new RollbackPropertyException(dir.path(), dir.value(), e.getMessage(), fix, e);
            }
        }
        Setting<Integer> before = pick(ip, dp, "samples.before", own.getSamples().getBefore(), shared.getSamples().getBefore(),
                Incidents.DEFAULT_SAMPLES_BEFORE);
        Setting<Integer> after = pick(ip, dp, "samples.after", own.getSamples().getAfter(), shared.getSamples().getAfter(),
                Incidents.DEFAULT_SAMPLES_AFTER);
        check(before, 0, Incidents.MAX_SAMPLES);
        check(after, 0, Incidents.MAX_SAMPLES);
        b.samples(before.value(), after.value());

        Setting<Duration> within = pick(ip, dp, "verification.within", own.getVerification().getWithin(),
                shared.getVerification().getWithin(), Incidents.DEFAULT_VERIFICATION_TIMEOUT);
        checkDuration(within, Duration.ofSeconds(1), Duration.ofHours(24));
        b.verificationTimeout(within.value());
        boolean ownChecks = !own.getVerification().getChecks().isEmpty();
        String cp = (ownChecks ? ip : dp) + ".verification.checks";
        List<RollbackProperties.Trigger> checks = ownChecks ? own.getVerification().getChecks() : shared.getVerification().getChecks();
        List<TriggerSpec> specs = triggerSpecs(p, cp, checks, rp, d);
        for (int i = 0; i < specs.size(); i++) {
            TriggerSpec spec = specs.get(i);
            String at = cp + "[" + i + "]";
            RollbackProperties.Trigger t = checks.get(i);
            try {
                b.verify(spec);
            } catch (IllegalArgumentException e) {
                String field = spec.threshold() != null && spec.threshold().kind().relativeToBaseline()
                        ? spec.threshold().kind().key().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                        : spec.sequential() ? "significance" : "metric";
                Object value = switch (field) {
                    case "increase" -> t.getIncrease();
                    case "drop" -> t.getDrop();
                    case "increase-by" -> t.getIncreaseBy();
                    case "drop-by" -> t.getDropBy();
                    case "significance" -> t.getSignificance();
                    default -> t.getMetric();
                };
                throw new RollbackPropertyException(at + "." + field, value, e.getMessage(),
                        "A verification check reads the last-known-good alone after a rollback: use an absolute threshold"
                                + " (above or below) on latency, error_rate, timeout_rate, burn_rate, kpi, input_null_rate or"
                                + " schema_violation_rate, without significance", e);
            }
            Duration subWindow = router.telemetry().subWindow();
            if (spec.window().plus(subWindow).compareTo(within.value()) > 0) {
                throw new RollbackPropertyException(at + ".window", spec.window(), "plus one telemetry sub-window (" + human(subWindow)
                        + ") does not fit in " + within.path() + " (" + human(within.value()) + "): the check could never count",
                        "Shorten the check's window or lengthen " + within.path());
            }
        }

        List<Notifier> notifiers = new ArrayList<>();
        if (pick(ip, dp, "notifiers.log", own.getNotifiers().getLog(), shared.getNotifiers().getLog(), Boolean.TRUE).value()) {
            notifiers.add(new LogNotifier());
        }
        RollbackProperties.Webhook ownHook = own.getNotifiers().getWebhook();
        RollbackProperties.Webhook sharedHook = shared.getNotifiers().getWebhook();
        Setting<String> hookUrl = pick(ip, dp, "notifiers.webhook.url", ownHook.getUrl(), sharedHook.getUrl(), null);
        if (hookUrl.value() != null) {
            Setting<Duration> timeout = pick(ip, dp, "notifiers.webhook.timeout", ownHook.getTimeout(), sharedHook.getTimeout(),
                    WebhookNotifier.DEFAULT_REQUEST_TIMEOUT);
            Setting<Integer> attempts = pick(ip, dp, "notifiers.webhook.max-attempts", ownHook.getMaxAttempts(),
                    sharedHook.getMaxAttempts(), WebhookNotifier.DEFAULT_MAX_ATTEMPTS);
            checkDuration(timeout, Duration.ofMillis(1), Duration.ofMinutes(5));
            check(attempts, 1, 10);
            WebhookNotifier.Builder hook = WebhookNotifier.builder(uri(hookUrl));
            notifiers.add(hook.requestTimeout(timeout.value()).maxAttempts(attempts.value()).build());
        }
        Setting<String> slackUrl = pick(ip, dp, "notifiers.slack.url", own.getNotifiers().getSlack().getUrl(),
                shared.getNotifiers().getSlack().getUrl(), null);
        if (slackUrl.value() != null) {
            notifiers.add(SlackNotifier.of(uri(slackUrl)));
        }
        notifiers.addAll(extraNotifiers);
        notifiers.forEach(b::notifier);
        return attempt(b::build, message -> new String[] {ip, router.name(), message});
    }

    /** A URL for a notifier: http or https with a host. */
    private static URI uri(Setting<String> url) {
        String fix = "Write an http or https URL with a host, e.g. https://hooks.example.org/rollback4j";
        URI uri;
        try {
            uri = new URI(url.value().strip());
        } catch (URISyntaxException e) {
            // Neither the value nor the parser's message (which quotes it) is shown: a webhook URL's path is its secret.
            throw new RollbackPropertyException(url.path(), MaskedUrls.MASK, "is not a URL (" + e.getReason()
                    + " at index " + e.getIndex() + ")", fix, null);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new RollbackPropertyException(url.path(), MaskedUrls.of(uri), "is not an http or https URL with a host", fix);
        }
        return uri;
    }

    private static String text(Setting<String> s, String fix) {
        if (s.value().isBlank()) {
            throw new RollbackPropertyException(s.path(), s.value(), "is blank", fix + "; or leave it unset");
        }
        return s.value().strip();
    }

    /** The router's own incident value, else the shared one, else the built-in default (reported at the shared path). */
    private static <T> Setting<T> pick(String routerPath, String defaultsPath, String key, T own, T shared, T builtIn) {
        if (own != null) {
            return new Setting<>(routerPath + "." + key, own);
        }
        return new Setting<>(defaultsPath + "." + key, shared != null ? shared : builtIn);
    }

    // ------------------------------------------------------------------ strategy

    private static String strategyType(String p, RollbackProperties.Router rp) {
        String type = rp.getStrategy().getType() == null ? "none" : rp.getStrategy().getType().trim().toLowerCase(Locale.ROOT)
                .replace('_', '-');
        if (type.equals("bluegreen")) {
            type = "blue-green";
        }
        if (!STRATEGIES.contains(type)) {
            throw new RollbackPropertyException(p + ".strategy.type", rp.getStrategy().getType(), "is not a strategy",
                    "Use one of [none, canary, blue-green]");
        }
        return type;
    }

    private static Duration tickInterval(String p, RollbackProperties.Router rp, RollbackProperties.Defaults d) {
        Setting<Duration> tick = rp.getStrategy().getTickInterval() != null
                ? new Setting<>(p + ".strategy.tick-interval", rp.getStrategy().getTickInterval())
                : setting(p, "evaluation-interval", rp.getEvaluationInterval(), d.getEvaluationInterval());
        checkDuration(tick, Duration.ofMillis(10), Duration.ofHours(1));
        return tick.value();
    }

    private static String candidateName(String path, String configured, Map<String, ReleaseId> ids, String lkgName) {
        if (configured != null) {
            if (!ids.containsKey(configured)) {
                throw new RollbackPropertyException(path, configured, "names no release of the router",
                        "Use a release name from releases[*].name other than the last-known-good: " + others(ids, lkgName));
            }
            if (configured.equals(lkgName)) {
                throw new RollbackPropertyException(path, configured, "is the last-known-good",
                        "Name the release to roll out, one of " + others(ids, lkgName));
            }
            return configured;
        }
        List<String> others = others(ids, lkgName);
        if (others.size() != 1) {
            throw new RollbackPropertyException(path, null, others.isEmpty() ? "there is no release besides the last-known-good"
                    : "is ambiguous: the router has " + others.size() + " releases besides the last-known-good",
                    others.isEmpty() ? "Add the candidate release to releases" : "Name the candidate, one of " + others);
        }
        return others.get(0);
    }

    private static List<String> others(Map<String, ReleaseId> ids, String lkgName) {
        return ids.keySet().stream().filter(n -> !n.equals(lkgName)).toList();
    }

    /** A router's rollout: one plan in one segment, or a plan per segment; both {@code null} without a strategy. */
    private record Rollouts(Rollout single, SegmentedRollout segmented) {
        static final Rollouts NONE = new Rollouts(null, null);
    }

    private static Rollouts rollout(String p, RollbackProperties.Router rp, ManagedModelRouter<Object, Object> router,
                                    Map<String, ReleaseId> ids, String lkgName, TriggerEngine engine, String type) {
        RollbackProperties.Strategy s = rp.getStrategy();
        String sp = p + ".strategy";
        Map<String, RollbackProperties.SegmentPlan> plans = s.getCanary() == null ? Map.of() : s.getCanary().getSegments();
        if (type.equals("none")) {
            return Rollouts.NONE;
        }
        if (!plans.isEmpty() && !type.equals("canary")) {
            throw new RollbackPropertyException(sp + ".canary.segments", plans.keySet(), "is a plan per segment, but the strategy is "
                    + type, "Per-segment plans are canary plans: set strategy.type: canary, or remove strategy.canary.segments"
                    + " (a blue/green flip switches one segment; choose it with strategy.segment)");
        }
        if (engine == null) {
            throw new RollbackPropertyException(p + ".triggers", null, "a " + type + " strategy needs triggers",
                    "Declare at least one trigger (e.g. name: error-rate, metric: error_rate, above: 5%) so that a bad candidate rolls back");
        }
        ReleaseId candidate = ids.get(candidateName(sp + ".candidate", s.getCandidate(), ids, lkgName));
        if (!plans.isEmpty()) {
            return new Rollouts(null, segmentedRollout(sp, s, router, candidate, engine));
        }
        String segmentName = s.getSegment() == null ? Segment.DEFAULT.name() : s.getSegment();
        Segment segment = attempt(() -> Segment.of(segmentName), message -> new String[] {sp + ".segment", segmentName,
                "Name a segment with letters, digits, '.', '_' or '-' (default: default)"});
        if (type.equals("canary")) {
            CanaryPlan plan = canaryPlan(sp + ".canary", s.getCanary());
            return new Rollouts(CanaryRollout.builder(router, candidate, engine, plan).segment(segment).build(), null);
        }
        RollbackProperties.BlueGreen bg = s.getBlueGreen();
        String bp = sp + ".blue-green";
        BlueGreenPlan plan = attempt(() -> BlueGreenPlan.builder()
                .warmupTimeout(orElse(bg.getWarmupTimeout(), BlueGreenPlan.DEFAULT_WARMUP_TIMEOUT))
                .bake(orElse(bg.getBake(), BlueGreenPlan.DEFAULT_BAKE))
                .bakeDeadline(orElse(bg.getBakeDeadline(), BlueGreenPlan.DEFAULT_BAKE_DEADLINE))
                .keepBlueWarm(orElse(bg.getKeepBlueWarm(), BlueGreenPlan.DEFAULT_KEEP_BLUE_WARM)).build(), message -> new String[] {
                bp + "." + fieldOf(message, Map.of("warmupTimeout", "warmup-timeout", "bakeDeadline", "bake-deadline",
                        "keepBlueWarm", "keep-blue-warm", "bake", "bake")), valueOf(message, bg), message});
        return new Rollouts(BlueGreenRollout.builder(router, candidate, engine, plan).segment(segment).build(), null);
    }

    /** strategy.canary.segments: one canary plan per segment, run as one {@link SegmentedRollout}. */
    private static SegmentedRollout segmentedRollout(String sp, RollbackProperties.Strategy s, ManagedModelRouter<Object, Object> router,
                                                     ReleaseId candidate, TriggerEngine engine) {
        RollbackProperties.Canary c = s.getCanary();
        String segmentsPath = sp + ".canary.segments";
        if (!c.getSteps().isEmpty()) {
            throw new RollbackPropertyException(sp + ".canary.steps", c.getSteps().size() + " step(s)",
                    "is set together with canary.segments", "Give the steps inside each segment's plan (canary.segments.<segment>.steps)"
                    + " and remove canary.steps, or remove canary.segments for one plan in one segment");
        }
        if (s.getSegment() != null) {
            throw new RollbackPropertyException(sp + ".segment", s.getSegment(), "is set together with canary.segments",
                    "Remove strategy.segment: with canary.segments every segment named there has its own plan"
                    + " (add canary.segments." + s.getSegment() + ".steps for that segment)");
        }
        if (c.getSegments().size() > SegmentedRollout.MAX_SEGMENTS) {
            throw new RollbackPropertyException(segmentsPath, c.getSegments().size() + " segments", "holds too many plans",
                    "Give 1 to " + SegmentedRollout.MAX_SEGMENTS + " segments a plan");
        }
        SegmentedRollout.Builder b = SegmentedRollout.builder(router, candidate, engine);
        for (Map.Entry<String, RollbackProperties.SegmentPlan> e : c.getSegments().entrySet()) {
            String path = segmentsPath + "." + e.getKey();
            Segment segment = attempt(() -> Segment.of(e.getKey()), message -> new String[] {path, e.getKey(),
                    "Name the segment with 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
                    + " (write a key with other characters in brackets, e.g. segments.[eu.west])"});
            RollbackProperties.SegmentPlan plan = e.getValue();
            if (plan == null || plan.getSteps() == null || plan.getSteps().isEmpty()) {
                throw new RollbackPropertyException(path + ".steps", "[]", "is an empty plan",
                        "List the segment's steps, e.g. steps: [{weight: 5, bake: 10m}, {weight: 100, bake: 10m}], or remove the segment");
            }
            RollbackProperties.Canary merged = new RollbackProperties.Canary();
            merged.setSteps(plan.getSteps());
            merged.setProgressDeadline(plan.getProgressDeadline() != null ? plan.getProgressDeadline() : c.getProgressDeadline());
            merged.setKeepPreviousWarm(plan.getKeepPreviousWarm() != null ? plan.getKeepPreviousWarm() : c.getKeepPreviousWarm());
            b.segment(segment, canaryPlan(path, merged, plan.getProgressDeadline() != null ? path : sp + ".canary",
                    plan.getKeepPreviousWarm() != null ? path : sp + ".canary"));
        }
        return b.build();
    }

    private static String valueOf(String message, RollbackProperties.BlueGreen bg) {
        if (message.contains("warmupTimeout")) {
            return String.valueOf(orElse(bg.getWarmupTimeout(), BlueGreenPlan.DEFAULT_WARMUP_TIMEOUT));
        }
        if (message.contains("bakeDeadline")) {
            return String.valueOf(orElse(bg.getBakeDeadline(), BlueGreenPlan.DEFAULT_BAKE_DEADLINE));
        }
        if (message.contains("keepBlueWarm")) {
            return String.valueOf(orElse(bg.getKeepBlueWarm(), BlueGreenPlan.DEFAULT_KEEP_BLUE_WARM));
        }
        return String.valueOf(orElse(bg.getBake(), BlueGreenPlan.DEFAULT_BAKE));
    }

    private static String fieldOf(String message, Map<String, String> fields) {
        for (String key : List.of("warmupTimeout", "bakeDeadline", "keepBlueWarm", "progressDeadline", "keepPreviousWarm", "bake")) {
            if (message.contains(key) && fields.containsKey(key)) {
                return fields.get(key);
            }
        }
        return fields.values().iterator().next();
    }

    private static CanaryPlan canaryPlan(String cp, RollbackProperties.Canary c) {
        return canaryPlan(cp, c, cp, cp);
    }

    /**
     * @param deadlinePath where progress-deadline was set (a segment's plan, or the canary it inherits from)
     * @param keepWarmPath where keep-previous-warm was set
     */
    private static CanaryPlan canaryPlan(String cp, RollbackProperties.Canary c, String deadlinePath, String keepWarmPath) {
        Duration progressDeadline = orElse(c.getProgressDeadline(), CanaryPlan.DEFAULT_PROGRESS_DEADLINE);
        Duration keepPreviousWarm = orElse(c.getKeepPreviousWarm(), CanaryPlan.DEFAULT_KEEP_PREVIOUS_WARM);
        if (c.getSteps().isEmpty()) {
            Duration bake = orElse(c.getBake(), DEFAULT_CANARY_BAKE);
            checkDuration(new Setting<>(cp + ".bake", bake), Duration.ZERO, Duration.ofHours(24));
            return attempt(() -> CanaryPlan.builder().step(100, bake).step(500, bake).step(2500, bake).step(5000, bake)
                    .step(10_000, bake).progressDeadline(progressDeadline).keepPreviousWarm(keepPreviousWarm).build(),
                    message -> new String[] {cp + "." + fieldOf(message, Map.of("progressDeadline", "progress-deadline",
                            "keepPreviousWarm", "keep-previous-warm")), String.valueOf(message.contains("keepPreviousWarm")
                            ? keepPreviousWarm : progressDeadline), message});
        }
        CanaryPlan.Builder b = CanaryPlan.builder();
        int previous = 0;
        for (int k = 0; k < c.getSteps().size(); k++) {
            RollbackProperties.Step step = c.getSteps().get(k);
            String stp = cp + ".steps[" + k + "]";
            int weight = percentToBasisPoints(stp + ".weight", step.getWeight(), 0.01);
            if (weight <= previous) {
                throw new RollbackPropertyException(stp + ".weight", step.getWeight(), "is not above the previous step's weight",
                        "Canary weights must increase strictly from step to step, ending at 100");
            }
            if (k == c.getSteps().size() - 1 && weight != 10_000) {
                throw new RollbackPropertyException(stp + ".weight", step.getWeight(), "is the last step but not 100",
                        "End the canary with a step of weight 100: the candidate takes all traffic before promotion");
            }
            previous = weight;
            if (step.getBake() == null) {
                throw new RollbackPropertyException(stp + ".bake", null, "is required",
                        "Give each step a bake time (0..24h), e.g. 10m: the least time at its weight before advancing");
            }
            checkDuration(new Setting<>(stp + ".bake", step.getBake()), Duration.ZERO, Duration.ofHours(24));
            if (step.getDeadline() != null) {
                attempt(() -> b.step(weight, step.getBake(), step.getDeadline()), message -> new String[] {stp + ".deadline",
                        String.valueOf(step.getDeadline()), "Give a deadline between the step's bake and 24h: " + message});
            } else {
                b.step(weight, step.getBake());
            }
        }
        return attempt(() -> b.progressDeadline(progressDeadline).keepPreviousWarm(keepPreviousWarm).build(),
                message -> message.contains("keepPreviousWarm")
                        ? new String[] {keepWarmPath + ".keep-previous-warm", String.valueOf(keepPreviousWarm), message}
                        : new String[] {deadlinePath + ".progress-deadline", String.valueOf(progressDeadline), message});
    }

    /** A weight in percent as basis points; refused outside [min, 100] percent. */
    private static int percentToBasisPoints(String path, Double percent, double min) {
        if (percent == null) {
            throw new RollbackPropertyException(path, null, "is required", "Give the weight in percent, from " + min + " to 100");
        }
        if (percent.isNaN() || percent < min || percent > 100.0) {
            throw new RollbackPropertyException(path, percent, "is outside " + (min == 0.0 ? "0..100" : "(0, 100]") + " %",
                    "Give the weight in percent, from " + (min == 0.0 ? "0" : "0.01") + " to 100 (e.g. 5 for 5 %; 0.01 % is one basis point)");
        }
        return (int) Math.round(percent * 100.0);
    }

    // ------------------------------------------------------------------ shadow

    @SuppressWarnings("unchecked")
    private static ShadowRunner<Object, Object> shadow(String sp, String router, RollbackProperties.Shadow s, Model<Object, Object> candidate,
                                                      Model<Object, Object> lkg) {
        String comparatorName = s.getComparator() == null ? "exact" : s.getComparator().trim().toLowerCase(Locale.ROOT);
        if (!COMPARATORS.contains(comparatorName)) {
            throw new RollbackPropertyException(sp + ".comparator", s.getComparator(), "is not a comparator",
                    "Use one of " + COMPARATORS + " (exact: equal outputs; numeric: Number outputs within absolute-tolerance or relative-tolerance)");
        }
        double absolute = orElse(s.getAbsoluteTolerance(), 0.0);
        double relative = orElse(s.getRelativeTolerance(), 0.0);
        ShadowComparator<Object> comparator = comparatorName.equals("numeric")
                ? attempt(() -> (ShadowComparator<Object>) (ShadowComparator<?>) ShadowComparator.numeric(absolute, relative),
                        message -> new String[] {sp + ".absolute-tolerance", absolute + " / " + relative,
                        "Tolerances must be finite and >= 0: " + message})
                : ShadowComparator.exact();
        // Unset values keep ShadowRunner.Builder's defaults (sample rate 0.1, no noise runs, 4 concurrent calls, 1s).
        ShadowRunner.Builder<Object, Object> b = ShadowRunner.builder(candidate).name(router + "-shadow").comparator(comparator);
        if (s.getSampleRate() != null) {
            attempt(() -> b.sampleRate(s.getSampleRate()), message -> new String[] {sp + ".sample-rate", String.valueOf(s.getSampleRate()),
                    "Use a share from 0.0 to 1.0"});
        }
        if (s.getNoiseRate() != null) {
            if (s.getNoiseRate() > 0) {
                b.baseline(lkg);
            }
            attempt(() -> b.noiseRate(s.getNoiseRate()), message -> new String[] {sp + ".noise-rate", String.valueOf(s.getNoiseRate()),
                    "Use a share from 0.0 to 1.0"});
        }
        if (s.getMaxConcurrentCalls() != null) {
            attempt(() -> b.maxConcurrentCalls(s.getMaxConcurrentCalls()), message -> new String[] {sp + ".max-concurrent-calls",
                    String.valueOf(s.getMaxConcurrentCalls()), "Use 1 to 1024"});
        }
        if (s.getTimeout() != null) {
            attempt(() -> b.timeout(s.getTimeout()), message -> new String[] {sp + ".timeout", String.valueOf(s.getTimeout()),
                    "Use a timeout above 0 and at most 1h"});
        }
        return b.build();
    }

    // ------------------------------------------------------------------ helpers

    private record Setting<T>(String path, T value) {
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** The router's own value (path under the router) or the shared default (path under rollback4j.defaults). */
    private static <T> Setting<T> setting(String routerPath, String key, T own, T fallback) {
        return own != null ? new Setting<>(routerPath + "." + key, own) : new Setting<>(DEFAULTS + key, fallback);
    }

    private static void check(Setting<Integer> s, int min, int max) {
        if (s.value() == null || s.value() < min || s.value() > max) {
            throw new RollbackPropertyException(s.path(), s.value(), "is out of range", "Use a whole number from " + min + " to " + max);
        }
    }

    private static void checkDuration(Setting<Duration> s, Duration min, Duration max) {
        if (s.value() == null || s.value().compareTo(min) < 0 || s.value().compareTo(max) > 0) {
            throw new RollbackPropertyException(s.path(), s.value(), "is out of range",
                    "Use a duration from " + human(min) + " to " + human(max) + " (e.g. 500ms, 30s, 5m, 1h)");
        }
    }

    private static String human(Duration d) {
        return d.isZero() ? "0" : d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Runs a builder's validation; an IllegalArgumentException becomes a property error at the path the mapper picks. */
    private static <T> T attempt(Supplier<T> action, java.util.function.Function<String, String[]> where) {
        try {
            return action.get();
        } catch (RollbackPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            String[] at = where.apply(message);
            throw new RollbackPropertyException(at[0], at[1], message, at[2], e);
        }
    }
}
