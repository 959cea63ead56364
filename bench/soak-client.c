/*
 * soak-client: the cluster side of the soak benchmark (bench/soak.sh).
 *
 * Signs on to a Pacemaker Remote daemon with Pacemaker's own client library
 * (liblrmd: lrmd_remote_api_new() and its cmds table, TLS-PSK with the key
 * named by PCMK_authkey_location), registers R resources, asks for one
 * recurring monitor per resource (every I ms, first runs spread evenly over
 * one interval), and then stays connected for D seconds, watching the
 * monitor results the daemon sends.
 *
 * After a header line starting with "columns,", every period (60 s by
 * default) it prints one CSV line on stdout:
 *
 *   sample,elapsed_s,results,failures,drift_median_ms,drift_p99_ms,
 *   drift_max_ms,drift_min_ms,exec_median_ms,resources_silent
 *
 * where drift is, for every result in that period, the time since the
 * previous result of the same resource minus I (so 0 is a perfect period;
 * the daemon re-arms a recurring operation I after the previous run ended,
 * so the agent's run time is part of it), exec is the run time the daemon
 * reported, and resources_silent counts resources without any result in the
 * last 3 intervals. At the end it cancels the monitors, unregisters the
 * resources and prints a summary line starting with "summary,".
 *
 * Exit status: 0 when it stayed connected and every monitor kept running,
 * 1 when the daemon hung up or monitors stopped, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <crm/crm.h>
#include <crm/lrmd.h>
#include <crm/services.h>
#include <crm/common/results.h>

#define CLIENT_NAME "jremoted-soak"

static struct {
    const char *server;
    int port;
    int resources;
    int interval_ms;
    int duration_s;
    int period_s;
    const char *agent;
    int op_timeout_ms;
} opt = {
    .server = "127.0.0.1",
    .port = 3121,
    .resources = 1000,
    .interval_ms = 10000,
    .duration_s = 3600,
    .period_s = 60,
    .agent = "ocf:bench:Noop",
    .op_timeout_ms = 20000,
};

typedef struct {
    gint64 last_us;         /* latest result, 0 before the first */
    bool cancelled;
} rsc_t;

static struct {
    lrmd_t *api;
    GMainLoop *loop;
    bool disconnected;
    bool ending;
    GHashTable *rscs;       /* resource id -> rsc_t */
    GArray *drifts;         /* this period's drifts, ms */
    GArray *execs;          /* this period's reported run times, ms */
    int results, failures;  /* this period */
    long long total_results, total_failures;
    int cancelled;
    gint64 t0_us;
    int sample;
    double worst_drift_ms, worst_median_ms, first_median_ms, last_median_ms;
    int worst_silent;
} g;

static char cls[64], provider[64], type[128];

static gint64 now_us(void)
{
    return g_get_monotonic_time();
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x < y) ? -1 : (x > y) ? 1 : 0;
}

/* Nearest-rank percentile of a sorted array */
static double pct(GArray *v, double p)
{
    if (v->len == 0) {
        return NAN;
    }
    int rank = (int) ceil(p / 100.0 * v->len);
    rank = rank < 1 ? 1 : rank > (int) v->len ? (int) v->len : rank;
    return g_array_index(v, double, rank - 1);
}

static void on_event(lrmd_event_data_t *e)
{
    gint64 t = now_us();

    if (e->type == lrmd_event_disconnect) {
        if (!g.ending) {
            fprintf(stderr, "soak-client: the daemon closed the connection\n");
            g.disconnected = true;
            g_main_loop_quit(g.loop);
        }
        return;
    }
    if (e->type != lrmd_event_exec_complete || e->rsc_id == NULL || e->op_type == NULL
        || strcmp(e->op_type, "monitor") != 0 || e->interval_ms != (guint) opt.interval_ms) {
        return;
    }
    rsc_t *r = g_hash_table_lookup(g.rscs, e->rsc_id);
    if (r == NULL) {
        return;
    }
    if (e->op_status == PCMK_EXEC_CANCELLED) {
        r->cancelled = true;
        g.cancelled++;
        if (g.ending && g.cancelled >= opt.resources) {
            g_main_loop_quit(g.loop);
        }
        return;
    }
    g.results++;
    if (e->rc != PCMK_OCF_OK || e->op_status != PCMK_EXEC_DONE) {
        g.failures++;
    }
    if (r->last_us != 0) {
        double drift = (t - r->last_us) / 1000.0 - opt.interval_ms;
        g_array_append_val(g.drifts, drift);
    }
    double exec = e->exec_time;
    g_array_append_val(g.execs, exec);
    r->last_us = t;
}

