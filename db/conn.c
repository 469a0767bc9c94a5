/* conn.c — the connection: connect with hints, run commands, queue asynchronous queries, reconnect with backoff. */
#include "careline/db.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/errtext.h"
#include "careline/util.h"

struct stmt {
    char *sql;
    int nparams;
    char **params;
};

/* One request: a single statement, or a batch sent in pipeline mode so
 * that every statement travels in ONE round trip. */
struct req {
    unsigned id;
    struct stmt *stmts;
    int nstmts;
    bool simple;            /* trusted text via the simple protocol (LISTEN) */
    bool batch;             /* pipeline mode, results to batch_done */
    bool warm;              /* the warm-up: each statement prepared (when allowed) and run once */
    int *prepared_at;       /* warm-up: result index of statement i's prepare, or -1 */
    char *name;             /* prepared statement name (single statements), or NULL */
    bool prepare;           /* prepare it first, in the same round trip */
    int nres;               /* entries in res */
    PGresult **res;         /* one per statement, filled as results arrive */
    int cur;                /* statement whose results are arriving */
    char *err;              /* first error */
    char *slot;
    long long send_at;      /* monotonic ms when it may go out (debounce) */
    double sent_at;         /* when it went out, for the callback's timing */
    db_done_fn done;
    db_batch_fn batch_done;
    void *ctx;
    const void *owner;
    void (*cleanup)(void *ctx);
    bool forgotten;
    bool cancelled;         /* we asked the server to cancel it (it stopped answering) */
    struct req *next;
};

/* A statement prepared and run once whenever the connection opens. */
struct warm {
    char *name;
    struct stmt st;
};

struct listener {
    char *channel;
    void (*fn)(void *ctx, const char *channel, const char *payload);
    void *ctx;
    struct listener *next;
};

struct db_conn {
    struct db_params p;          /* strings owned */
    PGconn *pg;
    enum db_state state;
    bool needs_password;
    char *password;
    char error[1024];
    char target[256];
    char sqlstate[6];
    struct req *queue;           /* waiting to be sent, in order */
    struct req *inflight;        /* at most one: one connection, one request */
    bool want_write;             /* output not yet flushed */
    /* reconnecting */
    long long retry_at;
    int backoff_ms;
    PostgresPollingStatusType poll;
    bool was_online;
    unsigned next_id;
    struct listener *listeners;
    char **prepared;             /* statement names prepared on this connection */
    int nprepared;
    bool relisten;               /* LISTEN again after a reconnect */
    struct warm *warm;           /* db_warm(): statements to prepare and warm on connecting */
    int nwarm;
    bool rewarm;                 /* the connection has not had them yet */
    void (*state_fn)(void *ctx, enum db_state s);
    void *state_ctx;
    struct db_stats stats;
    /* A server that keeps the socket open but stops answering. */
    long long heard_at;          /* last sign of life while a request is out */
    long long stalled_at;        /* when it was found not answering, 0 if answering */
    long long connect_at;        /* when the current (re)connection began */
};

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
/* A request without a byte back for STALL_MS: "not answering" on the
 * status line (the goal is within 5 s) and a cancel request is sent. A
 * live server answers a cancel at once; when nothing comes for ABANDON_MS
 * more, the connection is dropped and made again, and the newest search
 * goes again on the new one. No Careline screen asks for anything that
 * takes seconds (reports run elsewhere), so a legitimate statement is not
 * cut short; statement_timeout remains the server's own limit. */
#define STALL_MS 4000
#define ABANDON_MS 4000

static void forget_prepared(struct db_conn *c);

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

static void req_free(struct req *r)
{
    if (!r)
        return;
    if (r->cleanup)
        r->cleanup(r->ctx);
    for (int k = 0; k < r->nstmts; k++) {
        free(r->stmts[k].sql);
        for (int i = 0; i < r->stmts[k].nparams; i++)
            free(r->stmts[k].params[i]);
        free(r->stmts[k].params);
    }
    for (int k = 0; r->res && k < r->nres; k++)
        PQclear(r->res[k]);
    free(r->name);
    free(r->prepared_at);
    free(r->stmts);
    free(r->res);
    free(r->err);
    free(r->slot);
    free(r);
}

