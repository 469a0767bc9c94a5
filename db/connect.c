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
    c->p.pooler = p->pooler;
    c->p.listen_conninfo = util_strdup(p->listen_conninfo ? p->listen_conninfo : "");
    c->backoff_ms = BACKOFF_MIN_MS;
    c->next_id = 1;
    c->lag_s = -1;
    /* Search-as-you-type ranks misspelt names by pg_trgm word similarity;
     * the default threshold (0.6) misses a swapped pair of letters in a
     * short surname, 0.5 still keeps the candidate sets small. */
    db_setting(c, "pg_trgm.word_similarity_threshold", "0.5");
    /* JIT off: it compiles a statement whose estimate looks large (the
     * word search's, for one) in 50-70 ms, to run what takes 1-5 ms;
     * nothing an agent waits for runs long enough to win it back. */
    db_setting(c, "jit", "off");
    char ms[16];
    util_format(ms, sizeof ms, "%d", p->statement_timeout_ms > 0 ? p->statement_timeout_ms : 0);
    db_setting(c, "statement_timeout", ms);
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
    db_conn_session_free(c);
    for (int i = 0; i < c->nsettings; i++) {
        free(c->settings[i].name);
        free(c->settings[i].value);
    }
    free(c->settings);
    free(c->behind_host);
    free(c->behind_port);
    free(c->behind_db);
    free((char *)c->p.listen_conninfo);
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

/* ---- what a session may keep: the one place that decides ---------------
 *
 * A transaction-mode pooler (PgBouncer with pool_mode = transaction, as
 * Debian 12's 1.18 ships it, default pgbouncer.ini) gives each transaction
 * whichever server connection is free, so nothing may live in the session:
 *
 *  - settings (statement_timeout, jit, the search's trigram threshold, the
 *    utility's time zone: db_setting) go with every transaction, as
 *    set_config(name, value, true) in the same pipeline; to a server of its
 *    own they go once, as startup options (PgBouncer refuses the "options"
 *    startup parameter: then they are SET once instead);
 *  - statements are unnamed (1.18 does not carry prepared statements from
 *    one server connection to the next): db_conn_may_name(), which every
 *    prepare asks (conn_prep.c's db_conn_stmt_name, and the synchronous
 *    db_exec_named here);
 *  - LISTEN gets a connection of its own straight to the server
 *    (conn_session.c): connection.listen_conninfo, or the server the pooler
 *    says it is connected to.
 *
 * connection.pooler = "auto" (the default) finds out on every new session:
 * the pooler's refusal of the options, and the probe below, whose
 * pg_backend_pid() is not the process the connection was given when
 * something stands in between. "none" trusts the session (PostgreSQL, or a
 * pooler in session mode); "transaction" never does. */

bool db_conn_may_name(const struct db_conn *c) { return !c->p.no_prepared && !c->pooled; }

/* Only between transactions: inside one (BEGIN ... COMMIT, which behind a
 * pooler keeps its server connection) they were sent with the BEGIN, and
 * after a failure in one they would fail too, and ROLLBACK with them. */
bool db_conn_needs_settings(const struct db_conn *c)
{
    return c->nsettings > 0 && (c->pooled || c->settings_dirty) && c->pg &&
           PQtransactionStatus(c->pg) == PQTRANS_IDLE;
}

/* SELECT set_config($2, $3, $1), set_config($4, $5, $1), ...: local to the
 * transaction behind a pooler, for the session on a server of its own. */
int db_conn_send_settings(struct db_conn *c)
{
    struct util_buf sql = {0};
    const char **v = util_calloc((size_t)c->nsettings * 2 + 1, sizeof *v);
    v[0] = c->pooled ? "true" : "false";
    for (int i = 0; i < c->nsettings; i++) {
        util_buf_printf(&sql, "%sset_config($%d, $%d, $1)", i ? ", " : "SELECT ", 2 * i + 2, 2 * i + 3);
        v[2 * i + 1] = c->settings[i].name;
        v[2 * i + 2] = c->settings[i].value;
    }
    int ok = PQsendQueryParams(c->pg, sql.data, c->nsettings * 2 + 1, NULL, v, NULL, NULL, 0);
    free(v);
    util_buf_free(&sql);
    return ok;
}

void db_conn_settings_sent(struct db_conn *c, bool ok)
{
    if (ok && !c->pooled)
        c->settings_dirty = false;
}

