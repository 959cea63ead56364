package org.jremoted.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jremoted.executor.ActiveOperation;
import org.jremoted.executor.Executor;
import org.jremoted.executor.RecurringOperation;
import org.jremoted.executor.ResourceDefinition;
import org.jremoted.executor.ResourceRecurring;

/**
 * What {@code jremoted status} shows, read on the loop thread in one go so it is consistent.
 *
 * @param inFlight operations executing now
 */
public record StatusSnapshot(long pid, long startedMillis, long nowMillis, List<ClientTracker.ClientInfo> clients,
                             List<ResourceStatus> resources, List<ActiveOperation> inFlight) {

    /** A registered resource and its live recurring operations. */
    public record ResourceStatus(String id, String standard, String provider, String type,
                                 List<RecurringOperation> recurring) {
        public ResourceStatus {
            recurring = List.copyOf(recurring);
        }

        String agent() {
            return standard + (provider == null ? "" : ":" + provider) + ":" + type;
        }
    }

    public StatusSnapshot {
        clients = List.copyOf(clients);
        resources = List.copyOf(resources);
        inFlight = List.copyOf(inFlight);
    }

    /** Loop thread only. */
    static StatusSnapshot of(long startedMillis, ClientTracker clients, Executor executor) {
        List<ResourceStatus> resources = new ArrayList<>();
        for (ResourceRecurring r : executor.recurring(null).orElse(List.of())) {
            ResourceDefinition d = executor.info(r.resourceId()).orElse(null);
            resources.add(new ResourceStatus(r.resourceId(), d == null ? "?" : d.standard(),
                    d == null ? null : d.provider(), d == null ? "?" : d.type(), r.operations()));
        }
        return new StatusSnapshot(ProcessHandle.current().pid(), startedMillis, System.currentTimeMillis(),
                clients.clients(), resources, executor.inFlight());
    }

    /** The table {@code jremoted status} prints. */
    public String toTable() {
        StringBuilder sb = new StringBuilder(512);
        sb.append(String.format(Locale.ROOT, "jremoted (PID %d), up %s%n", pid, duration(nowMillis - startedMillis)));
        sb.append(String.format(Locale.ROOT, "%nClients: %d%n", clients.size()));
        for (ClientTracker.ClientInfo c : clients) {
            sb.append(String.format(Locale.ROOT, "  %-40s %-24s %s, connected %s ago%n",
                    c.name() == null ? "(not registered)" : c.name(), c.peer(), c.remote() ? "TLS" : "local",
                    duration(nowMillis - c.since().toEpochMilli())));
        }
        sb.append(String.format(Locale.ROOT, "%nResources: %d%n", resources.size()));
        for (ResourceStatus r : resources) {
            sb.append(String.format(Locale.ROOT, "  %-30s %s%n", r.id(), r.agent()));
            for (RecurringOperation op : r.recurring()) {
                sb.append(String.format(Locale.ROOT, "      recurring %s every %s (timeout %s)%n", op.action(),
                        duration(op.intervalMs()), duration(op.timeoutMs())));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nOperations in flight: %d%n", inFlight.size()));
        for (ActiveOperation op : inFlight) {
            sb.append(String.format(Locale.ROOT, "  %s %s interval %s call %d, running %s%n", op.resourceId(),
                    op.action(), duration(op.intervalMs()), op.callId(), duration(op.runningMs())));
        }
        return sb.toString();
    }

    /** The same as JSON (no library: the structure is flat and the strings are escaped here). */
    public String toJson() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"pid\":").append(pid).append(",\"uptime_ms\":").append(nowMillis - startedMillis);
        sb.append(",\"clients\":[");
        for (int i = 0; i < clients.size(); i++) {
            ClientTracker.ClientInfo c = clients.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(str(c.id())).append(",\"name\":")
              .append(str(c.name())).append(",\"peer\":").append(str(c.peer())).append(",\"remote\":")
              .append(c.remote()).append(",\"connected_ms\":").append(nowMillis - c.since().toEpochMilli())
              .append('}');
        }
        sb.append("],\"resources\":[");
        for (int i = 0; i < resources.size(); i++) {
            ResourceStatus r = resources.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(str(r.id())).append(",\"class\":")
              .append(str(r.standard())).append(",\"provider\":").append(str(r.provider())).append(",\"type\":")
              .append(str(r.type())).append(",\"recurring\":[");
            for (int j = 0; j < r.recurring().size(); j++) {
                RecurringOperation op = r.recurring().get(j);
                sb.append(j == 0 ? "" : ",").append("{\"action\":").append(str(op.action()))
                  .append(",\"interval_ms\":").append(op.intervalMs()).append(",\"timeout_ms\":")
                  .append(op.timeoutMs()).append('}');
            }
            sb.append("]}");
        }
        sb.append("],\"in_flight\":");
        sb.append('[');
        for (int i = 0; i < inFlight.size(); i++) {
            ActiveOperation op = inFlight.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"resource\":").append(str(op.resourceId()))
              .append(",\"action\":").append(str(op.action())).append(",\"interval_ms\":").append(op.intervalMs())
              .append(",\"call_id\":").append(op.callId()).append(",\"running_ms\":").append(op.runningMs())
              .append('}');
        }
        sb.append(']');
        return sb.append("}\n").toString();
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static String duration(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 120) {
            return ms % 1000 == 0 ? s + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long m = s / 60;
        if (m < 120) {
            return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        long h = m / 60;
        return h < 48 ? h + "h" + (m % 60) + "m" : (h / 24) + "d" + (h % 24) + "h";
    }
}
