/**
 * The resource classes whose agents are programs run as child processes (docs/agents.md §2, §3,
 * §8): {@code ocf}, {@code lsb} and alert agents, and the mapping of a finished child to the result
 * the cluster sees ({@code AgentResults}). Runners are called from any thread and never block; a
 * result completes on the process engine's {@code agent-io} thread.
 *
 * <p>Imports {@code org.jremoted.agents} (the API it implements) and {@code org.jremoted.process}
 * (which starts and watches the children); nothing else of the project.
 */
package org.jremoted.agents.exec;
