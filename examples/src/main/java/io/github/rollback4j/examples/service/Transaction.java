package io.github.rollback4j.examples.service;

/**
 * One card transaction to score.
 *
 * @param user the card holder's id: the stickiness key, so a user stays on one release
 * @param amount the amount in euros, {@code >= 0}
 * @param merchantCategory the merchant category, 0..9
 */
public record Transaction(String user, double amount, int merchantCategory) {
}
