/* connect.c — the connection: the handle, connecting with hints, its state, and the synchronous commands. */
#include "careline/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"
#include "conn_int.h"

struct db_conn *db_new(const struct db_params *p)
{
    struct db_conn *c = util_calloc(1, sizeof *c);
    c->p.conninfo = util_strdup(p->conninfo ? p->conninfo : "");
    c->p.service = util_strdup(p->service ? p->service : "");
    c->p.connect_timeout = p->connect_timeout > 0 ? p->connect_timeout : 5;
    c->p.statement_timeout_ms = p->statement_timeout_ms;
    c->p.application_name = util_strdup(p->application_name ? p->application_name : "careline");
    c->p.no_prepared = p->no_prepared;
    c->backoff_ms = BACKOFF_MIN_MS;
    c->next_id = 1;
    return c;
}

void db_free(struct db_conn *c)
{
    if (!c)
        return;
    if (c->pg)
        PQfinish(c->pg);
    for (struct req *r = c->queue, *n; r; r = n) {
        n = r->next;
        db_conn_req_free(r);
    }
    db_conn_req_free(c->inflight);
    db_cancel_release(c->cancel);
    db_conn_forget_prepared(c);
    for (int i = 0; i < c->nwarm; i++) {
        free(c->warm[i].name);
        free(c->warm[i].st.sql);
        for (int k = 0; k < c->warm[i].st.nparams; k++)
            free(c->warm[i].st.params[k]);
        free(c->warm[i].st.params);
    }
    free(c->warm);
    db_conn_free_ahead(c);
    for (struct listener *l = c->listeners, *n; l; l = n) {
        n = l->next;
        free(l->channel);
        free(l);
    }
    free((char *)c->p.conninfo);
    free((char *)c->p.service);
    free((char *)c->p.application_name);
    if (c->password) {
        memset(c->password, 0, strlen(c->password));
        free(c->password);
    }
    free(c);
}

void db_conn_set_state(struct db_conn *c, enum db_state s)
{
    if (c->state == s)
        return;
    c->state = s;
    if (c->state_fn)
        c->state_fn(c->state_ctx, s);
}

/* Trim libpq's trailing newline so messages fit one status line. */
void db_conn_set_error(struct db_conn *c, const char *msg)
{
    util_format(c->error, sizeof c->error, "%s", msg ? msg : "unknown error");
    size_t n = strlen(c->error);
    while (n && (c->error[n - 1] == '\n' || c->error[n - 1] == ' '))
        c->error[--n] = '\0';
}

/* Keywords for PQconnectStartParams: the configured string is expanded as
 * dbname (libpq's own rule), so URIs, key=value strings and the PG*
 * environment all work exactly as in psql. */
PGconn *db_conn_start(struct db_conn *c, bool async)
{
    const char *kw[10], *val[10];
    char timeout[16], options[128];
    int n = 0;
    util_format(timeout, sizeof timeout, "%d", c->p.connect_timeout);
    if (*c->p.service) {
        kw[n] = "service";
        val[n++] = c->p.service;
    }
    kw[n] = "connect_timeout";
    val[n++] = timeout;
    kw[n] = "application_name";
    val[n++] = c->p.application_name;
    /* Text from the database is decoded as UTF-8 everywhere in Careline. */
    kw[n] = "client_encoding";
    val[n++] = "UTF8";
    /* Search-as-you-type ranks misspelt names by pg_trgm word similarity;
     * the default threshold (0.6) misses a swapped pair of letters in a
     * short surname, 0.5 still keeps the candidate sets small. */
    /* JIT off: it compiles a statement whose estimate looks large (the
     * word search's, for one) in 50-70 ms, to run what takes 1-5 ms;
     * nothing an agent waits for runs long enough to win it back. */
    util_format(options, sizeof options, "-c pg_trgm.word_similarity_threshold=0.5 -c jit=off -c statement_timeout=%d",
                c->p.statement_timeout_ms > 0 ? c->p.statement_timeout_ms : 0);
    kw[n] = "options";
    val[n++] = options;
    if (c->password) {
        kw[n] = "password";
        val[n++] = c->password;
    }
    if (*c->p.conninfo) {
        kw[n] = "dbname";
        val[n++] = c->p.conninfo;
    }
    kw[n] = NULL;
    val[n] = NULL;
    return async ? PQconnectStartParams(kw, val, 1) : PQconnectdbParams(kw, val, 1);
}

