package io.github.rollback4j.spring.actuate;

import org.springframework.boot.actuate.endpoint.SecurityContext;

import java.security.Principal;

/**
 * Decides whether a write operation of the {@code rollouts} endpoint may run, and names the operator
 * that goes into the router's audit log. The auto-configuration picks {@link #disabled()} unless
 * {@code rollback4j.actuator.write-enabled=true}; then {@link #role(String)} when Spring Security is
 * on the classpath, {@link #anyone(String)} otherwise. Define a bean of this type to decide
 * differently.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RolloutsWriteAccess {

    /**
     * @param context the caller's security context ({@link SecurityContext#NONE} when there is none)
     * @param router the router's name
     * @param operation the operation, e.g. {@code rollback}
     * @return the operator id for the audit log
     * @throws RolloutsWriteRefusedException when the write may not run
     */
    String authorize(SecurityContext context, String router, String operation);

    /** @return an access that refuses every write, naming the property that enables them */
    static RolloutsWriteAccess disabled() {
        return (context, router, operation) -> {
            throw new RolloutsWriteRefusedException(RolloutsWriteRefusedException.FORBIDDEN, "write operations of the rollouts"
                    + " endpoint are disabled; set rollback4j.actuator.write-enabled=true to allow '" + operation + "' on router '"
                    + router + "'");
        };
    }

    /**
     * Allows every write; the operator is the authenticated principal's name if there is one.
     *
     * @param anonymousOperator the operator id when no principal is authenticated
     * @return the access
     */
    static RolloutsWriteAccess anyone(String anonymousOperator) {
        if (anonymousOperator == null || anonymousOperator.isBlank()) {
            throw new IllegalArgumentException("rollback4j.actuator.anonymous-operator must name an operator, but was '"
                    + anonymousOperator + "'");
        }
        return (context, router, operation) -> {
            Principal principal = context == null ? null : context.getPrincipal();
            return principal != null && principal.getName() != null && !principal.getName().isBlank()
                    ? principal.getName() : anonymousOperator;
        };
    }

    /**
     * Allows writes only to an authenticated principal in the role; the operator is its name.
     *
     * @param role the role, e.g. {@code ROLLOUT_ADMIN} (without the {@code ROLE_} prefix Spring Security adds)
     * @return the access
     */
    static RolloutsWriteAccess role(String role) {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("rollback4j.actuator.write-role must name a role, e.g. ROLLOUT_ADMIN, but was '"
                    + role + "'");
        }
        return (context, router, operation) -> {
            Principal principal = context == null ? null : context.getPrincipal();
            if (principal == null) {
                throw new RolloutsWriteRefusedException(RolloutsWriteRefusedException.UNAUTHORIZED, "'" + operation + "' on router '"
                        + router + "' needs an authenticated principal with role " + role);
            }
            if (!context.isUserInRole(role)) {
                throw new RolloutsWriteRefusedException(RolloutsWriteRefusedException.FORBIDDEN, "'" + operation + "' on router '"
                        + router + "' needs role " + role + ", which " + principal.getName() + " does not have"
                        + " (rollback4j.actuator.write-role)");
            }
            return principal.getName();
        };
    }
}
