/* notify.c — the notification outbox as typed records: the worker's claim and settle, an event's progress, and the agents' call list. */
#include "careline/notify.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* ---- the worker --------------------------------------------------------- */

static const char claim_sql[] =
    "SELECT id, event_id, event_version, channel, address, subject, body, attempts, account_no, customer_name"
    " FROM notify_claim($1, $2::integer)";

static const struct db_col msg_cols[] = {
    DB_COL(DB_TEXT, struct db_notify_msg, id),
    DB_COL(DB_TEXT, struct db_notify_msg, event_id),
    DB_COL(DB_INT, struct db_notify_msg, event_version),
    DB_COL(DB_TEXT, struct db_notify_msg, channel),
    DB_COL(DB_TEXT, struct db_notify_msg, address),
    DB_COL(DB_TEXT, struct db_notify_msg, subject),
    DB_COL(DB_TEXT, struct db_notify_msg, body),
    DB_COL(DB_INT, struct db_notify_msg, attempts),
    DB_COL(DB_TEXT, struct db_notify_msg, account_no),
    DB_COL(DB_TEXT, struct db_notify_msg, customer_name),
};
static const struct db_shape msg_shape = DB_SHAPE("notification claim", struct db_notify_msg, msg_cols);

/* The database's sentence, first line only. */
static void db_fail(struct db_conn *c, char *err, size_t len)
{
    const char *e = db_error(c);
    util_format(err, len, "%.*s", (int)strcspn(e, "\n"), e);
}

/* One synchronous statement decoded; -1 with err on any failure. */
static int run_rows(struct db_conn *c, const char *name, const char *sql, int n, const char *const *params,
                    const struct db_shape *shape, struct db_rows *rows, char *err, size_t len)
{
    PGresult *r = db_exec_named(c, name, sql, n, params);
    if (!r) {
        db_fail(c, err, len);
        return -1;
    }
    int rc = db_rows_decode(rows, shape, r, err, len);
    PQclear(r);
    return rc;
}

int db_notify_claim(struct db_conn *c, const char *worker, int limit, struct db_rows *rows, char *err, size_t len)
{
    char lim[16];
    util_format(lim, sizeof lim, "%d", limit);
    const char *p[2] = {worker, lim};
    return run_rows(c, "notify_claim", claim_sql, 2, p, &msg_shape, rows, err, len);
}

static const char settle_sql[] =
    "SELECT notify_settle($1::uuid, $2, $3, $4, $5::integer) AS settled";

struct settled {
    bool settled;
};
static const struct db_col settled_cols[] = {DB_COL(DB_BOOL, struct settled, settled)};
static const struct db_shape settled_shape = DB_SHAPE("notification settle", struct settled, settled_cols);

int db_notify_settle(struct db_conn *c, const char *id, const char *worker, enum notify_outcome outcome,
                     bool released, const char *detail, int retry_seconds, char *err, size_t len)
{
    char secs[16];
    util_format(secs, sizeof secs, "%d", retry_seconds);
    const char *p[5] = {id, worker, released ? "released" : notify_text_outcome_name(outcome),
                        detail ? detail : "", secs};
    struct db_rows rows = {0};
    if (run_rows(c, "notify_settle", settle_sql, 5, p, &settled_shape, &rows, err, len) < 0)
        return -1;
    int rc = rows.n == 1 && DB_ROW(&rows, struct settled, 0)->settled ? 1 : 0;
    db_rows_free(&rows);
    return rc;
}

/* A single number from a one-row statement; NAN-free: NULL gives missing. */
struct number {
    double value;
    bool missing;
};
static const struct db_col number_cols[] = {DB_COL_NULL(DB_REAL, struct number, value, missing)};
static const struct db_shape number_shape = DB_SHAPE("notification count", struct number, number_cols);

static int run_number(struct db_conn *c, const char *sql, int n, const char *const *params, struct number *out,
                      char *err, size_t len)
{
    struct db_rows rows = {0};
    if (run_rows(c, NULL, sql, n, params, &number_shape, &rows, err, len) < 0)
        return -1;
    if (rows.n != 1) {
        db_rows_free(&rows);
        util_format(err, len, "the database gave no answer");
        return -1;
    }
    *out = *DB_ROW(&rows, struct number, 0);
    db_rows_free(&rows);
    return 0;
}

