/* prepared.c — a far database costs bytes once, against a real server: the screens' statements are prepared once per session (ahead of their first use for the customer view and the writes) and again after a reconnect, none with prepared statements off; a superseded request the server is still running is cancelled without blocking; a search fetched page by page keeps its exact total and order; the usage statement reads only the customer's zone and segment of the benchmark. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "careline/ahead.h"
#include "careline/config.h"
#include "careline/customer.h"
#include "careline/search.h"
#include "careline/util.h"
#include "dbtap.h"

static struct db_conn *db, *other;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Run c's event loop for ms as the screens do; returns the longest single
 * db_ready() call (what the terminal would have waited for). */
static double pump(struct db_conn *c, int ms)
{
    double end = now_ms() + ms, longest = 0;
    while (now_ms() < end) {
        struct pollfd fds[1];
        int n = db_pollfds(c, fds, 1);
        int t = db_timeout_ms(c);
        if (t < 0 || t > 20)
            t = 20;
        poll(fds, (nfds_t)n, t);
        double t0 = now_ms();
        db_ready(c, fds, n);
        if (now_ms() - t0 > longest)
            longest = now_ms() - t0;
    }
    return longest;
}

/* One number from the session of c itself (synchronous: nothing in flight). */
static long long value(struct db_conn *c, const char *sql, const char *param)
{
    const char *p[1] = {param};
    PGresult *r = db_exec(c, sql, param ? 1 : 0, param ? p : NULL);
    long long n = r && PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    return n;
}

