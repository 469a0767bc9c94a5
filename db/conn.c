/* conn.c — the asynchronous path: queue requests (newest per slot wins), send them alone or as one pipeline, read results, notice a server that stopped answering, reconnect with backoff. */
#include "careline/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/errtext.h"
#include "careline/util.h"
#include "conn_int.h"

static void cancel_superseded(struct db_conn *c);
static bool cancel_delivered(struct db_conn *c);
static void requeue(struct db_conn *c, struct req *r);

void db_conn_req_free(struct req *r)
{
    if (!r)
        return;
    if (r->cleanup)
        r->cleanup(r->ctx);
    for (int k = 0; k < r->nstmts; k++) {
        free(r->stmts[k].sql);
        free(r->stmts[k].name);
        for (int i = 0; i < r->stmts[k].nparams; i++)
            free(r->stmts[k].params[i]);
        free(r->stmts[k].params);
    }
    for (int k = 0; r->res && k < r->nstmts; k++)
        PQclear(r->res[k]);
    free(r->cmds);
    free(r->stmts);
    free(r->res);
    free(r->err);
    free(r->slot);
    free(r);
}

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
        r->done(r->ctx, err ? NULL : r->res[0], err, ms);
        r->cleanup = NULL;   /* done() owned ctx */
    } else if (!r->forgotten && r->batch_done) {
        r->batch_done(r->ctx, (const PGresult *const *)r->res, r->nstmts, err, ms);
        r->cleanup = NULL;
    }
    db_conn_req_free(r);
}

static void copy_stmt(struct stmt *d, const char *sql, int nparams, const char *const *params)
{
    d->sql = util_strdup(sql);
    d->nparams = nparams;
    d->params = util_calloc((size_t)(nparams > 0 ? nparams : 1), sizeof *d->params);
    for (int i = 0; i < nparams; i++)
        d->params[i] = util_strdup(params[i]);
}

struct req *db_conn_new_req(struct db_conn *c, int nstmts)
{
    struct req *r = util_calloc(1, sizeof *r);
    r->id = c->next_id++;
    if (c->next_id == 0)
        c->next_id = 1;
    r->nstmts = nstmts;
    r->stmts = util_calloc((size_t)nstmts, sizeof *r->stmts);
    r->res = util_calloc((size_t)nstmts, sizeof(PGresult *));
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
                db_conn_req_free(old);
                c->stats.dropped++;
            } else {
                pp = &(*pp)->next;
            }
        }
        if (c->inflight && c->inflight->slot && strcmp(c->inflight->slot, r->slot) == 0 &&
            !c->inflight->forgotten) {
            c->inflight->forgotten = true;
            c->stats.dropped++;
            cancel_superseded(c);
        }
    }
    struct req **tail = &c->queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    c->quiet_since = util_now_ms();
    return r->id;
}

unsigned db_send(struct db_conn *c, const struct db_query *q)
{
    struct req *r = db_conn_new_req(c, 1);
    copy_stmt(&r->stmts[0], q->sql, q->nparams, q->params);
    r->stmts[0].name = util_strdup(q->name);
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
    struct req *r = db_conn_new_req(c, b->n);
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
    /* A second listener on a channel the session listens on already needs
     * no LISTEN (the customer view's first open would pay a round trip). */
    bool heard = false;
    for (const struct listener *o = c->listeners; o && !heard; o = o->next)
        heard = strcmp(o->channel, channel) == 0;
    struct listener *l = util_calloc(1, sizeof *l);
    l->channel = util_strdup(channel);
    l->fn = fn;
    l->ctx = ctx;
    l->next = c->listeners;
    c->listeners = l;
    c->relisten = c->relisten || !heard;
}

void db_on_state(struct db_conn *c, void (*fn)(void *ctx, enum db_state s), void *ctx)
{
    c->state_fn = fn;
    c->state_ctx = ctx;
}

/* The connection broke: fail what was in flight, and retry later. */
static void lost(struct db_conn *c, const char *why)
{
    db_conn_set_error(c, why && *why ? why : "connection to the database lost");
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    struct req *r = c->inflight;
    c->inflight = NULL;
    c->want_write = false;
    c->retry_at = util_now_ms() + c->backoff_ms;
    c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    c->stalled_at = 0;
    db_cancel_release(c->cancel);   /* it was for the old session: nothing to wait for */
    c->cancel = NULL;
    db_conn_set_state(c, DB_OFFLINE);
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
    struct req *r = db_conn_new_req(c, 1);
    r->stmts[0].sql = util_buf_steal(&sql);
    r->stmts[0].params = util_calloc(1, sizeof *r->stmts[0].params);
    r->simple = true;
    r->send_at = 0;
    r->next = c->queue;
    c->queue = r;
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
    struct req *r = db_conn_new_req(c, c->nwarm);
    for (int i = 0; i < c->nwarm; i++) {
        copy_stmt(&r->stmts[i], c->warm[i].st.sql, c->warm[i].st.nparams,
                  (const char *const *)c->warm[i].st.params);
        r->stmts[i].name = util_strdup(c->warm[i].name);
    }
    r->batch = true;
    r->warm = true;
    r->send_at = 0;
    r->next = c->queue;
    c->queue = r;
}

/* Everything but LISTEN goes as a pipeline, prepared where it may be
 * (conn_prep.c): one round trip, and the SQL text only once per connection. */
