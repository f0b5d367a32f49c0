package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A filter over a router's audit log, by time range, action and actor, for
 * {@link ManagedModelRouter#auditLog(AuditQuery)}: only the matching entries are copied out.
 *
 * <pre>{@code
 * List<AuditEntry> rollbacks = router.auditLog(AuditQuery.all()
 *         .from(rolloutStart).actions("rolled-back", "segment-rolled-back").actor(Cause.AUTOMATIC));
 * }</pre>
 *
 * <p>Immutable and thread-safe; each method returns a new query.
 */
public final class AuditQuery {

    private static final AuditQuery ALL = new AuditQuery(null, null, Set.of(), null);

    private final Instant from;
    private final Instant to;
    private final Set<String> actions;
    private final String actor;

    private AuditQuery(Instant from, Instant to, Set<String> actions, String actor) {
        this.from = from;
        this.to = to;
        this.actions = actions;
        this.actor = actor;
    }

    /** @return a query that matches every entry */
    public static AuditQuery all() {
        return ALL;
    }

    /**
     * @param since the earliest time, inclusive
     * @return a query that also requires {@code time >= since}
     */
    public AuditQuery from(Instant since) {
        return new AuditQuery(Objects.requireNonNull(since, "AuditQuery.from must not be null"), to, actions, actor);
    }

    /**
     * @param until the latest time, inclusive
     * @return a query that also requires {@code time <= until}
     * @throws IllegalArgumentException when {@code until} is before {@link #from}
     */
    public AuditQuery to(Instant until) {
        Objects.requireNonNull(until, "AuditQuery.to must not be null");
        if (from != null && until.isBefore(from)) {
            throw new IllegalArgumentException("AuditQuery.to must not be before from (" + from + "), but was " + until);
        }
        return new AuditQuery(from, until, actions, actor);
    }

    /**
     * @param names the actions to keep, e.g. {@code rolled-back}, {@code weights-changed}, {@code approved}
     * @return a query that keeps entries with one of these actions
     * @throws IllegalArgumentException when no action is given or one is blank
     */
    public AuditQuery actions(String... names) {
        if (names == null || names.length == 0 || Arrays.stream(names).anyMatch(n -> n == null || n.isBlank())) {
            throw new IllegalArgumentException("AuditQuery.actions must name at least one action, none blank, but was "
                    + (names == null ? null : Arrays.toString(names)));
        }
        return new AuditQuery(from, to, Set.copyOf(new LinkedHashSet<>(Arrays.asList(names))), actor);
    }

    /**
     * @param who an operator id, or {@link io.github.rollback4j.Cause#AUTOMATIC}
     * @return a query that keeps entries of that actor
     * @throws IllegalArgumentException when blank
     */
    public AuditQuery actor(String who) {
        if (who == null || who.isBlank()) {
            throw new IllegalArgumentException("AuditQuery.actor must name an operator id or 'automatic', but was '" + who + "'");
        }
        return new AuditQuery(from, to, actions, who);
    }

    /**
     * @param entry an audit entry
     * @return whether it matches every condition of this query
     */
    public boolean matches(AuditEntry entry) {
        return (from == null || !entry.time().isBefore(from))
                && (to == null || !entry.time().isAfter(to))
                && (actions.isEmpty() || actions.contains(entry.action()))
                && (actor == null || actor.equals(entry.actor()));
    }

    @Override
    public String toString() {
        return "AuditQuery{from=" + from + ", to=" + to + ", actions=" + actions + ", actor=" + actor + '}';
    }
}
