package org.jremoted.executor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A registered resource: its definition, its FIFO of waiting operations, and what is running. */
final class Resource {

    /** {@code lrmd_callopt} bit (3.0 value; 2.1.5 sends 3) asking to drop recurring ops on disconnect. */
    static final int DROP_RECURRING = 0x1;

    final ResourceDefinition definition;
    final int callOptions;
    final Deque<Operation> queue = new ArrayDeque<>();
    /** Every live recurring operation, whatever its state, in request order. */
    final List<Operation> recurring = new ArrayList<>();
    Operation active;
    boolean processingPosted;

    Resource(ResourceDefinition definition, int callOptions) {
        this.definition = definition;
        this.callOptions = callOptions;
    }

    boolean dropsRecurringOnDisconnect() {
        return (callOptions & DROP_RECURRING) != 0;
    }
}