static void send_request(struct db_conn *c, struct req *r, long long now)
{
    bool ok = r->simple ? PQsendQuery(c->pg, r->stmts[0].sql) == 1 : db_conn_send_pipeline(c, r);
    c->inflight = r;
    if (!ok) {
        lost(c, PQerrorMessage(c->pg));
        return;
    }
    r->sent_at = now_exact_ms();
    c->heard_at = now;
    c->stalled_at = 0;
    c->stats.sent++;
    c->want_write = PQflush(c->pg) == 1;
}

static void send_next(struct db_conn *c)
{
    if (c->state != DB_ONLINE || c->inflight || !cancel_delivered(c))
        return;
    relisten(c);
    rewarm(c);
    long long now = util_now_ms();
    struct req **pp = &c->queue;
    while (*pp) {
        struct req *r = *pp;
        if (r->forgotten) {
            *pp = r->next;
            db_conn_req_free(r);
            continue;
        }
        if (r->send_at > now) {
            pp = &r->next;
            continue;
        }
        *pp = r->next;
        r->next = NULL;
        send_request(c, r, now);
        return;
    }
    /* Nothing waits: statements prepared ahead of their first use. */
    struct req *r = db_conn_ahead(c, now);
    if (r)
        send_request(c, r, now);
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
            util_format(msg, sizeof msg, "offline: %s", c->error[0] ? c->error : "not connected");
            finish(r, msg);
        } else {
            pp = &r->next;
        }
    }
}

static void start_reconnect(struct db_conn *c)
{
    c->pg = db_conn_start(c, true);
    if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
        lost(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
        return;
    }
    c->poll = PGRES_POLLING_WRITING;
    c->connect_at = util_now_ms();
    db_conn_set_state(c, DB_CONNECTING);
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
        db_conn_after_connect(c);
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
    /* A cancel on its way holds the queue: look again soon (the thread
     * cannot wake the loop; it is brief and rare). */
    if (!offline && c->cancel && !c->inflight && c->queue)
        due = due < 0 || due > now + 5 ? now + 5 : due;
    long long ahead = offline || c->inflight ? -1 : db_conn_ahead_due(c);
    if (ahead >= 0 && (due < 0 || ahead < due))
        due = ahead;
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
    db_conn_keep_sqlstate(c, res);
}

/* Our own cancel: say what happened, not libpq's words. A cancel we did
 * not mean for this request (it reached the server as the request before
 * ended) is taken back: a slotted request goes once more. */
static bool after_cancel(struct db_conn *c, struct req *r)
{
    if (r->cancelled && r->err) {
        free(r->err);
        r->err = util_strdup("the database did not answer in time; try again");
        return false;
    }
    if (!r->err || r->forgotten || !r->slot || r->retried || strcmp(c->sqlstate, "57014") != 0)
        return false;
    r->retried = true;
    requeue(c, r);
    return true;
}

/* Collect results. Every request but LISTEN is a pipeline: each command's
 * results, a NULL after each, then PIPELINE_SYNC. */
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
            if (r->simple)
                done = true;
            else
                r->cur++;
        } else if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            PQexitPipelineMode(c->pg);
            done = true;
        } else {
            if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED || !db_conn_result_ok(res))
                keep_error(c, r, res);
            if (r->simple) {
                PQclear(r->res[0]);
                r->res[0] = res;
            } else {
                db_conn_take_result(c, r, res);
            }
        }
        if (done) {
            c->inflight = NULL;
            c->stalled_at = 0;
            if (!r->prepare_only)
                c->quiet_since = util_now_ms();
            if (!after_cancel(c, r))
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

/* Ask the server to cancel what it runs, on a thread (cancel.c). Until it
 * has had the request nothing more is sent, or the cancel could land on
 * the next request instead; a cancel that hangs (the server frozen) holds
 * nothing back for more than CANCEL_WAIT_MS, and after_cancel() takes back
 * one that lands late. */
#define CANCEL_WAIT_MS 1000
static void cancel_in_background(struct db_conn *c)
{
    if (c->cancel)
        return;   /* one is on its way: it stops whatever the server runs */
    c->cancel = db_cancel_start(c->pg);
    c->cancel_at = util_now_ms();
    if (c->cancel)
        c->stats.cancels++;
}

static bool cancel_delivered(struct db_conn *c)
{
    if (c->cancel && !db_cancel_done(c->cancel) && util_now_ms() - c->cancel_at < CANCEL_WAIT_MS)
        return false;
    db_cancel_release(c->cancel);
    c->cancel = NULL;
    return true;
}

/* A search superseded while the server still runs it (no answer has come
 * back yet): cancel it, so the newest does not wait for it to finish. Once
 * rows are coming there is nothing left to stop. */
static void cancel_superseded(struct db_conn *c)
{
    if (c->inflight->answered || c->state != DB_ONLINE)
        return;
    c->stats.superseded_cancels++;
    cancel_in_background(c);
}

/* Put a request back at the head of the queue as if never sent. */
static void requeue(struct db_conn *c, struct req *r)
{
    for (int k = 0; r->res && k < r->nstmts; k++) {
        PQclear(r->res[k]);
        r->res[k] = NULL;
    }
    free(r->err);
    r->err = NULL;
    r->cur = 0;
    r->ncmds = 0;
    r->answered = false;
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
            db_conn_req_free(r);
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
            rev = (short)(rev | fds[i].revents);

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
