/*
 * jremoted-ipc-helper: publishes the local libqb IPC endpoints of a Pacemaker
 * Remote node (lrmd, cib_ro, cib_rw, cib_shm, attrd, stonith-ng, pacemakerd,
 * crmd) and relays every connection to the Java daemon that started it.
 *
 * Why a separate process: libqb's connection set-up, credential passing and
 * shared-memory ring buffers are libqb's private ABI, so only libqb itself
 * should speak them (docs/ipc.md). The helper owns no Pacemaker logic: it
 * hands each libqb message to Java unchanged, and sends back whatever bytes
 * Java gives it as a response or event. Java decides everything else.
 *
 * Private channel: stdin (Java -> helper) and stdout (helper -> Java). Each
 * frame is  u32 body length | u8 type | u32 connection id | payload,  in host
 * byte order (both ends run on the same machine). Log lines go to stderr.
 * The helper exits when stdin reaches end of file, so it never outlives the
 * daemon; the kernel also sends it SIGTERM when its parent dies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <qb/qbdefs.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>
#include <qb/qblog.h>

/* Frame types; keep in step with HelperFrame.java */
enum {
    H_READY = 1,        /* all endpoints published */
    H_FATAL = 2,        /* payload: message text; the helper exits next */
    H_CONNECTED = 3,    /* u8 service, i32 pid, u32 uid, u32 gid, user name */
    H_REFUSED = 4,      /* u8 service, u32 uid, u32 gid (no provider) */
    H_REQUEST = 5,      /* payload: one libqb message as received */
    H_CLOSED = 6,       /* the local client is gone */
    J_PROVIDER = 10,    /* u8: 1 if an IPC provider is connected */
    J_RESPONSE = 11,    /* payload: complete libqb response */
    J_EVENT = 12,       /* payload: complete libqb event */
    J_DISCONNECT = 13,
};

#define MAX_FRAME (64u * 1024u * 1024u)
#define RETRY_MS 100

enum behaviour { LOCAL, PROXIED, REFUSED };

struct service {
    const char *name;
    int index;
    enum behaviour behaviour;
    int force_shm;
    qb_ipcs_service_t *qb;
};

/* Same order as the C daemon creates them (docs/proxy.md §2); index = wire code */
static struct service services[] = {
    { "lrmd", 0, LOCAL, 1, NULL },
    { "cib_ro", 1, PROXIED, 0, NULL },
    { "cib_rw", 2, PROXIED, 0, NULL },
    { "cib_shm", 3, PROXIED, 1, NULL },
    { "attrd", 4, PROXIED, 0, NULL },
    { "stonith-ng", 5, PROXIED, 0, NULL },
    { "pacemakerd", 6, REFUSED, 0, NULL },
    { "crmd", 7, PROXIED, 0, NULL },
};
#define N_SERVICES (sizeof(services) / sizeof(services[0]))

struct pending {
    int event;
    size_t len;
    struct pending *next;
    char data[];
};

struct conn {
    uint32_t id;
    qb_ipcs_connection_t *c;
    struct service *service;
    uid_t uid;
    gid_t gid;
    int announced;
    struct pending *queue, *queue_tail;
    qb_loop_timer_handle retry;
    int retry_armed;
    struct conn *next;
};

static qb_loop_t *loop;
static struct conn *conns;
static uint32_t last_conn_id;
static int provider_available;
static gid_t cluster_gid = (gid_t) -1;

static char *in_buf;
static size_t in_len, in_cap;

static void logmsg(const char *level, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s ", level);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static void write_all(const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            /* The daemon is gone: nothing left to serve */
            _exit(0);
        }
        p += n;
        len -= (size_t) n;
    }
}

static void send_frame(uint8_t type, uint32_t conn, const void *a, size_t alen,
                       const void *b, size_t blen)
{
    uint32_t body = (uint32_t) (1 + 4 + alen + blen);
    char head[9];
    memcpy(head, &body, 4);
    head[4] = (char) type;
    memcpy(head + 5, &conn, 4);
    write_all(head, sizeof(head));
    if (alen) {
        write_all(a, alen);
    }
    if (blen) {
        write_all(b, blen);
    }
}

static struct conn *find_conn(uint32_t id)
{
    for (struct conn *k = conns; k != NULL; k = k->next) {
        if (k->id == id) {
            return k;
        }
    }
    return NULL;
}

static void unlink_conn(struct conn *gone)
{
    for (struct conn **k = &conns; *k != NULL; k = &(*k)->next) {
        if (*k == gone) {
            *k = gone->next;
            return;
        }
    }
}

