package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.spring.RollbackRouters;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health of the starter-built routers' last-known-good releases, the releases a rollback falls
 * back to: {@code DOWN} when any router's last-known-good is cold, warming, unhealthy or
 * quarantined (a rollback would then be refused), {@code UP} otherwise. Details per router: the
 * last-known-good's name and id, its state, the reason, and (with incidents enabled) the number of open
 * and escalated incidents, which inform but never change the status. In fleet mode each router's details
 * also show the fleet ({@code fleet}: this replica, the leader, every replica's last report and applied
 * generation, and {@code failSafe} with its reason when this replica serves only its last-known-good
 * because the database is unreachable — still {@code UP}, since it still serves).
 *
 * <p>Thread-safe; reads the routers' last probe results and probes nothing itself.
 */
public final class RollbackHealthIndicator implements HealthIndicator {

    private final RollbackRouters routers;

    /** @param routers the routers */
    public RollbackHealthIndicator(RollbackRouters routers) {
        this.routers = routers;
    }

    @Override
    public Health health() {
        boolean down = false;
        Health.Builder builder = Health.up();
        for (RollbackRouters.Entry e : routers.entries()) {
            ReleaseHealth h = e.router().lastKnownGoodHealth();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("router", e.name());
            details.put("lastKnownGood", e.releaseName(h.release()));
            details.put("lastKnownGoodId", h.release().value());
            details.put("state", h.state().name());
            details.put("quarantined", h.quarantined());
            details.put("consecutiveFailures", h.consecutiveFailures());
            details.put("reason", reason(h));
            if (e.incidents() != null) {
                List<Incident> incidents = e.incidents().incidents();
                details.put("openIncidents", incidents.stream().filter(i -> i.status() == IncidentStatus.OPEN).count());
                details.put("escalatedIncidents", incidents.stream().filter(i -> i.status() == IncidentStatus.ESCALATED).count());
            }
            if (e.member() != null) {
                // A replica in fail-safe stays UP: it still serves, from its last-known-good, and taking every
                // replica out of the load balancer while the database is down would turn a degraded fleet into an outage.
                details.put("fleet", RolloutsEndpoint.fleetView(e.member().status()));
            }
            builder.withDetail(e.name(), details);
            down |= !h.isServable();
        }
        return down ? builder.down().build() : builder.build();
    }

    private static String reason(ReleaseHealth h) {
        if (h.isServable()) {
            return "warm and healthy: a rollback can land on it";
        }
        String why = switch (h.state()) {
            case COLD -> "cold: never warmed";
            case WARMING -> "still warming up";
            case UNHEALTHY -> "unhealthy: " + (h.lastFailure() == null ? "failed its health probe" : h.lastFailure());
            case READY -> "quarantined";
        };
        return why + "; a rollback would be refused";
    }
}
