package io.github.rollback4j.core.incident;

/**
 * Tells people about an incident: opened, updated, resolved, escalated. Built-ins:
 * {@link LogNotifier}, {@link WebhookNotifier}, {@link SlackNotifier}.
 *
 * <p>{@link Incidents} calls each notifier on a thread of its own, in the order of the notices, so a
 * notifier may block (a slow HTTP call) or throw without delaying a rollback or the other notifiers;
 * a thrown exception is logged and counted ({@link Incidents#notificationFailures()}). An
 * implementation needs to be safe for that one thread only.
 */
@FunctionalInterface
public interface Notifier {

    /**
     * @param notice what happened
     * @throws Exception when the notice could not be delivered
     */
    void send(IncidentNotice notice) throws Exception;
}
