/* conn_session.c — what a handle needs beside its own connection: LISTEN's session connection straight to the server when a transaction-mode pooler is in between, and how far behind a standby's answers are. */
#include "careline/db.h"

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"
#include "conn_int.h"

/* ---- LISTEN behind a pooler ---------------------------------------------
 *
 * A transaction-mode pooler hands the server connection that ran LISTEN to
 * other clients at the end of the transaction, and its notifications with
 * it. The handle's listeners get one connection of their own instead, made
 * and kept like the main one (reconnects with back-off, LISTEN again after
 * each), to connection.listen_conninfo or else to the server the pooler
 * said it uses (connect.c: find_behind). Its notifications go to the same
 * callbacks; its descriptor is polled with the handle's. It runs LISTEN
 * and nothing else: one idle server process per terminal, see
 * docs/scaling.md. */

void db_conn_session_free(struct db_conn *c)
{
    db_free(c->session);
    c->session = NULL;
}

int db_conn_session_fds(struct db_conn *c, struct pollfd *out, int max)
{
    return c->session && max > 0 ? db_pollfds(c->session, out, max) : 0;
}

static const char *where(const struct db_conn *s, char *buf, size_t len)
{
    if (*s->p.conninfo && !s->behind_host)
        util_format(buf, len, "connection.listen_conninfo");
    else
        util_format(buf, len, "host %s port %s", s->behind_host ? s->behind_host : "?",
                    s->behind_port ? s->behind_port : "?");
    return buf;
}

/* The session connection's state, told to the handle it serves. */
static void session_state(void *ctx, enum db_state st)
{
    struct db_conn *c = ctx;
    struct db_conn *s = c->session;
    char at[300];
    if (!s || st == DB_CONNECTING)
        return;
    if (st == DB_ONLINE)
        c->session_error[0] = '\0';
    else
        util_format(c->session_error, sizeof c->session_error,
                    "live updates are off: LISTEN needs a connection straight to PostgreSQL, which is behind a "
                    "pooler, and %s did not answer (%s); set connection.listen_conninfo",
                    where(s, at, sizeof at), db_error(s));
}

