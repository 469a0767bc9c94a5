/* db.h — the one path for every libpq call: connecting, synchronous commands, asynchronous queries, LISTEN/NOTIFY, reconnect. */
#ifndef CARELINE_DB_H
#define CARELINE_DB_H

#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

struct db_conn;

/* What stands between Careline and PostgreSQL (connection.pooler). */
enum db_pooler {
    DB_POOLER_AUTO,          /* find out on every new session (the default) */
    DB_POOLER_NONE,          /* PostgreSQL itself, or a pooler in session mode */
    DB_POOLER_TRANSACTION,   /* a transaction-mode pooler (PgBouncer pool_mode = transaction) */
};

struct db_params {
    const char *conninfo;      /* connection string or URI; NULL/"" = environment */
    const char *service;       /* pg_service.conf name; NULL/"" = none */
    int connect_timeout;       /* seconds */
    int statement_timeout_ms;  /* 0 = server default */
    const char *application_name;
    /* Never name prepared statements (connection.prepared_statements =
     * "no"). Behind a transaction-mode pooler they are unnamed anyway. */
    bool no_prepared;
    /* Behind a transaction-mode pooler nothing is kept in the session
     * (db/connect.c, "what a session may keep"): settings travel with every
     * transaction, statements are unnamed, LISTEN has a connection of its
     * own straight to the server: listen_conninfo, or (NULL/"") the server
     * the pooler says it is connected to. */
    enum db_pooler pooler;
    const char *listen_conninfo;
};

enum db_state { DB_OFFLINE, DB_CONNECTING, DB_ONLINE };

/* Create a handle (no connection yet). Never NULL. */
struct db_conn *db_new(const struct db_params *p);
void db_free(struct db_conn *c);    /* closes; forgotten requests never call back */

/* Connect and wait (command-line commands and start-up). password may be
 * NULL. Returns 0 or -1; then db_error() holds libpq's message and a hint
 * naming what was tried, and db_needs_password() says whether a password
 * would help. */
int db_connect(struct db_conn *c, const char *password);
bool db_needs_password(const struct db_conn *c);
/* Connect without waiting: the event loop (db_pollfds/db_ready) finishes
 * it, and keeps retrying with backoff when it fails. Slotted requests
 * queued meanwhile wait for the connection; others fail as offline.
 * Nothing happens when a connection exists or is being made. */
void db_connect_start(struct db_conn *c);
/* Who and where the last connection attempt was for: "user@host/dbname". */
const char *db_target(const struct db_conn *c);
const char *db_error(const struct db_conn *c);
const char *db_sqlstate(const struct db_conn *c);  /* of the last failed command, "" if none */
enum db_state db_state(const struct db_conn *c);
/* Online and answering: false from the moment a request has had no reply
 * for 4 s (the status text then says "not answering"); such a request is
 * cancelled without blocking, and after 4 s more the connection is made
 * again (the newest slotted request is sent again, others fail). */
bool db_answering(const struct db_conn *c);
/* Human text for the status line: "online", "offline: retrying in 4 s". */
const char *db_state_text(const struct db_conn *c, char *buf, size_t len);
PGconn *db_pg(struct db_conn *c);   /* raw handle, for db/ modules only */
bool db_prepared_ok(const struct db_conn *c);   /* named prepared statements may be used */
/* A transaction-mode pooler is in between (configured, or found out on the
 * current session): nothing may rely on session state. */
bool db_pooled(const struct db_conn *c);
/* A run-time setting every statement of this handle must run under (SET
 * name = value), now and on every later session: a startup option or a SET
 * for a server of its own, sent with every transaction behind a pooler.
 * The connection's own (statement_timeout, jit, the search's trigram
 * threshold) are made by db_new; the time zone by db_session_start. */
void db_setting(struct db_conn *c, const char *name, const char *value);
/* Live notifications (LISTEN) work: online and listening, on this
 * connection or on the session connection a pooler needs. When false and
 * why is not NULL, *why says what is wrong in a sentence. */
bool db_listening(const struct db_conn *c, const char **why);
/* Run the handle's loop until db_listening() (after db_listen), at most
 * timeout_ms; returns db_listening(). For check-connection. */
bool db_listening_wait(struct db_conn *c, int timeout_ms);
/* What stands between this handle and the server and what that means, one
 * "what: how" line each (careline check-connection prints it). Heap text. */
char *db_route_text(const struct db_conn *c);
/* How far a standby this handle reads from is behind its primary, in
 * seconds, as of the last answer (measured with the answers, at most every
 * two seconds); -1 when the server is a primary or nothing is known yet. */
double db_standby_lag(const struct db_conn *c);
/* "" when the data read is fresh (a primary, or a standby less than
 * warn_s seconds behind); else a sentence for the screen, 40 characters at
 * most: "From a standby 12 s behind the primary". */
const char *db_standby_note(const struct db_conn *c, int warn_s, char *buf, size_t len);

/* ---- synchronous (command-line commands, tests) ---------------------- */

/* One parameterised statement. Returns the result (caller PQclear()s) when
 * it succeeded, NULL with db_error()/db_sqlstate() set when not. */
PGresult *db_exec(struct db_conn *c, const char *sql, int nparams, const char *const *params);
/* The same under a prepared statement's name: prepared on this connection
 * the first time (two round trips), then only run. name NULL, or prepared
 * statements off (db_params.no_prepared): db_exec(). */