static int silent_resources(void)
{
    GHashTableIter it;
    gpointer k, v;
    gint64 t = now_us(), limit = 3LL * opt.interval_ms * 1000;
    int n = 0;

    g_hash_table_iter_init(&it, g.rscs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        rsc_t *r = v;
        gint64 since = r->last_us ? r->last_us : g.t0_us;
        if (t - since > limit) {
            n++;
        }
    }
    return n;
}

static gboolean on_period(gpointer data)
{
    (void) data;
    g_array_sort(g.drifts, cmp_double);
    g_array_sort(g.execs, cmp_double);
    double med = pct(g.drifts, 50), p99 = pct(g.drifts, 99), max = pct(g.drifts, 100);
    double min = pct(g.drifts, 0.0001), exec_med = pct(g.execs, 50);
    int silent = silent_resources();

    g.sample++;
    printf("sample,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d\n", (int) ((now_us() - g.t0_us) / 1000000),
           g.results, g.failures, med, p99, max, min, exec_med, silent);
    fflush(stdout);
    if (!isnan(max) && max > g.worst_drift_ms) {
        g.worst_drift_ms = max;
    }
    if (!isnan(med)) {
        if (g.sample == 1 || isnan(g.first_median_ms)) {
            g.first_median_ms = med;
        }
        g.last_median_ms = med;
        if (med > g.worst_median_ms) {
            g.worst_median_ms = med;
        }
    }
    if (g.sample > 1 && silent > g.worst_silent) {
        /* the first period may still see resources waiting for their first run */
        g.worst_silent = silent;
    }
    g.total_results += g.results;
    g.total_failures += g.failures;
    g.results = g.failures = 0;
    g_array_set_size(g.drifts, 0);
    g_array_set_size(g.execs, 0);
    return G_SOURCE_CONTINUE;
}

static gboolean on_end(gpointer data)
{
    (void) data;
    g_main_loop_quit(g.loop);
    return G_SOURCE_REMOVE;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: soak-client [options]\n"
            "  --server HOST        daemon address (127.0.0.1)\n"
            "  --port PORT          daemon port (3121)\n"
            "  --resources R        resources, one recurring monitor each (1000)\n"
            "  --interval-ms I      monitor interval (10000)\n"
            "  --duration S         seconds to stay connected after submitting (3600)\n"
            "  --period S           seconds per CSV line (60)\n"
            "  --agent C:P:T        agent (ocf:bench:Noop)\n"
            "The key is read from PCMK_authkey_location by the library.\n");
}

static bool parse_agent(const char *spec)
{
    gchar **p = g_strsplit(spec, ":", 3);
    bool ok = p[0] && p[1] && p[2];
    if (ok) {
        g_strlcpy(cls, p[0], sizeof(cls));
        g_strlcpy(provider, p[1], sizeof(provider));
        g_strlcpy(type, p[2], sizeof(type));
    }
    g_strfreev(p);
    return ok;
}

