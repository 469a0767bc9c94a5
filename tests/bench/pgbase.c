/* pgbase.c — the database's own time for what the screens ask, without any UI: SELECT 1, Careline's search and customer view through libcareline, and the same SQL sent with libpq alone, timed. */
/*
 * Reads tasks from standard input, one per line, runs each once, and prints
 * one line per task:
 *
 *   select1 LABEL            ->  LABEL WALL_MS WALL_MS
 *   search LABEL TEXT...     ->  LABEL WALL_MS DB_MS HITS  (or LABEL refused:
 *                                text the screen would not search, e.g. 1 letter)
 *   open LABEL CUSTOMER_ID   ->  LABEL WALL_MS DB_MS ROWS
 *   raw LABEL TEXT...        ->  LABEL WALL_MS WALL_MS HITS: the statement and
 *                                parameters db_search_run sends, with libpq
 *                                alone (prepared once, PQexecPrepared)
 *   rawopen LABEL ID         ->  LABEL WALL_MS WALL_MS ROWS: the view's
 *                                statements in one pipeline with libpq alone
 *
 * WALL_MS is the whole call (classifying the text, sending, waiting, copying
 * the rows out); DB_MS is what the library itself reports (from sending to
 * the last result). SELECT 1 is the bare round trip to the server. The
 * connection is made as the screens make it (db_new/db_connect, the PG*
 * environment, the configuration's patterns and timeouts), so the server
 * sees exactly what the screens send. Usage: pgbase [CONFIG_FILE] < TASKS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/config.h"
#include "careline/customer.h"
#include "careline/db.h"
#include "careline/search.h"
#include "careline/util.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- the same SQL with libpq alone ---------------------------------------- */

/* Prepared under "raw_" + name on the same session (its settings, its
 * caches), once; Careline's own names are left alone. */
static bool raw_prepare(PGconn *pg, const char *name, const char *sql, int nparams)
{
    char q[160];
    util_format(q, sizeof q, "raw_%s", name);
    const char *const param[] = {q};
    PGresult *r = PQexecParams(pg, "SELECT 1 FROM pg_prepared_statements WHERE name = $1", 1, NULL, param, NULL, NULL, 0);
    bool have = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    if (have)
        return true;
    r = PQprepare(pg, q, sql, nparams, NULL);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "pgbase: prepare %s: %s %s%s", q, PQresStatus(PQresultStatus(r)), PQresultErrorMessage(r), PQerrorMessage(pg));
    PQclear(r);
    return ok;
}

static int raw_search(PGconn *pg, int limit, const char *label, const char *text)
{
    struct db_search_sql s;
    if (db_search_sql(text, limit, &s) < 0) {
        printf("%s refused\n", label);
        return 0;
    }
    if (!raw_prepare(pg, s.name, s.sql, s.nparams))
        return 1;
    char name[160];
    util_format(name, sizeof name, "raw_%s", s.name);
    double t0 = now_ms();
    PGresult *r = PQexecPrepared(pg, name, s.nparams, s.params, NULL, NULL, 0);
    double ms = now_ms() - t0;
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : 1;
    if (rc)
        fprintf(stderr, "pgbase: raw search %s: %s", text, PQresultErrorMessage(r));
    else
        printf("%s %.3f %.3f %d\n", label, ms, ms, PQntuples(r));
    PQclear(r);
    return rc;
}

static int raw_open(PGconn *pg, const char *label, const char *id)
{
    char names[4][32];
    int np[4], n = 0;
    for (const char *sql; n < 4 && (sql = db_cv_open_sql(n, &np[n])) != NULL; n++) {
        util_format(names[n], sizeof names[n], "cv_%d", n);
        if (!raw_prepare(pg, names[n], sql, np[n]))
            return 1;
    }
    char page[16];
    util_format(page, sizeof page, "%d", DB_CV_CONTACT_PAGE);
    const char *params[3] = {id, "0", page};
    double t0 = now_ms();
    int ok = PQenterPipelineMode(pg), rows = 0, rc = 0;
    for (int p = 0; ok && p < n; p++) {
        char name[40];
        util_format(name, sizeof name, "raw_%s", names[p]);
        ok = PQsendQueryPrepared(pg, name, np[p], params, NULL, NULL, 0);
    }
    ok = ok && PQpipelineSync(pg);
    for (PGresult *r; ok;) {
        r = PQgetResult(pg);
        if (!r)
            continue;   /* the end of one statement's results */
        ExecStatusType st = PQresultStatus(r);
        rows += st == PGRES_TUPLES_OK ? PQntuples(r) : 0;
        rc |= st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            break;
    }
    double ms = now_ms() - t0;
    PQexitPipelineMode(pg);
    if (!ok || rc)
        fprintf(stderr, "pgbase: raw open %s: %s", id, PQerrorMessage(pg));
    else
        printf("%s %.3f %.3f %d\n", label, ms, ms, rows);
    return !ok || rc;
}

