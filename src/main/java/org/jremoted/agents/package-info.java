/**
 * What the executor needs to know about running a resource agent, whatever its class: the action
 * to run ({@link org.jremoted.agents.AgentAction}, which also decides once whether it carries the
 * required information), a runner per class ({@link org.jremoted.agents.AgentRunner}), the action
 * in progress ({@link org.jremoted.agents.RunningAction}) and its result in Pacemaker's codes.
 * Immutable values and interfaces; any thread.
 *
 * <p>Imports nothing from {@code org.jremoted}. The runners live below it: {@code agents.exec}
 * (child processes), {@code agents.systemd} (D-Bus), and {@code agents.classes}, which maps class
 * names to them (docs/agents.md §1.1).
 */
package org.jremoted.agents;
