package org.jremoted.agents;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link AgentRunner} handles which resource class. Class names are compared
 * case-insensitively (docs/agents.md §1.1). {@code stonith} is the executor's own business and is not
 * registered here.
 */
public final class AgentClasses {

    /** Classes that are known to Pacemaker but deliberately not supported here (docs/agents.md §6). */
    private static final Set<String> REFUSED = Set.of("nagios", "upstart");

    private final Map<String, AgentRunner> runners = new LinkedHashMap<>();

    /** An empty registry; see {@link #daemonDefaults()} for the daemon's. */
    public AgentClasses() {
    }

    /**
     * The classes the daemon supports: ocf, lsb, systemd and service. Nothing here touches D-Bus:
     * the systemd class connects to the system bus on its first action.
     */
    public static AgentClasses daemonDefaults() {
        return daemonDefaults(ChildSettings.daemonDefaults());
    }

    /** As {@link #daemonDefaults()}, with the child settings the daemon's configuration gives. */
    public static AgentClasses daemonDefaults(ChildSettings settings) {
        AgentClasses classes = new AgentClasses();
        ChildLauncher launcher = new ChildLauncher(settings);
        LsbAgent lsb = new LsbAgent(launcher);
        SystemdAgent systemd = new SystemdAgent();
        classes.register("ocf", new OcfAgent(launcher));
        classes.register("lsb", lsb);
        classes.register("systemd", systemd);
        classes.register("service", new ServiceAgent(lsb, systemd));
        return classes;
    }

    /** Add or replace the runner for a class. */
    public AgentClasses register(String standard, AgentRunner runner) {
        runners.put(standard.toLowerCase(Locale.ROOT), runner);
        return this;
    }

    /** The runner registered for a class, or null. */
    public AgentRunner lookup(String standard) {
        return standard == null ? null : runners.get(standard.toLowerCase(Locale.ROOT));
    }

    /**
     * The runner for a class; never null: classes that are not registered get a runner whose
     * every action fails the way the C daemon fails them (rc 5, status NOT_INSTALLED).
     */
    public AgentRunner forStandard(String standard) {
        AgentRunner r = lookup(standard);
        if (r != null) {
            return r;
        }
        String lower = standard == null ? "" : standard.toLowerCase(Locale.ROOT);
        if (REFUSED.contains(lower)) {
            return action -> OcfAgent.Running.done(AgentResult.error(ExitStatus.NOT_INSTALLED,
                    ExecutionStatus.NOT_INSTALLED, lower + " class not supported"));
        }
        // Upstream cannot prepare an action of an unknown class and reports the agent as missing.
        return action -> OcfAgent.Running.done(AgentResult.error(ExitStatus.NOT_INSTALLED,
                ExecutionStatus.NOT_INSTALLED, action.type() + ": No such file or directory"));
    }
}
