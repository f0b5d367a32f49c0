package io.github.rollback4j.core.runbook;

import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.incident.MaskedUrls;
import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.github.rollback4j.core.runbook.Formats.cell;

/**
 * The live configuration of one router as a one-page Markdown runbook: the last-known-good and the
 * candidates with their weights, the triggers with their thresholds and the action each takes, the
 * verification checks after a rollback, owner and communication, and how to roll back by hand (Java
 * and Actuator). A {@link #selfCheck() self-check} lists what is missing or wrong; its findings head
 * the runbook.
 *
 * <pre>{@code
 * Runbook runbook = Runbook.builder(router)
 *         .engine(triggerEngine)                                   // or .triggers(specs)
 *         .verification(List.of(errorsAbove1Percent, p95Above250ms), Duration.ofMinutes(10))
 *         .owner("team-fraud").channel("#fraud-oncall").notifiers(List.of("log", "chat"))
 *         .build();
 * Files.writeString(Path.of("runbook-fraud.md"), runbook.toMarkdown());
 * runbook.selfCheck().forEach(f -> log.warn("{} {}: {}", f.severity(), f.code(), f.message()));
 * }</pre>
 *
 * <p>The router is read when {@link #toMarkdown()} or {@link #selfCheck()} is called, so the runbook
 * always shows the routing and health of that moment; the rest of the configuration is fixed at
 * {@link Builder#build()}. The rendering is deterministic: the same configuration and router state
 * give the same text (sorted rows, numbers written the same way in every locale, no timestamps of
 * their own).
 *
 * <p>Immutable and thread-safe (the router is thread-safe; each call reads it afresh).
 */
public final class Runbook {

    /** Default time within which the verification checks must pass after a rollback. */
    public static final Duration DEFAULT_VERIFICATION_WITHIN = Duration.ofMinutes(10);
    /** Longest verification time. */
    public static final Duration MAX_VERIFICATION_WITHIN = Duration.ofHours(24);
    /** Default base path of the rollouts Actuator endpoint. */
    public static final String DEFAULT_ACTUATOR_BASE_PATH = "/actuator/rollouts";

