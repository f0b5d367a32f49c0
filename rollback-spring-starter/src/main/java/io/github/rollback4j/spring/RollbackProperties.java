package io.github.rollback4j.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything under {@code rollback4j.*}: shared defaults, named configs several routers share, the
 * routers with their releases, strategy, triggers, shadow and segments, and the Actuator endpoint's settings.
 *
 * <pre>
 * rollback4j:
 *   defaults:
 *     evaluation-interval: 1s
 *   configs:
 *     guarded-canary:
 *       strategy:
 *         type: canary
 *         canary:
 *           steps: [{weight: 5, bake: 10m}, {weight: 50, bake: 10m}, {weight: 100, bake: 10m}]
 *       triggers:
 *         - name: error-rate
 *           metric: error_rate
 *           above: 5%
 *   routers:
 *     scorer:
 *       base-config: guarded-canary
 *       sample-inputs-bean: scorerSamples
 *       releases:
 *         - name: v1
 *           model-bean: scorerV1
 *           version: 1.0.0
 *           digest: sha256:...
 *           lkg: true
 *         - name: v2
 *           model-bean: scorerV2
 *           version: 2.0.0
 *           digest: sha256:...
 * </pre>
 *
 * A router's own setting wins over its base config's, which wins over {@code rollback4j.defaults}.
 *
 * Values are checked when the routers are built; a bad one fails startup with the property path,
 * the value and what is allowed (see {@link RollbackPropertyException}). A mutable JavaBean for
 * Spring's binder; not thread-safe, read once at startup.
 */
@ConfigurationProperties("rollback4j")
public class RollbackProperties {

    /** Settings every router inherits unless it overrides them. */
    private Defaults defaults = new Defaults();

    /** Routers by name; each becomes a ManagedModelRouter bean named {@code <name>Router}. */
    private Map<String, Router> routers = new LinkedHashMap<>();

    /**
     * Named configs by name: strategy, triggers, shadow, incident and router settings that several routers
     * share through {@code rollback4j.routers.<name>.base-config}.
     */
    private Map<String, SharedConfig> configs = new LinkedHashMap<>();

    /** The rollouts Actuator endpoint. */
    private Actuator actuator = new Actuator();

    /** Republishing router events as Spring application events. */
    private Events events = new Events();

    /** Binding routers to the application's Micrometer MeterRegistry. */
    private Metrics metrics = new Metrics();

    /** Threads of the scheduler the starter owns for health checks, trigger evaluations and rollout ticks (1..64). */
    private int schedulerThreads = 2;

    /** Fleet mode: the routers share their rollouts with the service's other replicas through PostgreSQL. */
    @org.springframework.boot.context.properties.NestedConfigurationProperty
    private FleetProperties fleet = new FleetProperties();

    public FleetProperties getFleet() {
        return fleet;
    }

    public void setFleet(FleetProperties fleet) {
        this.fleet = fleet;
    }

    public Defaults getDefaults() {
        return defaults;
    }

    public void setDefaults(Defaults defaults) {
        this.defaults = defaults;
    }

    public Map<String, Router> getRouters() {
        return routers;
    }

    public void setRouters(Map<String, Router> routers) {
        this.routers = routers;
    }

    public Map<String, SharedConfig> getConfigs() {
        return configs;
    }

    public void setConfigs(Map<String, SharedConfig> configs) {
        this.configs = configs;
    }

    public Actuator getActuator() {
        return actuator;
    }

    public void setActuator(Actuator actuator) {
        this.actuator = actuator;
    }

    public Events getEvents() {
        return events;
    }

