package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.Cause;
import io.github.rollback4j.spring.RollbackRouters;
import org.springframework.boot.actuate.endpoint.SecurityContext;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Writes refused writes (401, 403) of the rollouts endpoint into the router's audit log as
 * {@value #ACTION} entries: who, which operation, why it was refused. At most one entry per router per
 * {@link #INTERVAL}; the refusals in between are counted in the next entry, so that a caller without
 * rights cannot push the real decisions out of the bounded audit log by hammering the endpoint (each
 * refusal is logged at WARN in any case).
 *
 * <p>Thread-safe.
 */
final class RefusalAudit {

    /** The audit action of a refused write. */
    static final String ACTION = "write-refused";

    /** Shortest time between two refusal entries of one router. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** The actor of a refusal without an authenticated principal. */
    static final String ANONYMOUS = "anonymous";

    private final LongSupplier nanoTime;
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();

    /** @param nanoTime the monotonic clock, in nanoseconds */
    RefusalAudit(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * @param entry the router whose write was refused
     * @param caller who asked
     * @param operation what was asked (one of the endpoint's operations)
     * @param status 401 or 403
     * @param message why it was refused, cleaned of control characters
     */
    void audit(RollbackRouters.Entry entry, SecurityContext caller, String operation, int status, String message) {
        Throttle throttle = throttles.computeIfAbsent(entry.name(), name -> new Throttle());
        long skipped;
        synchronized (throttle) {
            long now = nanoTime.getAsLong();
            if (throttle.audited && now - throttle.lastNanos < INTERVAL.toNanos()) {
                throttle.skipped++;
                return;
            }
            throttle.audited = true;
            throttle.lastNanos = now;
            skipped = throttle.skipped;
            throttle.skipped = 0;
        }
        Principal principal = caller.getPrincipal();
        String actor = principal == null || principal.getName() == null || principal.getName().isBlank()
                ? ANONYMOUS : OperatorText.echo(principal.getName());
        entry.router().audit(ACTION, Cause.operator(actor, "HTTP " + status + ": " + message), operation
                + (skipped == 0 ? "" : "; " + skipped + " more refused write(s) since the previous entry, not audited one by one"));
    }

    private static final class Throttle {
        boolean audited;
        long lastNanos;
        long skipped;
    }
}
