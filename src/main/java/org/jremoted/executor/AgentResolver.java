package org.jremoted.executor;

import org.jremoted.agents.AgentRunner;

/** Finds the runner for a resource class ({@code lrmd_class}: ocf, lsb, systemd, service, ...). */
@FunctionalInterface
public interface AgentResolver {

    /**
     * The runner for this class (compared case-insensitively by the implementation), or null when
     * the class is not supported here. The {@code stonith} class never reaches the resolver.
     */
    AgentRunner runnerFor(String standard);
}
