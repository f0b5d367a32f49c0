package io.github.rollback4j.spring;

import io.github.rollback4j.core.strategy.RolloutTransition;
import org.springframework.context.ApplicationEvent;

/**
 * A transition of a starter-built rollout (canary or blue/green), republished as a Spring
 * application event: started, advanced, paused, promoted, rolled back, aborted or refused.
 * Published on the thread that made the transition, while the rollout's lock is held: listeners
 * must not block.
 *
 * <p>Immutable.
 */
public final class RolloutTransitionEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String router;
    private final String segment;
    private final transient RolloutTransition transition;

    /**
     * @param source the router registry that published it
     * @param router the router's name
     * @param transition the transition
     */
    public RolloutTransitionEvent(Object source, String router, RolloutTransition transition) {
        this(source, router, null, transition);
    }

    /**
     * @param source the router registry that published it
     * @param router the router's name
     * @param segment the segment whose plan made the transition (per-segment rollouts), or {@code null}
     * @param transition the transition
     */
    public RolloutTransitionEvent(Object source, String router, String segment, RolloutTransition transition) {
        super(source);
        this.router = router;
        this.segment = segment;
        this.transition = transition;
    }

    /** @return the segment whose plan made the transition ({@code strategy.canary.segments}), or {@code null} for a router-wide rollout */
    public String getSegment() {
        return segment;
    }

    /** @return the router's name */
    public String getRouter() {
        return router;
    }

    /** @return the transition: time, from, to, reason and cause */
    public RolloutTransition getTransition() {
        return transition;
    }

    @Override
    public String toString() {
        return "RolloutTransitionEvent[" + router + (segment == null ? "" : " " + segment) + ": " + transition.summary() + "]";
    }
}