void db_setting(struct db_conn *c, const char *name, const char *value)
{
    int i = 0;
    while (i < c->nsettings && strcmp(c->settings[i].name, name) != 0)
        i++;
    if (i < c->nsettings && strcmp(c->settings[i].value, value) == 0)
        return;
    if (i == c->nsettings) {
        c->settings = util_realloc(c->settings, sizeof *c->settings * (size_t)(c->nsettings + 1));
        c->settings[c->nsettings++].name = util_strdup(name);
    } else {
        free(c->settings[i].value);
    }
    c->settings[i].value = util_strdup(value);
    /* This session lacks it; the next ones get it with the others. */
    c->settings_dirty = true;
}

/* PgBouncer's answer to a startup parameter it does not pass on. In auto
 * mode the options are then never sent again on this handle. */
bool db_conn_options_refused(struct db_conn *c, PGconn *pg)
{
    if (c->p.pooler != DB_POOLER_AUTO || !c->options_sent || c->options_refused ||
        !strstr(PQerrorMessage(pg), "unsupported startup parameter"))
        return false;
    c->options_refused = true;
    return true;
}

const char db_conn_probe_sql[] =
    "SELECT pg_backend_pid() AS pid, pg_is_in_recovery() AS standby, host(inet_server_addr()) AS addr,"
    " inet_server_port() AS port, current_setting('port') AS server_port,"
    " (SELECT setting FROM pg_settings WHERE name = 'unix_socket_directories') AS sockets,"
    " current_database() AS db";

static const char *field(const PGresult *r, const char *name)
{
    int k = PQfnumber(r, name);
    return k < 0 || PQgetisnull(r, 0, k) ? NULL : PQgetvalue(r, 0, k);
}

/* Hosts and ports for libpq to try in turn (comma lists), each once. */
struct hostlist {
    struct util_buf hosts, ports, seen;
};

static void add_host(struct hostlist *l, const char *host, const char *port)
{
    if (!host || !*host || !port || !*port || strchr(host, ',') || strchr(port, ','))
        return;
    char pair[600];
    if (util_format_fits(pair, sizeof pair, "[%s:%s]", host, port) < 0 || (l->seen.data && strstr(l->seen.data, pair)))
        return;
    util_buf_puts(&l->seen, pair);
    util_buf_printf(&l->hosts, "%s%s", l->hosts.len ? "," : "", host);
    util_buf_printf(&l->ports, "%s%s", l->ports.len ? "," : "", port);
}

static bool loopback(const char *addr) { return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0; }

/* Where the server behind a pooler can be reached from here, best first:
 * the address the pooler connected to, unless it is the pooler's own
 * loopback; then, for a pooler on the server's machine, the server's socket
 * folder (visible to superusers only), the pooler's socket folder (Debian
 * puts both in /var/run/postgresql) and the pooler's host, at the server's
 * port. */
static void find_behind(struct db_conn *c, const PGresult *r)
{
    const char *addr = field(r, "addr"), *port = field(r, "port"), *server_port = field(r, "server_port");
    const char *sockets = field(r, "sockets"), *db = field(r, "db"), *via = PQhost(c->pg);
    struct hostlist l = {0};
    if (addr && !loopback(addr)) {
        add_host(&l, addr, port);
    } else {
        char dir[256] = "";
        if (sockets && util_format_fits(dir, sizeof dir, "%s", sockets) == 0)
            dir[strcspn(dir, ", ")] = '\0';
        add_host(&l, dir, server_port);
        if (via && *via == '/')
            add_host(&l, via, server_port);
        if (addr)
            add_host(&l, addr, port);
        if (via && *via != '/')
            add_host(&l, via, addr ? port : server_port);
    }
    free(c->behind_host);
    free(c->behind_port);
    free(c->behind_db);
    c->behind_host = l.hosts.len && db ? util_buf_steal(&l.hosts) : NULL;
    c->behind_port = c->behind_host ? util_buf_steal(&l.ports) : NULL;
    c->behind_db = c->behind_host ? util_strdup(db) : NULL;
    util_buf_free(&l.hosts);
    util_buf_free(&l.ports);
    util_buf_free(&l.seen);
}

void db_conn_probed(struct db_conn *c, const PGresult *r)
{
    c->reprobe = false;
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || !c->pg)
        return;   /* keep what was assumed: the configuration, or a refusal seen */
    int pid = 0;
    const char *p = field(r, "pid"), *standby = field(r, "standby");
    bool between = !p || util_parse_int(p, &pid) < 0 || pid != PQbackendPID(c->pg);
    if (c->p.pooler == DB_POOLER_AUTO)
        c->pooled = between || c->options_refused;
    c->standby = standby && strcmp(standby, "t") == 0;
    if (c->pooled)
        find_behind(c, r);
    else if (!c->options_sent)
        c->settings_dirty = true;   /* a server of its own after all: SET them once */
}

