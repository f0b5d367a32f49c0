package io.github.rollback4j.core.guard;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

/**
 * One comparison the engine evaluates: a candidate against the baseline, over all traffic or in one
 * request segment.
 *
 * @param candidate the release under rollout
 * @param baseline the last-known-good
 * @param segment the request segment, or {@code null} for all traffic
 */
record Arm(ReleaseId candidate, ReleaseId baseline, Segment segment) {
}
