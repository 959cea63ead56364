/*
 * lrmd-client: a scripted test client for Pacemaker Remote daemons.
 *
 * It talks to the daemon through Pacemaker's own client library (liblrmd:
 * lrmd_remote_api_new() and its cmds table), so what the end-to-end tests see
 * is what a real cluster node's controller sees. Each run performs one
 * scenario and prints its findings as key=value lines on stdout; the exit
 * status is 0 when the scenario met its expectations, 1 when it did not and
 * 2 on a usage error. Library diagnostics go to stderr.
 *
 * The key is read by the library itself from PCMK_authkey_location, and the
 * TLS priority string from PCMK_tls_priorities, so tests steer both through
 * this process's environment.
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

#include <glib.h>
#include <crm/crm.h>
#include <crm/lrmd.h>
#include <crm/services.h>

#define CLIENT_NAME "jremoted-e2e"

static struct {
    const char *host;
    int port;
    int wait_ms;            /* bound on every wait for an event */
    const char *name;       /* client name sent at registration */
    int completions;        /* exec: results to wait for */
    bool cancel_after;      /* exec: cancel the (recurring) op when done */
    int start_delay_ms;
    const char *userdata;
    int callopts;
    int verbose;
    bool async_connect;     /* connect the way a controller does */
    bool local;             /* the local executor over libqb IPC, as a tool on the node does */
} opt = {
    .host = "127.0.0.1",
    .port = 3121,
    .wait_ms = 15000,
    .name = CLIENT_NAME,
    .completions = 1,
    .cancel_after = false,
    .start_delay_ms = 0,
    .userdata = NULL,
    .callopts = 0,
    .verbose = 0,
    .async_connect = false,
    .local = false,
};

/* What the event callback has seen so far. */
static struct {
    lrmd_t *api;
    bool disconnected;
    bool expect_disconnect;
    int pokes;
    int new_clients;
    int registers;
    int unregisters;
    int events;
    bool print_events;
    bool connect_event;
    int connect_rc;
    /* exec: the call we are waiting for */
    int watch_call_id;
    int watch_results;
    int watch_cancelled;
    int last_rc;
    int last_status;
    char *last_output;
    char *last_reason;
    char *last_userdata;
    unsigned int last_exec_time;
    unsigned int last_queue_time;
    int last_rsc_deleted;
} g;

static gint64
now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/* Values may hold agent output: keep one line per key. */
static void
out_str(const char *key, const char *value)
{
    printf("%s=", key);
    if (value != NULL) {
        for (const char *p = value; *p != '\0'; p++) {
            switch (*p) {
                case '\n': fputs("\\n", stdout); break;
                case '\r': fputs("\\r", stdout); break;
                case '\\': fputs("\\\\", stdout); break;
                default: putchar(*p); break;
            }
        }
    }
    putchar('\n');
    fflush(stdout);
}

static void
out_int(const char *key, long long value)
{
    printf("%s=%lld\n", key, value);
    fflush(stdout);
}

static int
fail(const char *why)
{
    out_str("error", why);
    out_int("ok", 0);
    return 1;
}

static int
succeed(void)
{
    out_int("ok", 1);
    return 0;
}

static void
on_event(lrmd_event_data_t *e)
{
    g.events++;
    if (g.print_events) {
        printf("event=%s rsc=%s op=%s interval=%u call_id=%d rc=%d "
               "op_status=%d connection_rc=%d\n",
               lrmd_event_type2str(e->type), e->rsc_id ? e->rsc_id : "",
               e->op_type ? e->op_type : "", e->interval_ms, e->call_id,
               (int) e->rc, e->op_status, e->connection_rc);
        fflush(stdout);
    }
    switch (e->type) {
        case lrmd_event_poke:
            g.pokes++;
            break;
        case lrmd_event_new_client:
            g.new_clients++;
            break;
        case lrmd_event_register:
            g.registers++;
            break;
        case lrmd_event_unregister:
            g.unregisters++;
            break;
        case lrmd_event_disconnect:
            g.disconnected = true;
            break;
        case lrmd_event_connect:
            g.connect_event = true;
            g.connect_rc = e->connection_rc;
            break;
        case lrmd_event_exec_complete:
            if (e->call_id != g.watch_call_id) {
                break;
            }
            if (e->op_status == PCMK_EXEC_CANCELLED) {
                g.watch_cancelled++;
                break;
            }
            g.watch_results++;
            g.last_rc = e->rc;
            g.last_status = e->op_status;
            g.last_exec_time = e->exec_time;
            g.last_queue_time = e->queue_time;
            g.last_rsc_deleted = e->rsc_deleted;
            g_free(g.last_output);
            g.last_output = g_strdup(e->output);
            g_free(g.last_reason);
            g.last_reason = g_strdup(e->exit_reason);
            g_free(g.last_userdata);
            g.last_userdata = g_strdup(e->user_data);
            break;
        default:
            break;
    }
}