    public void setEvents(Events events) {
        this.events = events;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public void setMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    public int getSchedulerThreads() {
        return schedulerThreads;
    }

    public void setSchedulerThreads(int schedulerThreads) {
        this.schedulerThreads = schedulerThreads;
    }

    /** Shared defaults ({@code rollback4j.defaults.*}); a router's own setting of the same name wins. */
    public static class Defaults {

        /** How often the triggers are evaluated and a rollout ticks (10ms..1h). */
        private Duration evaluationInterval = Duration.ofSeconds(1);

        /** How often every release's health probe runs (100ms..1h). */
        private Duration healthCheckInterval = Duration.ofSeconds(10);

        /** Warm-up calls, cycling over the sample inputs, before a release may serve (0..100000). */
        private int warmUpCalls = 20;

        /** Timeout of one health-probe call (1ms..10m). */
        private Duration probeTimeout = Duration.ofSeconds(2);

        /** Consecutive failed probes that take a release out of traffic (1..100). */
        private int unhealthyAfterFailures = 3;

        /** Audit log entries kept per router; the oldest are dropped first (1..1000000). */
        private int auditLogCapacity = 10_000;

        /** Stickiness salt: seed of the user-to-bucket hash. Unset: derived from the router name, so replicas agree. */
        private Integer salt;

        /** Length of one telemetry sub-window of latency and outcome counts (triggers read whole sub-windows). */
        private Duration telemetrySubWindow = Duration.ofSeconds(10);

        /** Number of telemetry sub-windows kept (1..100000); with the sub-window length it bounds the longest trigger window. */
        private int telemetrySubWindows = 60;

        /** Window of a trigger that sets none (1s..24h). */
        private Duration triggerWindow = Duration.ofMinutes(1);

        /** Sustain time of a trigger that sets none: how long a breach must hold at every evaluation (0..24h). */
        private Duration triggerSustain = Duration.ZERO;

        /** Minimum samples per arm of a trigger that sets none; fewer and its verdict is inconclusive. */
        private int triggerMinSamples = 100;

        /** Severity of a trigger that sets none: severe (rolls back), mild (pauses for approval) or dry_run (reports). */
        private String triggerSeverity = "severe";

        /**
         * The incident a rollback opens (evidence bundle, notifications, recovery verification), for every
         * router; a router's own {@code incident.*} settings win.
         */
        private Incident incident = new Incident();

        public Incident getIncident() {
            return incident;
        }

        public void setIncident(Incident incident) {
            this.incident = incident;
        }

        public Duration getEvaluationInterval() {
            return evaluationInterval;
        }

        public void setEvaluationInterval(Duration evaluationInterval) {
            this.evaluationInterval = evaluationInterval;
        }

        public Duration getHealthCheckInterval() {
            return healthCheckInterval;
        }

        public void setHealthCheckInterval(Duration healthCheckInterval) {
            this.healthCheckInterval = healthCheckInterval;
        }

        public int getWarmUpCalls() {
            return warmUpCalls;
        }

        public void setWarmUpCalls(int warmUpCalls) {
            this.warmUpCalls = warmUpCalls;
        }

        public Duration getProbeTimeout() {
            return probeTimeout;
        }

        public void setProbeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
        }

        public int getUnhealthyAfterFailures() {
            return unhealthyAfterFailures;
        }

        public void setUnhealthyAfterFailures(int unhealthyAfterFailures) {
            this.unhealthyAfterFailures = unhealthyAfterFailures;
        }

        public int getAuditLogCapacity() {
            return auditLogCapacity;
        }

        public void setAuditLogCapacity(int auditLogCapacity) {
            this.auditLogCapacity = auditLogCapacity;
        }

        public Integer getSalt() {
            return salt;
        }

        public void setSalt(Integer salt) {
            this.salt = salt;
        }

        public Duration getTelemetrySubWindow() {
            return telemetrySubWindow;
        }

        public void setTelemetrySubWindow(Duration telemetrySubWindow) {
            this.telemetrySubWindow = telemetrySubWindow;
        }

        public int getTelemetrySubWindows() {
            return telemetrySubWindows;
        }

        public void setTelemetrySubWindows(int telemetrySubWindows) {
            this.telemetrySubWindows = telemetrySubWindows;
        }

        public Duration getTriggerWindow() {
            return triggerWindow;
        }

        public void setTriggerWindow(Duration triggerWindow) {
            this.triggerWindow = triggerWindow;
        }

        public Duration getTriggerSustain() {
            return triggerSustain;
        }

        public void setTriggerSustain(Duration triggerSustain) {
            this.triggerSustain = triggerSustain;
        }

        public int getTriggerMinSamples() {
            return triggerMinSamples;
        }

        public void setTriggerMinSamples(int triggerMinSamples) {
            this.triggerMinSamples = triggerMinSamples;
        }

        public String getTriggerSeverity() {
            return triggerSeverity;
        }

        public void setTriggerSeverity(String triggerSeverity) {
            this.triggerSeverity = triggerSeverity;
        }
    }

    /**
     * What a router can share with others: its settings except its releases and startup segment weights.
     * A named config ({@code rollback4j.configs.<name>.*}) is one of these; a {@link Router} adds its
     * releases and segments and may name a config as its {@code base-config}.
     *
     * <p>Every field is unset here (null, or an empty list or map) so that a router inherits what it
     * does not set: from its base config, then from {@code rollback4j.defaults}, then the default named
     * in each description. A list (triggers, canary steps, verification checks) or map (canary segment
     * plans) is inherited whole: a router that sets one replaces the config's.
     */
    public static class SharedConfig {

        /** Bean name of a Collection (or a Supplier of one) of model inputs used by warm-up and health probes of every release that names none. */
        private String sampleInputsBean;

        /** The rollout strategy that moves traffic to the candidate. */
        private Strategy strategy = new Strategy();

        /** Rollback triggers, with the fields of the YAML trigger format (docs/guardrails.md). */
        private List<Trigger> triggers = new ArrayList<>();

        /** Shadow traffic: mirror a share of the last-known-good's calls to the candidate and compare outputs. */
        private Shadow shadow = new Shadow();

        /** Overrides rollback4j.defaults.incident.*: owner, channel, evidence, notifiers, verification. */
        private Incident incident = new Incident();

        /** Overrides rollback4j.defaults.evaluation-interval. */
        private Duration evaluationInterval;

        /** Overrides rollback4j.defaults.health-check-interval. */
        private Duration healthCheckInterval;

        /** Overrides rollback4j.defaults.warm-up-calls. */
        private Integer warmUpCalls;

        /** Overrides rollback4j.defaults.probe-timeout. */
        private Duration probeTimeout;

        /** Overrides rollback4j.defaults.unhealthy-after-failures. */
        private Integer unhealthyAfterFailures;

        /** Overrides rollback4j.defaults.audit-log-capacity. */
        private Integer auditLogCapacity;

