package org.jremoted.agents.systemd;

import org.jremoted.agents.AgentResult;
import org.jremoted.agents.ExecutionStatus;
import org.jremoted.agents.ExitStatus;

/**
 * What the cluster is told for each systemd outcome (docs/agents.md §5.3, §5.5, §5.6): unit states,
 * job results, failed calls, timeouts and the synthesized meta-data. Pure functions; any thread.
 */
final class SystemdResults {

    private SystemdResults() {
    }

    static AgentResult ok() {
        return new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, null, null);
    }

    static AgentResult cancelled() {
        return new AgentResult(ExitStatus.OK, ExecutionStatus.CANCELLED, null, null);
    }

    static AgentResult notFound(String type) {
        return AgentResult.error(ExitStatus.NOT_INSTALLED, ExecutionStatus.NOT_INSTALLED,
                "systemd unit " + type + " not found");
    }

    static AgentResult notImplemented(String action) {
        return AgentResult.error(ExitStatus.UNIMPLEMENT_FEATURE, ExecutionStatus.ERROR,
                "Action " + action + " not implemented for systemd resources");
    }

    static AgentResult timedOut(String action, String type) {
        return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT,
                action + " action for systemd unit " + type + " did not complete in time");
    }

    static AgentResult error(String reason) {
        return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.ERROR, reason);
    }

    /** ActiveState → result. */
    static AgentResult ofState(String state) {
        switch (state) {
            case "active", "reloading":
                return ok();
            case "activating", "deactivating":
                return new AgentResult(ExitStatus.PENDING, ExecutionStatus.PENDING, null, null);
            default:
                return new AgentResult(ExitStatus.NOT_RUNNING, ExecutionStatus.DONE, null, state);
        }
    }

    /** A recurring monitor that saw the unit in transition for longer than its timeout (3.0.1). */
    static AgentResult pendingTooLong(String type, String state, long timeoutMs) {
        return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT, "systemd unit " + type
                + " has been " + state + " for longer than " + AgentResult.readableInterval(timeoutMs));
    }

    /** The {@code result} of a {@code JobRemoved} signal → result. */
    static AgentResult ofJob(String action, String unit, String result) {
        if ("done".equals(result)) {
            return ok();
        }
        if ("timeout".equals(result)) {
            return AgentResult.error(ExitStatus.UNKNOWN_ERROR, ExecutionStatus.TIMEOUT,
                    "systemd " + action + " job for " + unit + " timed out");
        }
        return error("systemd " + action + " job for " + unit + " failed with result '" + result + "'");
    }

    /** A job whose signal never came, judged by the unit's state once it settled (2.1.5's rule). */
    static AgentResult ofSettledState(String action, String verb, String unit, String state) {
        boolean running = state.equals("active") || state.equals("reloading");
        if (running != verb.equals("stop")) {
            return ok();
        }
        return error("systemd " + action + " job for " + unit + " ended with the unit " + state);
    }

    /** A failed call → result; an unknown unit is as stopped as it gets. */
    static AgentResult ofFailure(SystemdException e, String verb, String type) {
        switch (e.kind()) {
            case NO_BUS, NO_SYSTEMD:
                return error(e.getMessage());
            case NO_SUCH_UNIT:
                return verb.equals("stop") ? ok() : notFound(type);
            default:
                return error("Unable to invoke systemd DBus method (" + e.getMessage() + ")");
        }
    }

    /** Whether a failure means systemd cannot be asked at all (as opposed to one call failing). */
    static boolean unreachable(SystemdException e) {
        return e.kind() == SystemdException.Kind.NO_BUS || e.kind() == SystemdException.Kind.NO_SYSTEMD;
    }

    static AgentResult metaData(String type, String description) {
        return new AgentResult(ExitStatus.OK, ExecutionStatus.DONE, metaDataXml(type, description), null);
    }

    static String metaDataXml(String type, String description) {
        String t = xmlEscape(type);
        String d = xmlEscape(description);
        return "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
                + "<resource-agent name=\"" + t + "\" version=\"1.0\">\n"
                + "  <version>1.1</version>\n"
                + "  <longdesc lang=\"en\">\n" + d + "\n  </longdesc>\n"
                + "  <shortdesc lang=\"en\">systemd unit file for " + t + "</shortdesc>\n"
                + "  <parameters/>\n"
                + "  <actions>\n"
                + "    <action name=\"start\"     timeout=\"100s\" />\n"
                + "    <action name=\"stop\"      timeout=\"100s\" />\n"
                + "    <action name=\"status\"    timeout=\"100s\" />\n"
                + "    <action name=\"monitor\"   timeout=\"100s\" interval=\"60s\"/>\n"
                + "    <action name=\"meta-data\" timeout=\"5s\" />\n"
                + "  </actions>\n"
                + "  <special tag=\"systemd\"/>\n"
                + "</resource-agent>\n";
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
