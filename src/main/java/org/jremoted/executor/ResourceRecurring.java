package org.jremoted.executor;

import java.util.List;

/** A resource and its live recurring operations (possibly none). */
public record ResourceRecurring(String resourceId, List<RecurringOperation> operations) {
    public ResourceRecurring {
        operations = List.copyOf(operations);
    }
}