static gboolean
set_flag_cb(gpointer data)
{
    *(bool *) data = true;
    return G_SOURCE_REMOVE;
}

typedef bool (*cond_fn)(void);

/* Run the main loop until cond() holds, timeout_ms passes or the connection
 * drops; with cond NULL just run it for timeout_ms. Returns cond's value. */
static bool
pump(cond_fn cond, int timeout_ms)
{
    bool expired = false;
    guint timer = g_timeout_add(timeout_ms, set_flag_cb, &expired);

    while (!(cond && cond()) && !expired && !g.disconnected) {
        g_main_context_iteration(NULL, TRUE);
    }
    if (!expired) {
        g_source_remove(timer);
    }
    return cond ? cond() : !g.disconnected;
}

static int pokes_wanted;

static bool
pokes_done(void)
{
    return g.pokes >= pokes_wanted;
}

static int results_wanted;

static bool
results_done(void)
{
    return g.watch_results >= results_wanted;
}

static bool
connect_seen(void)
{
    return g.connect_event;
}

static bool
cancel_seen(void)
{
    return g.watch_cancelled > 0;
}

/* Connect synchronously: TCP, TLS handshake and executor registration (or,
 * with -L, the local lrmd IPC endpoint and registration). */
static int
connect_api(void)
{
    int rc;
    gint64 start = now_ms();

    g.api = opt.local ? lrmd_api_new() : lrmd_remote_api_new(NULL, opt.host, opt.port);
    if (g.api == NULL) {
        out_str("connect_error", opt.local ? "lrmd_api_new failed" : "lrmd_remote_api_new failed");
        return -ENOMEM;
    }
    g.api->cmds->set_callback(g.api, on_event);
    if (opt.async_connect) {
        rc = g.api->cmds->connect_async(g.api, opt.name, opt.wait_ms);
        if (rc == pcmk_ok) {
            rc = pump(connect_seen, opt.wait_ms + 1000) ? g.connect_rc : -ETIMEDOUT;
        }
    } else {
        rc = g.api->cmds->connect(g.api, opt.name, NULL);
    }
    out_int("connect_rc", rc);
    out_int("connect_ms", now_ms() - start);
    if (rc != pcmk_ok) {
        out_str("connect_error", pcmk_strerror(rc));
    }
    return rc;
}

static void
drop_api(void)
{
    if (g.api != NULL) {
        g.expect_disconnect = true;
        lrmd_api_delete(g.api); /* disconnects first if still connected */
        g.api = NULL;
    }
}

