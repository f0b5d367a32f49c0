package io.github.rollback4j.core.runbook;

import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.core.runbook.Finding.Code;
import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.github.rollback4j.core.runbook.Formats.duration;
import static io.github.rollback4j.core.runbook.Formats.number;

/** The checks behind {@link Runbook#selfCheck()}. */
final class SelfCheck {

    private final Runbook runbook;
    private final List<Finding> findings = new ArrayList<>();

    private SelfCheck(Runbook runbook) {
        this.runbook = runbook;
    }

    /** @return the findings, errors first, then by code and message */
    static List<Finding> run(Runbook runbook) {
        SelfCheck check = new SelfCheck(runbook);
        check.communication();
        check.triggers();
        check.lastKnownGood();
        check.pairing();
        check.verification();
        check.starved();
        List<Finding> sorted = new ArrayList<>(check.findings);
        sorted.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::code).thenComparing(Finding::message));
        return List.copyOf(sorted);
    }

    /** What the engines' rollouts found starved at their current steps, with the numbers. */
    private void starved() {
        for (io.github.rollback4j.core.guard.TriggerEngine engine : runbook.engines()) {
            for (String finding : engine.starvedTriggers()) {
                warning(Code.TRIGGER_STARVED, "Starved trigger: " + finding + ". Raise the step's weight or bake, lengthen"
                        + " the trigger's window, or lower its minSamples; until then the step waits for its deadline.");
            }
        }
    }

    private void error(Code code, String message) {
        findings.add(new Finding(Finding.Severity.ERROR, code, message));
    }

    private void warning(Code code, String message) {
        findings.add(new Finding(Finding.Severity.WARNING, code, message));
    }

    private void communication() {
        if (runbook.owner().isEmpty()) {
            error(Code.NO_OWNER, "No owner: name the team or person who answers for router '" + runbook.router().name()
                    + "' with Runbook.builder(..).owner(\"team-fraud\").");
        }
        if (runbook.channel().isEmpty()) {
            error(Code.NO_CHANNEL, "No communication channel: name where incidents are discussed with"
                    + " Runbook.builder(..).channel(\"#fraud-oncall\").");
        }
        if (runbook.notifiers().isEmpty()) {
            warning(Code.NO_NOTIFIERS, "No notifier: nobody is told of a rollback; list the incident notifiers"
                    + " (e.g. log, webhook, chat) with Runbook.builder(..).notifiers(List.of(\"log\", \"chat\")).");
        }
    }

    private void triggers() {
        List<TriggerSpec> triggers = runbook.triggers();
        if (triggers.isEmpty()) {
            error(Code.NO_TRIGGERS, "No trigger: nothing rolls router '" + runbook.router().name() + "' back by itself;"
                    + " add triggers with Runbook.builder(..).triggers(..) or .engine(triggerEngine), e.g. a latency p95"
                    + " increase of 0.3 for 5 min.");
            return;
        }
        if (triggers.stream().allMatch(t -> t.severity() == Severity.DRY_RUN)) {
            warning(Code.NO_AUTOMATIC_ACTION, "Every trigger is DRY_RUN: breaches are only reported, nothing rolls back"
                    + " or pauses; set severity SEVERE (roll back) or MILD (pause for approval) on at least one of "
                    + names(triggers) + ".");
        }
        for (TriggerSpec t : triggers) {
            cannotBreach("trigger", t);
        }
    }

    /** A threshold outside the range the metric can take: the trigger never fires, the check always passes. */
    private void cannotBreach(String what, TriggerSpec t) {
        String where = what + " '" + t.name() + "' (" + Formats.metric(t.metric()) + ")";
        Metric metric = t.metric();
        if (metric instanceof Metric.BurnRate burn) {
            double maxBurn = 1 / (1 - burn.slo());
            for (BurnWindow w : burn.windows()) {
                if (w.factor() >= maxBurn) {
                    error(Code.THRESHOLD_CANNOT_BREACH, where + " cannot breach on the window pair " + duration(w.longWindow())
                            + "/" + duration(w.shortWindow()) + ": its factor " + number(w.factor()) + " is at or above "
                            + number(maxBurn) + ", the burn rate of a 100 % error rate against SLO " + number(burn.slo())
                            + "; set metric.windows[].factor below " + number(maxBurn) + " or raise the SLO.");
                }
            }
            return;
        }
        Threshold threshold = t.threshold();
        boolean boundedRate = metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate
                || metric instanceof Metric.InputNullRate || metric instanceof Metric.SchemaViolationRate;
        boolean proportion = metric instanceof Metric.Kpi k && k.proportion();
        String fix = null;
        if (boundedRate && threshold.kind() == Threshold.Kind.INCREASE_BY && threshold.value() >= 1) {
            fix = "a rate is at most 1, so it can never exceed the LKG's by " + number(threshold.value())
                    + "; set increaseBy below 1 (0.01 for one percentage point)";
        } else if (proportion && threshold.kind() == Threshold.Kind.BELOW && threshold.value() <= 0) {
            fix = "a proportion is never below 0, so it can never be below " + number(threshold.value())
                    + "; set below between 0 and 1 (0.02 for 2 %)";
        } else if (proportion && threshold.kind() == Threshold.Kind.DROP_BY && threshold.value() >= 1) {
            fix = "a proportion is between 0 and 1, so it can never drop by " + number(threshold.value())
                    + "; set dropBy below 1 (0.01 for one percentage point)";
        } else if (metric instanceof Metric.Drift d && d.statistic() == Metric.DriftStatistic.JENSEN_SHANNON
                && threshold.kind() == Threshold.Kind.ABOVE && threshold.value() >= 1) {
            fix = "the Jensen-Shannon distance is at most 1, so it can never be above " + number(threshold.value())
                    + "; set above below 1 (e.g. 0.1)";
        }
        if (fix != null) {
            error(Code.THRESHOLD_CANNOT_BREACH, where + " cannot breach: " + fix + ".");
        }
    }

    private void lastKnownGood() {
        ReleaseHealth health = runbook.router().lastKnownGoodHealth();
        String lkg = health.release().value();
        if (health.state() == ReleaseState.COLD || health.state() == ReleaseState.WARMING) {
            error(Code.LKG_COLD, "The last-known-good " + lkg + " is " + health.state() + ": a rollback onto it would be"
                    + " refused; warm it (ManagedModelRouter.warmUp(" + lkg + ")) and keep its health probes running"
                    + " (startHealthChecks).");
        } else if (health.state() == ReleaseState.UNHEALTHY || health.quarantined()) {
            error(Code.LKG_UNHEALTHY, "The last-known-good " + lkg + " is " + (health.quarantined() ? "quarantined" : "UNHEALTHY")
                    + (health.lastFailure() == null ? "" : " (last probe failure: " + health.lastFailure() + ")")
                    + ": a rollback onto it would be refused; fix its model or probe and run checkHealth() until it is READY.");
        }
    }

    /**
     * {@code Release.build()} already refuses a model paired with feature versions it does not declare,
     * or missing one it needs. What it cannot see is the router as a whole: a release whose model
     * declares no feature at all beside releases that carry features, and one version name standing for
     * two different artifacts.
     */
    private void pairing() {
        List<Release> releases = runbook.router().releases();
        Set<String> carried = new TreeSet<>();
        releases.forEach(r -> r.features().forEach(f -> carried.add(f.name())));
        Map<String, Map<String, String>> digestOf = new TreeMap<>();
        for (Release r : releases) {
            if (r.features().isEmpty() && !carried.isEmpty()) {
                warning(Code.UNPAIRED_RELEASE, "Release " + r + ", " + r.label() + ", pairs its model with no feature"
                        + " version, while other releases of the router carry " + carried + "; if model "
                        + r.model().name() + ":" + r.model().version() + " uses them, declare the versions it was validated"
                        + " with (ModelVersion.builder(..).compatibleWith(..)) and add them to the release, so model and"
                        + " features roll out and back together.");
            }
            conflict(digestOf, "model " + r.model().name() + ":" + r.model().version(), r.model().digest(), r);
            for (FeatureVersion f : r.features()) {
                conflict(digestOf, "feature " + f.name() + ":" + f.version(), f.digest(), r);
            }
        }
        digestOf.forEach((artifact, digests) -> {
            if (digests.size() > 1) {
                error(Code.VERSION_DIGEST_CONFLICT, "The " + artifact + " names " + digests.size() + " different artifacts "
                        + digests.keySet() + " across releases " + new TreeSet<>(digests.values()) + "; a version must"
                        + " name one immutable artifact: give the rebuilt one a new version.");
            }
        });
    }

    private static void conflict(Map<String, Map<String, String>> digestOf, String artifact, String digest, Release release) {
        digestOf.computeIfAbsent(artifact, k -> new TreeMap<>()).putIfAbsent(digest, release.id().value());
    }

    private void verification() {
        List<TriggerSpec> checks = runbook.verificationChecks();
        if (checks.isEmpty()) {
            error(Code.NO_VERIFICATION, "No verification check: nothing confirms the SLOs recover after a rollback; add"
                    + " checks with absolute thresholds on the LKG, e.g. Runbook.builder(..).verification(List.of(errorRate"
                    + " above 0.01, latency p95 above 250 ms), Duration.ofMinutes(10)).");
            return;
        }
        for (TriggerSpec c : checks) {
            if (c.threshold() != null && c.threshold().kind().relativeToBaseline()) {
                error(Code.VERIFICATION_NOT_ABSOLUTE, "Verification check '" + c.name() + "' uses "
                        + c.threshold().kind().key() + ", a comparison with a baseline; after a rollback only the LKG"
                        + " serves, so give it an absolute threshold (above or below).");
            }
            cannotBreach("verification check", c);
        }
    }

    private static String names(List<TriggerSpec> triggers) {
        return triggers.stream().map(TriggerSpec::name).sorted().toList().toString();
    }
}
