/**
 * Which runner serves which resource class ({@code AgentClasses}, docs/agents.md §1.1), and the
 * {@code service} class, which picks lsb or systemd per action (docs/agents.md §4). The only
 * package that knows both kinds of runner; it creates the systemd class on its first use, so a
 * daemon that runs no systemd resource loads no D-Bus code. Filled once at start-up, used from any
 * thread after.
 *
 * <p>Imports {@code org.jremoted.agents}, {@code agents.exec}, {@code agents.systemd} and
 * {@code org.jremoted.process}; only the daemon's composition root imports it.
 */
package org.jremoted.agents.classes;