/* What was tried, so "could not connect" says where to look. */
static void hint(struct db_conn *c, PGconn *pg)
{
    const char *host = pg ? PQhost(pg) : NULL;
    const char *port = pg ? PQport(pg) : NULL;
    const char *db = pg ? PQdb(pg) : NULL;
    const char *user = pg ? PQuser(pg) : NULL;
    char where[512];
    if (host && *host == '/')
        util_format(where, sizeof where, "socket %s/.s.PGSQL.%s", host, port && *port ? port : "5432");
    else
        util_format(where, sizeof where, "host %s port %s", host && *host ? host : "localhost",
                    port && *port ? port : "5432");
    util_format(c->target, sizeof c->target, "%s@%s/%s", user ? user : "?",
                host && *host != '/' && *host ? host : "localhost", db ? db : "?");
    size_t len = strlen(c->error);
    /* libpq's "certificate verify failed" does not say which setting to
     * look at; an administrator setting up verify-full needs that. */
    if (strstr(c->error, "certificate") || strstr(c->error, "SSL error")) {
        util_format(c->error + len, sizeof c->error - len,
                    "\nhint: the server's certificate was not accepted: sslrootcert must name the CA that signed it "
                    "(default ~/.postgresql/root.crt), and with sslmode=verify-full the host must be a name in the "
                    "certificate");
        len = strlen(c->error);
    }
    util_format(c->error + len, sizeof c->error - len,
                "\nhint: tried %s, database \"%s\" as user \"%s\"; set PGHOST, PGPORT, PGDATABASE or "
                "connection.conninfo in careline.conf",
                where, db ? db : "?", user ? user : "?");
}

/* Server notices ("relation already exists, skipping") must never reach a
 * terminal that curses owns; nothing in them needs the agent. */
static void drop_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* CARELINE_PQTRACE=FILE: libpq's protocol trace, so tests and the bench can
 * count the round trips a screen really makes. */
static void trace(struct db_conn *c)
{
    static FILE *f;
    const char *path = getenv("CARELINE_PQTRACE");
    if (!path || !*path)
        return;
    if (!f) {
        f = fopen(path, "a");
        /* Line by line, so the trace can be read while the program runs;
         * setvbuf only before the stream's first use. */
        if (f && setvbuf(f, NULL, _IOLBF, 0) != 0) {
            (void)fclose(f);   /* never written to: nothing can be lost */
            f = NULL;
        }
    }
    if (f) {
        PQtrace(c->pg, f);
        PQsetTraceFlags(c->pg, PQTRACE_SUPPRESS_TIMESTAMPS);
    }
}

void db_conn_after_connect(struct db_conn *c)
{
    db_conn_forget_prepared(c);   /* a new session has none */
    PQsetNoticeProcessor(c->pg, drop_notice, NULL);
    trace(c);
    PQsetnonblocking(c->pg, 1);
    c->backoff_ms = BACKOFF_MIN_MS;
    c->relisten = c->listeners != NULL;
    c->rewarm = c->nwarm > 0;
    if (c->was_online)
        c->stats.reconnects++;
    c->was_online = true;
    db_conn_set_state(c, DB_ONLINE);
}

int db_connect(struct db_conn *c, const char *password)
{
    if (password) {
        free(c->password);
        c->password = util_strdup(password);
    }
    if (c->pg)
        PQfinish(c->pg);
    c->pg = db_conn_start(c, false);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        db_conn_set_error(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
        c->needs_password = c->pg && PQconnectionNeedsPassword(c->pg);
        hint(c, c->pg);
        PQfinish(c->pg);
        c->pg = NULL;
        db_conn_set_state(c, DB_OFFLINE);
        return -1;
    }
    c->needs_password = false;
    db_conn_after_connect(c);
    return 0;
}

