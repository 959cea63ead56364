/**
 * The executor (docs/executor.md): registered resources, the operation queue per resource,
 * recurring operations, cancellation, timeouts, and the completions it reports through
 * {@link org.jremoted.executor.CompletionListener}; {@link org.jremoted.executor.AlertRuns} runs
 * alert agents. A state machine without I/O: agents run through the {@code agents} API and time
 * comes from {@link org.jremoted.support.LoopScheduler}. It knows nothing of clients or messages
 * beyond the XML parameters it passes on.
 *
 * <p>Threads: daemon loop thread only (agents report back onto it).
 *
 * <p>May import: agents, protocol, support.
 */
package org.jremoted.executor;
