package io.github.rollback4j.spring;

import java.util.List;

/**
 * Supplies the {@code incidents} section of the {@code rollouts} Actuator endpoint: the incidents a
 * router's rollbacks opened (timeline, evidence, verification of recovery). Define one bean of this
 * type to plug an incident manager in; without one the section is an empty list.
 *
 * <p>Implementations are called on Actuator request threads and must be thread-safe.
 */
@FunctionalInterface
public interface RolloutIncidentsSource {

    /**
     * @param router the router's name
     * @return the router's incidents, newest first, as values the Actuator's JSON mapper can write
     *         (records, maps, lists, strings, numbers); never {@code null}
     */
    List<?> incidents(String router);
}