/* How many of the view's statements (by their text) c's session holds prepared. */
/* The statements an open sends (every part packed in one, the audit row). */
static int view_prepared(struct db_conn *c)
{
    int np, held = 0;
    for (int i = 0; db_cv_open_sql(i, &np); i++)
        held += value(c, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", db_cv_open_sql(i, &np)) == 1;
    return held;
}

static int view_parts(void)
{
    int n = 0, np;
    while (db_cv_open_sql(n, &np))
        n++;
    return n;
}

static bool open_view(struct db_conn *c, long long id, int *rows)
{
    struct db_customer_view v;
    int rc = db_customer_open_sync(c, id, &v);
    *rows = 0;
    for (int i = 0; i < CV__COUNT; i++)
        *rows += v.part[i].n;
    db_customer_view_free(&v);
    return rc == 0;
}

static void once_per_session(void)
{
    int rows1, rows2;
    bool ok = open_view(db, 1, &rows1);
    unsigned long after_first = db_stats(db)->prepares;
    tap(ok && rows1 > 0, "the customer view opens (%d rows)", rows1);
    tap(view_prepared(db) == view_parts(), "its %d statements are prepared in the session (%d)", view_parts(),
        view_prepared(db));
    ok = open_view(db, 1, &rows2);
    tap(ok && rows2 == rows1, "opened again: the same rows (%d)", rows2);
    tap(db_stats(db)->prepares == after_first, "and nothing prepared again (%lu, %lu)", after_first,
        db_stats(db)->prepares);
}

static void ahead_and_reconnect(void)
{
    char pid[16];
    util_format(pid, sizeof pid, "%d", PQbackendPID(db_pg(db)));
    unsigned long before = db_stats(db)->prepares;
    PQclear(db_exec(other, "SELECT pg_terminate_backend($1::integer)", 1, (const char *[]){pid}));
    /* The screens notice on their next request; the loop makes it again. */
    int rows = 0, tries = 0;
    bool ok = false;
    while (!ok && tries++ < 40) {
        ok = open_view(db, 1, &rows);
        if (!ok)
            pump(db, 250);
    }
    tap(ok && db_stats(db)->reconnects >= 1, "after the server ended the session, the view opens on a new one (%d tries)",
        tries);
    tap(view_prepared(db) == view_parts(), "its statements are prepared again on the new session (%d)",
        view_prepared(db));
    tap(db_stats(db)->prepares > before, "by the first open (%lu Parses)", db_stats(db)->prepares - before);
    /* Registered ahead: prepared while the connection is quiet, before the
     * first save of the session. */
    db_ahead_prepare(db);
    pump(db, 1500);
    tap(value(db, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO interaction%'", NULL) >=
            1,
        "a contact's save is prepared ahead of the session's first save");
    tap(value(db, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT code, label FROM wrap_up%'",
              NULL) == 1,
        "and the contact form's wrap-up list");
}

static void switched_off(void)
{
    struct db_params p = {.connect_timeout = 10, .application_name = "careline prepared test", .no_prepared = true};
    struct db_conn *off = db_new(&p);
    if (db_connect(off, NULL) < 0) {
        tap(false, "connect with prepared statements off: %s", db_error(off));
        db_free(off);
        return;
    }
    db_ahead_prepare(off);
    int rows;
    bool ok = open_view(off, 1, &rows);
    pump(off, 800);
    tap(ok && rows > 0, "prepared statements off: the view opens (%d rows)", rows);
    tap(value(off, "SELECT count(*) FROM pg_prepared_statements", NULL) == 0 && db_stats(off)->prepares == 0,
        "and nothing is prepared in that session, ahead or in use (one switch)");
    db_free(off);
}

/* ---- a superseded request ---------------------------------------------------- */

struct answer {
    bool done;
    double at;
    char value[32];
    char err[256];
};

static void on_answer(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct answer *a = ctx;
    a->done = true;
    a->at = now_ms();
    util_format(a->value, sizeof a->value, "%s", res && PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
    util_format(a->err, sizeof a->err, "%s", err ? err : "");
}

static void superseded(void)
{
    struct answer slow = {0}, quick = {0};
    unsigned long cancels = db_stats(db)->superseded_cancels;
    struct db_query q1 = {.sql = "SELECT pg_sleep(30)::text", .slot = "search", .done = on_answer, .ctx = &slow};
    db_send(db, &q1);
    pump(db, 400);   /* the server is running it now */
    double t0 = now_ms();
    struct db_query q2 = {.sql = "SELECT 42::text", .slot = "search", .done = on_answer, .ctx = &quick};
    db_send(db, &q2);
    double longest = 0;
    while (!quick.done && now_ms() - t0 < 20000) {
        double l = pump(db, 50);
        longest = l > longest ? l : longest;
    }
    tap(quick.done && strcmp(quick.value, "42") == 0, "the newest request is answered (%s%s)", quick.value, quick.err);
    tap(quick.done && quick.at - t0 < 5000, "without waiting for the one it superseded (%.0f ms, not 30 s)",
        quick.at - t0);
    tap(!slow.done, "the superseded request's answer is dropped");
    tap(db_stats(db)->superseded_cancels == cancels + 1, "the server was asked to cancel it");
    tap(longest < 200, "the loop never waited for the cancel (longest step %.1f ms)", longest);
    tap(value(other, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'", NULL) == 0,
        "and the server is no longer running it");
}

/* ---- a search page by page --------------------------------------------------- */

struct pages {
    struct db_search_result all;
    bool done, failed;
    int totals_differ;
};

static void on_page(void *ctx, struct db_search_result *r)
{
    struct pages *p = ctx;
    p->done = true;
    if (r->error) {
        p->failed = true;
    } else if (!p->all.rows.shape) {
        p->all = *r;
        p->all.hits = p->all.rows.v;
        r->rows = (struct db_rows){0};
        r->hits = NULL;
        r->error = NULL;
    } else {
        p->totals_differ += r->total != p->all.total;
        db_search_result_append(&p->all, r);
    }
    db_search_result_free(r);
    free(r);
}

static void paged_search(void)
{
    const char *text = "road";
    struct db_search_result whole;
    if (db_search_run(db, text, 500, &whole) < 0) {
        tap(false, "a search for \"%s\" at once: %s", text, whole.error ? whole.error : db_error(db));
        return;
    }
    struct pages p = {0};
    int fetches = 0;
    do {
        p.done = false;
        db_search_page(db, text, p.all.count, 25, 0, on_page, &p);
        while (!p.done)
            pump(db, 20);
        fetches++;
    } while (!p.failed && p.all.more && fetches < 100);
    bool same = p.all.count == whole.count;
    for (int i = 0; same && i < whole.count; i++)
        same = p.all.hits[i].customer_id == whole.hits[i].customer_id;
    tap(!p.failed && whole.total > 50, "\"%s\": %d customers, %d rows with the near matches", text, whole.total,
        whole.count);
    tap(same, "fetched 25 at a time (%d fetches): the same %d rows in the same order as at once", fetches, p.all.count);
    tap(p.all.total == whole.total && p.totals_differ == 0, "and every page says the same exact total (%d)",
        p.all.total);
    db_search_result_free(&whole);
    db_search_result_free(&p.all);
}

/* ---- the usage statement --------------------------------------------------- */

static void usage_plan(void)
{
    int n;
    const struct db_statement *s = db_customer_statements(&n);
    const char *usage = NULL;
    for (int i = 0; i < n; i++)
        if (strcmp(s[i].shape->what, "customer usage") == 0)
            usage = s[i].sql;
    char *sql = util_asprintf("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", usage ? usage : "SELECT 1");
    PGresult *r = db_exec(other, sql, 1, (const char *[]){"1"});
    struct util_buf plan = {0};
    for (int i = 0; r && i < PQntuples(r); i++)
        util_buf_printf(&plan, "%s\n", PQgetvalue(r, i, 0));
    const char *text = plan.data ? plan.data : "";
    long long all = value(other, "SELECT count(*) FROM usage_benchmark", NULL);
    /* The scan of the benchmark, and how many rows it returned. */
    const char *scan = strstr(text, "on usage_benchmark");
    const char *rows = scan ? strstr(scan, "rows=") : NULL;
    long long read = rows ? strtoll(rows + 5, NULL, 10) : -1;
    tap(usage && scan && !strstr(text, "Seq Scan on usage_benchmark"),
        "the usage statement finds the similar premises by index, not by reading the benchmark");
    tap(read >= 0 && read <= 60 && all > 60, "it reads %lld of the benchmark's %lld rows (one zone and segment)", read,
        all);
    if (!scan || read > 60)
        printf("# %s", text);
    PQclear(r);
    util_buf_free(&plan);
    free(sql);
}

int main(void)
{
    /* The search classifies what is typed with the configured patterns: the defaults. */
    struct conf conf;
    char err[512];
    if (conf_load(&conf, NULL, err, sizeof err) < 0) {
        printf("not ok 1 - the default configuration: %s\n1..1\n", err);
        return 1;
    }
    struct db_params p = {.connect_timeout = 10, .application_name = "careline prepared test"};
    db = db_new(&p);
    other = db_new(&p);
    if (db_connect(db, NULL) < 0 || db_connect(other, NULL) < 0) {
        printf("not ok 1 - connect: %s\n1..1\n", db_error(db));
        return 1;
    }
    once_per_session();
    ahead_and_reconnect();
    switched_off();
    superseded();
    paged_search();
    usage_plan();
    printf("1..%d\n", tap_n);
    db_free(db);
    db_free(other);
    conf_free(&conf);
    return tap_failed ? 1 : 0;
}
