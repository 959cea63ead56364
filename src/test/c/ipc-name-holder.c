/*
 * ipc-name-holder: a minimal libqb IPC server that publishes the names given
 * on its command line (e.g. "attrd") and does nothing else, standing in for
 * another Pacemaker daemon that already owns a local IPC name in this network
 * namespace. Tests start it before the daemon under test to check how the
 * daemon's IPC helper copes with a name that is taken (docs/ipc.md).
 *
 * Prints "ready" on stdout once every name is published; runs until SIGTERM
 * or SIGINT. Clients that connect are accepted and ignored.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <qb/qbdefs.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#define MAX_NAMES 16

static qb_loop_t *loop;

static int32_t accept_any(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
    (void) c; (void) uid; (void) gid;
    return 0;
}

static int32_t ignore_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
    (void) c; (void) data; (void) size;
    return 0;
}

static int32_t on_job(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
    return qb_loop_job_add(loop, p, data, fn);
}

static int32_t on_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
                      qb_ipcs_dispatch_fn_t fn)
{
    return qb_loop_poll_add(loop, p, fd, events, data, fn);
}

static int32_t on_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
                      qb_ipcs_dispatch_fn_t fn)
{
    return qb_loop_poll_mod(loop, p, fd, events, data, fn);
}

static int32_t on_del(int32_t fd)
{
    return qb_loop_poll_del(loop, fd);
}

static int32_t on_signal(int32_t sig, void *data)
{
    (void) sig; (void) data;
    qb_loop_stop(loop);
    return 0;
}

int main(int argc, char **argv)
{
    static struct qb_ipcs_service_handlers handlers = {
        .connection_accept = accept_any,
        .msg_process = ignore_message,
    };
    static struct qb_ipcs_poll_handlers poll = {
        .job_add = on_job, .dispatch_add = on_add, .dispatch_mod = on_mod, .dispatch_del = on_del,
    };
    qb_ipcs_service_t *held[MAX_NAMES];
    int n = 0;

    if (argc < 2 || argc - 1 > MAX_NAMES) {
        fprintf(stderr, "usage: %s NAME... (at most %d names)\n", argv[0], MAX_NAMES);
        return 2;
    }
    loop = qb_loop_create();
    if (loop == NULL) {
        fprintf(stderr, "cannot create the loop\n");
        return 1;
    }
    qb_loop_signal_handle sh;
    qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGTERM, NULL, on_signal, &sh);
    qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGINT, NULL, on_signal, &sh);
    for (int i = 1; i < argc; i++) {
        qb_ipcs_service_t *s = qb_ipcs_create(argv[i], 0, QB_IPC_SHM, &handlers);
        if (s == NULL) {
            fprintf(stderr, "cannot create %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        qb_ipcs_poll_handlers_set(s, &poll);
        int rc = qb_ipcs_run(s);
        if (rc != 0) {
            /* qb_ipcs_run has released the service already */
            fprintf(stderr, "cannot publish %s: %s\n", argv[i], strerror(-rc));
            return 1;
        }
        held[n++] = s;
    }
    printf("ready\n");
    fflush(stdout);
    qb_loop_run(loop);
    for (int i = 0; i < n; i++) {
        qb_ipcs_destroy(held[i]);
    }
    qb_loop_destroy(loop);
    return 0;
}
