package io.github.rollback4j.telemetry;

import io.github.rollback4j.Decision;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEventPublisher;

import java.time.Duration;
import java.util.List;

/**
 * A router's telemetry: latency, outcomes, business KPIs, prediction scores and input profiles per
 * release and request segment, in sliding windows of sub-windows keyed by wall-clock slot.
 *
 * <h2>Business KPIs</h2>
 * The application reports a KPI observation when it learns it (a click seconds later, a conversion
 * hours later); it counts in the sub-window of the report's time. Attribute it either
 * <ul>
 *   <li>by the {@link Decision} that {@code ModelRouter.decide} returned: exact, the release that
 *   actually served (including a fallback to the last-known-good); or</li>
 *   <li>by the request's stickiness key: the release that owns the key's bucket in the context's
 *   segment <em>now</em>. Exact as long as the weights did not change in between; sticky routing
 *   only moves a key when its release's weight shrinks or another's grows.</li>
 * </ul>
 * A proportion (click-through, conversion) is reported as 0 or 1; a mean (revenue, acceptance score)
 * as its value.
 *
 * <p>Thread-safe.
 */
public interface RouterTelemetry {

    /**
     * @param kpi the KPI's name, e.g. {@code ctr}
     * @param decision what {@code decide} returned for the request
     * @param value the observation: 0 or 1 for a proportion, the value for a mean; finite
     * @throws IllegalArgumentException when the value is not finite or the KPI name is empty
     */
    void reportKpi(String kpi, Decision<?> decision, double value);

    /**
     * @param kpi the KPI's name
     * @param context the request's context; must carry a stickiness key
     * @param value the observation; finite
     * @throws IllegalArgumentException when the context has no stickiness key, the value is not
     *     finite or the KPI name is empty
     */
    void reportKpi(String kpi, RequestContext context, double value);

    /**
     * The last {@code window} of telemetry up to now, rounded up to whole sub-windows (the current,
     * still filling, sub-window included).
     *
     * @param window how far back; at most {@link #retention()}
     * @return a read-only snapshot
     * @throws IllegalArgumentException when the window is not positive or longer than the retention
     */
    TelemetrySnapshot snapshot(Duration window);

    /**
     * Adds a per-call observer (a metrics binding). The factory is asked at once for an observer of
     * every release and segment the router already tracks, and later for each new one.
     *
     * @param factory creates one observer per release and segment
     * @return a handle that removes the observers when closed
     */
    RouterEventPublisher.Registration addCallObserver(CallObserverFactory factory);

    /**
     * Outcome counts and KPI statistics since each release was registered, never reset (latency,
     * scores and input profiles are empty here). Sequential tests and long burn-rate windows read
     * differences of these totals, so they are not limited by the windows' retention.
     *
     * @return a read-only snapshot of the totals
     */
    TelemetrySnapshot sinceStart();

    /**
     * Per release, the request segments with telemetry of their own and those over the segment cap,
     * whose calls are counted under {@code default}. Read off counters; cheap to call.
     *
     * @return one entry per registered release, in registration order; empty when the router keeps no telemetry
     */
    default List<SegmentOverflow> segmentOverflow() {
        return List.of();
    }

    /** @return the length of one sub-window */
    Duration subWindow();

    /** @return how far back the windows reach: sub-window length × sub-window count */
    Duration retention();
}
