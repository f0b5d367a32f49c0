/**
 * The live configuration of a router as a one-page Markdown runbook, with a self-check:
 * {@link io.github.rollback4j.core.runbook.Runbook} renders the last-known-good, candidates and weights,
 * triggers and their actions, verification checks, owner and communication, and how to roll back by hand;
 * {@link io.github.rollback4j.core.runbook.Runbook#selfCheck()} lists what is missing as
 * {@link io.github.rollback4j.core.runbook.Finding}s. See {@code docs/runbook.md}.
 */
package io.github.rollback4j.core.runbook;
