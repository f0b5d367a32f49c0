/**
 * Rollout strategies: state machines that change a router's routing over time, driven by the
 * verdicts of a {@link io.github.rollback4j.core.guard.TriggerEngine}.
 *
 * <ul>
 *   <li>{@link io.github.rollback4j.core.strategy.CanaryRollout} walks a
 *   {@link io.github.rollback4j.core.strategy.CanaryPlan} of weights (1 % → 5 % → … → 100 %).</li>
 *   <li>{@link io.github.rollback4j.core.strategy.BlueGreenRollout} verifies green, flips all traffic
 *   to it at once, bakes and promotes, or flips back.</li>
 * </ul>
 *
 * Both are driven by {@code tick()} and own no threads; see {@code docs/strategies.md}.
 */
package io.github.rollback4j.core.strategy;
