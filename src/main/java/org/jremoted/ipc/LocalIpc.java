package org.jremoted.ipc;

import java.nio.file.Path;
import java.util.Optional;
import org.jremoted.support.LoopScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the local IPC endpoints for the daemon: finds the helper binary, connects it
 * to the proxy, and warns clearly when local tools will not work. {@code JREMOTED_LOCAL_IPC=off}
 * disables the endpoints (e.g. for test daemons sharing one network namespace).
 */
public final class LocalIpc {
    private static final Logger log = LoggerFactory.getLogger(LocalIpc.class);

    private final IpcHelper helper;

    private LocalIpc(IpcHelper helper) {
        this.helper = helper;
    }

    /** Launches the helper on the loop; without a helper, logs why local tools will not work. */
    public static LocalIpc start(LoopScheduler loop, LocalIpcSettings settings, LocalIpcListener listener) {
        if (!settings.enabled()) {
            log.warn("Local IPC endpoints disabled (JREMOTED_LOCAL_IPC={}): local cluster tools (crm_attribute, "
                    + "crm_master, crm_mon, cibadmin) will not work on this node", settings.disabledBy());
            return new LocalIpc(null);
        }
        Optional<Path> binary = IpcHelper.locate(settings.helper());
        if (binary.isEmpty()) {
            log.warn("Local IPC helper {} not found (next to the jar, /usr/lib/jremoted, /usr/libexec/jremoted, "
                    + "or JREMOTED_IPC_HELPER): "
                    + "local cluster tools (crm_attribute, crm_master, crm_mon, cibadmin) and promotable clones "
                    + "will not work on this node", IpcHelper.BINARY_NAME);
            return new LocalIpc(null);
        }
        IpcHelper helper = new IpcHelper(binary.get(), loop, listener);
        listener.attach(helper);
        loop.execute(helper::start);
        return new LocalIpc(helper);
    }

    /** Removes the endpoints (the helper exits); safe to call more than once. */
    public void stop() {
        if (helper != null) {
            helper.stop();
        }
    }
}
