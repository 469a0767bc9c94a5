/* fanout.c — what LISTEN and idle sessions cost the server, for docs/scaling.md: the memory of each kind of server process during a run, and the server's CPU for a burst of notifications with N idle sessions listening (as N terminals' live updates do) and without them. */
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* A process's own memory (its heap: caches, plans; RssAnon) and the shared
 * memory it has touched (shared buffers; RssShmem), kB, from /proc/PID/status. */
static bool memory_kb(int pid, double *own_kb, double *shared_kb)
{
    char path[64], line[256];
    util_format(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    *own_kb = *shared_kb = 0;
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        double kb = strtod(colon + 1, NULL);
        if (strncmp(line, "RssAnon:", 8) == 0)
            *own_kb = kb;
        else if (strncmp(line, "RssShmem:", 9) == 0)
            *shared_kb = kb;
    }
    (void)fclose(f);   /* only read */
    return true;
}

/* The server processes of this run by application_name: how many, and
 * their memory on average. */
void load_memory(struct db_conn *admin, FILE *md)
{
    PGresult *r = db_exec(admin,
                          "SELECT application_name, pid FROM pg_stat_activity WHERE datname = current_database()"
                          " AND application_name IN ('careline-load', 'careline-listen') ORDER BY 1",
                          0, NULL);
    if (!r)
        return;
    static const char *const kinds[] = {"careline-load", "careline-listen"};
    static const char *const what[] = {"work (the terminals' own, or the pool's)", "LISTEN only (behind a pooler)"};
    for (int k = 0; k < 2; k++) {
        int n = 0;
        double priv = 0, pss = 0;
        for (int i = 0; i < PQntuples(r); i++) {
            double a, b;
            int pid;
            if (strcmp(PQgetvalue(r, i, 0), kinds[k]) == 0 && util_parse_int(PQgetvalue(r, i, 1), &pid) == 0 &&
                memory_kb(pid, &a, &b)) {
                n++;
                priv += a;
                pss += b;
            }
        }
        if (!n)
            continue;
        printf("server processes %s mid-run: %d, each %.1f MB of its own (caches, plans) and %.1f MB of shared"
               " buffers touched\n", what[k], n, priv / n / 1024, pss / n / 1024);
        if (md)
            fprintf(md, "\nServer processes %s mid-run: %d, each %.1f MB of its own (caches, plans; RssAnon) and"
                        " %.1f MB of shared buffers touched.\n", what[k], n, priv / n / 1024, pss / n / 1024);
    }
    PQclear(r);
}

/* notifies notifications, each its own transaction (as each contact saved
 * is), on a channel the listeners do not listen to: the server's CPU they
 * took, the wake-ups of every listening session included (measured a
 * second after the last, when every session has looked). */
static double burst(struct db_conn *admin, int notifies)
{
    struct load_cpu a, b;
    load_cpu_read(admin, &a);
    for (int i = 0; i < notifies; i++) {
        PGresult *r = db_exec(admin, "SELECT pg_notify('careline_figures', 'interaction')", 0, NULL);
        PQclear(r);
    }
    load_sleep_ms(1000);
    load_cpu_read(admin, &b);
    return b.server_s - a.server_s;
}

void load_fanout(int listeners, FILE *md)
{
    const int notifies = 2000;
    struct db_conn *admin = load_connect(NULL, 0, load_opt.direct);
    if (!admin)
        return;
    /* First with nobody listening: what a notification costs by itself. */
    double without = burst(admin, notifies);
    struct listener {
        PGconn *pg;
    } *l = util_calloc((size_t)listeners + 1, sizeof *l);
    int n = 0;
    char conninfo[600];
    util_format(conninfo, sizeof conninfo, "%s application_name=careline-listen", load_opt.direct);
    for (; n < listeners; n++) {
        l[n].pg = PQconnectdb(conninfo);
        PGresult *r = PQstatus(l[n].pg) == CONNECTION_OK ? PQexec(l[n].pg, "LISTEN careline_queue") : NULL;
        bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            fprintf(stderr, "load: listener %d: %s", n, PQerrorMessage(l[n].pg));
            PQfinish(l[n].pg);
            break;
        }
    }
    load_sleep_ms(2000);   /* their start-up is not the notifications' */
    double with = burst(admin, notifies);
    load_memory(admin, md);
    for (int i = 0; i < n; i++)
        PQfinish(l[i].pg);
    free(l);
    double per = n ? (with - without) / ((double)notifies * n) * 1e6 : 0;
    printf("\nLISTEN fan-out: %d notifications (each its own transaction) cost the server %.2f s of CPU with %d idle"
           " sessions listening (on another channel) and %.2f s with none: %.1f us per notification per listening"
           " session\n", notifies, with, n, without, per);
    if (md)
        fprintf(md, "\n**LISTEN fan-out**: %d notifications cost the server %.2f s of CPU with %d idle sessions"
                    " listening (on another channel: PostgreSQL wakes every listener of the database) and %.2f s with"
                    " none: **%.1f us per notification per listening session**.\n",
                notifies, with, n, without, per);
    db_free(admin);
}