static int
scenario_connect(void)
{
    int rc = connect_api();

    if (rc != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    rc = g.api->cmds->disconnect(g.api);
    out_int("disconnect_rc", rc);
    drop_api();
    return succeed();
}

/* Poke count times, each time waiting for the poke notification: this is
 * exactly how a controller monitors its connection resource. */
static int
scenario_poke(int count)
{
    gint64 worst = 0;

    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    for (int i = 0; i < count; i++) {
        gint64 start = now_ms();
        int rc = g.api->cmds->poke_connection(g.api);

        if (rc < 0) {
            out_int("poke_rc", rc);
            drop_api();
            return fail("poke request failed");
        }
        pokes_wanted = i + 1;
        if (!pump(pokes_done, opt.wait_ms)) {
            out_int("pokes", g.pokes);
            drop_api();
            return fail(g.disconnected ? "disconnected while waiting for poke"
                                       : "poke notification not received in time");
        }
        if (now_ms() - start > worst) {
            worst = now_ms() - start;
        }
    }
    out_int("pokes", g.pokes);
    out_int("poke_max_ms", worst);
    drop_api();
    return succeed();
}

/* Stay connected for a while, printing every event; with a poke interval,
 * keep checking that the daemon still answers this connection. */
static int
scenario_watch(int seconds, int poke_interval_ms)
{
    gint64 end;
    gint64 worst = 0;
    int sent = 0;

    g.print_events = true;
    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    printf("connected=1\n");
    fflush(stdout);
    end = now_ms() + seconds * 1000LL;
    while (now_ms() < end && !g.disconnected) {
        if (poke_interval_ms > 0) {
            gint64 start = now_ms();

            if (g.api->cmds->poke_connection(g.api) < 0) {
                drop_api();
                return fail("poke request failed");
            }
            sent++;
            pokes_wanted = sent;
            if (!pump(pokes_done, opt.wait_ms)) {
                out_int("pokes", g.pokes);
                drop_api();
                return fail("poke notification not received in time");
            }
            if (now_ms() - start > worst) {
                worst = now_ms() - start;
            }
            pump(NULL, poke_interval_ms);
        } else {
            pump(NULL, (int) MIN(end - now_ms(), 200));
        }
    }
    out_int("pokes", g.pokes);
    out_int("poke_max_ms", worst);
    out_int("new_client_events", g.new_clients);
    out_int("events", g.events);
    out_int("disconnected", g.disconnected);
    if (g.disconnected) {
        drop_api();
        return fail("daemon dropped the connection");
    }
    drop_api();
    return succeed();
}

/* Sign on every interval_ms for the given number of seconds (TCP connect, TLS
 * handshake, registration; synchronous unless -a, because the library's
 * asynchronous connect polls with a 500 ms timer that would hide the daemon's
 * share), timing each one: the stress suite's "good client". Each attempt runs
 * in a child process that is killed after the -w bound, so one attempt that
 * hangs cannot hide the next ones. Before an attempt "signon_begin=WALL_MS" is
 * printed, after it "signon=WALL_MS MS RC" (RC -ETIME when it was killed). */
static int
scenario_signons(int seconds, int interval_ms)
{
    gint64 end = now_ms() + seconds * 1000LL;
    int attempts = 0;
    int failures = 0;

    while (now_ms() < end) {
        gint64 wall = g_get_real_time() / 1000;
        gint64 start = now_ms();
        int rc = -ETIME;
        int status = 0;
        pid_t child;

        printf("signon_begin=%lld\n", (long long) wall);
        fflush(stdout);
        child = fork();
        if (child == 0) {
            rc = connect_api();
            if (rc == pcmk_ok) {
                g.api->cmds->disconnect(g.api);
            }
            drop_api();
            /* the exit status carries -rc (small errno values and pcmk codes) */
            _exit(rc == pcmk_ok ? 0 : (-rc > 0 && -rc < 255 ? -rc : 255));
        }
        if (child < 0) {
            rc = -errno;
        } else {
            while (waitpid(child, &status, WNOHANG) == 0) {
                if (now_ms() - start > opt.wait_ms) {
                    kill(child, SIGKILL);
                    waitpid(child, &status, 0);
                    status = -1;
                    break;
                }
                g_usleep(2000);
            }
            if (status != -1 && WIFEXITED(status)) {
                rc = -WEXITSTATUS(status);
            }
        }
        if (rc != pcmk_ok) {
            failures++;
        }
        attempts++;
        printf("signon=%lld %lld %d\n", (long long) wall,
               (long long) (now_ms() - start), rc);
        fflush(stdout);
        if (now_ms() - start < interval_ms) {
            g_usleep((interval_ms - (now_ms() - start)) * 1000);
        }
    }
    out_int("signons", attempts);
    out_int("failed_signons", failures);
    return failures == 0 ? succeed() : fail("some sign-ons failed");
}

static int
scenario_info(const char *rsc)
{
    lrmd_rsc_info_t *info;

    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    info = g.api->cmds->get_rsc_info(g.api, rsc, lrmd_opt_none);
    out_int("found", info != NULL);
    if (info != NULL) {
        out_str("rsc_id", info->id);
        out_str("class", info->standard);
        out_str("provider", info->provider);
        out_str("type", info->type);
        lrmd_free_rsc_info(info);
    }
    drop_api();
    return succeed();
}

static const char *
provider_arg(const char *p)
{
    return (p == NULL || *p == '\0' || strcmp(p, "-") == 0) ? NULL : p;
}

static int
scenario_register(const char *rsc, const char *cls, const char *prov,
                  const char *type)
{
    int rc;

    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    rc = g.api->cmds->register_rsc(g.api, rsc, cls, provider_arg(prov), type,
                                   (enum lrmd_call_options) opt.callopts);
    out_int("register_rc", rc);
    drop_api();
    return rc == pcmk_ok ? succeed() : fail("register_rsc failed");
}

static int
scenario_unregister(const char *rsc)
{
    int rc;

    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    rc = g.api->cmds->unregister_rsc(g.api, rsc, lrmd_opt_none);
    out_int("unregister_rc", rc);
    drop_api();
    return rc == pcmk_ok ? succeed() : fail("unregister_rsc failed");
}

static int
scenario_recurring(const char *rsc)
{
    GList *ops = NULL;
    int rc;
    int n = 0;

    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    rc = g.api->cmds->get_recurring_ops(g.api, rsc, opt.wait_ms,
                                        lrmd_opt_none, &ops);
    out_int("recurring_rc", rc);
    for (GList *it = ops; it != NULL; it = it->next) {
        lrmd_op_info_t *op = it->data;

        printf("recurring_op=%s %s %s %s\n", op->rsc_id,
               op->action ? op->action : "", op->interval_ms_s ? op->interval_ms_s : "",
               op->timeout_ms_s ? op->timeout_ms_s : "");
        n++;
    }
    g_list_free_full(ops, (GDestroyNotify) lrmd_free_op_info);
    out_int("recurring_count", n);
    drop_api();
    return rc == pcmk_ok ? succeed() : fail("get_recurring_ops failed");
}

/* Register (unless class is "-"), run one action and wait for its result(s);
 * extra NAME=VALUE arguments become agent parameters. */
static int
scenario_exec(char **args, int nargs)
{
    const char *rsc = args[0], *cls = args[1], *prov = args[2],
               *type = args[3], *action = args[4];
    guint interval_ms = (guint) strtoul(args[5], NULL, 10);
    int timeout_ms = atoi(args[6]);
    lrmd_key_value_t *params = NULL;
    gint64 start;
    int rc;

    for (int i = 7; i < nargs; i++) {
        char *eq = strchr(args[i], '=');

        if (eq == NULL) {
            fprintf(stderr, "parameter '%s' is not NAME=VALUE\n", args[i]);
            return 2;
        }
        *eq = '\0';
        params = lrmd_key_value_add(params, args[i], eq + 1);
    }
    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    if (strcmp(cls, "-") != 0) {
        rc = g.api->cmds->register_rsc(g.api, rsc, cls, provider_arg(prov),
                                       type, lrmd_opt_none);
        out_int("register_rc", rc);
        if (rc != pcmk_ok) {
            drop_api();
            return fail("register_rsc failed");
        }
    }
    start = now_ms();
    /* exec() takes ownership of params */
    rc = g.api->cmds->exec(g.api, rsc, action, opt.userdata, interval_ms,
                           timeout_ms, opt.start_delay_ms,
                           (enum lrmd_call_options) opt.callopts, params);
    out_int("exec_call_id", rc);
    if (rc <= 0) {
        out_str("exec_error", pcmk_strerror(rc));
        drop_api();
        return fail("exec request rejected");
    }
    g.watch_call_id = rc;
    results_wanted = opt.completions;
    if (!pump(results_done, opt.wait_ms)) {
        out_int("exec_results", g.watch_results);
        drop_api();
        return fail(g.disconnected ? "disconnected while waiting for result"
                                   : "result not received in time");
    }
    out_int("exec_results", g.watch_results);
    out_int("exec_wait_ms", now_ms() - start);
    out_int("exec_rc", g.last_rc);
    out_int("exec_op_status", g.last_status);
    out_str("exec_status_str", pcmk_exec_status_str(g.last_status));
    out_str("exec_output", g.last_output);
    out_str("exec_exit_reason", g.last_reason);
    out_str("exec_userdata", g.last_userdata);
    out_int("exec_time_ms", g.last_exec_time);
    out_int("exec_queue_ms", g.last_queue_time);
    out_int("exec_rsc_deleted", g.last_rsc_deleted);
    if (opt.cancel_after) {
        rc = g.api->cmds->cancel(g.api, rsc, action, interval_ms);
        out_int("cancel_rc", rc);
        if (rc != pcmk_ok) {
            drop_api();
            return fail("cancel failed");
        }
        if (!pump(cancel_seen, opt.wait_ms)) {
            drop_api();
            return fail("cancellation not reported in time");
        }
        out_int("cancelled", g.watch_cancelled);
    }
    drop_api();
    return succeed();
}

/* "-" stands for "no value": the library then leaves the attribute out of the
 * request, which is how a missing id or path reaches the daemon. */
static const char *
alert_arg(const char *a)
{
    return strcmp(a, "-") == 0 ? NULL : a;
}

/* Send one alert. The daemon only acknowledges the launch: alerts have no
 * completion notification, so there is nothing to wait for afterwards. */
static int
scenario_alert(char **args, int nargs)
{
    const char *alert_id = alert_arg(args[0]);
    const char *alert_path = alert_arg(args[1]);
    int timeout_ms = atoi(args[2]);
    lrmd_key_value_t *params = NULL;
    int rc;

    for (int i = 3; i < nargs; i++) {
        char *eq = strchr(args[i], '=');

        if (eq == NULL) {
            fprintf(stderr, "parameter '%s' is not NAME=VALUE\n", args[i]);
            lrmd_key_value_freeall(params);
            return 2;
        }
        *eq = '\0';
        params = lrmd_key_value_add(params, args[i], eq + 1);
    }
    if (connect_api() != pcmk_ok) {
        lrmd_key_value_freeall(params);
        drop_api();
        return fail("connect failed");
    }
    /* exec_alert() takes ownership of params */
    rc = g.api->cmds->exec_alert(g.api, alert_id, alert_path, timeout_ms,
                                 params);
    out_int("alert_rc", rc);
    if (rc != pcmk_ok) {
        out_str("alert_error", pcmk_strerror(rc));
    }
    drop_api();
    return rc == pcmk_ok ? succeed() : fail("exec_alert failed");
}

static int
scenario_cancel(const char *rsc, const char *action, const char *interval)
{
    int rc;

    if (connect_api() != pcmk_ok) {
        drop_api();
        return fail("connect failed");
    }
    rc = g.api->cmds->cancel(g.api, rsc, action,
                             (guint) strtoul(interval, NULL, 10));
    out_int("cancel_rc", rc);
    drop_api();
    return rc == pcmk_ok ? succeed() : fail("cancel failed");
}

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: lrmd-client [options] SCENARIO [ARGS...]\n"
        "options:\n"
        "  -H HOST      daemon address (127.0.0.1)\n"
        "  -p PORT      daemon port (PCMK_remote_port, else 3121)\n"
        "  -w MS        bound on every wait for an event (15000)\n"
        "  -n NAME      client name sent at registration\n"
        "  -c N         exec: wait for N results (1)\n"
        "  -k           exec: cancel the operation after its results\n"
        "  -d MS        exec: start delay\n"
        "  -u STRING    exec: user data\n"
        "  -o N         register/exec: call options bit field\n"
        "  -a           connect asynchronously (connect_async + connect event)\n"
        "  -L           connect to the local executor over IPC (lrmd), not over TLS\n"
        "  -v           library diagnostics on stderr (repeat for debug)\n"
        "scenarios:\n"
        "  connect                        connect, disconnect\n"
        "  poke [COUNT]                   connect, poke and wait for the notification\n"
        "  watch SECONDS [POKE_MS]        stay connected, print events, optionally poke\n"
        "  signons SECONDS INTERVAL_MS    sign on (async connect) every INTERVAL_MS, timed\n"
        "  info RSC                       get_rsc_info\n"
        "  register RSC CLASS PROV TYPE   register_rsc (PROV '-' for none)\n"
        "  unregister RSC                 unregister_rsc\n"
        "  recurring [RSC]                get_recurring_ops\n"
        "  exec RSC CLASS PROV TYPE ACTION INTERVAL_MS TIMEOUT_MS [NAME=VALUE...]\n"
        "                                 register (CLASS '-' to skip), exec, wait\n"
        "  cancel RSC ACTION INTERVAL_MS  cancel an operation\n"
        "  alert ID PATH TIMEOUT_MS [NAME=VALUE...]\n"
        "                                 exec_alert (ID or PATH '-' to send none)\n");
}

