package io.github.rollback4j.core.incident;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes notices to SLF4J, logger {@code io.github.rollback4j.incident}: opened and escalated at WARN,
 * updated and resolved at INFO, as one line (title) plus the summary. Stateless and thread-safe.
 */
public final class LogNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.rollback4j.incident");

    /** Creates a log notifier. */
    public LogNotifier() {
    }

    @Override
    public void send(IncidentNotice notice) {
        // The router already logged the rollback's one WARN line; opening its incident is detail (one INFO line,
        // the multi-line summary at DEBUG). An escalation is news of its own: the rollback did not restore the SLOs.
        if (notice.kind() == IncidentNotice.Kind.ESCALATED) {
            LOG.warn("incident {} {}: {}", notice.incidentId(), notice.kind(), notice.title());
        } else {
            LOG.info("incident {} {}: {}", notice.incidentId(), notice.kind(), notice.title());
        }
        LOG.debug("incident {} {} summary:\n{}", notice.incidentId(), notice.kind(), notice.summary());
    }

    @Override
    public String toString() {
        return "LogNotifier";
    }
}