/* Raw tasks run the connection's libpq handle in blocking mode, as a
 * program with libpq alone would; Careline's layer gets it back as it was. */
static int raw_task(struct db_conn *c, int limit, const char *kind, const char *label, const char *rest)
{
    PGconn *pg = db_pg(c);
    if (!pg || !rest)
        return 2;
    PQsetnonblocking(pg, 0);
    int rc = strcmp(kind, "raw") == 0 ? raw_search(pg, limit, label, rest) : raw_open(pg, label, rest);
    PQsetnonblocking(pg, 1);
    return rc;
}

/* One task; 0, 1 when it failed, 2 when it cannot be read. */
static int task(struct db_conn *c, int limit, const char *kind, const char *label, const char *rest)
{
    if (strcmp(kind, "raw") == 0 || strcmp(kind, "rawopen") == 0)
        return raw_task(c, limit, kind, label, rest);
    double t0 = now_ms();
    if (strcmp(kind, "select1") == 0) {
        PGresult *r = db_exec(c, "SELECT 1", 0, NULL);
        double ms = now_ms() - t0;
        if (!r) {
            fprintf(stderr, "pgbase: SELECT 1: %s\n", db_error(c));
            return 1;
        }
        PQclear(r);
        printf("%s %.3f %.3f\n", label, ms, ms);
        return 0;
    }
    if (strcmp(kind, "search") == 0 && rest) {
        char hint[256];
        if (db_search_check(rest, hint, sizeof hint) < 0) {
            printf("%s refused\n", label);   /* the screen would not search this either */
            return 0;
        }
        struct db_search_result r;
        int ok = db_search_run(c, rest, limit, &r), rc = 0;
        double ms = now_ms() - t0;
        if (ok < 0 || r.error) {
            fprintf(stderr, "pgbase: search %s: %s\n", rest, r.error ? r.error : db_error(c));
            rc = 1;
        } else {
            printf("%s %.3f %.3f %d\n", label, ms, r.elapsed_ms, r.count);
        }
        db_search_result_free(&r);
        return rc;
    }
    int64_t id;
    if (strcmp(kind, "open") != 0 || !rest || util_parse_int64(rest, &id) < 0) {
        fprintf(stderr, "pgbase: cannot read the task \"%s %s\"\n", kind, rest ? rest : "");
        return 2;
    }
    struct db_customer_view v;
    int ok = db_customer_open_sync(c, id, &v), rc = 0;
    double ms = now_ms() - t0;
    if (ok < 0) {
        fprintf(stderr, "pgbase: open %s: %s\n", rest, v.error ? v.error : "failed");
        rc = 1;
    } else {
        int rows = 0;
        for (int i = 0; i < CV__COUNT; i++)
            rows += v.part[i].n;
        printf("%s %.3f %.3f %d\n", label, ms, v.ms, rows);
    }
    db_customer_view_free(&v);
    return rc;
}

int main(int argc, char **argv)
{
    struct conf conf;
    char err[1024];
    /* The search classifies text with the configured patterns: load them. */
    if (conf_load(&conf, argc > 1 ? argv[1] : NULL, err, sizeof err) < 0) {
        fprintf(stderr, "pgbase: %s\n", err);
        return 2;
    }
    struct db_params p = {
        .conninfo = conf.conninfo,
        .service = conf.service,
        .connect_timeout = conf.connect_timeout,
        .statement_timeout_ms = conf.statement_timeout_ms,
        .application_name = "careline-bench-pgbase",
    };
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        fprintf(stderr, "pgbase: %s\n", db_error(c));
        db_free(c);
        return 3;
    }
    char line[1024];
    int rc = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *save = NULL;
        char *kind = strtok_r(line, " ", &save);
        char *label = strtok_r(NULL, " ", &save);
        char *rest = strtok_r(NULL, "", &save);
        if (!kind || !label)
            continue;
        int t = task(c, conf.search_limit, kind, label, rest);
        rc = t > rc ? t : rc;
        if (fflush(stdout) != 0)
            rc = 1;
    }
    db_free(c);
    conf_free(&conf);
    return rc;
}
