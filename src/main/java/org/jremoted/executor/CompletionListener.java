package org.jremoted.executor;

/** Receives completion notifications on the loop thread, to route them to clients. */
@FunctionalInterface
public interface CompletionListener {
    void completed(Completion completion);
}