/* ------------------------------------------------------------ libqb hooks */

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
    struct service *s = qb_ipcs_connection_service_context_get(c);

    if (s->behaviour == REFUSED) {
        /* Tools read this as "not a full cluster node" */
        return -EREMOTEIO;
    }
    if (s->behaviour == PROXIED && !provider_available) {
        char payload[9];
        uint32_t u = uid, g = gid;
        payload[0] = (char) s->index;
        memcpy(payload + 1, &u, 4);
        memcpy(payload + 5, &g, 4);
        send_frame(H_REFUSED, 0, payload, sizeof(payload), NULL, 0);
        return -EREMOTEIO;
    }

    struct conn *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        return -ENOMEM;
    }
    k->c = c;
    k->service = s;
    k->uid = uid;
    k->gid = gid;
    if (uid != 0 && cluster_gid != (gid_t) -1) {
        /* Let a non-root client open the shared-memory files, as Pacemaker does */
        qb_ipcs_connection_auth_set(c, -1, cluster_gid,
                                    S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP);
    }
    qb_ipcs_context_set(c, k);
    return 0;
}

static void on_created(qb_ipcs_connection_t *c)
{
    struct conn *k = qb_ipcs_context_get(c);
    if (k == NULL) {
        return;
    }
    struct qb_ipcs_connection_stats stats;
    int32_t pid = 0;
    if (qb_ipcs_connection_stats_get(c, &stats, QB_FALSE) == 0) {
        pid = stats.client_pid;
    }
    char user[256] = "";
    struct passwd pw, *found = NULL;
    char pwbuf[4096];
    if (getpwuid_r(k->uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found != NULL) {
        snprintf(user, sizeof(user), "%s", found->pw_name);
    }

    do {
        last_conn_id++;
    } while (last_conn_id == 0 || find_conn(last_conn_id) != NULL);
    k->id = last_conn_id;
    k->next = conns;
    conns = k;
    k->announced = 1;

    char payload[13];
    uint32_t u = k->uid, g = k->gid;
    payload[0] = (char) k->service->index;
    memcpy(payload + 1, &pid, 4);
    memcpy(payload + 5, &u, 4);
    memcpy(payload + 9, &g, 4);
    send_frame(H_CONNECTED, k->id, payload, sizeof(payload), user, strlen(user));
}

static int32_t on_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
    struct conn *k = qb_ipcs_context_get(c);
    if (k == NULL || !k->announced) {
        return 0;
    }
    send_frame(H_REQUEST, k->id, data, size, NULL, 0);
    return 0;
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
    (void) c;
    /* Returning 0 lets libqb go on to destroy the connection */
    return 0;
}

static void drop_queue(struct conn *k)
{
    while (k->queue != NULL) {
        struct pending *p = k->queue;
        k->queue = p->next;
        free(p);
    }
    k->queue_tail = NULL;
    if (k->retry_armed) {
        qb_loop_timer_del(loop, k->retry);
        k->retry_armed = 0;
    }
}

static void on_destroyed(qb_ipcs_connection_t *c)
{
    struct conn *k = qb_ipcs_context_get(c);
    if (k == NULL) {
        return;
    }
    qb_ipcs_context_set(c, NULL);
    if (k->announced) {
        unlink_conn(k);
        send_frame(H_CLOSED, k->id, NULL, 0, NULL, 0);
    }
    drop_queue(k);
    free(k);
}

static struct qb_ipcs_service_handlers handlers = {
    .connection_accept = on_accept,
    .connection_created = on_created,
    .msg_process = on_message,
    .connection_closed = on_closed,
    .connection_destroyed = on_destroyed,
};

/* libqb's services run on our qb_loop */
static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
    return qb_loop_job_add(loop, p, data, fn);
}

static int32_t dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events,
                            void *data, qb_ipcs_dispatch_fn_t fn)
{
    return qb_loop_poll_add(loop, p, fd, events, data, fn);
}

static int32_t dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events,
                            void *data, qb_ipcs_dispatch_fn_t fn)
{
    return qb_loop_poll_mod(loop, p, fd, events, data, fn);
}

static int32_t dispatch_del(int32_t fd)
{
    return qb_loop_poll_del(loop, fd);
}

static struct qb_ipcs_poll_handlers poll_handlers = {
    .job_add = job_add,
    .dispatch_add = dispatch_add,
    .dispatch_mod = dispatch_mod,
    .dispatch_del = dispatch_del,
};

/* ------------------------------------------------------------ sending */

static void retry_queue(void *data);

static ssize_t send_one(struct conn *k, int event, const void *data, size_t len)
{
    return event ? qb_ipcs_event_send(k->c, data, len)
                 : qb_ipcs_response_send(k->c, data, len);
}