int
main(int argc, char **argv)
{
    const char *env_port = getenv("PCMK_remote_port");
    const char *scenario;
    int c;
    int rc;

    if (env_port != NULL && atoi(env_port) > 0) {
        opt.port = atoi(env_port);
    }
    while ((c = getopt(argc, argv, "+H:p:w:n:c:kd:u:o:aLvh")) != -1) {
        switch (c) {
            case 'H': opt.host = optarg; break;
            case 'p': opt.port = atoi(optarg); break;
            case 'w': opt.wait_ms = atoi(optarg); break;
            case 'n': opt.name = optarg; break;
            case 'c': opt.completions = atoi(optarg); break;
            case 'k': opt.cancel_after = true; break;
            case 'd': opt.start_delay_ms = atoi(optarg); break;
            case 'u': opt.userdata = optarg; break;
            case 'o': opt.callopts = atoi(optarg); break;
            case 'a': opt.async_connect = true; break;
            case 'L': opt.local = true; break;
            case 'v': opt.verbose++; break;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    scenario = argv[optind];
    argc -= optind + 1;
    argv += optind + 1;

    crm_log_init(CLIENT_NAME, (opt.verbose > 1) ? LOG_DEBUG
                 : (opt.verbose ? LOG_INFO : LOG_ERR),
                 FALSE, TRUE, 0, NULL, TRUE);
    out_str("scenario", scenario);

    if (strcmp(scenario, "connect") == 0 && argc == 0) {
        rc = scenario_connect();
    } else if (strcmp(scenario, "poke") == 0 && argc <= 1) {
        rc = scenario_poke(argc == 1 ? atoi(argv[0]) : 1);
    } else if (strcmp(scenario, "watch") == 0 && (argc == 1 || argc == 2)) {
        rc = scenario_watch(atoi(argv[0]), argc == 2 ? atoi(argv[1]) : 0);
    } else if (strcmp(scenario, "signons") == 0 && argc == 2) {
        rc = scenario_signons(atoi(argv[0]), atoi(argv[1]));
    } else if (strcmp(scenario, "info") == 0 && argc == 1) {
        rc = scenario_info(argv[0]);
    } else if (strcmp(scenario, "register") == 0 && argc == 4) {
        rc = scenario_register(argv[0], argv[1], argv[2], argv[3]);
    } else if (strcmp(scenario, "unregister") == 0 && argc == 1) {
        rc = scenario_unregister(argv[0]);
    } else if (strcmp(scenario, "recurring") == 0 && argc <= 1) {
        rc = scenario_recurring(argc == 1 ? argv[0] : NULL);
    } else if (strcmp(scenario, "exec") == 0 && argc >= 7) {
        rc = scenario_exec(argv, argc);
    } else if (strcmp(scenario, "alert") == 0 && argc >= 3) {
        rc = scenario_alert(argv, argc);
    } else if (strcmp(scenario, "cancel") == 0 && argc == 3) {
        rc = scenario_cancel(argv[0], argv[1], argv[2]);
    } else {
        fprintf(stderr, "unknown scenario or wrong arguments: %s\n", scenario);
        usage(stderr);
        rc = 2;
    }
    g_free(g.last_output);
    g_free(g.last_reason);
    g_free(g.last_userdata);
    return rc;
}
