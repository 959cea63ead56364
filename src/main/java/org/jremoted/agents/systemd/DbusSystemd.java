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
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
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
    static final String MANAGER_INTERFACE = "org.freedesktop.systemd1.Manager";
    static final String PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties";
    /** Bound on one method call, the D-Bus default; actions have their own, usually shorter, timer. */
    static final long CALL_TIMEOUT_MS = 25_000;
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
        return text(call(MANAGER_PATH, MANAGER_INTERFACE, "LoadUnit", "s", unit));
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
        return text(call(path, PROPERTIES_INTERFACE, "Get", "ss", iface, property));
    }

    @Override
    public String queueJob(String method, String unit) throws SystemdException {
        switch (method) {
            case "StartUnit", "StopUnit", "ReloadUnit", "RestartUnit" -> { }
            default -> throw new IllegalArgumentException("not a job method: " + method);
        }
        return text(call(MANAGER_PATH, MANAGER_INTERFACE, method, "ss", unit, "replace"));
    }

    @Override
    public void reload() throws SystemdException {
        call(MANAGER_PATH, MANAGER_INTERFACE, "Reload", null);
    }

    /**
     * One method call to systemd, made by hand rather than through a proxy interface: a proxy
     * turns error replies into exceptions that no longer carry the D-Bus error name, and the
     * name is what tells "no such unit" from other failures (docs/agents.md §5.3).
     */
    private Object call(String path, String iface, String member, String signature, Object... args)
            throws SystemdException {
        Bus b = connected();
        Message reply;
        try {
            MethodCall m = b.connection().getMessageFactory().createMethodCall(SYSTEMD, path, iface, member,
                    (byte) 0, signature, args);
            b.connection().sendMessage(m);
            reply = m.getReply(CALL_TIMEOUT_MS);
        } catch (DBusException | RuntimeException e) {
            throw lost(b, member, e);
        }
        if (reply == null) {
            if (!b.connection().isConnected()) {
                throw lost(b, member, null);
            }
            throw new SystemdException(SystemdException.Kind.FAILED, null,
                    "No reply from systemd to " + member + " within " + CALL_TIMEOUT_MS / 1000 + " s", null);
        }
        try {
            Object[] values = reply.getParameters();
            if (reply instanceof org.freedesktop.dbus.messages.Error error) {
                String text = values != null && values.length > 0 ? String.valueOf(values[0]) : "";
                throw failed(error.getName(), member, text);
            }
            return values == null || values.length == 0 ? null : values[0];
        } catch (DBusException e) {
            throw new SystemdException(SystemdException.Kind.FAILED, null,
                    "Unreadable reply from systemd to " + member + ": " + e.getMessage(), e);
        }
    }

    private SystemdException lost(Bus b, String member, Exception e) {
        String why = "No DBus connection (lost during " + member
                + (e == null || e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        if (!b.connection().isConnected()) {
            connectionLost(why);
        }
        return new SystemdException(SystemdException.Kind.NO_BUS, null, why, e);
    }

    private static SystemdException failed(String errorName, String member, String text) {
        SystemdException.Kind kind = SystemdException.classify(errorName);
        String message = switch (kind) {
            case NO_SYSTEMD -> "systemd is not running (" + SYSTEMD + " is not on the system bus)";
            default -> member + " failed: " + errorName + ": " + text;
        };
        return new SystemdException(kind, errorName, message, null);
    }

    private static String text(Object value) {
        if (value instanceof Variant<?> v) {
            value = v.getValue();
        }
        if (value instanceof DBusPath d) {
            return d.getPath();
        }
        return String.valueOf(value);
    }

    private SystemdException translate(DBusExecutionException e, String call) {
        // Only Subscribe goes through the proxy; its errors carry no usable name.
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        if (text.contains("ServiceUnknown") || text.contains("was not provided by any")) {
            return failed("org.freedesktop.DBus.Error.ServiceUnknown", call, text);
        }
        Bus b = bus;
        if (b != null && !b.connection().isConnected()) {
            return lost(b, call, e);
        }
        return new SystemdException(SystemdException.Kind.FAILED, null, call + " failed: " + text, e);
    }
}