PGresult *db_exec_named(struct db_conn *c, const char *name, const char *sql, int nparams,
                        const char *const *params);
/* Several statements in one string, sent with the simple query protocol.
 * Only for trusted text (migrations, the seed), never user input.
 * Returns 0 or -1 with db_error() set. */
int db_exec_script(struct db_conn *c, const char *sql);

/* ---- asynchronous (the UI) -------------------------------------------- */

/* Called once per request with the result (owned by the caller of the
 * callback: do not PQclear) or err (res NULL): a lost connection, an SQL
 * error, or "offline". ms is the time from sending the statement to its
 * result (not counting the debounce or time queued). */
typedef void (*db_done_fn)(void *ctx, const PGresult *res, const char *err, double ms);

struct db_query {
    const char *sql;
    int nparams;
    const char *const *params;   /* copied: the caller may free them after db_send */
    /* Requests with the same non-NULL slot replace each other: a newer one
     * drops the queued older one and an in-flight older one's result is
     * discarded (search as you type: the newest keystroke wins). */
    const char *slot;
    int delay_ms;                /* hold this long before sending (debounce) */
    /* Prepared once per connection under this name (the first run prepares
     * it in the same round trip). NULL: a name made from the text; every
     * statement goes prepared unless prepared statements are off. */
    const char *name;
    db_done_fn done;
    void *ctx;
    /* Whose request this is, for db_forget_owner() (a screen closing). */
    const void *owner;
    /* Called instead of done() when the request is dropped (superseded,
     * forgotten, or the handle freed), so ctx can be freed. May be NULL. */
    void (*cleanup)(void *ctx);
};

/* Whenever the connection opens (now, if it is open, and after every
 * reconnect), prepare sql under name and run it once with params, before
 * any other request and in one round trip with the other such statements,
 * so the first real use plans and reads nothing the server has not seen.
 * With prepared statements off it is only run, unnamed. Results are
 * dropped; a failure only means the first real use prepares it. The
 * strings are copied; registering a name twice does nothing. */
void db_warm(struct db_conn *c, const char *name, const char *sql, int nparams, const char *const *params);

/* Prepare sql (with nparams parameters) on every session of c, before its
 * first use: when the connection has been quiet for a moment, a few KB of
 * text at a time, so a request asked meanwhile waits behind little. For
 * statements a screen surely runs soon (the customer view, a contact's
 * save): their first use then sends only parameters, which on a far
 * database is most of the difference. Nothing with prepared statements
 * off; the same text twice is registered once. The text is copied. */
void db_prepare_ahead(struct db_conn *c, const char *sql, int nparams);

/* Queue a request; returns its id (> 0). When offline, done() is called
 * from the next db_ready() with err set. */
unsigned db_send(struct db_conn *c, const struct db_query *q);
/* Several statements in ONE round trip (libpq pipeline mode): a screen's
 * whole data. done gets one result per statement, in order, or err (the
 * first failure; later statements were not run). */
typedef void (*db_batch_fn)(void *ctx, const PGresult *const *res, int n, const char *err, double ms);
struct db_stmt {
    const char *sql;
    int nparams;
    const char *const *params;   /* copied */
};
struct db_batch {
    const struct db_stmt *stmts;
    int n;
    const char *slot;            /* as in db_query */
    int delay_ms;                /* as in db_query: hold this long before sending */
    db_batch_fn done;
    void *ctx;
    const void *owner;
    void (*cleanup)(void *ctx);
};
unsigned db_send_batch(struct db_conn *c, const struct db_batch *b);

/* The request's callback will not be called (screen closed). */
void db_forget(struct db_conn *c, unsigned id);
/* Forget every request of this owner (see db_query.owner). */
void db_forget_owner(struct db_conn *c, const void *owner);
bool db_busy(const struct db_conn *c);   /* requests queued, held or in flight */
/* Run the queue until nothing is in flight (command line, tests): the same
 * asynchronous path as the screens, waited for. Returns 0, or -1 after
 * timeout_ms. */
int db_wait(struct db_conn *c, int timeout_ms);

/* LISTEN on channel; fn gets every notification (also after reconnects). */
void db_listen(struct db_conn *c, const char *channel,
               void (*fn)(void *ctx, const char *channel, const char *payload), void *ctx);
/* A function called whenever the connection state changes. */
void db_on_state(struct db_conn *c, void (*fn)(void *ctx, enum db_state s), void *ctx);

/* Event-loop integration: descriptors to poll, how long until a timer is
 * due (-1: none), and what to do after poll() returned. */
int db_pollfds(struct db_conn *c, struct pollfd *out, int max);
int db_timeout_ms(const struct db_conn *c);
void db_ready(struct db_conn *c, const struct pollfd *fds, int n);

/* Counters for tests and the bench. */
struct db_stats {
    unsigned long sent;        /* statements sent */
    unsigned long dropped;     /* superseded before or after sending */
    unsigned long reconnects;
    unsigned long stalls;      /* requests the server stopped answering */
    unsigned long cancels;     /* cancel requests sent (in the background) */
    unsigned long superseded_cancels;   /* of which for a request superseded while the server ran it */
    unsigned long prepares;    /* statements prepared (once per connection each) */
};
const struct db_stats *db_stats(const struct db_conn *c);

#endif
