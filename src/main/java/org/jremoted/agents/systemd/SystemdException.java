package org.jremoted.agents.systemd;

/** A failed systemd call, classified the way the result mapping needs it (docs/agents.md §5.3). */
public final class SystemdException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** no system bus connection could be made, or it was lost */
        NO_BUS,
        /** the bus is there but systemd is not on it */
        NO_SYSTEMD,
        /** InvalidName, LoadFailed or NoSuchUnit: the unit does not exist (or cannot) */
        NO_SUCH_UNIT,
        /** the object asked about does not exist (e.g. a finished job) */
        UNKNOWN_OBJECT,
        /** any other D-Bus error */
        FAILED
    }

    private final Kind kind;
    private final String errorName;

    public SystemdException(Kind kind, String errorName, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorName = errorName;
    }

    public Kind kind() {
        return kind;
    }

    /** The D-Bus error name, when the bus answered with an error; else null. */
    public String errorName() {
        return errorName;
    }

    /** Classify a D-Bus error name. */
    public static Kind classify(String errorName) {
        if (errorName == null) {
            return Kind.FAILED;
        }
        if (errorName.contains("org.freedesktop.systemd1.InvalidName")
                || errorName.contains("org.freedesktop.systemd1.LoadFailed")
                || errorName.contains("org.freedesktop.systemd1.NoSuchUnit")) {
            return Kind.NO_SUCH_UNIT;
        }
        if (errorName.equals("org.freedesktop.DBus.Error.ServiceUnknown")
                || errorName.equals("org.freedesktop.DBus.Error.NameHasNoOwner")) {
            return Kind.NO_SYSTEMD;
        }
        if (errorName.equals("org.freedesktop.DBus.Error.UnknownObject")
                || errorName.equals("org.freedesktop.systemd1.NoSuchJob")) {
            return Kind.UNKNOWN_OBJECT;
        }
        if (errorName.equals("org.freedesktop.DBus.Error.Disconnected")
                || errorName.equals("org.freedesktop.DBus.Error.NoReply")) {
            return Kind.NO_BUS;
        }
        return Kind.FAILED;
    }
}