int db_notify_reclaim(struct db_conn *c, int lease_seconds, char *err, size_t len)
{
    char lease[16];
    util_format(lease, sizeof lease, "%d", lease_seconds);
    const char *p[1] = {lease};
    struct number v;
    if (run_number(c, "SELECT notify_reclaim($1::integer) AS value", 1, p, &v, err, len) < 0)
        return -1;
    return (int)v.value;
}

double db_notify_next_due(struct db_conn *c, char *err, size_t len)
{
    /* The claim's own index: the earliest of either priority. */
    struct number v;
    if (run_number(c,
                   "SELECT greatest(extract(epoch FROM min(next_attempt_at) - clock_timestamp()), 0) AS value"
                   " FROM (SELECT min(next_attempt_at) AS next_attempt_at FROM notify_message"
                   "  WHERE status = 'queued' AND channel <> 'call' GROUP BY priority) x",
                   0, NULL, &v, err, len) < 0)
        return -2;
    return v.missing ? -1 : v.value;
}

struct waiting {
    int64_t queued, sending;
};
static const struct db_col waiting_cols[] = {
    DB_COL(DB_INT64, struct waiting, queued),
    DB_COL(DB_INT64, struct waiting, sending),
};
static const struct db_shape waiting_shape = DB_SHAPE("notification queue", struct waiting, waiting_cols);

int db_notify_waiting(struct db_conn *c, long long *queued, long long *sending, char *err, size_t len)
{
    static const char sql[] =
        "SELECT count(*) FILTER (WHERE status = 'queued') AS queued, count(*) FILTER (WHERE status = 'sending') AS sending"
        " FROM notify_message WHERE status IN ('queued', 'sending') AND channel <> 'call'";
    struct db_rows rows = {0};
    if (run_rows(c, NULL, sql, 0, NULL, &waiting_shape, &rows, err, len) < 0)
        return -1;
    *queued = rows.n ? DB_ROW(&rows, struct waiting, 0)->queued : 0;
    *sending = rows.n ? DB_ROW(&rows, struct waiting, 0)->sending : 0;
    db_rows_free(&rows);
    return 0;
}

int db_notify_listen(struct db_conn *c, char *err, size_t len)
{
    PGresult *r = db_exec(c, "LISTEN careline_notify", 0, NULL);
    if (!r) {
        db_fail(c, err, len);
        return -1;
    }
    PQclear(r);
    return 0;
}

int db_notify_wait(struct db_conn *c, int timeout_ms)
{
    PGconn *pg = db_pg(c);
    int got = 0;
    PGnotify *n;
    if (!pg || PQstatus(pg) != CONNECTION_OK)
        return -1;
    /* Notifications that came with an earlier result first. */
    PQconsumeInput(pg);
    while ((n = PQnotifies(pg))) {
        got = 1;
        PQfreemem(n);
    }
    if (got)
        return 1;
    struct pollfd pfd = {.fd = PQsocket(pg), .events = POLLIN};
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc < 0)
        return errno == EINTR ? 0 : -1;
    if (rc == 0)
        return 0;
    if (!PQconsumeInput(pg))
        return -1;
    while ((n = PQnotifies(pg))) {
        got = 1;
        PQfreemem(n);
    }
    return got;
}

/* ---- progress ----------------------------------------------------------- */

static const char progress_sql[] =
    "SELECT coalesce(event_version, 0) AS event_version, coalesce(total, 0) AS total,"
    " coalesce(queued, 0) AS queued, coalesce(sending, 0) AS sending, coalesce(sent, 0) AS sent,"
    " coalesce(failed, 0) AS failed, coalesce(to_call, 0) AS to_call, coalesce(called, 0) AS called,"
    " next_attempt_epoch::bigint AS next_attempt"
    " FROM notify_progress($1::uuid)";

