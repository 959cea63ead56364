package org.jremoted.agents.systemd;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a unit before its start and stop job is queued (docs/agents.md §5.3, §5.4): a
 * start needs the unit to exist and gets Pacemaker's drop-in, a stop takes the drop-in away, and
 * systemd is told to re-read its configuration ({@code daemon-reload}) only when the drop-in on
 * disk changed or systemd says it needs a reload. Called on worker threads.
 */
final class UnitOverrides {

    private static final Logger log = LoggerFactory.getLogger(UnitOverrides.class);

    private final SystemdApi api;
    private final DropIn dropIn;

    UnitOverrides(SystemdApi api, DropIn dropIn) {
        this.api = api;
        this.dropIn = dropIn;
    }

    DropIn dropIn() {
        return dropIn;
    }

    /** True when the start job may be queued; false when the run was finished here. */
    boolean beforeStart(SystemdRun run) throws SystemdException {
        String path = api.loadUnit(run.unit);
        if ("not-found".equals(api.unitProperty(path, "LoadState"))) {
            // No drop-in is left behind for a unit that does not exist.
            run.finish(SystemdResults.notFound(run.type));
            return false;
        }
        boolean changed;
        try {
            changed = dropIn.write(run.type, run.unit);
        } catch (IOException e) {
            run.finish(SystemdResults.error("Could not write systemd drop-in " + dropIn.path(run.unit) + ": "
                    + e.getMessage()));
            return false;
        }
        if (changed || "true".equals(api.unitProperty(path, "NeedDaemonReload"))) {
            daemonReload(run.unit);
        }
        return true;
    }

    void beforeStop(SystemdRun run) throws SystemdException {
        boolean removed = false;
        try {
            removed = dropIn.remove(run.unit);
        } catch (IOException e) {
            log.warn("Could not remove systemd drop-in {}: {}", dropIn.path(run.unit), e.getMessage());
        }
        if (removed) {
            daemonReload(run.unit);
        }
    }

    private void daemonReload(String unit) throws SystemdException {
        try {
            api.reload();
        } catch (SystemdException e) {
            if (SystemdResults.unreachable(e)) {
                throw e;
            }
            // Upstream only logs this: the unit still runs, just without our ordering.
            log.warn("systemd daemon-reload for {} failed: {}", unit, e.getMessage());
        }
    }
}
