/**
 * The native process engine (docs/agents.md §1.3–1.5): {@code posix_spawn} through JNA
 * ({@code Posix}, {@code Spawner}), the environment and settings every child inherits
 * ({@code ChildEnvironment}, {@code ChildSettings}), one child's life and outcome
 * ({@code ChildProcess}), and the {@code agent-io} threads that spawn, read, time out and reap the
 * children ({@code ChildMonitor}). Knows processes, not agents: a request is a path, arguments,
 * variables and a timeout.
 *
 * <p>Threads: {@code ChildLauncher.start} from any thread; spawning, pipe reading, timeouts and
 * reaping happen on up to two {@code agent-io} threads, which start with the first child (no
 * thread and no native memory before); outcomes complete on them. Each class says which of its
 * members which thread may touch.
 *
 * <p>May import: support. Nothing of the agents, which use it.
 */
package org.jremoted.process;
