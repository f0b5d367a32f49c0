package io.github.rollback4j;

import java.util.Objects;
import java.util.Optional;

/**
 * Says which release threw: a router adds it as a {@linkplain Throwable#getSuppressed() suppressed
 * exception} to a model's exception before the exception reaches the caller, so the exception keeps
 * its own type (the caller's {@code catch} clauses work as before) and a log of its stack trace shows
 * {@code Suppressed: io.github.rollback4j.ReleaseAttribution: thrown by release v2 (rel-…) of router
 * 'fraud-scoring'}.
 *
 * <pre>{@code
 * try {
 *     score = router.invoke(features, context);
 * } catch (Exception e) {
 *     String failed = ReleaseAttribution.of(e).map(ReleaseAttribution::releaseName).orElse("unknown");
 * }
 * }</pre>
 *
 * <p>One instance per release and router, made when the release is registered: it has no stack trace
 * and accepts no suppressed exceptions of its own, so attributing a failure allocates nothing but
 * the exception's suppressed list. An exception is attributed once, to the first release it passed.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReleaseAttribution extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String router;
    private final ReleaseId release;
    private final String releaseName;

    /**
     * @param router the router's name
     * @param release the release that threw
     * @param releaseName its display name
     */
    public ReleaseAttribution(String router, ReleaseId release, String releaseName) {
        super("thrown by release " + releaseName + " (" + release + ") of router '" + router + "'", null, false, false);
        this.router = Objects.requireNonNull(router, "router");
        this.release = Objects.requireNonNull(release, "release");
        this.releaseName = Objects.requireNonNull(releaseName, "releaseName");
    }

    /**
     * Finds the attribution a router added to an exception.
     *
     * @param failure an exception that reached the caller of {@code invoke} or {@code decide}
     * @return the attribution, when a router attributed the exception
     */
    public static Optional<ReleaseAttribution> of(Throwable failure) {
        if (failure == null) {
            return Optional.empty();
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (suppressed instanceof ReleaseAttribution attribution) {
                return Optional.of(attribution);
            }
        }
        return Optional.empty();
    }

    /**
     * Attributes the failure to this release unless a router already attributed it (a model that
     * rethrows one cached exception would otherwise grow its suppressed list without bound).
     *
     * @param failure the model's exception; returned unchanged but for the suppressed attribution
     * @param <T> its type
     * @return {@code failure}
     */
    public <T extends Throwable> T attach(T failure) {
        try {
            if (of(failure).isEmpty()) {
                failure.addSuppressed(this);
            }
        } catch (RuntimeException ignored) {
            // a Throwable with suppression disabled refuses nothing, but a custom one may throw: never replace the model's exception
        }
        return failure;
    }

    /** @return the router's name */
    public String router() {
        return router;
    }

    /** @return the id of the release that threw */
    public ReleaseId release() {
        return release;
    }

    /** @return the display name of the release that threw, e.g. {@code v2} */
    public String releaseName() {
        return releaseName;
    }
}
