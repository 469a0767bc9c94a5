/* conn_int.h — what the two halves of the connection (connect.c: connecting and synchronous commands; conn.c: the asynchronous queue) share; nothing outside db/conn*.c and db/connect.c includes it. */
#ifndef CARELINE_DB_CONN_INT_H
#define CARELINE_DB_CONN_INT_H

#include <stdbool.h>

#include "careline/db.h"

struct stmt {
    char *sql;
    int nparams;
    char **params;
    char *name;             /* prepared under this name (given, or made from the text by db_conn_stmt_name) */
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
    bool prepare_only;      /* statements prepared ahead of their first use (db_prepare_ahead) */
    PGresult **res;         /* one per statement, filled as results arrive */
    int *cmds;              /* each command of the pipeline: statement i, or ~i for its prepare */
    int ncmds;
    int cur;                /* command whose results are arriving */
    bool answered;          /* a result came back: the server has run it */
    bool retried;           /* sent again after a cancel that was meant for another */
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
    bool cancelled;         /* we asked the server to cancel it (it stopped answering, or was superseded) */
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
    struct warm *ahead;          /* db_prepare_ahead(): prepared when the connection is quiet */
    int nahead;
    int ahead_next;              /* the next to prepare on this session */
    long long quiet_since;       /* nothing asked or answered since (ms) */
    void (*state_fn)(void *ctx, enum db_state s);
    void *state_ctx;
    struct db_stats stats;
    /* A server that keeps the socket open but stops answering. */
    long long heard_at;          /* last sign of life while a request is out */
    long long stalled_at;        /* when it was found not answering, 0 if answering */
    long long connect_at;        /* when the current (re)connection began */
    /* A cancel on its way for a superseded request: nothing is sent until
     * the server has had it, so it can never hit the request after. */
    struct db_cancel *cancel;
    long long cancel_at;
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

/* connect.c */
void db_conn_set_state(struct db_conn *c, enum db_state s);
void db_conn_set_error(struct db_conn *c, const char *msg);   /* libpq's trailing newline trimmed */
PGconn *db_conn_start(struct db_conn *c, bool async);         /* PQconnectStartParams / PQconnectdbParams */
void db_conn_after_connect(struct db_conn *c);                 /* a new session: online, state callbacks */
void db_conn_keep_sqlstate(struct db_conn *c, const PGresult *r);
bool db_conn_result_ok(const PGresult *r);
/* conn.c */
struct req *db_conn_new_req(struct db_conn *c, int nstmts);
void db_conn_req_free(struct req *r);
/* conn_prep.c: statements prepared once per connection. The one place that
 * decides whether a statement goes prepared, and under which name: NULL
 * when prepared statements are off (db_params.no_prepared) or too many. */
const char *db_conn_stmt_name(struct db_conn *c, struct stmt *s);
bool db_conn_is_prepared(const struct db_conn *c, const char *name);
void db_conn_add_prepared(struct db_conn *c, const char *name);
void db_conn_forget_prepared(struct db_conn *c);   /* a new session has none (and gets db_prepare_ahead's again) */
/* The next statements db_prepare_ahead() asked for, as a request of their
 * own, when the connection has been quiet long enough; else NULL. When
 * that will be (ms), or -1. */
struct req *db_conn_ahead(struct db_conn *c, long long now);
long long db_conn_ahead_due(const struct db_conn *c);
void db_conn_free_ahead(struct db_conn *c);
/* Send a request's statements as one pipeline (each prepared first where
 * it is not yet, all in the same round trip) and its Sync; false when
 * libpq could not queue it. */
bool db_conn_send_pipeline(struct db_conn *c, struct req *r);
/* A result of the request's current command: a statement's kept in r->res,
 * a prepare's checked (a failed one is prepared again next time). */
void db_conn_take_result(struct db_conn *c, struct req *r, PGresult *res);
/* cancel.c: a cancel request sent by a short-lived thread of its own
 * (PQcancel opens a connection and waits), so the loop never blocks. */
struct db_cancel;
struct db_cancel *db_cancel_start(PGconn *pg);   /* NULL when none could be sent */
bool db_cancel_done(const struct db_cancel *k);   /* the server has had it (or it failed) */
void db_cancel_release(struct db_cancel *k);      /* the thread frees it when it is done too */

#endif