int main(int argc, char **argv)
{
    static struct option longopts[] = {
        { "server", required_argument, NULL, 's' },
        { "port", required_argument, NULL, 'p' },
        { "resources", required_argument, NULL, 'r' },
        { "interval-ms", required_argument, NULL, 'i' },
        { "duration", required_argument, NULL, 'd' },
        { "period", required_argument, NULL, 'P' },
        { "agent", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 's': opt.server = optarg; break;
            case 'p': opt.port = atoi(optarg); break;
            case 'r': opt.resources = atoi(optarg); break;
            case 'i': opt.interval_ms = atoi(optarg); break;
            case 'd': opt.duration_s = atoi(optarg); break;
            case 'P': opt.period_s = atoi(optarg); break;
            case 'a': opt.agent = optarg; break;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (opt.resources < 1 || opt.interval_ms < 1 || opt.duration_s < 1 || opt.period_s < 1
        || !parse_agent(opt.agent)) {
        usage(stderr);
        return 2;
    }

    g.loop = g_main_loop_new(NULL, FALSE);
    g.rscs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g.drifts = g_array_new(FALSE, FALSE, sizeof(double));
    g.execs = g_array_new(FALSE, FALSE, sizeof(double));
    g.first_median_ms = NAN;

    g.api = lrmd_remote_api_new(NULL, opt.server, opt.port);
    if (g.api == NULL) {
        fprintf(stderr, "soak-client: lrmd_remote_api_new failed\n");
        return 1;
    }
    g.api->cmds->set_callback(g.api, on_event);
    int rc = g.api->cmds->connect(g.api, CLIENT_NAME, NULL);
    if (rc != pcmk_ok) {
        fprintf(stderr, "soak-client: cannot sign on to %s:%d: %s\n", opt.server, opt.port, pcmk_strerror(rc));
        return 1;
    }

    char id[64];
    for (int i = 0; i < opt.resources; i++) {
        snprintf(id, sizeof(id), "soak-%d", i);
        rc = g.api->cmds->register_rsc(g.api, id, cls, provider, type, lrmd_opt_none);
        if (rc != pcmk_ok) {
            fprintf(stderr, "soak-client: register %s failed: %s\n", id, pcmk_strerror(rc));
            return 1;
        }
        g_hash_table_insert(g.rscs, g_strdup(id), g_new0(rsc_t, 1));
    }
    g.t0_us = now_us();
    for (int i = 0; i < opt.resources; i++) {
        snprintf(id, sizeof(id), "soak-%d", i);
        int delay = (int) ((long long) opt.interval_ms * i / opt.resources);
        rc = g.api->cmds->exec(g.api, id, "monitor", NULL, opt.interval_ms, opt.op_timeout_ms, delay,
                               lrmd_opt_none, NULL);
        if (rc <= 0) {
            fprintf(stderr, "soak-client: monitor of %s refused: %s\n", id, pcmk_strerror(rc));
            return 1;
        }
        while (g_main_context_iteration(NULL, FALSE)) {
        }
    }
    fprintf(stderr, "soak-client: %d resources registered and monitored every %d ms (%.1f s to submit)\n",
            opt.resources, opt.interval_ms, (now_us() - g.t0_us) / 1e6);
    printf("columns,elapsed_s,results,failures,drift_median_ms,drift_p99_ms,drift_max_ms,drift_min_ms,"
           "exec_median_ms,resources_silent\n");
    fflush(stdout);

    g.t0_us = now_us();
    g_timeout_add_seconds(opt.period_s, on_period, NULL);
    g_timeout_add_seconds(opt.duration_s, on_end, NULL);
    g_main_loop_run(g.loop);

    bool healthy = !g.disconnected && g.worst_silent == 0;
    if (!g.disconnected) {
        /* Clean up like a controller would: cancel, then unregister */
        g.ending = true;
        for (int i = 0; i < opt.resources; i++) {
            snprintf(id, sizeof(id), "soak-%d", i);
            g.api->cmds->cancel(g.api, id, "monitor", opt.interval_ms);
        }
        guint t = g_timeout_add_seconds(30, on_end, NULL);
        if (g.cancelled < opt.resources) {
            g_main_loop_run(g.loop);
        }
        g_source_remove(t);
        for (int i = 0; i < opt.resources; i++) {
            snprintf(id, sizeof(id), "soak-%d", i);
            g.api->cmds->unregister_rsc(g.api, id, lrmd_opt_none);
        }
        g.api->cmds->disconnect(g.api);
    }
    printf("summary,samples=%d,results=%lld,failures=%lld,first_drift_median_ms=%.1f,last_drift_median_ms=%.1f,"
           "worst_drift_median_ms=%.1f,worst_drift_max_ms=%.1f,worst_silent=%d,disconnected=%d,cancelled=%d\n",
           g.sample, g.total_results, g.total_failures, g.first_median_ms, g.last_median_ms,
           g.worst_median_ms, g.worst_drift_ms, g.worst_silent, g.disconnected ? 1 : 0, g.cancelled);
    fflush(stdout);
    lrmd_api_delete(g.api);
    return healthy ? 0 : 1;
}