static void arm_retry(struct conn *k)
{
    if (!k->retry_armed) {
        if (qb_loop_timer_add(loop, QB_LOOP_MED, RETRY_MS * QB_TIME_NS_IN_MSEC, k, retry_queue,
                              &k->retry) == 0) {
            k->retry_armed = 1;
        }
    }
}

static int queue_message(struct conn *k, int event, const void *data, size_t len)
{
    struct pending *p = malloc(sizeof(*p) + len);
    if (p == NULL) {
        return -ENOMEM;
    }
    p->event = event;
    p->len = len;
    p->next = NULL;
    memcpy(p->data, data, len);
    if (k->queue_tail != NULL) {
        k->queue_tail->next = p;
    } else {
        k->queue = p;
    }
    k->queue_tail = p;
    arm_retry(k);
    return 0;
}

/* Returns 0 when everything left the queue, 1 to try again later, <0 on error */
static int flush_queue(struct conn *k)
{
    while (k->queue != NULL) {
        struct pending *p = k->queue;
        ssize_t rc = send_one(k, p->event, p->data, p->len);
        if (rc == -EAGAIN || rc == -ENOBUFS) {
            return 1;
        }
        k->queue = p->next;
        if (k->queue == NULL) {
            k->queue_tail = NULL;
        }
        free(p);
        if (rc < 0) {
            return (int) rc;
        }
    }
    return 0;
}

static void retry_queue(void *data)
{
    struct conn *k = data;
    k->retry_armed = 0;
    int rc = flush_queue(k);
    if (rc == 1) {
        arm_retry(k);
    } else if (rc < 0) {
        logmsg("WARN", "Dropping connection %u: sending failed (%s)", k->id, strerror(-rc));
        qb_ipcs_disconnect(k->c);
    }
}

static void deliver(struct conn *k, int event, const char *data, size_t len)
{
    /* Keep order: nothing overtakes messages already waiting for ring space */
    if (k->queue == NULL) {
        ssize_t rc = send_one(k, event, data, len);
        if (rc >= 0) {
            return;
        }
        if (rc != -EAGAIN && rc != -ENOBUFS) {
            logmsg("WARN", "Dropping connection %u: sending %zu bytes failed (%s)", k->id, len,
                   strerror((int) -rc));
            qb_ipcs_disconnect(k->c);
            return;
        }
    }
    if (queue_message(k, event, data, len) < 0) {
        qb_ipcs_disconnect(k->c);
    }
}

/* ------------------------------------------------------------ from Java */

static void shutdown_and_exit(int code)
{
    for (size_t i = 0; i < N_SERVICES; i++) {
        if (services[i].qb != NULL) {
            qb_ipcs_destroy(services[i].qb);
            services[i].qb = NULL;
        }
    }
    exit(code);
}

static void handle_frame(uint8_t type, uint32_t id, const char *payload, size_t len)
{
    if (type == J_PROVIDER) {
        provider_available = len > 0 && payload[0] != 0;
        return;
    }
    struct conn *k = find_conn(id);
    if (k == NULL) {
        /* Already gone; Java learns that from the H_CLOSED frame */
        return;
    }
    switch (type) {
        case J_RESPONSE:
            deliver(k, 0, payload, len);
            break;
        case J_EVENT:
            deliver(k, 1, payload, len);
            break;
        case J_DISCONNECT:
            qb_ipcs_disconnect(k->c);
            break;
        default:
            logmsg("WARN", "Ignoring unknown frame type %u", type);
            break;
    }
}

static int32_t on_stdin(int32_t fd, int32_t revents, void *data)
{
    (void) data;
    (void) revents;
    if (in_cap - in_len < 65536) {
        size_t cap = in_cap ? in_cap * 2 : 262144;
        char *grown = realloc(in_buf, cap);
        if (grown == NULL) {
            logmsg("ERROR", "Out of memory reading from the daemon");
            shutdown_and_exit(1);
        }
        in_buf = grown;
        in_cap = cap;
    }
    ssize_t n = read(fd, in_buf + in_len, in_cap - in_len);
    if (n == 0) {
        /* The daemon closed its end: it is stopping or gone */
        shutdown_and_exit(0);
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            return 0;
        }
        shutdown_and_exit(1);
    }
    in_len += (size_t) n;

    size_t off = 0;
    while (in_len - off >= 4) {
        uint32_t body;
        memcpy(&body, in_buf + off, 4);
        if (body < 5 || body > MAX_FRAME) {
            logmsg("ERROR", "Malformed frame from the daemon (length %u)", body);
            shutdown_and_exit(1);
        }
        if (in_len - off - 4 < body) {
            break;
        }
        uint8_t type = (uint8_t) in_buf[off + 4];
        uint32_t id;
        memcpy(&id, in_buf + off + 5, 4);
        handle_frame(type, id, in_buf + off + 9, body - 5);
        off += 4 + body;
    }
    memmove(in_buf, in_buf + off, in_len - off);
    in_len -= off;
    return 0;
}

