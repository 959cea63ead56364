package org.jremoted.agents.classes;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jremoted.agents.AgentResult;
import org.jremoted.agents.AgentRunner;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;
import org.jremoted.agents.RunningAction;
import org.jremoted.agents.exec.LsbAgent;
import org.jremoted.agents.exec.OcfAgent;
import org.jremoted.agents.systemd.SystemdAgent;
import org.jremoted.process.ChildLauncher;
import org.jremoted.process.ChildSettings;

/**
 * Which {@link AgentRunner} handles which resource class. Class names are compared
 * case-insensitively (docs/agents.md §1.1). {@code stonith} is the executor's own business and is not
 * registered here. Filled once at start-up; lookups from any thread afterwards.
 */
public final class AgentClasses {

    /** Classes that are known to Pacemaker but deliberately not supported here (docs/agents.md §6). */
    private static final Set<String> REFUSED = Set.of("nagios", "upstart");

    private final Map<String, AgentRunner> runners = new LinkedHashMap<>();

    /** An empty registry; see {@link #daemonDefaults()} for the daemon's. */
    public AgentClasses() {
    }

    /**
     * The classes the daemon supports: ocf, lsb, systemd and service. Nothing here touches D-Bus,
     * and none of the systemd class's code is loaded: it is created on the first systemd action (or
     * the first service action without an init script), and connects to the system bus then.
     */
    public static AgentClasses daemonDefaults() {
        return daemonDefaults(ChildSettings.daemonDefaults());
    }

    /** As {@link #daemonDefaults()}, with the child settings the daemon's configuration gives. */
    public static AgentClasses daemonDefaults(ChildSettings settings) {
        AgentClasses classes = new AgentClasses();
        ChildLauncher launcher = new ChildLauncher(settings);
        LsbAgent lsb = new LsbAgent(launcher);
        Supplier<SystemdAgent> systemd = new OnFirstUse<>(new SystemdFactory());
        classes.register("ocf", new OcfAgent(launcher));
        classes.register("lsb", lsb);
        classes.register("systemd", action -> systemd.get().start(action));
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
            return action -> RunningAction.done(AgentResult.error(ExitStatus.NOT_INSTALLED,
                    ExecutionStatus.NOT_INSTALLED, lower + " class not supported"));
        }
        // Upstream cannot prepare an action of an unknown class and reports the agent as missing.
        return action -> RunningAction.done(AgentResult.error(ExitStatus.NOT_INSTALLED,
                ExecutionStatus.NOT_INSTALLED, action.type() + ": No such file or directory"));
    }

    /**
     * Makes the daemon's systemd class. A class of its own rather than a lambda or a method
     * reference: linking either names {@code SystemdAgent} in its type, which loads that class at
     * start-up.
     */
    private static final class SystemdFactory implements Supplier<SystemdAgent> {
        @Override
        public SystemdAgent get() {
            return new SystemdAgent();
        }
    }

    /** A value made by the first {@link #get} (from any thread) and kept. */
    private static final class OnFirstUse<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        OnFirstUse(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = factory.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