void db_free(struct db_conn *c)
{
    if (!c)
        return;
    if (c->pg)
        PQfinish(c->pg);
    for (struct req *r = c->queue, *n; r; r = n) {
        n = r->next;
        req_free(r);
    }
    req_free(c->inflight);
    forget_prepared(c);
    for (int i = 0; i < c->nwarm; i++) {
        free(c->warm[i].name);
        free(c->warm[i].st.sql);
        for (int k = 0; k < c->warm[i].st.nparams; k++)
            free(c->warm[i].st.params[k]);
        free(c->warm[i].st.params);
    }
    free(c->warm);
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

static void set_state(struct db_conn *c, enum db_state s)
{
    if (c->state == s)
        return;
    c->state = s;
    if (c->state_fn)
        c->state_fn(c->state_ctx, s);
}

/* Trim libpq's trailing newline so messages fit one status line. */
static void set_error(struct db_conn *c, const char *msg)
{
    snprintf(c->error, sizeof c->error, "%s", msg ? msg : "unknown error");
    size_t n = strlen(c->error);
    while (n && (c->error[n - 1] == '\n' || c->error[n - 1] == ' '))
        c->error[--n] = '\0';
}

/* Keywords for PQconnectStartParams: the configured string is expanded as
 * dbname (libpq's own rule), so URIs, key=value strings and the PG*
 * environment all work exactly as in psql. */
static PGconn *start(struct db_conn *c, bool async)
{
    const char *kw[10], *val[10];
    char timeout[16], options[128];
    int n = 0;
    snprintf(timeout, sizeof timeout, "%d", c->p.connect_timeout);
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
    snprintf(options, sizeof options, "-c pg_trgm.word_similarity_threshold=0.5 -c jit=off -c statement_timeout=%d",
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
        snprintf(where, sizeof where, "socket %s/.s.PGSQL.%s", host, port && *port ? port : "5432");
    else
        snprintf(where, sizeof where, "host %s port %s", host && *host ? host : "localhost",
                 port && *port ? port : "5432");
    snprintf(c->target, sizeof c->target, "%s@%s/%s", user ? user : "?",
             host && *host != '/' && *host ? host : "localhost", db ? db : "?");
    size_t len = strlen(c->error);
    /* libpq's "certificate verify failed" does not say which setting to
     * look at; an administrator setting up verify-full needs that. */
    if (strstr(c->error, "certificate") || strstr(c->error, "SSL error")) {
        snprintf(c->error + len, sizeof c->error - len,
                 "\nhint: the server's certificate was not accepted: sslrootcert must name the CA that signed it "
                 "(default ~/.postgresql/root.crt), and with sslmode=verify-full the host must be a name in the "
                 "certificate");
        len = strlen(c->error);
    }
    snprintf(c->error + len, sizeof c->error - len,
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
    if (!f)
        f = fopen(path, "a");
    if (f) {
        setvbuf(f, NULL, _IOLBF, 0);
        PQtrace(c->pg, f);
        PQsetTraceFlags(c->pg, PQTRACE_SUPPRESS_TIMESTAMPS);
    }
}

static void after_connect(struct db_conn *c)
{
    forget_prepared(c);   /* a new session has none */
    PQsetNoticeProcessor(c->pg, drop_notice, NULL);
    trace(c);
    PQsetnonblocking(c->pg, 1);
    c->backoff_ms = BACKOFF_MIN_MS;
    c->relisten = c->listeners != NULL;
    c->rewarm = c->nwarm > 0;
    if (c->was_online)
        c->stats.reconnects++;
    c->was_online = true;
    set_state(c, DB_ONLINE);
}

int db_connect(struct db_conn *c, const char *password)
{
    if (password) {
        free(c->password);
        c->password = util_strdup(password);
    }
    if (c->pg)
        PQfinish(c->pg);
    c->pg = start(c, false);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        set_error(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
        c->needs_password = c->pg && PQconnectionNeedsPassword(c->pg);
        hint(c, c->pg);
        PQfinish(c->pg);
        c->pg = NULL;
        set_state(c, DB_OFFLINE);
        return -1;
    }
    c->needs_password = false;
    after_connect(c);
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
        snprintf(buf, len, "%s", c->stalled_at ? "not answering: retrying" : "online");
        break;
    case DB_CONNECTING:
        snprintf(buf, len, "reconnecting...");
        break;
    case DB_OFFLINE: {
        if (!c->was_online) {
            snprintf(buf, len, "not connected");
            break;
        }
        long long left = c->retry_at - util_now_ms();
        if (left < 0)
            left = 0;
        snprintf(buf, len, "OFFLINE: retry in %lld s", (left + 999) / 1000);
        break;
    }
    }
    return buf;
}

static void keep_sqlstate(struct db_conn *c, const PGresult *r)
{
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", s ? s : "");
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

static bool is_prepared(const struct db_conn *c, const char *name);
static void add_prepared(struct db_conn *c, const char *name);

/* The synchronous calls run only when nothing asynchronous is in flight
 * (command-line commands), so switching to blocking mode is safe. With a
 * name, the statement is prepared on this connection the first time. */
static PGresult *exec_sync(struct db_conn *c, const char *name, const char *sql, int nparams,
                           const char *const *params)
{
    c->sqlstate[0] = '\0';
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        set_error(c, "not connected to the database");
        return NULL;
    }
    PQsetnonblocking(c->pg, 0);
    PGresult *r = NULL;
    if (!name) {
        r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    } else {
        if (!is_prepared(c, name)) {
            r = PQprepare(c->pg, name, sql, nparams, NULL);
            if (!r || !result_ok(r))
                goto out;
            add_prepared(c, name);
            PQclear(r);
        }
        r = PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);
    }
out:
    PQsetnonblocking(c->pg, 1);
    if (r && result_ok(r))
        return r;
    set_error(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
    keep_sqlstate(c, r);
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
        set_error(c, "not connected to the database");
        return -1;
    }
    PQsetnonblocking(c->pg, 0);
    int rc = 0;
    if (!PQsendQuery(c->pg, sql)) {
        set_error(c, PQerrorMessage(c->pg));
        rc = -1;
    }
    PGresult *r;
    while (rc == 0 && (r = PQgetResult(c->pg)) != NULL) {
        if (!result_ok(r) && rc == 0) {
            set_error(c, PQresultErrorMessage(r));
            keep_sqlstate(c, r);
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

/* ---- asynchronous ---------------------------------------------------- */

static double now_exact_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Hand the outcome to whoever asked (unless they forgot it), then free. */
static void finish(struct req *r, const char *err)
{
    if (!err)
        err = r->err;
    double ms = r->sent_at > 0 ? now_exact_ms() - r->sent_at : 0.0;
    if (!r->forgotten && r->done) {
        r->done(r->ctx, err ? NULL : r->res[r->nres - 1], err, ms);
        r->cleanup = NULL;   /* done() owned ctx */
    } else if (!r->forgotten && r->batch_done) {
        r->batch_done(r->ctx, (const PGresult *const *)r->res, r->nstmts, err, ms);
        r->cleanup = NULL;
    }
    req_free(r);
}

static void copy_stmt(struct stmt *d, const char *sql, int nparams, const char *const *params)
{
    d->sql = util_strdup(sql);
    d->nparams = nparams;
    d->params = util_calloc((size_t)(nparams > 0 ? nparams : 1), sizeof *d->params);
    for (int i = 0; i < nparams; i++)
        d->params[i] = util_strdup(params[i]);
}

static struct req *new_req(struct db_conn *c, int nstmts)
{
    struct req *r = util_calloc(1, sizeof *r);
    r->id = c->next_id++;
    if (c->next_id == 0)
        c->next_id = 1;
    r->nstmts = nstmts;
    r->stmts = util_calloc((size_t)nstmts, sizeof *r->stmts);
    r->res = util_calloc((size_t)nstmts + 1, sizeof *r->res);   /* +1: a prepare's own result */
    r->nres = nstmts;
    return r;
}

static unsigned enqueue(struct db_conn *c, struct req *r)
{
    if (r->slot) {
        /* The newest request of a slot wins. */
        struct req **pp = &c->queue;
        while (*pp) {
            if ((*pp)->slot && strcmp((*pp)->slot, r->slot) == 0) {
                struct req *old = *pp;
                *pp = old->next;
                req_free(old);
                c->stats.dropped++;
            } else {
                pp = &(*pp)->next;
            }
        }
        if (c->inflight && c->inflight->slot && strcmp(c->inflight->slot, r->slot) == 0 &&
            !c->inflight->forgotten) {
            c->inflight->forgotten = true;
            c->stats.dropped++;
        }
    }
    struct req **tail = &c->queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    return r->id;
}

unsigned db_send(struct db_conn *c, const struct db_query *q)
{
    struct req *r = new_req(c, 1);
    copy_stmt(&r->stmts[0], q->sql, q->nparams, q->params);
    r->name = util_strdup(q->name);
    r->slot = util_strdup(q->slot);
    r->send_at = util_now_ms() + (q->delay_ms > 0 ? q->delay_ms : 0);
    r->done = q->done;
    r->ctx = q->ctx;
    r->owner = q->owner;
    r->cleanup = q->cleanup;
    return enqueue(c, r);
}

unsigned db_send_batch(struct db_conn *c, const struct db_batch *b)
{
    struct req *r = new_req(c, b->n);
    for (int i = 0; i < b->n; i++)
        copy_stmt(&r->stmts[i], b->stmts[i].sql, b->stmts[i].nparams, b->stmts[i].params);
    r->batch = true;
    r->slot = util_strdup(b->slot);
    r->send_at = util_now_ms() + (b->delay_ms > 0 ? b->delay_ms : 0);
    r->batch_done = b->done;
    r->ctx = b->ctx;
    r->owner = b->owner;
    r->cleanup = b->cleanup;
    return enqueue(c, r);
}

void db_forget(struct db_conn *c, unsigned id)
{
    if (c->inflight && c->inflight->id == id)
        c->inflight->forgotten = true;
    for (struct req *r = c->queue; r; r = r->next)
        if (r->id == id)
            r->forgotten = true;
}

void db_forget_owner(struct db_conn *c, const void *owner)
{
    if (!c || !owner)
        return;
    if (c->inflight && c->inflight->owner == owner)
        c->inflight->forgotten = true;
    for (struct req *r = c->queue; r; r = r->next)
        if (r->owner == owner)
            r->forgotten = true;
}

bool db_busy(const struct db_conn *c)
{
    if (c->inflight)
        return true;
    for (const struct req *r = c->queue; r; r = r->next)
        if (!r->forgotten)
            return true;
    return c->state == DB_CONNECTING;
}

int db_wait(struct db_conn *c, int timeout_ms)
{
    long long end = util_now_ms() + timeout_ms;
    while (db_busy(c)) {
        struct pollfd fds[1];
        int n = db_pollfds(c, fds, 1);
        int t = db_timeout_ms(c);
        long long left = end - util_now_ms();
        if (left <= 0)
            return -1;
        if (t < 0 || t > left)
            t = (int)left;
        if (n == 0 && db_state(c) != DB_ONLINE && !c->queue)
            return -1;
        poll(fds, (nfds_t)n, t);
        db_ready(c, fds, n);
    }
    return 0;
}

void db_listen(struct db_conn *c, const char *channel,
               void (*fn)(void *ctx, const char *channel, const char *payload), void *ctx)
{
    struct listener *l = util_calloc(1, sizeof *l);
    l->channel = util_strdup(channel);
    l->fn = fn;
    l->ctx = ctx;
    l->next = c->listeners;
    c->listeners = l;
    c->relisten = true;
}

void db_on_state(struct db_conn *c, void (*fn)(void *ctx, enum db_state s), void *ctx)
{
    c->state_fn = fn;
    c->state_ctx = ctx;
}

/* The connection broke: fail what was in flight, and retry later. */
static void lost(struct db_conn *c, const char *why)
{
    set_error(c, why && *why ? why : "connection to the database lost");
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    struct req *r = c->inflight;
    c->inflight = NULL;
    c->want_write = false;
    c->retry_at = util_now_ms() + c->backoff_ms;
    c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    c->stalled_at = 0;
    set_state(c, DB_OFFLINE);
    if (r)
        finish(r, c->error);
}

/* LISTEN needs quoting of an identifier; channel names are ours (fixed
 * words), but quote anyway with libpq's own function. */
static void relisten(struct db_conn *c)
{
    if (!c->relisten || c->inflight)
        return;
    struct util_buf sql = {0};
    for (struct listener *l = c->listeners; l; l = l->next) {
        char *id = PQescapeIdentifier(c->pg, l->channel, strlen(l->channel));
        if (id) {
            util_buf_printf(&sql, "LISTEN %s;", id);
            PQfreemem(id);
        }
    }
    c->relisten = false;
    if (!sql.len) {
        util_buf_free(&sql);
        return;
    }
    /* Goes through the queue like any other request so ordering holds. */
    struct req *r = new_req(c, 1);
    r->stmts[0].sql = util_buf_steal(&sql);
    r->stmts[0].params = util_calloc(1, sizeof *r->stmts[0].params);
    r->simple = true;
    r->send_at = 0;
    r->next = c->queue;
    c->queue = r;
}

static bool is_prepared(const struct db_conn *c, const char *name)
{
    for (int i = 0; i < c->nprepared; i++)
        if (strcmp(c->prepared[i], name) == 0)
            return true;
    return false;
}

static void add_prepared(struct db_conn *c, const char *name)
{
    c->prepared = util_realloc(c->prepared, sizeof *c->prepared * (size_t)(c->nprepared + 1));
    c->prepared[c->nprepared++] = util_strdup(name);
}

void db_warm(struct db_conn *c, const char *name, const char *sql, int nparams, const char *const *params)
{
    for (int i = 0; i < c->nwarm; i++)
        if (strcmp(c->warm[i].name, name) == 0)
            return;
    c->warm = util_realloc(c->warm, sizeof *c->warm * (size_t)(c->nwarm + 1));
    struct warm *w = &c->warm[c->nwarm++];
    w->name = util_strdup(name);
    copy_stmt(&w->st, sql, nparams, params);
    c->rewarm = c->state == DB_ONLINE || c->rewarm;
}

/* Queue the warm-up first, like relisten(): one pipeline, one round trip. */
static void rewarm(struct db_conn *c)
{
    if (!c->rewarm || c->inflight || !c->nwarm)
        return;
    c->rewarm = false;
    struct req *r = new_req(c, c->nwarm);
    for (int i = 0; i < c->nwarm; i++)
        copy_stmt(&r->stmts[i], c->warm[i].st.sql, c->warm[i].st.nparams,
                  (const char *const *)c->warm[i].st.params);
    r->batch = true;
    r->warm = true;
    r->send_at = 0;
    r->next = c->queue;
    c->queue = r;
}

static void forget_prepared(struct db_conn *c)
{
    for (int i = 0; i < c->nprepared; i++)
        free(c->prepared[i]);
    free(c->prepared);
    c->prepared = NULL;
    c->nprepared = 0;
}

/* Each warm-up statement is prepared under its name (unless prepared
 * statements are off, behind a transaction-mode pooler) and run once with
 * parameters that match nothing: the server loads the tables, indexes and
 * functions it uses now rather than on the agent's first search. */
static int send_warm(struct db_conn *c, struct req *r)
{
    int ok = PQenterPipelineMode(c->pg);
    free(r->prepared_at);   /* sent again after a stall */
    r->prepared_at = util_calloc((size_t)r->nstmts, sizeof *r->prepared_at);
    r->nres = 0;
    r->res = util_realloc(r->res, sizeof *r->res * (size_t)(2 * r->nstmts + 1));
    memset(r->res, 0, sizeof *r->res * (size_t)(2 * r->nstmts + 1));
    for (int i = 0; ok && i < r->nstmts; i++) {
        const char *name = c->warm[i].name;
        const struct stmt *st = &r->stmts[i];
        r->prepared_at[i] = -1;
        if (!c->p.no_prepared && !is_prepared(c, name)) {
            r->prepared_at[i] = r->nres++;
            ok = PQsendPrepare(c->pg, name, st->sql, st->nparams, NULL);
        }
        if (ok && !c->p.no_prepared)
            ok = PQsendQueryPrepared(c->pg, name, st->nparams, (const char *const *)st->params, NULL, NULL, 0);
        else if (ok)
            ok = PQsendQueryParams(c->pg, st->sql, st->nparams, NULL, (const char *const *)st->params, NULL, NULL, 0);
        r->nres++;
    }
    return ok && PQpipelineSync(c->pg);
}

/* The warm-up's prepares that succeeded (a failed one, say before the
 * migrations ran, is prepared again by the search that needs it). */
static void warm_done(struct db_conn *c, const struct req *r)
{
    for (int i = 0; i < r->nstmts && i < c->nwarm; i++) {
        int k = r->prepared_at ? r->prepared_at[i] : -1;
        if (k >= 0 && r->res[k] && PQresultStatus(r->res[k]) == PGRES_COMMAND_OK)
            add_prepared(c, c->warm[i].name);
    }
}

static void send_next(struct db_conn *c)
{
    if (c->state != DB_ONLINE || c->inflight)
        return;
    relisten(c);
    rewarm(c);
    long long now = util_now_ms();
    struct req **pp = &c->queue;
    while (*pp) {
        struct req *r = *pp;
        if (r->forgotten) {
            *pp = r->next;
            req_free(r);
            continue;
        }
        if (r->send_at > now) {
            pp = &r->next;
            continue;
        }
        *pp = r->next;
        r->next = NULL;
        int ok;
        if (r->simple) {
            ok = PQsendQuery(c->pg, r->stmts[0].sql);
        } else if (r->warm) {
            ok = send_warm(c, r);
        } else if (r->batch) {
            ok = PQenterPipelineMode(c->pg);
            for (int i = 0; ok && i < r->nstmts; i++)
                ok = PQsendQueryParams(c->pg, r->stmts[i].sql, r->stmts[i].nparams, NULL,
                                       (const char *const *)r->stmts[i].params, NULL, NULL, 0);
            ok = ok && PQpipelineSync(c->pg);
        } else if (r->name && is_prepared(c, r->name)) {
            /* Planned once per connection: a search-as-you-type statement
             * costs more to plan than to run. */
            ok = PQsendQueryPrepared(c->pg, r->name, r->stmts[0].nparams, (const char *const *)r->stmts[0].params,
                                     NULL, NULL, 0);
        } else if (r->name) {
            /* Prepare and run in the same round trip. */
            r->prepare = true;
            r->nres = 2;
            ok = PQenterPipelineMode(c->pg) &&
                 PQsendPrepare(c->pg, r->name, r->stmts[0].sql, r->stmts[0].nparams, NULL) &&
                 PQsendQueryPrepared(c->pg, r->name, r->stmts[0].nparams, (const char *const *)r->stmts[0].params,
                                     NULL, NULL, 0) &&
                 PQpipelineSync(c->pg);
        } else {
            ok = PQsendQueryParams(c->pg, r->stmts[0].sql, r->stmts[0].nparams, NULL,
                                   (const char *const *)r->stmts[0].params, NULL, NULL, 0);
        }
        if (!ok) {
            c->inflight = r;
            lost(c, PQerrorMessage(c->pg));
            return;
        }
        c->inflight = r;
        r->sent_at = now_exact_ms();
        c->heard_at = util_now_ms();
        c->stalled_at = 0;
        c->stats.sent++;
        c->want_write = PQflush(c->pg) == 1;
        return;
    }
}

static void fail_queue_offline(struct db_conn *c)
{
    /* Nothing can be sent while offline: say so now rather than leave the
     * screen waiting. Slotted requests (the newest search) wait for the
     * connection instead, so the agent's last search runs when it is back;
     * held (debounced) requests wait for their time. */
    long long now = util_now_ms();
    struct req **pp = &c->queue;
    while (*pp) {
        struct req *r = *pp;
        if (r->forgotten || (r->send_at <= now && !(r->slot && c->was_online))) {
            *pp = r->next;
            char msg[1100];
            snprintf(msg, sizeof msg, "offline: %s", c->error[0] ? c->error : "not connected");
            finish(r, msg);
        } else {
            pp = &r->next;
        }
    }
}

static void start_reconnect(struct db_conn *c)
{
    c->pg = start(c, true);
    if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
        lost(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
        return;
    }
    c->poll = PGRES_POLLING_WRITING;
    c->connect_at = util_now_ms();
    set_state(c, DB_CONNECTING);
}

void db_connect_start(struct db_conn *c)
{
    if (c->pg || c->state != DB_OFFLINE)
        return;
    /* From here on the reconnect rules hold: slotted requests wait for the
     * connection, a failure is retried with backoff. */
    c->was_online = true;
    start_reconnect(c);
}

static void step_reconnect(struct db_conn *c)
{
    c->poll = PQconnectPoll(c->pg);
    if (c->poll == PGRES_POLLING_OK)
        after_connect(c);
    else if (c->poll == PGRES_POLLING_FAILED)
        lost(c, PQerrorMessage(c->pg));
}

int db_pollfds(struct db_conn *c, struct pollfd *out, int max)
{
    if (max < 1 || !c->pg)
        return 0;
    int fd = PQsocket(c->pg);
    if (fd < 0)
        return 0;
    out[0].fd = fd;
    out[0].revents = 0;
    if (c->state == DB_CONNECTING)
        out[0].events = c->poll == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    else
        /* Always read when online: notifications and a dropped server
         * arrive without a request in flight. */
        out[0].events = (short)(POLLIN | (c->want_write ? POLLOUT : 0));
    return 1;
}

int db_timeout_ms(const struct db_conn *c)
{
    long long now = util_now_ms(), due = -1;
    if (c->state == DB_OFFLINE && c->was_online)
        due = c->retry_at;
    /* Look again when an answer is overdue, or a reconnection is. */
    if (c->state == DB_ONLINE && c->inflight)
        due = c->stalled_at ? c->stalled_at + ABANDON_MS : c->heard_at + STALL_MS;
    if (c->state == DB_CONNECTING)
        due = c->connect_at + (long long)c->p.connect_timeout * 1000;
    bool offline = c->state != DB_ONLINE;
    if (!offline && !c->inflight && c->rewarm)
        due = now;
    if (!c->inflight)
        for (const struct req *r = c->queue; r; r = r->next) {
            if (offline && r->slot && c->was_online)
                continue;   /* waits for the connection, not for a timer */
            long long at = r->forgotten ? now : r->send_at;
            if (due < 0 || at < due)
                due = at;
        }
    if (due < 0)
        return -1;
    return due <= now ? 0 : (int)(due - now);
}

static void keep_error(struct db_conn *c, struct req *r, const PGresult *res)
{
    if (r->err)
        return;
    /* What reaches a screen is a sentence, never "ERROR:" or a SQLSTATE. */
    char msg[1024];
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    db_errtext(PQresultErrorField(res, PG_DIAG_SQLSTATE), primary ? primary : PQresultErrorMessage(res), msg,
               sizeof msg);
    r->err = util_strdup(msg);
    keep_sqlstate(c, res);
}

/* Collect results. A single statement ends with a NULL result; a pipeline
 * gives each statement's results, a NULL after each, then PIPELINE_SYNC. */
static void read_results(struct db_conn *c)
{
    if (!PQconsumeInput(c->pg)) {
        lost(c, PQerrorMessage(c->pg));
        return;
    }
    while (c->inflight && !PQisBusy(c->pg)) {
        struct req *r = c->inflight;
        PGresult *res = PQgetResult(c->pg);
        bool done = false;
        if (!res) {
            if (r->batch || r->prepare)
                r->cur++;
            else
                done = true;
        } else if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            PQexitPipelineMode(c->pg);
            done = true;
        } else {
            if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED)
                keep_error(c, r, res);
            else if (!result_ok(res))
                keep_error(c, r, res);
            int k = r->cur < r->nres ? r->cur : r->nres - 1;
            PQclear(r->res[k]);
            r->res[k] = res;
        }
        if (done) {
            c->inflight = NULL;
            c->stalled_at = 0;
            if (r->cancelled && r->err) {
                /* Our own cancel: say what happened, not libpq's words. */
                free(r->err);
                r->err = util_strdup("the database did not answer in time; try again");
            }
            if (r->prepare && !r->err)
                add_prepared(c, r->name);
            if (r->warm)
                warm_done(c, r);
            finish(r, NULL);
        }
    }
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL) {
        for (struct listener *l = c->listeners; l; l = l->next)
            if (strcmp(l->channel, n->relname) == 0)
                l->fn(l->ctx, n->relname, n->extra);
        PQfreemem(n);
    }
    if (PQstatus(c->pg) == CONNECTION_BAD)
        lost(c, PQerrorMessage(c->pg));
}

/* PQcancel opens a connection of its own and waits for it: in libpq 15
 * (no PQcancelStart yet) the only way to keep the terminal responsive is
 * to run it on a short-lived detached thread, which owns the PGcancel and
 * touches nothing else (PQcancel is safe to call from any thread). If the
 * server is unreachable the thread ends when the connect fails, or with
 * the process. */
/* A server frozen whole keeps every cancel thread waiting; a few are
 * enough, more would only pile up. */
#define MAX_CANCEL_THREADS 4
static atomic_int cancel_threads;

static void *cancel_thread(void *arg)
{
    PGcancel *k = arg;
    char err[256];
    (void)PQcancel(k, err, sizeof err);
    PQfreeCancel(k);
    atomic_fetch_sub(&cancel_threads, 1);
    return NULL;
}

static void cancel_in_background(struct db_conn *c)
{
    if (atomic_load(&cancel_threads) >= MAX_CANCEL_THREADS)
        return;
    PGcancel *k = c->pg ? PQgetCancel(c->pg) : NULL;
    if (!k)
        return;
    pthread_attr_t attr;
    pthread_t t;
    sigset_t all, old;
    sigfillset(&all);
    /* Signals stay with the main thread, whose handlers wake the loop. */
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    atomic_fetch_add(&cancel_threads, 1);
    if (pthread_create(&t, &attr, cancel_thread, k) != 0) {
        atomic_fetch_sub(&cancel_threads, 1);
        PQfreeCancel(k);
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    c->stats.cancels++;
}

/* Put a request back at the head of the queue as if never sent. */
static void requeue(struct db_conn *c, struct req *r)
{
    /* A warm-up has more results than statements (a prepare's each). */
    int slots = r->nres > r->nstmts + 1 ? r->nres : r->nstmts + 1;
    for (int k = 0; r->res && k < slots; k++) {
        PQclear(r->res[k]);
        r->res[k] = NULL;
    }
    free(r->err);
    r->err = NULL;
    r->cur = 0;
    r->prepare = false;
    r->nres = r->nstmts;
    r->cancelled = false;
    r->sent_at = 0;
    r->next = c->queue;
    c->queue = r;
}

/* The server keeps the socket open but has stopped answering (a frozen
 * backend, a hung host, a lost route without a reset). */
static void check_answering(struct db_conn *c)
{
    if (!c->inflight) {
        c->stalled_at = 0;
        return;
    }
    long long now = util_now_ms();
    if (!c->stalled_at && now - c->heard_at >= STALL_MS) {
        c->stalled_at = now;
        c->inflight->cancelled = true;
        c->stats.stalls++;
        cancel_in_background(c); /* db_state_text says so from now on */
    } else if (c->stalled_at && now - c->stalled_at >= ABANDON_MS) {
        /* Not even the cancel was answered: give this connection up and
         * make a new one. The newest search goes again there; anything
         * else is told it failed (the screens keep what was typed, and
         * client-made ids make a write sent again safe). */
        struct req *r = c->inflight;
        if (r->slot && !r->forgotten) {
            c->inflight = NULL;
            requeue(c, r);
        } else if (r->forgotten) {
            c->inflight = NULL;
            req_free(r);
        }
        lost(c, "the database stopped answering");
    }
}

void db_ready(struct db_conn *c, const struct pollfd *fds, int n)
{
    short rev = 0;
    int fd = c->pg ? PQsocket(c->pg) : -1;
    for (int i = 0; i < n; i++)
        if (fds[i].fd == fd && fd >= 0)
            rev |= fds[i].revents;

    switch (c->state) {
    case DB_OFFLINE:
        fail_queue_offline(c);
        if (c->was_online && util_now_ms() >= c->retry_at)
            start_reconnect(c);
        return;
    case DB_CONNECTING:
        if (rev)
            step_reconnect(c);
        /* PQconnectPoll keeps no clock of its own (connect_timeout holds
         * only for blocking connects): a server that never answers the
         * start-up must not leave us "reconnecting..." for ever. */
        if (c->state == DB_CONNECTING &&
            util_now_ms() - c->connect_at >= (long long)c->p.connect_timeout * 1000)
            lost(c, "the database did not answer the connection in time");
        if (c->state != DB_ONLINE)
            return;
        break;
    case DB_ONLINE:
        break;
    }
    if (rev & (POLLIN | POLLERR | POLLHUP)) {
        c->heard_at = util_now_ms();
        read_results(c);
    }
    if (c->state != DB_ONLINE)
        return;
    check_answering(c);
    if (c->state != DB_ONLINE)
        return;
    if (c->want_write && (rev & POLLOUT))
        c->want_write = PQflush(c->pg) == 1;
    send_next(c);
}
