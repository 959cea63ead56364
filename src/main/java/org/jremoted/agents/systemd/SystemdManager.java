package org.jremoted.agents.systemd;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * The part of systemd's manager object ({@code /org/freedesktop/systemd1}) the systemd class uses
 * (docs/agents.md §5.1). Method names are D-Bus member names, hence the capitals.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
@SuppressWarnings("checkstyle:MethodName")
public interface SystemdManager extends DBusInterface {

    DBusPath LoadUnit(String name);

    DBusPath StartUnit(String name, String mode);

    DBusPath StopUnit(String name, String mode);

    DBusPath ReloadUnit(String name, String mode);

    DBusPath RestartUnit(String name, String mode);

    /** daemon-reload: re-reads unit files and drop-ins; the reply comes once it is done. */
    void Reload();

    /** Without a subscriber systemd does not emit JobRemoved. */
    void Subscribe();

    /** {@code JobRemoved(u id, o job, s unit, s result)}: a queued job finished. */
    class JobRemoved extends DBusSignal {
        private final DBusPath job;
        private final String unit;
        private final String result;

        public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result) throws DBusException {
            super(path, id, job, unit, result);
            this.job = job;
            this.unit = unit;
            this.result = result;
        }

        public DBusPath job() {
            return job;
        }

        public String unit() {
            return unit;
        }

        public String result() {
            return result;
        }
    }
}