/* "-c name=value" for each setting, as libpq's options want them (a space
 * or backslash in a value escaped with a backslash). */
static void settings_as_options(const struct db_conn *c, struct util_buf *b)
{
    for (int i = 0; i < c->nsettings; i++) {
        util_buf_printf(b, "%s-c %s=", i ? " " : "", c->settings[i].name);
        for (const char *v = c->settings[i].value; *v; v++)
            util_buf_printf(b, "%s%c", *v == ' ' || *v == '\\' ? "\\" : "", *v);
    }
}

/* Keywords for PQconnectStartParams: the configured string is expanded as
 * dbname (libpq's own rule), so URIs, key=value strings and the PG*
 * environment all work exactly as in psql. A session connection (LISTEN
 * behind a pooler) names the server behind it after that (c->behind, or the
 * configured listen_conninfo): later keywords win. */
PGconn *db_conn_start(struct db_conn *c, bool async)
{
    const char *kw[12], *val[12];
    char timeout[16];
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
    /* The settings as startup options, unless a pooler is known to refuse
     * them (PgBouncer does, unless told to ignore them). */
    struct util_buf options = {0};
    c->options_sent = c->p.pooler != DB_POOLER_TRANSACTION && !c->options_refused && c->nsettings > 0;
    if (c->options_sent) {
        settings_as_options(c, &options);
        kw[n] = "options";
        val[n++] = options.data;
    }
    if (c->password) {
        kw[n] = "password";
        val[n++] = c->password;
    }
    if (*c->p.conninfo) {
        kw[n] = "dbname";
        val[n++] = c->p.conninfo;
    }
    if (c->parent && c->behind_host) {
        kw[n] = "host";
        val[n++] = c->behind_host;
        kw[n] = "port";
        val[n++] = c->behind_port;
        kw[n] = "dbname";   /* not expanded a second time: a database name */
        val[n++] = c->behind_db;
    }
    kw[n] = NULL;
    val[n] = NULL;
    PGconn *pg = async ? PQconnectStartParams(kw, val, 1) : PQconnectdbParams(kw, val, 1);
    util_buf_free(&options);
    return pg;
}

/* Where a connection (attempt) went: "socket DIR/.s.PGSQL.PORT" or "host H
 * port P" into where, "user@host/dbname" into c->target. */
static void set_target(struct db_conn *c, PGconn *pg, char *where, size_t len)
{
    const char *host = pg ? PQhost(pg) : NULL;
    const char *port = pg ? PQport(pg) : NULL;
    const char *db = pg ? PQdb(pg) : NULL;
    const char *user = pg ? PQuser(pg) : NULL;
    if (host && *host == '/')
        util_format(where, len, "socket %s/.s.PGSQL.%s", host, port && *port ? port : "5432");
    else
        util_format(where, len, "host %s port %s", host && *host ? host : "localhost", port && *port ? port : "5432");
    util_format(c->target, sizeof c->target, "%s@%s/%s", user ? user : "?",
                host && *host != '/' && *host ? host : "localhost", db ? db : "?");
}

/* What was tried, so "could not connect" says where to look. */
static void hint(struct db_conn *c, PGconn *pg)
{
    const char *db = pg ? PQdb(pg) : NULL;
    const char *user = pg ? PQuser(pg) : NULL;
    char where[512];
    set_target(c, pg, where, sizeof where);
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
    set_target(c, c->pg, c->where, sizeof c->where);
    db_conn_forget_prepared(c);   /* a new session has none */
    PQsetNoticeProcessor(c->pg, drop_notice, NULL);
    trace(c);
    PQsetnonblocking(c->pg, 1);
    c->backoff_ms = BACKOFF_MIN_MS;
    c->relisten = c->listeners != NULL;
    c->rewarm = c->nwarm > 0;
    /* Until the probe answers, what is known: the configuration, or a
     * pooler that refused the options. */
    c->pooled = c->p.pooler == DB_POOLER_TRANSACTION || (c->p.pooler == DB_POOLER_AUTO && c->options_refused);
    c->settings_dirty = !c->options_sent;
    c->reprobe = true;
    c->standby = false;
    c->lag_s = -1;
    c->lag_at = 0;
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
    if (c->pg && PQstatus(c->pg) != CONNECTION_OK && db_conn_options_refused(c, c->pg)) {
        PQfinish(c->pg);
        c->pg = db_conn_start(c, false);
    }
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
    /* What is between us and the server, before anything else is sent. */
    char keep[sizeof c->error];
    util_format(keep, sizeof keep, "%s", c->error);
    PGresult *r = db_exec(c, db_conn_probe_sql, 0, NULL);
    db_conn_probed(c, r);
    PQclear(r);
    util_format(c->error, sizeof c->error, "%s", keep);   /* a refused probe is not the connection's error */
    return 0;
}

