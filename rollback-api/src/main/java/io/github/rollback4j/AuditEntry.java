package io.github.rollback4j;

import java.time.Instant;

/**
 * One line of a router's audit log: a routing change, promotion, rollback, refusal or override,
 * with who did it and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param time when it happened (the router's {@link TimeSource})
 * @param router the router's name
 * @param action what happened, e.g. {@code weights-changed}, {@code rolled-back}, {@code quarantine-overridden}
 * @param actor an operator id, or {@code automatic}
 * @param reason why
 * @param detail what changed, in one line
 */
public record AuditEntry(Instant time, String router, String action, String actor, String reason, String detail) {
}
