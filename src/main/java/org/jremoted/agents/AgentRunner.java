package org.jremoted.agents;

/** Runs actions of one resource class (one implementation per class: OCF, LSB, systemd, ...). */
public interface AgentRunner {

    /** Start the action and return at once; never blocks on the agent. */
    RunningAction start(AgentAction action);
}