bool db_needs_password(const struct db_conn *c) { return c->needs_password; }
const char *db_target(const struct db_conn *c) { return c->target; }
const char *db_error(const struct db_conn *c) { return c->error; }
const char *db_sqlstate(const struct db_conn *c) { return c->sqlstate; }
enum db_state db_state(const struct db_conn *c) { return c->state; }
bool db_answering(const struct db_conn *c) { return c->state == DB_ONLINE && !c->stalled_at; }
PGconn *db_pg(struct db_conn *c) { return c->pg; }
bool db_prepared_ok(const struct db_conn *c) { return !c->p.no_prepared; }
const struct db_stats *db_stats(const struct db_conn *c) { return &c->stats; }

const char *db_state_text(const struct db_conn *c, char *buf, size_t len)
{
    switch (c->state) {
    case DB_ONLINE:
        util_format(buf, len, "%s", c->stalled_at ? "not answering: retrying" : "online");
        break;
    case DB_CONNECTING:
        util_format(buf, len, "reconnecting...");
        break;
    case DB_OFFLINE: {
        if (!c->was_online) {
            util_format(buf, len, "not connected");
            break;
        }
        long long left = c->retry_at - util_now_ms();
        if (left < 0)
            left = 0;
        util_format(buf, len, "OFFLINE: retry in %lld s", (left + 999) / 1000);
        break;
    }
    }
    return buf;
}

void db_conn_keep_sqlstate(struct db_conn *c, const PGresult *r)
{
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    util_format(c->sqlstate, sizeof c->sqlstate, "%s", s ? s : "");
}

bool db_conn_result_ok(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}
/* The synchronous calls run only when nothing asynchronous is in flight
 * (command-line commands), so switching to blocking mode is safe. With a
 * name, the statement is prepared on this connection the first time. */
static PGresult *exec_sync(struct db_conn *c, const char *name, const char *sql, int nparams,
                           const char *const *params)
{
    c->sqlstate[0] = '\0';
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        db_conn_set_error(c, "not connected to the database");
        return NULL;
    }
    PQsetnonblocking(c->pg, 0);
    PGresult *r = NULL;
    if (!name) {
        r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    } else {
        if (!db_conn_is_prepared(c, name)) {
            r = PQprepare(c->pg, name, sql, nparams, NULL);
            if (!r || !db_conn_result_ok(r))
                goto out;
            db_conn_add_prepared(c, name);
            PQclear(r);
        }
        r = PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);
    }
out:
    PQsetnonblocking(c->pg, 1);
    if (r && db_conn_result_ok(r))
        return r;
    db_conn_set_error(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
    db_conn_keep_sqlstate(c, r);
    PQclear(r);
    return NULL;
}

PGresult *db_exec(struct db_conn *c, const char *sql, int nparams, const char *const *params)
{
    return exec_sync(c, NULL, sql, nparams, params);
}

PGresult *db_exec_named(struct db_conn *c, const char *name, const char *sql, int nparams,
                        const char *const *params)
{
    return exec_sync(c, c->p.no_prepared ? NULL : name, sql, nparams, params);
}

int db_exec_script(struct db_conn *c, const char *sql)
{
    c->sqlstate[0] = '\0';
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        db_conn_set_error(c, "not connected to the database");
        return -1;
    }
    PQsetnonblocking(c->pg, 0);
    int rc = 0;
    if (!PQsendQuery(c->pg, sql)) {
        db_conn_set_error(c, PQerrorMessage(c->pg));
        rc = -1;
    }
    PGresult *r;
    while (rc == 0 && (r = PQgetResult(c->pg)) != NULL) {
        if (!db_conn_result_ok(r) && rc == 0) {
            db_conn_set_error(c, PQresultErrorMessage(r));
            db_conn_keep_sqlstate(c, r);
            rc = -1;
        }
        PQclear(r);
    }
    /* Drain what is left after an error. */
    while ((r = PQgetResult(c->pg)) != NULL)
        PQclear(r);
    PQsetnonblocking(c->pg, 1);
    return rc;
}