        /** Overrides rollback4j.defaults.salt (stickiness salt). */
        private Integer salt;

        /** Overrides rollback4j.defaults.telemetry-sub-window. */
        private Duration telemetrySubWindow;

        /** Overrides rollback4j.defaults.telemetry-sub-windows. */
        private Integer telemetrySubWindows;

        /** Overrides rollback4j.defaults.trigger-window for the triggers and verification checks. */
        private Duration triggerWindow;

        /** Overrides rollback4j.defaults.trigger-sustain for the triggers and verification checks. */
        private Duration triggerSustain;

        /** Overrides rollback4j.defaults.trigger-min-samples for the triggers and verification checks. */
        private Integer triggerMinSamples;

        /** Overrides rollback4j.defaults.trigger-severity for the triggers. */
        private String triggerSeverity;

        public String getSampleInputsBean() {
            return sampleInputsBean;
        }

        public void setSampleInputsBean(String sampleInputsBean) {
            this.sampleInputsBean = sampleInputsBean;
        }

        public Strategy getStrategy() {
            return strategy;
        }

        public void setStrategy(Strategy strategy) {
            this.strategy = strategy;
        }

        public List<Trigger> getTriggers() {
            return triggers;
        }

        public void setTriggers(List<Trigger> triggers) {
            this.triggers = triggers;
        }

        public Shadow getShadow() {
            return shadow;
        }

        public void setShadow(Shadow shadow) {
            this.shadow = shadow;
        }

        public Incident getIncident() {
            return incident;
        }

        public void setIncident(Incident incident) {
            this.incident = incident;
        }

        public Duration getEvaluationInterval() {
            return evaluationInterval;
        }

        public void setEvaluationInterval(Duration evaluationInterval) {
            this.evaluationInterval = evaluationInterval;
        }

        public Duration getHealthCheckInterval() {
            return healthCheckInterval;
        }

        public void setHealthCheckInterval(Duration healthCheckInterval) {
            this.healthCheckInterval = healthCheckInterval;
        }

        public Integer getWarmUpCalls() {
            return warmUpCalls;
        }

        public void setWarmUpCalls(Integer warmUpCalls) {
            this.warmUpCalls = warmUpCalls;
        }

        public Duration getProbeTimeout() {
            return probeTimeout;
        }

        public void setProbeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
        }

        public Integer getUnhealthyAfterFailures() {
            return unhealthyAfterFailures;
        }

        public void setUnhealthyAfterFailures(Integer unhealthyAfterFailures) {
            this.unhealthyAfterFailures = unhealthyAfterFailures;
        }

        public Integer getAuditLogCapacity() {
            return auditLogCapacity;
        }

        public void setAuditLogCapacity(Integer auditLogCapacity) {
            this.auditLogCapacity = auditLogCapacity;
        }

        public Integer getSalt() {
            return salt;
        }

        public void setSalt(Integer salt) {
            this.salt = salt;
        }

        public Duration getTelemetrySubWindow() {
            return telemetrySubWindow;
        }

        public void setTelemetrySubWindow(Duration telemetrySubWindow) {
            this.telemetrySubWindow = telemetrySubWindow;
        }

        public Integer getTelemetrySubWindows() {
            return telemetrySubWindows;
        }

        public void setTelemetrySubWindows(Integer telemetrySubWindows) {
            this.telemetrySubWindows = telemetrySubWindows;
        }

        public Duration getTriggerWindow() {
            return triggerWindow;
        }

        public void setTriggerWindow(Duration triggerWindow) {
            this.triggerWindow = triggerWindow;
        }

        public Duration getTriggerSustain() {
            return triggerSustain;
        }

        public void setTriggerSustain(Duration triggerSustain) {
            this.triggerSustain = triggerSustain;
        }

        public Integer getTriggerMinSamples() {
            return triggerMinSamples;
        }

        public void setTriggerMinSamples(Integer triggerMinSamples) {
            this.triggerMinSamples = triggerMinSamples;
        }

        public String getTriggerSeverity() {
            return triggerSeverity;
        }

