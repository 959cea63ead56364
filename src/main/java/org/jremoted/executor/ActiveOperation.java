package org.jremoted.executor;

/**
 * An operation whose agent is running right now, for operators' status views.
 *
 * @param runningMs how long the current run has taken so far
 */
public record ActiveOperation(String resourceId, String action, long intervalMs, int callId, long runningMs) {
}
