package org.jremoted.ipc;

/**
 * The local IPC endpoints the daemon publishes (docs/proxy.md §2), with the wire code the helper uses
 * and the cluster channel a connection is proxied to ({@code cib_shm} shares {@code cib_rw}'s).
 */
public enum LocalEndpoint {
    LRMD(0, "lrmd", null),
    CIB_RO(1, "cib_ro", "cib_ro"),
    CIB_RW(2, "cib_rw", "cib_rw"),
    CIB_SHM(3, "cib_shm", "cib_rw"),
    ATTRD(4, "attrd", "attrd"),
    STONITH_NG(5, "stonith-ng", "stonith-ng"),
    PACEMAKERD(6, "pacemakerd", null),
    CRMD(7, "crmd", "crmd");

    private final int code;
    private final String service;
    private final String channel;

    LocalEndpoint(int code, String service, String channel) {
        this.code = code;
        this.service = service;
        this.channel = channel;
    }

    public int code() {
        return code;
    }

    /** The libqb service name local tools connect to. */
    public String service() {
        return service;
    }

    /** The channel named in {@code new}; null for endpoints that are not proxied. */
    public String channel() {
        return channel;
    }

    public static LocalEndpoint ofCode(int code) {
        for (LocalEndpoint e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown endpoint code " + code);
    }
}