static int32_t on_signal(int32_t sig, void *data)
{
    (void) sig;
    (void) data;
    shutdown_and_exit(0);
    return 0;
}

/* ------------------------------------------------------------ start-up */

static enum qb_ipc_type configured_type(void)
{
    const char *t = getenv("PCMK_ipc_type");
    if (t == NULL || strcmp(t, "shared-mem") == 0) {
        return QB_IPC_SHM;
    } else if (strcmp(t, "socket") == 0) {
        return QB_IPC_SOCKET;
    } else if (strcmp(t, "posix") == 0) {
        return QB_IPC_POSIX_MQ;
    } else if (strcmp(t, "sysv") == 0) {
        return QB_IPC_SYSV_MQ;
    }
    return QB_IPC_SHM;
}

static uint32_t configured_buffer(void)
{
    const char *b = getenv("PCMK_ipc_buffer");
    long v = b != NULL ? strtol(b, NULL, 10) : 0;
    if (v <= 0) {
        v = 131072;
    }
    if (v < 12336) {
        v = 12336;
    }
    return (uint32_t) v;
}

static void fatal(const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    send_frame(H_FATAL, 0, text, strlen(text), NULL, 0);
    shutdown_and_exit(2);
}

/*
 * Whether another process in this network namespace already holds the
 * abstract socket name that libqb would publish for this endpoint. libqb binds
 * the name with a NUL first byte and the whole sockaddr_un as length; binding
 * the same address ourselves and getting EADDRINUSE answers the question
 * without touching the other process (a connect would start a session there).
 * Anything else (our own probe failing for another reason) is left for
 * qb_ipcs_run to report.
 */
static int name_held_elsewhere(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "%s", name);
    int held = bind(fd, (struct sockaddr *) &addr, sizeof(addr)) != 0 && errno == EADDRINUSE;
    close(fd);
    return held;
}

static void name_taken(const char *name)
{
    fatal("IPC name %s is already held by another process in this network namespace "
          "(another Pacemaker daemon or pacemaker-remoted running here?)", name);
}

int main(void)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    signal(SIGPIPE, SIG_IGN);

    /* libqb complains on stderr only, never to syslog on our behalf */
    qb_log_init("jremoted-ipc-helper", LOG_DAEMON, LOG_WARNING);
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
    qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_WARNING);
    qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);

    struct group *gr = getgrnam("haclient");
    if (gr != NULL) {
        cluster_gid = gr->gr_gid;
    }

    loop = qb_loop_create();
    if (loop == NULL) {
        fatal("Could not create the event loop");
    }
    int fl = fcntl(STDIN_FILENO, F_GETFL);
    fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK);
    qb_loop_poll_add(loop, QB_LOOP_HIGH, STDIN_FILENO, POLLIN, NULL, on_stdin);
    qb_loop_signal_handle sh;
    qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGTERM, NULL, on_signal, &sh);
    qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGINT, NULL, on_signal, &sh);

    enum qb_ipc_type type = configured_type();
    uint32_t buffer = configured_buffer();
    for (size_t i = 0; i < N_SERVICES; i++) {
        struct service *s = &services[i];
        if (name_held_elsewhere(s->name)) {
            name_taken(s->name);
        }
        s->qb = qb_ipcs_create(s->name, 0, s->force_shm ? QB_IPC_SHM : type, &handlers);
        if (s->qb == NULL) {
            fatal("Failed to create IPC server %s: %s", s->name, strerror(errno));
        }
        qb_ipcs_service_context_set(s->qb, s);
        qb_ipcs_poll_handlers_set(s->qb, &poll_handlers);
        qb_ipcs_enforce_buffer_size(s->qb, buffer);
        int rc = qb_ipcs_run(s->qb);
        if (rc != 0) {
            /*
             * A failed qb_ipcs_run has already dropped the reference that
             * qb_ipcs_create gave us (and so freed the service): it must be
             * neither unreferenced nor destroyed again here.
             */
            s->qb = NULL;
            if (rc == -EADDRINUSE) {
                /* Taken between the probe and the bind */
                name_taken(s->name);
            }
            fatal("Failed to create IPC server %s: %s", s->name, strerror(-rc));
        }
    }
    send_frame(H_READY, 0, NULL, 0, NULL, 0);
    qb_loop_run(loop);
    shutdown_and_exit(0);
    return 0;
}