    private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~\\-]+)+/?");
    private static final String OPERATOR = "Cause.operator(\"<operator-id>\", \"<why>\")";

    private final ModelRouter<?, ?> router;
    private final List<TriggerSpec> triggers;
    private final List<TriggerSpec> verificationChecks;
    private final Duration verificationWithin;
    private final String owner;
    private final String channel;
    private final List<String> notifiers;
    private final String actuatorBasePath;
    private final List<TriggerEngine> engines;

    private Runbook(Builder b) {
        this.engines = List.copyOf(b.engines);
        this.router = b.router;
        this.triggers = List.copyOf(b.triggers);
        this.verificationChecks = List.copyOf(b.verificationChecks);
        this.verificationWithin = b.verificationWithin;
        this.owner = b.owner;
        this.channel = b.channel;
        this.notifiers = List.copyOf(new TreeSet<>(b.notifiers));
        this.actuatorBasePath = b.actuatorBasePath;
    }

    /**
     * @param router the router the runbook describes
     * @return a builder
     */
    public static Builder builder(ModelRouter<?, ?> router) {
        return new Builder(router);
    }

    /** @return the router */
    public ModelRouter<?, ?> router() {
        return router;
    }

    /** @return the trigger engines given to the builder (their starved triggers are self-check findings) */
    List<TriggerEngine> engines() {
        return engines;
    }

    /** @return the triggers, in declaration order (rendered sorted by name) */
    public List<TriggerSpec> triggers() {
        return triggers;
    }

    /** @return the checks that must pass on the last-known-good after a rollback */
    public List<TriggerSpec> verificationChecks() {
        return verificationChecks;
    }

    /** @return how long after a rollback the checks have to pass; default {@link #DEFAULT_VERIFICATION_WITHIN} */
    public Duration verificationWithin() {
        return verificationWithin;
    }

    /** @return the owner, if set */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** @return the communication channel, if set */
    public Optional<String> channel() {
        return Optional.ofNullable(channel);
    }

    /** @return the notifier names, sorted */
    public List<String> notifiers() {
        return notifiers;
    }

    /** @return the base path of the rollouts Actuator endpoint; default {@link #DEFAULT_ACTUATOR_BASE_PATH} */
    public String actuatorBasePath() {
        return actuatorBasePath;
    }

    /**
     * Checks the configuration and the router's current state: owner, channel, notifiers, triggers
     * (present, not all dry-run, able to breach), the last-known-good (warm and healthy), the pairing
     * of model and feature versions across releases, and the verification checks (present, absolute,
     * able to breach). The {@link Finding.Code} Javadoc lists every check.
     *
     * @return the findings, errors first, then by code and message; empty when nothing is missing
     */
    public List<Finding> selfCheck() {
        return SelfCheck.run(this);
    }

    /** @return the runbook as Markdown, self-check findings first */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Runbook: router `").append(router.name()).append("`\n\n");
        md.append("Rendered by rollback4j from the live configuration (routing table generation ")
                .append(router.state().generation()).append(").\n\n");
        selfCheckSection(md, selfCheck());
        lastKnownGoodSection(md);
        candidatesSection(md);
        triggersSection(md);
        verificationSection(md);
        communicationSection(md);
        byHandSection(md);
        return md.toString();
    }

    private static void selfCheckSection(StringBuilder md, List<Finding> findings) {
        md.append("## Self-check\n\n");
        if (findings.isEmpty()) {
            md.append("No findings: owner, channel, notifiers, triggers, last-known-good, release pairing and"
                    + " verification are in place.\n\n");
            return;
        }
        long errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
        md.append(findings.size()).append(findings.size() == 1 ? " finding" : " findings").append(": ")
                .append(errors).append(errors == 1 ? " error, " : " errors, ")
                .append(findings.size() - errors).append(findings.size() - errors == 1 ? " warning.\n\n" : " warnings.\n\n");
        md.append("| severity | code | what to change |\n| --- | --- | --- |\n");
        for (Finding f : findings) {
            md.append("| ").append(f.severity()).append(" | ").append(f.code()).append(" | ").append(cell(f.message())).append(" |\n");
        }
        md.append('\n');
    }

    private void lastKnownGoodSection(StringBuilder md) {
        Release lkg = router.lastKnownGood();
        ReleaseHealth health = router.lastKnownGoodHealth();
        md.append("## Last-known-good\n\n| | |\n| --- | --- |\n");
        md.append("| release | `").append(lkg.name()).append("` (`").append(lkg.id()).append("`) |\n");
        md.append("| model | `").append(lkg.model().name()).append(':').append(lkg.model().version()).append("` `")
                .append(lkg.model().digest()).append("` |\n");
        md.append("| features | ").append(features(lkg)).append(" |\n");
        md.append("| config | ").append(lkg.config().map(c -> "`" + c.version() + "` `" + c.digest() + "`").orElse("none")).append(" |\n");
        md.append("| feature flags | ").append(flags(lkg)).append(" |\n");
        md.append("| health | ").append(cell(health(health))).append(" |\n\n");
    }

    private void candidatesSection(StringBuilder md) {
        ReleaseId lkg = router.lastKnownGood().id();
        List<Release> candidates = router.releases().stream().filter(r -> !r.id().equals(lkg))
                .sorted(Comparator.comparing(r -> r.id().value())).toList();
        md.append("## Candidates\n\n");
        if (candidates.isEmpty()) {
            md.append("No candidate: the router knows the last-known-good only.\n\n");
        } else {
            md.append("| release | model | features | config | health |\n| --- | --- | --- | --- | --- |\n");
            for (Release r : candidates) {
                md.append("| `").append(r.name()).append("` (`").append(r.id()).append("`) | `").append(r.model().name()).append(':').append(r.model().version())
                        .append("` | ").append(features(r)).append(" | ")
                        .append(r.config().map(c -> "`" + c.version() + "`").orElse("none")).append(" | ")
                        .append(cell(health(router.health(r.id())))).append(" |\n");
            }
            md.append('\n');
        }
        md.append("### Weights per segment\n\nIn percent of the segment's traffic; configured is what the rollout asks"
                + " for, serving what serves (releases that are not warm and healthy are served by the LKG).\n\n");
        md.append("| segment | release | role | configured | serving |\n| --- | --- | --- | --- | --- |\n");
        for (String name : new TreeSet<>(router.state().allocations().keySet())) {
            Segment segment = Segment.of(name);
            Map<ReleaseId, Integer> configured = router.weights(segment);
            Map<ReleaseId, Integer> serving = router.servingWeights(segment);
            Set<ReleaseId> ids = new TreeSet<>(Comparator.comparing((ReleaseId id) -> !id.equals(lkg)).thenComparing(ReleaseId::value));
            ids.addAll(configured.keySet());
            ids.addAll(serving.keySet());
            for (ReleaseId id : ids) {
                md.append("| ").append(name).append(" | `").append(router.releaseName(id)).append("` (`").append(id).append("`) | ").append(id.equals(lkg) ? "LKG" : "candidate")
                        .append(" | ").append(Formats.basisPoints(configured.getOrDefault(id, 0)))
                        .append(" | ").append(Formats.basisPoints(serving.getOrDefault(id, 0))).append(" |\n");
            }
        }
        md.append('\n');
    }

    private void triggersSection(StringBuilder md) {
        md.append("## Triggers\n\n");
        if (triggers.isEmpty()) {
            md.append("No trigger: nothing rolls this router back by itself.\n\n");
            return;
        }
        md.append("The trigger engine judges every candidate against the LKG over the same window at each tick."
                + " Below the minimum samples a verdict is inconclusive, never a breach; a breach acts only once it"
                + " has held at every evaluation for its sustain time.\n\n");
        md.append("| trigger | metric | threshold | window | sustain | min samples | significance | severity | scope | action |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (TriggerSpec t : sorted(triggers)) {
            md.append("| ").append(t.name()).append(" | ").append(cell(Formats.metric(t.metric()))).append(" | ")
                    .append(cell(Formats.threshold(t))).append(" | ").append(Formats.duration(t.window())).append(" | ")
                    .append(Formats.duration(t.sustain())).append(" | ").append(Formats.minSamples(t)).append(" | ")
                    .append(Formats.significance(t)).append(" | ").append(t.severity()).append(" | ")
                    .append(Formats.scope(t)).append(" | ").append(Formats.action(t)).append(" |\n");
        }
        md.append('\n');
    }

    private void verificationSection(StringBuilder md) {
        md.append("## Verification after a rollback\n\n");
        if (verificationChecks.isEmpty()) {
            md.append("No verification check: recovery after a rollback is not verified.\n\n");
            return;
        }
        md.append("Within ").append(Formats.duration(verificationWithin)).append(" of a rollback every check must hold on"
                + " the LKG; otherwise the incident escalates (\"rollback did not restore the SLOs\").\n\n");
        md.append("| check | metric | threshold | window | sustain | min samples |\n| --- | --- | --- | --- | --- | --- |\n");
        for (TriggerSpec c : sorted(verificationChecks)) {
            md.append("| ").append(c.name()).append(" | ").append(cell(Formats.metric(c.metric()))).append(" | ")
                    .append(cell(Formats.threshold(c))).append(" | ").append(Formats.duration(c.window())).append(" | ")
                    .append(Formats.duration(c.sustain())).append(" | ").append(Formats.minSamples(c)).append(" |\n");
        }
        md.append('\n');
    }

    private void communicationSection(StringBuilder md) {
        md.append("## Owner and communication\n\n");
        md.append("- Owner: ").append(owner == null ? "**not set**" : cell(owner)).append('\n');
        md.append("- Channel: ").append(channel == null ? "**not set**" : cell(channel)).append('\n');
        md.append("- Notifiers: ").append(notifiers.isEmpty() ? "**none**" : cell(String.join(", ", notifiers))).append("\n\n");
    }

    private void byHandSection(StringBuilder md) {
        String name = router.name();
        md.append("## Roll back by hand\n\n### Java\n\n```java\n");
        md.append("// every segment to the LKG in one atomic swap; refused if the LKG is cold or unhealthy\n");
        md.append("router.rollbackToLastKnownGood(").append(OPERATOR).append(");\n");
        md.append("// one segment only\n");
        md.append("router.rollbackSegment(Segment.of(\"<segment>\"), ").append(OPERATOR).append(");\n");
        md.append("// approve going on despite the mild breaches waiting for approval\n");
        md.append("triggerEngine.approve(").append(OPERATOR).append(");\n");
        md.append("// let a quarantined release serve again (audited)\n");
        md.append("router.overrideQuarantine(ReleaseId.of(\"<release>\"), ").append(OPERATOR).append(");\n");
        md.append("```\n\n### Actuator\n\n");
        md.append("A `POST` per operation on the rollouts endpoint; it needs the endpoint's write operations enabled.\n\n");
        md.append("| operation | what it does | call |\n| --- | --- | --- |\n");
        for (ActuatorOperation op : ActuatorOperation.values()) {
            md.append("| ").append(op.pathElement()).append(" | ").append(op.description()).append(" | `curl -X POST http://<host>")
                    .append(op.path(actuatorBasePath, name)).append("` |\n");
        }
    }

    private static List<TriggerSpec> sorted(List<TriggerSpec> specs) {
        List<TriggerSpec> copy = new ArrayList<>(specs);
        copy.sort(Comparator.comparing(TriggerSpec::name));
        return copy;
    }

    private static String features(Release release) {
        if (release.features().isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (FeatureVersion f : release.features()) {
            parts.add("`" + f.name() + ":" + f.version() + "` `" + f.digest() + "`");
        }
        return String.join("<br>", parts);
    }

    private static String flags(Release release) {
        return release.featureFlags().isEmpty() ? "none"
                : String.join(", ", new TreeSet<>(release.featureFlags()).stream().map(f -> "`" + f + "`").toList());
    }

    private static String health(ReleaseHealth h) {
        StringBuilder text = new StringBuilder(h.state().name());
        if (h.quarantined()) {
            text.append(", quarantined");
        }
        text.append(h.isServable() ? " (servable)" : " (not servable)");
        if (h.lastProbe() != null) {
            text.append(", last probe ").append(h.lastProbe());
        }
        if (h.consecutiveFailures() > 0) {
            text.append(", ").append(h.consecutiveFailures()).append(" failed probes in a row");
        }
        if (h.lastFailure() != null) {
            text.append(", last failure: ").append(h.lastFailure());
        }
        return text.toString();
    }

    /** Builds a {@link Runbook}; not thread-safe. */
    public static final class Builder {
        private final ModelRouter<?, ?> router;
        private final List<TriggerSpec> triggers = new ArrayList<>();
        private final List<TriggerSpec> verificationChecks = new ArrayList<>();
        private Duration verificationWithin = DEFAULT_VERIFICATION_WITHIN;
        private String owner;
        private String channel;
        private final List<String> notifiers = new ArrayList<>();
        private String actuatorBasePath = DEFAULT_ACTUATOR_BASE_PATH;
        private final List<TriggerEngine> engines = new ArrayList<>();

        private Builder(ModelRouter<?, ?> router) {
            this.router = Objects.requireNonNull(router, "Runbook.builder(router): router must not be null");
        }

        /**
         * @param specs the triggers guarding the rollout (added to those already given)
         * @return this builder
         */
        public Builder triggers(List<TriggerSpec> specs) {
            Objects.requireNonNull(specs, "Runbook.triggers must not be null (use List.of())");
            specs.forEach(s -> triggers.add(Objects.requireNonNull(s, "Runbook.triggers must not contain null")));
            return this;
        }

        /**
         * @param engine the trigger engine guarding the rollout; its triggers are added, and the self-check
         *               reports the triggers its rollouts found starved (read when the self-check runs)
         * @return this builder
         */
        public Builder engine(TriggerEngine engine) {
            Objects.requireNonNull(engine, "Runbook.engine must not be null");
            engines.add(engine);
            return triggers(engine.triggers());
        }

        /**
         * Takes the owner, channel, notifiers and recovery verification (checks and deadline) of an
         * incident manager, so the runbook shows what the incidents really do.
         *
         * @param incidents the router's incident manager
         * @return this builder (its values replace the owner, channel and verification given before;
         *         its notifiers are added)
         */
        public Builder incidents(Incidents incidents) {
            Objects.requireNonNull(incidents, "Runbook.incidents must not be null");
            incidents.owner().ifPresent(this::owner);
            incidents.channel().ifPresent(this::channel);
            notifiers(incidents.notifierDescriptions());
            return verification(incidents.verificationChecks(), incidents.verificationTimeout());
        }

        /**
         * @param checks the checks that must pass on the last-known-good after a rollback; absolute
         *               thresholds (above/below), the same checks the incident's recovery verification runs
         * @param within how long after a rollback they have to pass, 1 s..24 h (default 10 min)
         * @return this builder (the checks replace any given before)
         * @throws IllegalArgumentException when {@code within} is out of range
         */
        public Builder verification(List<TriggerSpec> checks, Duration within) {
            Objects.requireNonNull(checks, "Runbook.verification checks must not be null (use List.of())");
            if (within == null || within.compareTo(Duration.ofSeconds(1)) < 0 || within.compareTo(MAX_VERIFICATION_WITHIN) > 0) {
                throw new IllegalArgumentException("Runbook.verification within must be between 1s and 24h, but was " + within);
            }
            verificationChecks.clear();
            checks.forEach(c -> verificationChecks.add(Objects.requireNonNull(c, "Runbook.verification checks must not contain null")));
            this.verificationWithin = within;
            return this;
        }

        /**
         * @param checks the verification checks, to pass within {@link #DEFAULT_VERIFICATION_WITHIN}
         * @return this builder
         */
        public Builder verification(List<TriggerSpec> checks) {
            return verification(checks, DEFAULT_VERIFICATION_WITHIN);
        }

        /**
         * @param owner the team or person who answers for the router, e.g. {@code team-fraud}; not blank
         * @return this builder
         */
        public Builder owner(String owner) {
            this.owner = requireText("owner", owner);
            return this;
        }

        /**
         * @param channel where incidents are discussed, e.g. {@code #fraud-oncall}; not blank
         * @return this builder
         */
        public Builder channel(String channel) {
            this.channel = requireText("channel", channel);
            return this;
        }

        /**
         * @param names the incident notifiers, e.g. {@code log}, {@code webhook}, {@code chat} (added to those given);
         *              URLs in them are shown masked ({@link MaskedUrls})
         * @return this builder
         */
        public Builder notifiers(List<String> names) {
            Objects.requireNonNull(names, "Runbook.notifiers must not be null (use List.of())");
            // A runbook is served and shared widely; a webhook URL's path is its secret.
            names.forEach(n -> notifiers.add(MaskedUrls.in(requireText("notifiers[]", n))));
            return this;
        }

        /**
         * @param basePath the rollouts Actuator endpoint's base path, e.g. {@code /actuator/rollouts}
         *                 (the default) or {@code /manage/rollouts}
         * @return this builder
         * @throws IllegalArgumentException when it is not an absolute path of URL-safe segments
         */
        public Builder actuatorBasePath(String basePath) {
            if (basePath == null || !BASE_PATH.matcher(basePath).matches()) {
                throw new IllegalArgumentException("Runbook.actuatorBasePath must be an absolute path such as '"
                        + DEFAULT_ACTUATOR_BASE_PATH + "' (segments of letters, digits, '.', '_', '~', '-'), but was '"
                        + basePath + "'");
            }
            this.actuatorBasePath = basePath;
            return this;
        }

        private static String requireText(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("Runbook." + field + " must not be blank, but was '" + value
                        + "'; leave it unset and the self-check reports it missing");
            }
            return value.strip();
        }

        /**
         * @return the runbook
         * @throws IllegalArgumentException when two triggers or two verification checks share a name
         */
        public Runbook build() {
            unique("triggers", triggers);
            unique("verification checks", verificationChecks);
            return new Runbook(this);
        }

        private static void unique(String field, List<TriggerSpec> specs) {
            Set<String> seen = new HashSet<>();
            for (TriggerSpec s : specs) {
                if (!seen.add(s.name())) {
                    throw new IllegalArgumentException("Runbook." + field + ": the name '" + s.name()
                            + "' is used twice; names must be unique");
                }
            }
        }
    }
}
