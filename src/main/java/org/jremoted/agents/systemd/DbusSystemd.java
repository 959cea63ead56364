package org.jremoted.agents.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SystemdApi} over one shared system-bus connection (dbus-java, native unix-socket
 * transport). The connection is opened on first use — never at daemon start — from whichever
 * systemd worker thread needs it, and opened again after it was lost. Job completion comes from
 * {@code JobRemoved} signals, which systemd only emits to subscribed clients, so every new
 * connection subscribes.
 */
public final class DbusSystemd implements SystemdApi {

    private static final Logger log = LoggerFactory.getLogger(DbusSystemd.class);

    static final String SYSTEMD = "org.freedesktop.systemd1";
    static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";
    static final String JOB_INTERFACE = "org.freedesktop.systemd1.Job";
    /** How many finished jobs are remembered for a waiter that asks after the signal came. */
    private static final int FINISHED_JOBS_KEPT = 512;

    /** A live connection with its manager proxy. */
    private record Bus(DBusConnection connection, SystemdManager manager) {
    }

    private final String address;
    private final Object connectLock = new Object();
    private volatile Bus bus;
    private boolean subscribed;

    private final Object jobsLock = new Object();
    private final Map<String, CompletableFuture<String>> waiters = new LinkedHashMap<>();
    private final Map<String, String> finished = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > FINISHED_JOBS_KEPT;
        }
    };

    /** The system bus as {@code DBUS_SYSTEM_BUS_ADDRESS} or the default socket names it. */
    public DbusSystemd() {
        this(null);
    }

    /** @param address a D-Bus address ({@code unix:path=...}); null for the system bus */
    public DbusSystemd(String address) {
        this.address = address;
    }

    // ---------------------------------------------------------------- connection

    private Bus connected() throws SystemdException {
        Bus b = bus;
        if (b != null && b.connection().isConnected() && subscribed) {
            return b;
        }
        synchronized (connectLock) {
            b = bus;
            if (b == null || !b.connection().isConnected()) {
                if (b != null) {
                    dropConnection(b, "D-Bus connection lost");
                }
                b = open();
                bus = b;
                subscribed = false;
            }
            if (!subscribed) {
                try {
                    b.manager().Subscribe();
                    subscribed = true;
                } catch (DBusExecutionException e) {
                    throw translate(e, "Subscribe");
                }
            }
            return b;
        }
    }

    private Bus open() throws SystemdException {
        quietLibraryLogging();
        DBusConnection c = null;
        try {
            DBusConnectionBuilder builder = address == null ? DBusConnectionBuilder.forSystemBus()
                    : DBusConnectionBuilder.forAddress(address);
            String socket = socketPath(builder.transportConfig().getBusAddress().toString());
            if (socket != null && !Files.exists(Path.of(socket))) {
                // The common case on a host without systemd: say so at once instead of retrying.
                throw new SystemdException(SystemdException.Kind.NO_BUS, null,
                        "No DBus connection (system bus socket " + socket
                                + " does not exist: D-Bus and systemd are not running)", null);
            }
            // One connection attempt: dbus-java's default retries for 10 s, and an action must
            // learn quickly that the bus is not there.
            builder.transportConfig().withTimeout(0);
            c = builder.withShared(false).withDisconnectCallback(new IDisconnectCallback() {
                @Override
                public void disconnectOnError(IOException e) {
                    connectionLost("D-Bus connection lost: " + e.getMessage());
                }

                @Override
                public void exceptionOnTerminate(IOException e) {
                    connectionLost("D-Bus connection lost: " + e.getMessage());
                }
            }).build();
            SystemdManager manager = c.getRemoteObject(SYSTEMD, MANAGER_PATH, SystemdManager.class);
            c.addSigHandler(SystemdManager.JobRemoved.class, this::jobRemoved);
            log.info("Connected to the system bus ({})", c.getAddress());
            return new Bus(c, manager);
        } catch (DBusException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            log.debug("Cannot connect to the system bus", e);
            throw new SystemdException(SystemdException.Kind.NO_BUS, null,
                    "No DBus connection (system bus unavailable: " + why + ")", e);
        }
    }

    /** The file of a {@code unix:path=...} address (first one if several), else null. */
    static String socketPath(String address) {
        if (address == null) {
            return null;
        }
        String first = address.split(";", 2)[0];
        if (!first.startsWith("unix:")) {
            return null;
        }
        for (String kv : first.substring(5).split(",")) {
            if (kv.startsWith("path=")) {
                return kv.substring(5);
            }
        }
        return null;
    }

    /**
     * dbus-java logs every message at debug and its transport choice at info; with the daemon's
     * debug logging that would drown everything else. Only warnings are kept, unless a logging
     * configuration set a level for it explicitly.
     */
    private static void quietLibraryLogging() {
        Logger library = LoggerFactory.getLogger("org.freedesktop.dbus");
        if (library instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private void connectionLost(String why) {
        Bus b = bus;
        if (b != null) {
            log.warn("{}", why);
            dropConnection(b, why);
        }
    }

    private void dropConnection(Bus b, String why) {
        synchronized (connectLock) {
            if (bus == b) {
                bus = null;
                subscribed = false;
            }
        }
        try {
            b.connection().disconnect();
        } catch (RuntimeException e) {
            log.debug("Closing the lost D-Bus connection failed", e);
        }
        failWaiters(why);
    }

    private void failWaiters(String why) {
        List<CompletableFuture<String>> lost;
        synchronized (jobsLock) {
            lost = new ArrayList<>(waiters.values());
            waiters.clear();
        }
        for (CompletableFuture<String> f : lost) {
            f.completeExceptionally(new SystemdException(SystemdException.Kind.NO_BUS, null, why, null));
        }
    }

    /** Close the connection (daemon exit, tests). Waiting jobs fail. */
    public void close() {
        Bus b = bus;
        if (b != null) {
            dropConnection(b, "D-Bus connection closed");
        }
    }

    // ---------------------------------------------------------------- signals

    private void jobRemoved(SystemdManager.JobRemoved signal) {
        String job = signal.job() == null ? null : signal.job().getPath();
        if (job == null) {
            return;
        }
        CompletableFuture<String> waiter;
        synchronized (jobsLock) {
            waiter = waiters.remove(job);
            if (waiter == null) {
                finished.put(job, signal.result());
            }
        }
        log.debug("Job {} for {} finished: {}", job, signal.unit(), signal.result());
        if (waiter != null) {
            waiter.complete(signal.result());
        }
    }

    @Override
    public CompletableFuture<String> jobResult(String jobPath) {
        synchronized (jobsLock) {
            String result = finished.remove(jobPath);
            if (result != null) {
                return CompletableFuture.completedFuture(result);
            }
            return waiters.computeIfAbsent(jobPath, j -> new CompletableFuture<>());
        }
    }

    @Override
    public void abandonJob(String jobPath) {
        synchronized (jobsLock) {
            waiters.remove(jobPath);
            finished.remove(jobPath);
        }
    }

    // ---------------------------------------------------------------- calls

    @Override
    public String loadUnit(String unit) throws SystemdException {
        Bus b = connected();
        try {
            return b.manager().LoadUnit(unit).getPath();
        } catch (DBusExecutionException e) {
            throw translate(e, "LoadUnit");
        }
    }

    @Override
    public String unitProperty(String unitPath, String property) throws SystemdException {
        return property(unitPath, UNIT_INTERFACE, property);
    }

    @Override
    public boolean jobExists(String jobPath) throws SystemdException {
        try {
            property(jobPath, JOB_INTERFACE, "State");
            return true;
        } catch (SystemdException e) {
            if (e.kind() == SystemdException.Kind.UNKNOWN_OBJECT) {
                return false;
            }
            throw e;
        }
    }

    private String property(String path, String iface, String property) throws SystemdException {
        Bus b = connected();
        try {
            Properties p = b.connection().getRemoteObject(SYSTEMD, path, Properties.class);
            Object value = p.Get(iface, property);
            if (value instanceof Variant<?> v) {
                value = v.getValue();
            }
            if (value instanceof DBusPath d) {
                return d.getPath();
            }
            return String.valueOf(value);
        } catch (DBusException e) {
            throw new SystemdException(SystemdException.Kind.FAILED, null, e.getMessage(), e);
        } catch (DBusExecutionException e) {
            throw translate(e, "Get " + property);
        }
    }

    @Override
    public String queueJob(String method, String unit) throws SystemdException {
        Bus b = connected();
        try {
            DBusPath job = switch (method) {
                case "StartUnit" -> b.manager().StartUnit(unit, "replace");
                case "StopUnit" -> b.manager().StopUnit(unit, "replace");
                case "ReloadUnit" -> b.manager().ReloadUnit(unit, "replace");
                case "RestartUnit" -> b.manager().RestartUnit(unit, "replace");
                default -> throw new IllegalArgumentException("not a job method: " + method);
            };
            return job.getPath();
        } catch (DBusExecutionException e) {
            throw translate(e, method);
        }
    }

    @Override
    public void reload() throws SystemdException {
        Bus b = connected();
        try {
            b.manager().Reload();
        } catch (DBusExecutionException e) {
            throw translate(e, "Reload");
        }
    }

    private SystemdException translate(DBusExecutionException e, String call) {
        String name = e.getType();
        SystemdException.Kind kind = SystemdException.classify(name);
        Bus b = bus;
        if (b != null && !b.connection().isConnected()) {
            kind = SystemdException.Kind.NO_BUS;
            connectionLost("D-Bus connection lost during " + call);
        }
        String message = switch (kind) {
            case NO_SYSTEMD -> "systemd is not running (" + SYSTEMD + " is not on the system bus)";
            case NO_BUS -> "No DBus connection (lost during " + call + ": " + e.getMessage() + ")";
            default -> call + " failed: " + (name == null ? "" : name + ": ") + e.getMessage();
        };
        return new SystemdException(kind, name, message, e);
    }
}
