package io.github.rollback4j.core.internal;

import io.github.rollback4j.AuditEntry;

import java.util.ArrayDeque;
import java.util.List;

/** A bounded, append-only audit log; the oldest entries are dropped first. Thread-safe. */
final class AuditTrail {

    private final int capacity;
    private final ArrayDeque<AuditEntry> entries;

    AuditTrail(int capacity) {
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    synchronized void add(AuditEntry entry) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    synchronized List<AuditEntry> snapshot() {
        return List.copyOf(entries);
    }

    /** The entries that match, oldest first; copies only those. */
    synchronized List<AuditEntry> select(java.util.function.Predicate<AuditEntry> filter) {
        List<AuditEntry> selected = new java.util.ArrayList<>();
        for (AuditEntry entry : entries) {
            if (filter.test(entry)) {
                selected.add(entry);
            }
        }
        return List.copyOf(selected);
    }
}
