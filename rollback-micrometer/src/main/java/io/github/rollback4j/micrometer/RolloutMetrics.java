package io.github.rollback4j.micrometer;

import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What Flagger and Argo Rollouts export, for one rollout and its trigger engine: the rollout's phase
 * (one gauge per phase, 1 for the current one), its step and the candidate's weight, and the current
 * verdict level of each trigger (one gauge per level, 1 for the latest verdict's level). Every gauge is
 * read when the registry publishes, so nothing is re-registered as the rollout moves.
 *
 * <pre>{@code
 * RolloutMetrics.of(router, canary, guard).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>tags</th><th>value</th></tr>
 *   <tr><td>{@value #PHASE}</td><td>router, release (the candidate's name), segment, phase</td>
 *       <td>1 for the rollout's current phase ({@code pending}, {@code progressing}, {@code paused},
 *       {@code blocked}, {@code promoted}, {@code rolled_back}, {@code aborted}, {@code refused}), 0 for the others</td></tr>
 *   <tr><td>{@value #STEP}</td><td>router, release, segment</td><td>the current step, 0-based</td></tr>
 *   <tr><td>{@value #CANARY_WEIGHT}</td><td>router, release, segment</td><td>the candidate's weight in basis points</td></tr>
 *   <tr><td>{@value #VERDICT}</td><td>router, trigger, level</td>
 *       <td>1 for the level of the trigger's latest verdict ({@code healthy}, {@code inconclusive},
 *       {@code mild_breach}, {@code severe_breach}, {@code dry_run_breach}), 0 for the others (all 0 before
 *       the first verdict)</td></tr>
 * </table>
 *
 * <p>Thread-safe. Gauges hold the rollout and the engine weakly, as Micrometer gauges do.
 */
public final class RolloutMetrics implements MeterBinder, AutoCloseable {

    /** Gauge per phase: 1 for the rollout's current phase. */
    public static final String PHASE = RollbackMeterNames.PREFIX + "rollout.phase";
    /** Gauge: the rollout's current step (0-based). */
    public static final String STEP = RollbackMeterNames.PREFIX + "rollout.step";
    /** Gauge: the candidate's weight in the rollout's segment, in basis points. */
    public static final String CANARY_WEIGHT = RollbackMeterNames.PREFIX + "rollout.canary.weight";
    /** Gauge per verdict level: 1 for the level of the trigger's latest verdict. */
    public static final String VERDICT = RollbackMeterNames.PREFIX + "trigger.verdict";
    /** Tag: the lower-case rollout phase. */
    public static final String TAG_PHASE = "phase";
    /** Tag: the lower-case verdict level. */
    public static final String TAG_LEVEL = "level";

    private final ModelRouter<?, ?> router;
    private final Rollout rollout;
    private final TriggerEngine engine;
    private final Segment segment;
    private final List<Meter> registered = new ArrayList<>();
    private final List<MeterRegistry> registries = new ArrayList<>();

    private RolloutMetrics(ModelRouter<?, ?> router, Rollout rollout, TriggerEngine engine, Segment segment) {
        this.router = router;
        this.rollout = rollout;
        this.engine = engine;
        this.segment = segment;
    }

    /**
     * @param router the router the rollout changes
     * @param rollout the rollout, or {@code null} for the trigger gauges only
     * @param engine its trigger engine, or {@code null} for the rollout gauges only
     * @return a binder for the default segment
     */
    public static RolloutMetrics of(ModelRouter<?, ?> router, Rollout rollout, TriggerEngine engine) {
        return of(router, rollout, engine, Segment.DEFAULT);
    }

    /**
     * @param router the router the rollout changes
     * @param rollout the rollout, or {@code null}
     * @param engine its trigger engine, or {@code null}
     * @param segment the segment the rollout drives (the {@code segment} tag)
     * @return a binder
     */
    public static RolloutMetrics of(ModelRouter<?, ?> router, Rollout rollout, TriggerEngine engine, Segment segment) {
        Objects.requireNonNull(router, "RolloutMetrics.router must not be null");
        Objects.requireNonNull(segment, "RolloutMetrics.segment must not be null");
        return new RolloutMetrics(router, rollout, engine, segment);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        Tags routerTag = Tags.of(RollbackMeterNames.TAG_ROUTER, router.name());
        if (rollout != null) {
            Tags tags = routerTag.and(RollbackMeterNames.TAG_RELEASE, router.releaseName(rollout.candidate()),
                    RollbackMeterNames.TAG_SEGMENT, segment.name());
            for (RolloutPhase phase : RolloutPhase.values()) {
                registered.add(Gauge.builder(PHASE, rollout, r -> r.status().phase() == phase ? 1 : 0)
                        .description("1 for the rollout's current phase, 0 for the others")
                        .tags(tags).tag(TAG_PHASE, phase.name().toLowerCase(Locale.ROOT)).register(registry));
            }
            registered.add(Gauge.builder(STEP, rollout, r -> r.status().step())
                    .description("The rollout's current step, 0-based").tags(tags).register(registry));
            registered.add(Gauge.builder(CANARY_WEIGHT, rollout, r -> r.status().weightBasisPoints())
                    .description("The candidate's weight in the rollout's segment (10000 = all traffic)")
                    .tags(tags).baseUnit(RollbackMeterNames.WEIGHT_UNIT).register(registry));
        }
        if (engine != null) {
            for (TriggerSpec trigger : engine.triggers()) {
                for (VerdictLevel level : VerdictLevel.values()) {
                    registered.add(Gauge.builder(VERDICT, engine, e -> level == latestLevel(e, trigger.name()) ? 1 : 0)
                            .description("1 for the level of the trigger's latest verdict, 0 for the others")
                            .tags(routerTag).tag(RollbackMeterNames.TAG_TRIGGER, trigger.name())
                            .tag(TAG_LEVEL, level.name().toLowerCase(Locale.ROOT)).register(registry));
                }
            }
        }
    }

    /** The most severe level among the trigger's latest verdicts (one per candidate and segment), or {@code null}. */
    private static VerdictLevel latestLevel(TriggerEngine engine, String trigger) {
        VerdictLevel worst = null;
        for (Verdict v : engine.latest()) {
            if (v.trigger().equals(trigger) && (worst == null || v.level().ordinal() > worst.ordinal())) {
                worst = v.level();
            }
        }
        return worst;
    }

    /** Removes the gauges from every registry this binder was bound to. Idempotent. */
    @Override
    public synchronized void close() {
        for (MeterRegistry registry : registries) {
            registered.forEach(registry::remove);
        }
        registered.clear();
        registries.clear();
    }
}