bool db_needs_password(const struct db_conn *c) { return c->needs_password; }
const char *db_target(const struct db_conn *c) { return c->target; }
const char *db_error(const struct db_conn *c) { return c->error; }
const char *db_sqlstate(const struct db_conn *c) { return c->sqlstate; }
enum db_state db_state(const struct db_conn *c) { return c->state; }
bool db_answering(const struct db_conn *c) { return c->state == DB_ONLINE && !c->stalled_at; }
PGconn *db_pg(struct db_conn *c) { return c->pg; }
bool db_prepared_ok(const struct db_conn *c) { return db_conn_may_name(c); }
bool db_pooled(const struct db_conn *c) { return c->pooled; }
const struct db_stats *db_stats(const struct db_conn *c) { return &c->stats; }

const char *db_state_text(const struct db_conn *c, char *buf, size_t len)
{
    switch (c->state) {
    case DB_ONLINE:
        util_format(buf, len, "%s",
                    c->stalled_at                      ? "not answering: retrying"
                    : c->pooled && c->session_error[0] ? "online; live updates off"
                                                       : "online");
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
/* Behind a pooler, [settings][statement] in one pipeline: one transaction
 * on one server connection. Returns the statement's result, or the first
 * failure (the settings' refusal, or NULL when the connection broke). */
static PGresult *exec_piped(struct db_conn *c, const char *sql, int nparams, const char *const *params)
{
    if (!PQenterPipelineMode(c->pg))
        return NULL;
    PGresult *out = NULL;
    if (db_conn_send_settings(c) && PQsendQueryParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0) &&
        PQpipelineSync(c->pg)) {
        /* Each statement's results end with a NULL; then the Sync's. */
        for (int ends = 0; ends < 3;) {
            PGresult *x = PQgetResult(c->pg);
            if (!x) {
                ends++;
                if (PQstatus(c->pg) == CONNECTION_BAD)
                    break;
                continue;
            }
            if (PQresultStatus(x) == PGRES_PIPELINE_SYNC) {
                PQclear(x);
                break;
            }
            if (ends == 0) {
                bool ok = db_conn_result_ok(x);
                db_conn_settings_sent(c, ok);
                if (ok) {
                    PQclear(x);
                    continue;
                }
            }
            if (out)
                PQclear(x);   /* after the first failure: aborted */
            else
                out = x;      /* the statement's result, or the settings' refusal */
        }
    }
    PQexitPipelineMode(c->pg);
    return out;
}

/* The settings alone, before a statement on a session of our own (or inside
 * an open transaction behind a pooler, where they last until its end). */
static void settings_alone(struct db_conn *c)
{
    if (!db_conn_send_settings(c))
        return;
    bool ok = true;
    PGresult *x;
    while ((x = PQgetResult(c->pg)) != NULL) {
        ok = ok && db_conn_result_ok(x);
        PQclear(x);
    }
    db_conn_settings_sent(c, ok);
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
    bool with_settings = db_conn_needs_settings(c);
    if (with_settings && !c->pooled)
        settings_alone(c);
    if (with_settings && c->pooled) {
        r = exec_piped(c, sql, nparams, params);   /* never named behind a pooler */
    } else if (!name) {
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
    return exec_sync(c, db_conn_may_name(c) ? name : NULL, sql, nparams, params);
}

int db_exec_script(struct db_conn *c, const char *sql)
{
    c->sqlstate[0] = '\0';
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        db_conn_set_error(c, "not connected to the database");
        return -1;
    }
    PQsetnonblocking(c->pg, 0);
    /* Scripts run inside a transaction (migrations, the seed), whose BEGIN
     * carried the settings behind a pooler. */
    if (db_conn_needs_settings(c) && !c->pooled)
        settings_alone(c);
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
