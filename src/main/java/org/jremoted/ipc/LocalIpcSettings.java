package org.jremoted.ipc;

import java.nio.file.Path;

/**
 * How the local IPC endpoints are set up, as the daemon's configuration read them.
 *
 * @param disabledBy the {@code JREMOTED_LOCAL_IPC} value that switched the endpoints off (named in
 *                   the warning), null when they are on
 * @param helper     the helper binary {@code JREMOTED_IPC_HELPER} names, null to look in the usual places
 */
public record LocalIpcSettings(String disabledBy, Path helper) {

    /** On, helper found the usual way. */
    public static final LocalIpcSettings DEFAULT = new LocalIpcSettings(null, null);

    /** From the two variables' text; either may be null. */
    public static LocalIpcSettings of(String localIpc, String ipcHelper) {
        boolean off = localIpc != null && (localIpc.equalsIgnoreCase("off") || localIpc.equalsIgnoreCase("no")
                || localIpc.equalsIgnoreCase("false") || localIpc.equals("0"));
        return new LocalIpcSettings(off ? localIpc : null,
                ipcHelper == null || ipcHelper.isBlank() ? null : Path.of(ipcHelper));
    }

    public boolean enabled() {
        return disabledBy == null;
    }
}
