package io.github.rollback4j.spi;

/**
 * A {@link FleetStore}'s push notice that a router's state was committed at a generation (with
 * PostgreSQL, a {@code NOTIFY} sent in the committing transaction). Notices can be late, lost or
 * repeated; a replica that gets one re-reads the state, and re-reads it periodically anyway.
 *
 * @param router the router's name
 * @param generation the committed generation
 */
public record StateNotice(String router, long generation) {
}