        public void setTriggerSeverity(String triggerSeverity) {
            this.triggerSeverity = triggerSeverity;
        }
    }

    /**
     * One router ({@code rollback4j.routers.<name>.*}): its releases and startup segment weights, and the
     * {@link SharedConfig} settings, which it may inherit from the config its {@code base-config} names.
     * Its own value of a setting wins, then its base config's, then {@code rollback4j.defaults}.
     */
    public static class Router extends SharedConfig {

        /** The releases; exactly one has {@code lkg: true} and serves all traffic at startup. */
        private List<Release> releases = new ArrayList<>();

        /** Segments with routing of their own at startup, by segment name (e.g. a region or tenant). */
        private Map<String, SegmentWeights> segments = new LinkedHashMap<>();

        /** Name of a config under rollback4j.configs whose settings this router inherits where it sets none. */
        private String baseConfig;

        public List<Release> getReleases() {
            return releases;
        }

        public void setReleases(List<Release> releases) {
            this.releases = releases;
        }

        public Map<String, SegmentWeights> getSegments() {
            return segments;
        }

        public void setSegments(Map<String, SegmentWeights> segments) {
            this.segments = segments;
        }

        public String getBaseConfig() {
            return baseConfig;
        }

        public void setBaseConfig(String baseConfig) {
            this.baseConfig = baseConfig;
        }
    }

    /** One release of a router: a model bean, its model version, feature versions and config version. */
    public static class Release {

        /** Short name of the release in properties and the Actuator endpoint, e.g. v1; unique within the router. */
        private String name;

        /** Bean name of the io.github.rollback4j.Model bean that serves this release. */
        private String modelBean;

        /** Name of the model in its model version. Unset: the router's name. */
        private String modelName;

        /** Immutable model version, e.g. 1.3.2; never a mutable tag such as latest. */
        private String version;

        /** Content digest of the model artifact: sha256: followed by 64 lower-case hex characters. */
        private String digest;

        /** Feature versions (encoders, pipelines) the model needs; paired with the model and rolled back with it. */
        private List<Feature> features = new ArrayList<>();

        /** Feature versions the model was validated with, by feature name. Unset: exactly the versions listed under features. */
        private Map<String, List<String>> compatibleWith = new LinkedHashMap<>();

        /** Immutable version of the serving config the release needs, e.g. cfg-42; set together with config-digest. */
        private String configVersion;

        /** Content digest of the serving config: sha256: followed by 64 lower-case hex characters. */
        private String configDigest;

        /** Feature flags this release turns on while it serves; a rollback turns them off. */
        private List<String> featureFlags = new ArrayList<>();

        /** Whether this release is the last-known-good: it serves all traffic at startup and is the rollback target. Exactly one release per router. */
        private boolean lkg = false;

        /** Bean name of a Collection (or a Supplier of one) of inputs for this release's warm-up and health probes. Unset: the router's sample-inputs-bean. */
        private String sampleInputsBean;

        /** Overrides the router's warm-up-calls for this release. */
        private Integer warmUpCalls;

        /** Overrides the router's probe-timeout for this release. */
        private Duration probeTimeout;

        /** Overrides the router's unhealthy-after-failures for this release. */
        private Integer unhealthyAfterFailures;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getModelBean() {
            return modelBean;
        }

        public void setModelBean(String modelBean) {
            this.modelBean = modelBean;
        }

        public String getModelName() {
            return modelName;
        }

        public void setModelName(String modelName) {
            this.modelName = modelName;
        }

        public String getVersion() {
            return version;
        }

        public void setVersion(String version) {
            this.version = version;
        }

        public String getDigest() {
            return digest;
        }

        public void setDigest(String digest) {
            this.digest = digest;
        }

        public List<Feature> getFeatures() {
            return features;
        }

        public void setFeatures(List<Feature> features) {
            this.features = features;
        }

        public Map<String, List<String>> getCompatibleWith() {
            return compatibleWith;
        }

        public void setCompatibleWith(Map<String, List<String>> compatibleWith) {
            this.compatibleWith = compatibleWith;
        }

        public String getConfigVersion() {
            return configVersion;
        }

        public void setConfigVersion(String configVersion) {
            this.configVersion = configVersion;
        }

        public String getConfigDigest() {
            return configDigest;
        }

        public void setConfigDigest(String configDigest) {
            this.configDigest = configDigest;
        }

        public List<String> getFeatureFlags() {
            return featureFlags;
        }

        public void setFeatureFlags(List<String> featureFlags) {
            this.featureFlags = featureFlags;
        }

        public boolean isLkg() {
            return lkg;
        }

        public void setLkg(boolean lkg) {
            this.lkg = lkg;
        }

        public String getSampleInputsBean() {
            return sampleInputsBean;
        }

        public void setSampleInputsBean(String sampleInputsBean) {
            this.sampleInputsBean = sampleInputsBean;
        }

        public Integer getWarmUpCalls() {
            return warmUpCalls;
        }

        public void setWarmUpCalls(Integer warmUpCalls) {
            this.warmUpCalls = warmUpCalls;
        }

        public Duration getProbeTimeout() {
            return probeTimeout;
        }

        public void setProbeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
        }

        public Integer getUnhealthyAfterFailures() {
            return unhealthyAfterFailures;
        }

        public void setUnhealthyAfterFailures(Integer unhealthyAfterFailures) {
            this.unhealthyAfterFailures = unhealthyAfterFailures;
        }
    }

    /** One feature version of a release. */
    public static class Feature {

        /** Feature name, e.g. categorical-encoder. */
        private String name;

        /** Immutable feature version, e.g. v5. */
        private String version;

        /** Content digest: sha256: followed by 64 lower-case hex characters. */
        private String digest;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getVersion() {
            return version;
        }

        public void setVersion(String version) {
            this.version = version;
        }

        public String getDigest() {
            return digest;
        }

        public void setDigest(String digest) {
            this.digest = digest;
        }
    }

    /** The rollout strategy of a router. */
    public static class Strategy {

        /** none (the default: routing changes only through the endpoint or code), canary, or blue-green. */
        private String type;

        /** Name of the release rolled out. Unset: the only release that is not the last-known-good. */
        private String candidate;

        /**
         * The segment whose weights the strategy changes (unset: default, which also serves segments without
         * routing of their own). Not with canary.segments, which gives each segment its own plan.
         */
        private String segment;

        /** Time between rollout ticks (10ms..1h). Unset: the router's evaluation-interval. */
        private Duration tickInterval;

        /** Canary plan, for type canary. */
        private Canary canary = new Canary();

        /** Blue/green plan, for type blue-green. */
        private BlueGreen blueGreen = new BlueGreen();

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public String getCandidate() {
            return candidate;
        }

        public void setCandidate(String candidate) {
            this.candidate = candidate;
        }

        public String getSegment() {
            return segment;
        }

        public void setSegment(String segment) {
            this.segment = segment;
        }

        public Duration getTickInterval() {
            return tickInterval;
        }

        public void setTickInterval(Duration tickInterval) {
            this.tickInterval = tickInterval;
        }

        public Canary getCanary() {
            return canary;
        }

        public void setCanary(Canary canary) {
            this.canary = canary;
        }

        public BlueGreen getBlueGreen() {
            return blueGreen;
        }

        public void setBlueGreen(BlueGreen blueGreen) {
            this.blueGreen = blueGreen;
        }
    }

    /** A canary plan. */
    public static class Canary {

        /** Steps, strictly increasing weights, the last one 100 %. Unset: 1, 5, 25, 50, 100 % with the bake below. */
        private List<Step> steps = new ArrayList<>();

        /** Bake time of every step of the standard plan, used when no steps are listed (0..24h, default 10m). */
        private Duration bake;

        /** Most time from the first step to promotion before the canary pauses (1s..7d, default 24h). */
        private Duration progressDeadline;

        /** How long the previous last-known-good stays warm after promotion (0..7d, default 1h). */
        private Duration keepPreviousWarm;

        /**
         * A plan per segment (region, tenant): segment name to its steps, run as one per-segment rollout (each
         * segment rolls back alone on a per-segment trigger; the router is promoted once every segment is).
         * Not with steps or strategy.segment. Empty: one plan (steps) in one segment.
         */
        private Map<String, SegmentPlan> segments = new LinkedHashMap<>();

        public Map<String, SegmentPlan> getSegments() {
            return segments;
        }

        public void setSegments(Map<String, SegmentPlan> segments) {
            this.segments = segments;
        }

        public List<Step> getSteps() {
            return steps;
        }

        public void setSteps(List<Step> steps) {
            this.steps = steps;
        }

        public Duration getBake() {
            return bake;
        }

        public void setBake(Duration bake) {
            this.bake = bake;
        }

        public Duration getProgressDeadline() {
            return progressDeadline;
        }

        public void setProgressDeadline(Duration progressDeadline) {
            this.progressDeadline = progressDeadline;
        }

        public Duration getKeepPreviousWarm() {
            return keepPreviousWarm;
        }

        public void setKeepPreviousWarm(Duration keepPreviousWarm) {
            this.keepPreviousWarm = keepPreviousWarm;
        }
    }

    /** One segment's canary plan, under {@code strategy.canary.segments.<segment>}. */
    public static class SegmentPlan {

        /** Steps of this segment, strictly increasing weights, the last one 100 % (required, 1..100 steps). */
        private List<Step> steps = new ArrayList<>();

        /** Most time from this segment's first step to its promotion before it pauses (1s..7d). Unset: canary.progress-deadline. */
        private Duration progressDeadline;

        /** How long the previous last-known-good stays warm after the router's promotion (0..7d). Unset: canary.keep-previous-warm. */
        private Duration keepPreviousWarm;

        public List<Step> getSteps() {
            return steps;
        }

        public void setSteps(List<Step> steps) {
            this.steps = steps;
        }

        public Duration getProgressDeadline() {
            return progressDeadline;
        }

        public void setProgressDeadline(Duration progressDeadline) {
            this.progressDeadline = progressDeadline;
        }

        public Duration getKeepPreviousWarm() {
            return keepPreviousWarm;
        }

        public void setKeepPreviousWarm(Duration keepPreviousWarm) {
            this.keepPreviousWarm = keepPreviousWarm;
        }
    }

    /** One canary step. */
    public static class Step {

        /** The candidate's share of the segment's traffic, in percent (0.01..100; 0.01 % is one basis point). */
        private Double weight;

        /** Least time at this weight before advancing (0..24h). */
        private Duration bake;

        /** Most time at this weight before pausing when still not healthy (bake..24h). Unset: wait until the progress deadline. */
        private Duration deadline;

        public Double getWeight() {
            return weight;
        }

        public void setWeight(Double weight) {
            this.weight = weight;
        }

        public Duration getBake() {
            return bake;
        }

        public void setBake(Duration bake) {
            this.bake = bake;
        }

        public Duration getDeadline() {
            return deadline;
        }

        public void setDeadline(Duration deadline) {
            this.deadline = deadline;
        }
    }

    /** A blue/green plan. */
    public static class BlueGreen {

        /** How long to wait for green to be warm and healthy before refusing (1s..24h, default 5m). */
        private Duration warmupTimeout;

        /** Time with all traffic on green before promotion (0..24h, default 30m). */
        private Duration bake;

        /** Most time from the flip to promotion; past it, with a breach building up, the rollout pauses (bake..7d, default 2h). */
        private Duration bakeDeadline;

        /** How long blue stays warm after green is promoted (0..7d, default 1h). */
        private Duration keepBlueWarm;

        public Duration getWarmupTimeout() {
            return warmupTimeout;
        }

        public void setWarmupTimeout(Duration warmupTimeout) {
            this.warmupTimeout = warmupTimeout;
        }

        public Duration getBake() {
            return bake;
        }

        public void setBake(Duration bake) {
            this.bake = bake;
        }

        public Duration getBakeDeadline() {
            return bakeDeadline;
        }

        public void setBakeDeadline(Duration bakeDeadline) {
            this.bakeDeadline = bakeDeadline;
        }

        public Duration getKeepBlueWarm() {
            return keepBlueWarm;
        }

        public void setKeepBlueWarm(Duration keepBlueWarm) {
            this.keepBlueWarm = keepBlueWarm;
        }
    }

    /**
     * One trigger, with the fields of the YAML trigger format (docs/guardrails.md). Numbers may be
     * written as percentages ({@code 30%}). Unset window, sustain, min-samples and severity come from
     * the router's trigger defaults.
     */
    public static class Trigger {

        /** Unique name: lower-case letters, digits, '.', '_' and '-'. */
        private String name;

        /** latency, error_rate, timeout_rate, burn_rate, kpi, input_null_rate, schema_violation_rate or drift. */
        private String metric;

        /** Latency quantile in (0, 1), e.g. 0.95 (latency only; default 0.95). */
        private String quantile;

        /** Absolute upper limit in the metric's unit (latency in ms, rates 0..1 or a percentage). */
        private String above;

        /** Absolute lower limit in the metric's unit (KPIs). */
        private String below;

        /** Relative increase over the last-known-good, e.g. 30%. */
        private String increase;

        /** Relative drop below the last-known-good, e.g. 2%. */
        private String drop;

        /** Increase over the last-known-good in the metric's unit. */
        private String increaseBy;

        /** Drop below the last-known-good in the metric's unit. */
        private String dropBy;

        /** Alpha of the always-valid sequential test (KPI drops, error and timeout rate increases), e.g. 0.05. */
        private String significance;

        /** Telemetry window the trigger reads (1s..24h). Unset: the router's trigger-window. */
        private Duration window;

        /** How long the breach must hold at every evaluation (0..24h). Unset: the router's trigger-sustain. */
        private Duration sustain;

        /** Minimum samples per arm; fewer and the verdict is inconclusive. Unset: the router's trigger-min-samples. */
        private Integer minSamples;

        /** severe (rolls back), mild (pauses for approval) or dry_run (only reports). Unset: the router's trigger-severity. */
        private String severity;

        /** Judge each request segment alone; a severe breach rolls back that segment only. */
        private Boolean perSegment;

        /** With per-segment: a severe breach in any segment rolls back every segment. */
        private Boolean global;

        /** KPI name (kpi metric), as reported with router.telemetry().reportKpi. */
        private String kpi;

        /** KPI kind: proportion or mean (kpi metric). */
        private String kind;

        /** Input field (input_null_rate, drift), or score for the prediction score (drift). */
        private String field;

        /** Drift statistic: psi, jensen_shannon or wasserstein (drift metric). */
        private String statistic;

        /** SLO target, e.g. 0.999 (burn_rate metric). */
        private String slo;

        /** Burn-rate windows, each long, short and factor (burn_rate metric). */
        private List<BurnWindow> windows = new ArrayList<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getMetric() {
            return metric;
        }

        public void setMetric(String metric) {
            this.metric = metric;
        }

        public String getQuantile() {
            return quantile;
        }

        public void setQuantile(String quantile) {
            this.quantile = quantile;
        }

        public String getAbove() {
            return above;
        }

        public void setAbove(String above) {
            this.above = above;
        }

        public String getBelow() {
            return below;
        }

        public void setBelow(String below) {
            this.below = below;
        }

        public String getIncrease() {
            return increase;
        }

        public void setIncrease(String increase) {
            this.increase = increase;
        }

        public String getDrop() {
            return drop;
        }

        public void setDrop(String drop) {
            this.drop = drop;
        }

        public String getIncreaseBy() {
            return increaseBy;
        }

        public void setIncreaseBy(String increaseBy) {
            this.increaseBy = increaseBy;
        }

        public String getDropBy() {
            return dropBy;
        }

        public void setDropBy(String dropBy) {
            this.dropBy = dropBy;
        }

        public String getSignificance() {
            return significance;
        }

        public void setSignificance(String significance) {
            this.significance = significance;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public Duration getSustain() {
            return sustain;
        }

        public void setSustain(Duration sustain) {
            this.sustain = sustain;
        }

        public Integer getMinSamples() {
            return minSamples;
        }

        public void setMinSamples(Integer minSamples) {
            this.minSamples = minSamples;
        }

        public String getSeverity() {
            return severity;
        }

        public void setSeverity(String severity) {
            this.severity = severity;
        }

        public Boolean getPerSegment() {
            return perSegment;
        }

        public void setPerSegment(Boolean perSegment) {
            this.perSegment = perSegment;
        }

        public Boolean getGlobal() {
            return global;
        }

        public void setGlobal(Boolean global) {
            this.global = global;
        }

        public String getKpi() {
            return kpi;
        }

        public void setKpi(String kpi) {
            this.kpi = kpi;
        }

        public String getKind() {
            return kind;
        }

        public void setKind(String kind) {
            this.kind = kind;
        }

        public String getField() {
            return field;
        }

        public void setField(String field) {
            this.field = field;
        }

        public String getStatistic() {
            return statistic;
        }

        public void setStatistic(String statistic) {
            this.statistic = statistic;
        }

        public String getSlo() {
            return slo;
        }

        public void setSlo(String slo) {
            this.slo = slo;
        }

        public List<BurnWindow> getWindows() {
            return windows;
        }

        public void setWindows(List<BurnWindow> windows) {
            this.windows = windows;
        }
    }

    /** One multi-window burn-rate rule. */
    public static class BurnWindow {

        /** The long window, e.g. 1h. */
        private Duration longWindow;

        /** The short window, e.g. 5m. */
        private Duration shortWindow;

        /** Burn-rate factor both windows must exceed, e.g. 14.4. */
        private String factor;

        public Duration getLongWindow() {
            return longWindow;
        }

        public void setLongWindow(Duration longWindow) {
            this.longWindow = longWindow;
        }

        public Duration getShortWindow() {
            return shortWindow;
        }

        public void setShortWindow(Duration shortWindow) {
            this.shortWindow = shortWindow;
        }

        public String getFactor() {
            return factor;
        }

        public void setFactor(String factor) {
            this.factor = factor;
        }
    }

    /** Shadow traffic of a router. */
    public static class Shadow {

        /** Whether to mirror calls to the candidate at startup (default false). */
        private Boolean enabled;

        /** Name of the release that receives shadow calls. Unset: the only release that is not the last-known-good. */
        private String candidate;

        /** Share of the last-known-good's calls mirrored (0.0..1.0, default 0.1). */
        private Double sampleRate;

        /** Output comparator: exact (the default: equals, arrays by content) or numeric (Number outputs within the tolerances). */
        private String comparator;

        /** Absolute tolerance of the numeric comparator (>= 0, default 0). */
        private Double absoluteTolerance;

        /** Relative tolerance of the numeric comparator (>= 0, default 0), a fraction of the larger output. */
        private Double relativeTolerance;

        /** Share of mirrored calls that also run the last-known-good again to measure its own noise (0.0..1.0, default 0). */
        private Double noiseRate;

        /** Most concurrent shadow calls; further calls are dropped and counted (1..1024, default 4). */
        private Integer maxConcurrentCalls;

        /** Longest candidate call on the shadow path (1ms..1h, default 1s). */
        private Duration timeout;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getCandidate() {
            return candidate;
        }

        public void setCandidate(String candidate) {
            this.candidate = candidate;
        }

        public Double getSampleRate() {
            return sampleRate;
        }

        public void setSampleRate(Double sampleRate) {
            this.sampleRate = sampleRate;
        }

        public String getComparator() {
            return comparator;
        }

        public void setComparator(String comparator) {
            this.comparator = comparator;
        }

        public Double getAbsoluteTolerance() {
            return absoluteTolerance;
        }

        public void setAbsoluteTolerance(Double absoluteTolerance) {
            this.absoluteTolerance = absoluteTolerance;
        }

        public Double getRelativeTolerance() {
            return relativeTolerance;
        }

        public void setRelativeTolerance(Double relativeTolerance) {
            this.relativeTolerance = relativeTolerance;
        }

        public Double getNoiseRate() {
            return noiseRate;
        }

        public void setNoiseRate(Double noiseRate) {
            this.noiseRate = noiseRate;
        }

        public Integer getMaxConcurrentCalls() {
            return maxConcurrentCalls;
        }

        public void setMaxConcurrentCalls(Integer maxConcurrentCalls) {
            this.maxConcurrentCalls = maxConcurrentCalls;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Startup weights of one segment. */
    public static class SegmentWeights {

        /** Release name to percent of the segment's traffic (0..100, summing to 100). */
        private Map<String, Double> weights = new LinkedHashMap<>();

        public Map<String, Double> getWeights() {
            return weights;
        }

        public void setWeights(Map<String, Double> weights) {
            this.weights = weights;
        }
    }

    /**
     * The incident a rollback opens ({@code rollback4j.defaults.incident.*}, overridable in a config under
     * {@code rollback4j.configs.<name>.incident.*} and per router under {@code rollback4j.routers.<name>.incident.*}):
     * freeze, evidence bundle, notifications, recovery verification; see docs/incidents.md. Every field is
     * unset here so that a router inherits what it does not set; the defaults named in each description apply
     * when no level sets a value.
     */
    public static class Incident {

        /** Whether rollbacks open incidents (default true). */
        private Boolean enabled;

        /** Who answers for the router's rollouts, a team or person (e.g. team-fraud); shown in bundles, notices and the runbook. */
        private String owner;

        /** Where incidents are discussed, e.g. #fraud-oncall; shown in bundles, notices and the runbook. */
        private String channel;

        /** Directory of the filesystem evidence store: one sub-directory per incident with incident.json and summary.md. Unset: bundles are kept in memory only. */
        private String evidenceDir;

        /** Request/response samples kept in the bundle from before and after the rollback. */
        private Samples samples = new Samples();

        /** Recovery verification: SLO checks the last-known-good must pass after a rollback. */
        private Verification verification = new Verification();

        /** Who is told when an incident opens, is updated, resolves or escalates. */
        private Notifiers notifiers = new Notifiers();

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getOwner() {
            return owner;
        }

        public void setOwner(String owner) {
            this.owner = owner;
        }

        public String getChannel() {
            return channel;
        }

        public void setChannel(String channel) {
            this.channel = channel;
        }

        public String getEvidenceDir() {
            return evidenceDir;
        }

        public void setEvidenceDir(String evidenceDir) {
            this.evidenceDir = evidenceDir;
        }

        public Samples getSamples() {
            return samples;
        }

        public void setSamples(Samples samples) {
            this.samples = samples;
        }

        public Verification getVerification() {
            return verification;
        }

        public void setVerification(Verification verification) {
            this.verification = verification;
        }

        public Notifiers getNotifiers() {
            return notifiers;
        }

        public void setNotifiers(Notifiers notifiers) {
            this.notifiers = notifiers;
        }
    }

    /** Sampled calls an incident keeps (the router samples 1 % of calls into a ring of 512 by default). */
    public static class Samples {

        /** Sampled calls of the rolled-back releases kept from before the rollback, 0..10000 (default 50). */
        private Integer before;

        /** Sampled calls of the last-known-good kept from after the rollback, 0..10000 (default 50). */
        private Integer after;

        public Integer getBefore() {
            return before;
        }

        public void setBefore(Integer before) {
            this.before = before;
        }

        public Integer getAfter() {
            return after;
        }

        public void setAfter(Integer after) {
            this.after = after;
        }
    }

    /** Recovery verification after a rollback. */
    public static class Verification {

        /** Time the checks have to pass on the last-known-good before the incident escalates, 1s..24h (default 10m). */
        private Duration within;

        /**
         * SLO checks on the last-known-good, in the trigger format with absolute thresholds only (above or
         * below; no increase, drop or significance). Unset window, sustain and min-samples come from the
         * router's trigger defaults. A router's own list replaces the shared one.
         */
        private List<Trigger> checks = new ArrayList<>();

        public Duration getWithin() {
            return within;
        }

        public void setWithin(Duration within) {
            this.within = within;
        }

        public List<Trigger> getChecks() {
            return checks;
        }

        public void setChecks(List<Trigger> checks) {
            this.checks = checks;
        }
    }

    /** Incident notifiers; every io.github.rollback4j.core.incident.Notifier bean of the context is added too. */
    public static class Notifiers {

        /** Whether notices are logged through SLF4J (logger io.github.rollback4j.incident; default true). */
        private Boolean log;

        /** A JSON webhook. */
        private Webhook webhook = new Webhook();

        /** A Slack-compatible incoming webhook (chat payload). */
        private Slack slack = new Slack();

        public Boolean getLog() {
            return log;
        }

        public void setLog(Boolean log) {
            this.log = log;
        }

        public Webhook getWebhook() {
            return webhook;
        }

        public void setWebhook(Webhook webhook) {
            this.webhook = webhook;
        }

        public Slack getSlack() {
            return slack;
        }

        public void setSlack(Slack slack) {
            this.slack = slack;
        }
    }

    /** A JSON webhook notifier (POST over java.net.http, Resilience4j retry). */
    public static class Webhook {

        /** http(s) URL notices are posted to as JSON. Unset: no webhook. */
        private String url;

        /** Timeout of one request until the response headers arrive, 1ms..5m (default 10s). */
        private Duration timeout;

        /** Attempts per notice, the first included, 1..10 (default 3; backoff 500ms doubling). */
        private Integer maxAttempts;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }
    }

    /** A Slack-compatible chat notifier. */
    public static class Slack {

        /** http(s) URL of the incoming webhook. Unset: no chat notifier. */
        private String url;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }
    }

    /** The rollouts Actuator endpoint. */
    public static class Actuator {

        /** Whether the endpoint's write operations (promote, approve, pause, resume, rollback, flip, override-quarantine) are allowed. */
        private boolean writeEnabled = false;

        /** Role a principal needs for write operations when Spring Security is on the classpath. */
        private String writeRole = "ROLLOUT_ADMIN";

        /** Operator id written to the audit log for writes without an authenticated principal (only possible without Spring Security). */
        private String anonymousOperator = "actuator";

        /** Audit log entries shown per router by the read operation (0..1000). */
        private int auditEntries = 20;

        public boolean isWriteEnabled() {
            return writeEnabled;
        }

        public void setWriteEnabled(boolean writeEnabled) {
            this.writeEnabled = writeEnabled;
        }

        public String getWriteRole() {
            return writeRole;
        }

        public void setWriteRole(String writeRole) {
            this.writeRole = writeRole;
        }

        public String getAnonymousOperator() {
            return anonymousOperator;
        }

        public void setAnonymousOperator(String anonymousOperator) {
            this.anonymousOperator = anonymousOperator;
        }

        public int getAuditEntries() {
            return auditEntries;
        }

        public void setAuditEntries(int auditEntries) {
            this.auditEntries = auditEntries;
        }
    }

    /** Router events as Spring application events. */
    public static class Events {

        /** Whether router events and rollout transitions are republished as Spring ApplicationEvents. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The Micrometer binding. */
    public static class Metrics {

        /** Whether every router is bound to the MeterRegistry (rollback4j.* meters, docs/metrics.md). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