static const struct db_col progress_cols[] = {
    DB_COL(DB_INT, struct db_notify_progress, event_version),
    DB_COL(DB_INT64, struct db_notify_progress, total),
    DB_COL(DB_INT64, struct db_notify_progress, queued),
    DB_COL(DB_INT64, struct db_notify_progress, sending),
    DB_COL(DB_INT64, struct db_notify_progress, sent),
    DB_COL(DB_INT64, struct db_notify_progress, failed),
    DB_COL(DB_INT64, struct db_notify_progress, to_call),
    DB_COL(DB_INT64, struct db_notify_progress, called),
    DB_COL_NULL(DB_EPOCH, struct db_notify_progress, next_attempt, no_next),
};
static const struct db_shape progress_shape = DB_SHAPE("notification progress", struct db_notify_progress,
                                                       progress_cols);

const char *db_notify_progress_sql(void) { return progress_sql; }
const struct db_shape *db_notify_progress_shape(void) { return &progress_shape; }

/* No row (no message ever queued for the event) is version 0, all zero. */
static void progress_from(const struct db_rows *rows, struct db_notify_progress *p)
{
    memset(p, 0, sizeof *p);
    p->no_next = true;
    if (rows->n == 1)
        *p = *DB_ROW(rows, const struct db_notify_progress, 0);
}

struct progress_pending {
    void (*done)(void *ctx, const struct db_notify_progress *p, const char *err);
    void *ctx;
};

static void on_progress(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct progress_pending pp = *(struct progress_pending *)arg;
    free(arg);
    struct db_rows rows = {0};
    struct db_notify_progress p;
    char why[256];
    if (!err && db_rows_decode(&rows, &progress_shape, res, why, sizeof why) < 0)
        err = why;
    progress_from(&rows, &p);
    pp.done(pp.ctx, err ? NULL : &p, err);
    db_rows_free(&rows);
}