static bool same(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static struct db_conn *session_new(struct db_conn *c)
{
    bool configured = *c->p.listen_conninfo != '\0';
    struct db_params p = {
        .conninfo = configured ? c->p.listen_conninfo : c->p.conninfo,
        .service = configured ? "" : c->p.service,
        .connect_timeout = c->p.connect_timeout,
        .application_name = "careline-listen",   /* what it is, in pg_stat_activity */
        .no_prepared = true,
        .pooler = DB_POOLER_AUTO,   /* to notice a pooler there too */
    };
    struct db_conn *s = db_new(&p);
    s->parent = c;
    if (!configured) {
        s->behind_host = util_strdup(c->behind_host);
        s->behind_port = util_strdup(c->behind_port);
        s->behind_db = util_strdup(c->behind_db);
    }
    if (c->password)
        s->password = util_strdup(c->password);
    db_on_state(s, session_state, c);
    return s;
}

static bool has_listener(const struct db_conn *s, const struct listener *l)
{
    for (const struct listener *m = s->listeners; m; m = m->next)
        if (m->fn == l->fn && m->ctx == l->ctx && strcmp(m->channel, l->channel) == 0)
            return true;
    return false;
}

void db_conn_session_sync(struct db_conn *c)
{
    if (c->parent) {
        /* The session connection found a pooler where the server should be. */
        if (c->pooled) {
            char at[300];
            util_format(c->parent->session_error, sizeof c->parent->session_error,
                        "live updates are off: %s is a transaction-mode pooler too, and LISTEN needs a connection "
                        "straight to PostgreSQL; set connection.listen_conninfo",
                        where(c, at, sizeof at));
        }
        return;
    }
    if (!c->pooled || !c->listeners) {
        db_conn_session_free(c);
        c->session_error[0] = '\0';
        return;
    }
    bool configured = *c->p.listen_conninfo != '\0';
    if (!configured && !c->behind_host) {
        db_conn_session_free(c);
        util_format(c->session_error, sizeof c->session_error,
                    "live updates are off: LISTEN needs a connection straight to PostgreSQL, and the pooler did not "
                    "say where it is; set connection.listen_conninfo");
        return;
    }
    /* After a failover the pooler may be on another server. */
    if (c->session && !configured &&
        !(same(c->session->behind_host, c->behind_host) && same(c->session->behind_port, c->behind_port) &&
          same(c->session->behind_db, c->behind_db)))
        db_conn_session_free(c);
    if (!c->session)
        c->session = session_new(c);
    for (const struct listener *l = c->listeners; l; l = l->next)
        if (!has_listener(c->session, l))
            db_listen(c->session, l->channel, l->fn, l->ctx);
    db_connect_start(c->session);   /* nothing when it is connected or connecting */
}

bool db_listening(const struct db_conn *c, const char **why)
{
    bool ok = c->pooled ? c->session && c->session->state == DB_ONLINE && !c->session->pooled && !c->session_error[0]
                        : c->state == DB_ONLINE;
    if (why)
        *why = ok                     ? NULL
               : c->state != DB_ONLINE ? "live updates are off: not connected"
               : c->session_error[0]   ? c->session_error
                                       : "live updates are starting";
    return ok;
}

/* For check-connection: run the handle's loop until live updates work (or
 * are known not to), at most timeout_ms. A request gets the connection
 * going (LISTEN follows the first answer of a new session). */
bool db_listening_wait(struct db_conn *c, int timeout_ms)
{
    struct db_query q = {.sql = "SELECT 1"};
    db_send(c, &q);
    long long end = util_now_ms() + timeout_ms;
    while (util_now_ms() < end && (db_busy(c) || !db_listening(c, NULL))) {
        struct pollfd fds[4];
        int n = db_pollfds(c, fds, 4);
        int t = db_timeout_ms(c);
        if (poll(fds, (nfds_t)n, t < 0 || t > 100 ? 100 : t) < 0)
            break;
        db_ready(c, fds, n);
    }
    return db_listening(c, NULL);
}

/* ---- a standby's lag -----------------------------------------------------
 *
 * Measured with the answers (a statement at the end of a request's
 * pipeline, at most every LAG_EVERY_MS), so a screen knows how old what it
 * shows is without asking. Up to date: everything received is replayed and
 * the standby is receiving. Otherwise: the time since the last transaction
 * it replayed committed on the primary (clocks in step: NTP). A standby
 * whose primary is quiet and that receives is never behind. */
const char db_conn_lag_sql[] =
    "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()"
    " AND EXISTS (SELECT FROM pg_stat_wal_receiver) THEN 0"
    " ELSE greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())) END AS lag";

bool db_conn_wants_lag(const struct db_conn *c) { return c->standby && util_now_ms() - c->lag_at >= LAG_EVERY_MS; }

void db_conn_lag_read(struct db_conn *c, const PGresult *r)
{
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        return;
    c->lag_at = util_now_ms();
    /* NULL: nothing replayed since the standby started, and not receiving. */
    c->lag_s = PQgetisnull(r, 0, 0) ? -1 : strtod(PQgetvalue(r, 0, 0), NULL);
    if (!isfinite(c->lag_s))
        c->lag_s = -1;
}

double db_standby_lag(const struct db_conn *c) { return c->standby ? c->lag_s : -1; }

const char *db_standby_note(const struct db_conn *c, int warn_s, char *buf, size_t len)
{
    double lag = db_standby_lag(c);
    /* Short enough for a 40-column row. */
    if (!c->standby || (lag >= 0 && lag < warn_s))
        util_format(buf, len, "%s", "");
    else if (lag < 0)
        util_format(buf, len, "Standby not in touch: may be out of date");
    else if (lag < 120)
        util_format(buf, len, "From a standby %.0f s behind the primary", floor(lag));
    else if (lag < 7200)
        util_format(buf, len, "From a standby %.0f min behind the primary", floor(lag / 60));
    else
        util_format(buf, len, "From a standby %.0f h behind the primary", floor(lag / 3600));
    return buf;
}
/* ---- what check-connection says ------------------------------------------ */

static const char *between(const struct db_conn *c)
{
    if (!c->pooled)
        return c->p.pooler == DB_POOLER_NONE ? "PostgreSQL itself (connection.pooler = \"none\")"
                                             : "PostgreSQL itself (or a pooler in session mode)";
    return c->p.pooler == DB_POOLER_TRANSACTION ? "a transaction-mode pooler (connection.pooler = \"transaction\")"
           : c->options_refused                 ? "a transaction-mode pooler (found out: it refused the startup options)"
                                                : "a transaction-mode pooler (found out: the server process is not the one "
                                                  "the connection was given)";
}

char *db_route_text(const struct db_conn *c)
{
    struct util_buf b = {0};
    util_buf_printf(&b, "connected: %s (%s)\n", c->target, c->where);
    util_buf_printf(&b, "between: %s\n", between(c));
    if (c->standby && c->lag_s >= 0)
        util_buf_printf(&b, "server: a standby, %.1f s behind its primary\n", c->lag_s);
    else
        util_buf_printf(&b, "server: %s\n", c->standby ? "a standby (how far behind is not known yet)" : "a primary");
    util_buf_puts(&b, "settings: ");
    for (int i = 0; i < c->nsettings; i++)
        util_buf_printf(&b, "%s%s=%s", i ? ", " : "", c->settings[i].name, c->settings[i].value);
    util_buf_printf(&b, "%s\n", c->pooled ? "; sent with every transaction" : c->options_sent ? "; startup options"
                                                                                            : "; SET once per session");
    util_buf_printf(&b, "prepared statements: %s\n",
                    c->p.no_prepared ? "off (connection.prepared_statements = \"no\")"
                    : c->pooled      ? "unnamed, planned each time (the pooler does not keep them)"
                                     : "named, prepared once per connection");
    const char *why;
    if (!db_listening(c, &why))
        util_buf_printf(&b, "live updates: %s\n", why);
    else if (!c->pooled)
        util_buf_puts(&b, "live updates: listening on this connection\n");
    else if (c->session->behind_host)
        util_buf_printf(&b, "live updates: listening on a session connection of its own, host %s port %s\n",
                        PQhost(c->session->pg), PQport(c->session->pg));
    else
        util_buf_printf(&b, "live updates: listening on a session connection of its own (connection.listen_conninfo), "
                        "host %s port %s\n", PQhost(c->session->pg), PQport(c->session->pg));
    return util_buf_steal(&b);
}
