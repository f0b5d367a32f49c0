package io.github.rollback4j.core.runbook;

import java.util.Locale;

/**
 * The write operations of the rollouts Actuator endpoint, as the runbook shows them: each is a
 * {@code POST} to {@code <base path>/<router>/<operation>}, e.g.
 * {@code POST /actuator/rollouts/fraud-scoring/rollback}. They need the endpoint's write operations
 * enabled (Actuator exposes read operations only unless told otherwise).
 */
public enum ActuatorOperation {
    /** Make a candidate the last-known-good with all traffic. */
    PROMOTE("promote", "make a candidate the last-known-good with all traffic"),
    /** Approve going on despite the mild breaches waiting for approval. */
    APPROVE("approve", "approve going on despite the mild breaches waiting for approval"),
    /** Hold the rollout where it is. */
    PAUSE("pause", "hold the rollout where it is"),
    /** Go on with a paused rollout. */
    RESUME("resume", "go on with a paused rollout"),
    /** Send all traffic (or one segment's) back to the last-known-good. */
    ROLLBACK("rollback", "send all traffic (or one segment's) back to the last-known-good"),
    /** Blue/green: flip all traffic back to blue (the last-known-good). */
    FLIP("flip", "blue/green: flip all traffic back to blue (the last-known-good)"),
    /** Let a quarantined release receive traffic again. */
    OVERRIDE_QUARANTINE("override-quarantine", "let a quarantined release receive traffic again");

    private final String path;
    private final String description;

    ActuatorOperation(String path, String description) {
        this.path = path;
        this.description = description;
    }

    /** @return what the operation does, in a few words */
    public String description() {
        return description;
    }

    /** @return the last path element, e.g. {@code override-quarantine} */
    public String pathElement() {
        return path;
    }

    /**
     * @param basePath the endpoint's base path, e.g. {@code /actuator/rollouts}
     * @param router the router's name
     * @return e.g. {@code /actuator/rollouts/fraud-scoring/rollback}
     */
    public String path(String basePath, String router) {
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        return base + "/" + router + "/" + path;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