unsigned db_notify_progress(struct db_conn *c, const char *event_id,
                            void (*done)(void *ctx, const struct db_notify_progress *p, const char *err), void *ctx)
{
    struct progress_pending *pp = util_calloc(1, sizeof *pp);
    pp->done = done;
    pp->ctx = ctx;
    const char *params[1] = {event_id};
    struct db_query q = {.sql = progress_sql, .nparams = 1, .params = params, .name = "notify_progress",
                         .done = on_progress, .ctx = pp, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

int db_notify_progress_sync(struct db_conn *c, const char *event_id, struct db_notify_progress *p, char *err,
                            size_t len)
{
    const char *params[1] = {event_id};
    struct db_rows rows = {0};
    if (run_rows(c, NULL, progress_sql, 1, params, &progress_shape, &rows, err, len) < 0)
        return -1;
    progress_from(&rows, p);
    db_rows_free(&rows);
    return 0;
}

/* ---- the call list -------------------------------------------------------- */

/* Due now: open, not waiting out a no-answer. The agent sees who holds a
 * call; a take older than notify_call_take_minutes has lapsed. */
static const char calls_sql[] =
    "WITH me AS (SELECT current_staff_id() AS id,"
    "  make_interval(mins => (SELECT value::int FROM app_setting WHERE key = 'notify_call_take_minutes')) AS lapse)"
    " SELECT k.id, k.version, c.id AS customer_id, c.name AS customer, c.account_no,"
    "  coalesce(c.phone_e164, '') AS phone,"
    "  concat_ws(', ', CASE WHEN c.vulnerable"   /* only they have details to read (and audit) */
    "   THEN nullif(array_to_string(customer_vulnerability(c.id, 'call list'), ', '), '') END,"
    "   CASE WHEN c.priority_services THEN 'priority services' END) AS flags,"
    "  k.priority = 0 AS priority, k.reason, coalesce(k.detail, '') AS detail, e.title AS event_title,"
    "  m.subject, m.body AS message,"
    "  to_char(k.created_at, CASE WHEN k.created_at::date = current_date THEN 'HH24:MI' ELSE 'DD Mon' END)"
    "   AS queued_text, k.no_answers,"
    "  coalesce(s.display_name, '') AS taken_by,"
    "  k.taken_by IS NOT NULL AND k.taken_by = me.id AS taken_by_me,"
    "  k.taken_by IS NOT NULL AND k.taken_by IS DISTINCT FROM me.id AND k.taken_at > now() - me.lapse"
    "   AS taken_by_other"
    " FROM notify_call k CROSS JOIN me"
    " JOIN notify_message m ON m.id = k.message_id JOIN customer c ON c.id = k.customer_id"
    " JOIN critical_event e ON e.id = k.event_id LEFT JOIN staff s ON s.id = k.taken_by"
    " WHERE k.status = 'open' AND (k.retry_at IS NULL OR k.retry_at <= now())"
    " ORDER BY k.priority, k.no_answers, k.created_at, k.id LIMIT 500";

static const char calls_count_sql[] =
    "SELECT count(*) FILTER (WHERE retry_at IS NULL OR retry_at <= now()) AS due,"
    " count(*) FILTER (WHERE retry_at > now()) AS later FROM notify_call WHERE status = 'open'";

static const struct db_col call_cols[] = {
    DB_COL(DB_TEXT, struct db_notify_call, id),
    DB_COL(DB_INT, struct db_notify_call, version),
    DB_COL(DB_INT64, struct db_notify_call, customer_id),
    DB_COL(DB_TEXT, struct db_notify_call, customer),
    DB_COL(DB_TEXT, struct db_notify_call, account_no),
    DB_COL(DB_TEXT, struct db_notify_call, phone),
    DB_COL(DB_TEXT, struct db_notify_call, flags),
    DB_COL(DB_BOOL, struct db_notify_call, priority),
    DB_COL(DB_TEXT, struct db_notify_call, reason),
    DB_COL(DB_TEXT, struct db_notify_call, detail),
    DB_COL(DB_TEXT, struct db_notify_call, event_title),
    DB_COL(DB_TEXT, struct db_notify_call, subject),
    DB_COL(DB_TEXT, struct db_notify_call, message),
    DB_COL(DB_TEXT, struct db_notify_call, queued_text),
    DB_COL(DB_INT, struct db_notify_call, no_answers),
    DB_COL(DB_TEXT, struct db_notify_call, taken_by),
    DB_COL(DB_BOOL, struct db_notify_call, taken_by_me),
    DB_COL(DB_BOOL, struct db_notify_call, taken_by_other),
};
static const struct db_shape call_shape = DB_SHAPE("call list", struct db_notify_call, call_cols);

struct call_counts {
    int64_t due, later;
};
static const struct db_col call_count_cols[] = {
    DB_COL(DB_INT64, struct call_counts, due),
    DB_COL(DB_INT64, struct call_counts, later),
};
static const struct db_shape call_count_shape = DB_SHAPE("call list counts", struct call_counts, call_count_cols);

struct calls_pending {
    db_notify_calls_fn done;
    void *ctx;
};

static void on_calls(void *arg, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct calls_pending cp = *(struct calls_pending *)arg;
    free(arg);
    struct db_rows rows = {.shape = &call_shape}, counts = {0};
    struct db_rows *const out[2] = {&rows, &counts};
    static const struct db_shape *const shapes[2] = {&call_shape, &call_count_shape};
    char why[256];
    if (!err && db_parts_decode(out, shapes, 2, res, n, why, sizeof why) < 0)
        err = why;
    long long due = 0, later = 0;
    if (!err && counts.n == 1) {
        due = DB_ROW(&counts, struct call_counts, 0)->due;
        later = DB_ROW(&counts, struct call_counts, 0)->later;
    }
    cp.done(cp.ctx, &rows, due, later, err);
    db_rows_free(&rows);
    db_rows_free(&counts);
}

unsigned db_notify_calls_load(struct db_conn *c, db_notify_calls_fn done, void *ctx)
{
    struct calls_pending *cp = util_calloc(1, sizeof *cp);
    cp->done = done;
    cp->ctx = ctx;
    static const struct db_stmt stmts[2] = {{calls_sql, 0, NULL}, {calls_count_sql, 0, NULL}};
    struct db_batch b = {.stmts = stmts, .n = 2, .slot = "notify_calls", .done = on_calls, .ctx = cp,
                         .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

static const char take_sql[] = "SELECT coalesce(notify_call_take($1::uuid, $2::integer), 0) AS version";

struct taken {
    int version;
};
static const struct db_col taken_cols[] = {DB_COL(DB_INT, struct taken, version)};
static const struct db_shape taken_shape = DB_SHAPE("call take", struct taken, taken_cols);

static const char record_sql[] =
    "SELECT notify_call_record($1::uuid, $2::integer, $3, $4, $5::uuid) AS result";

struct recorded {
    char *result;
};
static const struct db_col recorded_cols[] = {DB_COL(DB_TEXT, struct recorded, result)};
static const struct db_shape recorded_shape = DB_SHAPE("call record", struct recorded, recorded_cols);

/* Either callback, by kind; the ctx may be freed by it. */
struct call_pending {
    void (*take_done)(void *ctx, int version, const char *err);
    void (*record_done)(void *ctx, const char *result, const char *err);
    void *ctx;
};

static void on_call_write(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct call_pending cp = *(struct call_pending *)arg;
    free(arg);
    struct db_rows rows = {0};
    char why[256];
    const struct db_shape *shape = cp.take_done ? &taken_shape : &recorded_shape;
    if (!err && db_rows_decode(&rows, shape, res, why, sizeof why) < 0)
        err = why;
    else if (!err && rows.n != 1)
        err = "the database did not answer about the call";
    if (cp.take_done)
        cp.take_done(cp.ctx, err ? 0 : DB_ROW(&rows, struct taken, 0)->version, err);
    else
        cp.record_done(cp.ctx, err ? NULL : DB_ROW(&rows, struct recorded, 0)->result, err);
    db_rows_free(&rows);
}

static unsigned call_write(struct db_conn *c, const char *sql, int n, const char *const *params,
                           struct call_pending *cp)
{
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .done = on_call_write, .ctx = cp,
                         .owner = cp->ctx, .cleanup = free};
    return db_send(c, &q);
}

unsigned db_notify_call_take(struct db_conn *c, const char *id, int version,
                             void (*done)(void *ctx, int version, const char *err), void *ctx)
{
    char v[16];
    util_format(v, sizeof v, "%d", version);
    const char *params[2] = {id, v};
    struct call_pending *cp = util_calloc(1, sizeof *cp);
    cp->take_done = done;
    cp->ctx = ctx;
    return call_write(c, take_sql, 2, params, cp);
}

const char *db_notify_call_outcome_name(enum db_notify_call_outcome o)
{
    switch (o) {
    case DB_CALL_REACHED: return "reached";
    case DB_CALL_NO_ANSWER: return "no_answer";
    case DB_CALL_LEFT_MESSAGE: return "left_message";
    }
    return "reached";
}

unsigned db_notify_call_record(struct db_conn *c, const char *id, int version, enum db_notify_call_outcome o,
                               const char *note, const char *contact_id,
                               void (*done)(void *ctx, const char *result, const char *err), void *ctx)
{
    char v[16];
    util_format(v, sizeof v, "%d", version);
    const char *params[5] = {id, v, db_notify_call_outcome_name(o), note ? note : "", contact_id};
    struct call_pending *cp = util_calloc(1, sizeof *cp);
    cp->record_done = done;
    cp->ctx = ctx;
    return call_write(c, record_sql, 5, params, cp);
}

/* ---- statements checked against the schema -------------------------------- */

/* tests/db/test_statements.sh declares an event with a customer message
 * first, so the outbox and the call list have rows. */
static const char *const claim_check[] = {"statement-check", "1"};
static const char *const settle_check[] = {"00000000-0000-4000-8000-000000000000", "statement-check", "sent", "",
                                           "0"};
static const char *const event_check[] = {"00000000-0000-4000-8000-000000000000"};
static const struct db_statement statements[] = {
    {claim_sql, 2, claim_check, &msg_shape, true},
    {settle_sql, 5, settle_check, &settled_shape, true},
    {progress_sql, 1, event_check, &progress_shape, false},
    {calls_sql, 0, NULL, &call_shape, false},
    {calls_count_sql, 0, NULL, &call_count_shape, false},
};

const struct db_statement *db_notify_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
