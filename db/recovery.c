/* recovery.c — goodwill credits, approvals and follow-ups: small idempotent writes the database polices. */
#include "careline/recovery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* What a request's answer goes to: one of the callbacks, by kind. */
struct pending {
    db_recovery_rows_fn rows_done;
    void (*versioned_done)(void *ctx, bool conflict, const char *err);
    void (*plain_done)(void *ctx, const char *err);
    const struct db_shape *shape;   /* rows_done: the record the rows decode into */
    void *ctx;
};

static struct pending *pending(void *ctx)
{
    struct pending *p = util_calloc(1, sizeof *p);
    p->ctx = ctx;
    return p;
}

/* The offer's answer: the credit's status, read by name like every row. */
struct credit_status {
    char *status;
};
static const struct db_col credit_status_cols[] = {
    DB_COL(DB_TEXT, struct credit_status, status),
};
static const struct db_shape credit_status_shape = DB_SHAPE("goodwill credit", struct credit_status,
                                                            credit_status_cols);

/* A decode failure reaches the screen as the decoder's sentence, never as
 * rows shifted into the wrong fields. */
static void rows_result(const struct pending *p, const PGresult *res, const char *err)
{
    struct db_rows rows = {.shape = p->shape};
    char why[256];
    if (!err && db_rows_decode(&rows, p->shape, res, why, sizeof why) < 0)
        err = why;
    p->rows_done(p->ctx, &rows, err);
    db_rows_free(&rows);
}

/* Callers' ctx may be freed by their callback (a screen closing): copy
 * what is needed first, free ours, then call. */
static void on_result(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    if (p.rows_done)
        rows_result(&p, res, err);
    else if (p.versioned_done)
        p.versioned_done(p.ctx, !err && PQntuples(res) == 0, err);
    else if (p.plain_done)
        p.plain_done(p.ctx, err);
}

static unsigned send(struct db_conn *c, const char *sql, int n, const char *const *params, struct pending *p,
                     const void *owner)
{
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .done = on_result, .ctx = p, .owner = owner,
                         .cleanup = free};
    return db_send(c, &q);
}

static const char offer_sql[] =
    "WITH ins AS (INSERT INTO goodwill_credit (id, customer_id, complaint_id, amount, reason)"
    " VALUES ($1::uuid, $2::bigint, nullif($3, '')::uuid, $4::numeric, $5)"
    " ON CONFLICT (id) DO NOTHING RETURNING status)"
    " SELECT status FROM ins UNION ALL SELECT status FROM goodwill_credit WHERE id = $1::uuid LIMIT 1";

const struct db_outbox_kind db_credit_outbox = {
    .kind = "credit",
    .what = "goodwill credit",
    .answer = "status",
    .nstmts = 1,
    .stmts = {{offer_sql, {"id", "customer_id", "complaint_id", "amount", "reason", NULL}, NULL}},
};

unsigned db_credit_offer(struct db_conn *c, const char *dir, const struct db_credit_draft *d,
                         const struct db_outbox_reply *r, char *err, size_t errlen)
{
    char cust[24];
    util_format(cust, sizeof cust, "%lld", d->customer_id);
    const struct journal_field f[] = {
        {"customer_id", cust},
        {"customer", d->customer ? d->customer : ""},
        {"complaint_id", d->complaint_id ? d->complaint_id : ""},
        {"reference", d->reference ? d->reference : ""},
        {"amount", d->amount},
        {"reason", d->reason},
    };
    struct db_outbox_write w = {&db_credit_outbox, d->id, f, (int)(sizeof f / sizeof f[0]), dir};
    return db_outbox_send(c, &w, r, err, errlen);
}

static const char approvals_sql[] =
    "SELECT g.id, to_char(g.requested_at, 'DD Mon HH24:MI') AS requested_text,"
    " coalesce(s.display_name, '') AS agent, c.name AS customer, g.amount, g.reason,"
    " coalesce(k.reference, '') AS complaint_ref, g.version,"
    " g.requested_by IS NOT DISTINCT FROM current_staff_id() AS mine,"
    /* The trigger's rules (004): staff who are not the requester, approving
     * only up to their own per-credit limit; and the grant (006):
     * supervisors only. */
    " me.super AND (current_staff_id() IS NOT NULL OR me.root) AND g.requested_by IS DISTINCT FROM current_staff_id()"
    "  AND g.amount <= coalesce((SELECT l.per_credit FROM authority_limit l JOIN staff s ON s.group_role = l.group_role"
    "   WHERE s.id = current_staff_id()), CASE WHEN me.root THEN g.amount END) AS may_approve,"
    " me.super AND (current_staff_id() IS NOT NULL OR me.root) AND g.requested_by IS DISTINCT FROM current_staff_id()"
    "  AS may_reject"
    " FROM goodwill_credit g JOIN customer c ON c.id = g.customer_id"
    " CROSS JOIN (SELECT pg_has_role('careline_supervisor', 'member') AS super,"
    "   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS root) me"
    " LEFT JOIN staff s ON s.id = g.requested_by LEFT JOIN complaint k ON k.id = g.complaint_id"
    " WHERE g.status = 'pending' ORDER BY g.requested_at, g.id LIMIT 500";

/* may_approve is NULL when the supervisor has no limit of their own: not
 * offered, as before. */
static const struct db_col approval_cols[] = {
    DB_COL(DB_TEXT, struct db_approval, id),
    DB_COL(DB_TEXT, struct db_approval, requested_text),
    DB_COL(DB_TEXT, struct db_approval, agent),
    DB_COL(DB_TEXT, struct db_approval, customer),
    DB_COL(DB_MONEY, struct db_approval, amount),
    DB_COL(DB_TEXT, struct db_approval, reason),
    DB_COL(DB_TEXT, struct db_approval, complaint_ref),
    DB_COL(DB_INT, struct db_approval, version),
    DB_COL(DB_BOOL, struct db_approval, mine),
    DB_COL(DB_BOOL, struct db_approval, may_approve),
    DB_COL(DB_BOOL, struct db_approval, may_reject),
};
static const struct db_shape approval_shape = DB_SHAPE("approval queue", struct db_approval, approval_cols);

unsigned db_approvals_load(struct db_conn *c, db_recovery_rows_fn done, void *ctx)
{
    struct pending *p = pending(ctx);
    p->rows_done = done;
    p->shape = &approval_shape;
    return send(c, approvals_sql, 0, NULL, p, ctx);
}

static const char decide_sql[] =
    "UPDATE goodwill_credit SET status = CASE WHEN $3::boolean THEN 'approved' ELSE 'rejected' END,"
    " decision_note = nullif($4, '') WHERE id = $1::uuid AND version = $2::integer AND status = 'pending'"
    " RETURNING status";

unsigned db_credit_decide(struct db_conn *c, const char *id, int version, bool approve, const char *note,
                          void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char v[16];
    util_format(v, sizeof v, "%d", version);
    const char *params[4] = {id, v, approve ? "true" : "false", note ? note : ""};
    struct pending *p = pending(ctx);
    p->versioned_done = done;
    return send(c, decide_sql, 4, params, p, ctx);
}

/* The follow-up goes to the complaint's owner, else the agent booking it. */
static const char follow_up_sql[] =
    "INSERT INTO follow_up (id, complaint_id, customer_id, due_on, channel, what_to_confirm, owner_staff_id, team)"
    " SELECT $1::uuid, k.id, k.customer_id, current_date + $3::integer, $4, $5,"
    "  coalesce(k.owner_staff_id, current_staff_id()), k.team FROM complaint k WHERE k.id = $2::uuid"
    " ON CONFLICT (id) DO NOTHING";

unsigned db_follow_up_add(struct db_conn *c, const char *id, const char *complaint_id, int in_days,
                          const char *channel, const char *what, void (*done)(void *ctx, const char *err),
                          void *ctx)
{
    char days[16];
    util_format(days, sizeof days, "%d", in_days);
    const char *params[5] = {id, complaint_id, days, channel, what};
    struct pending *p = pending(ctx);
    p->plain_done = done;
    return send(c, follow_up_sql, 5, params, p, ctx);
}

static const char due_sql[] =
    "SELECT f.id, current_date - f.due_on AS overdue_days, c.name AS customer,"
    " coalesce(c.phone_e164, '') AS phone, f.channel, f.what_to_confirm AS what,"
    " coalesce(k.reference, '') AS reference, coalesce(s.display_name, f.team, '') AS owner, f.version"
    " FROM follow_up f JOIN customer c ON c.id = f.customer_id LEFT JOIN complaint k ON k.id = f.complaint_id"
    " LEFT JOIN staff s ON s.id = f.owner_staff_id"
    " WHERE f.status = 'open' AND (f.due_on <= current_date) = NOT $2::boolean"
    "  AND (NOT $1::boolean OR f.owner_staff_id = current_staff_id())"
    " ORDER BY f.due_on, f.created_at LIMIT 500";

static const struct db_col follow_up_cols[] = {
    DB_COL(DB_TEXT, struct db_follow_up, id),
    DB_COL(DB_INT, struct db_follow_up, overdue_days),
    DB_COL(DB_TEXT, struct db_follow_up, customer),
    DB_COL(DB_TEXT, struct db_follow_up, phone),
    DB_COL(DB_TEXT, struct db_follow_up, channel),
    DB_COL(DB_TEXT, struct db_follow_up, what),
    DB_COL(DB_TEXT, struct db_follow_up, reference),
    DB_COL(DB_TEXT, struct db_follow_up, owner),
    DB_COL(DB_INT, struct db_follow_up, version),
};
static const struct db_shape follow_up_shape = DB_SHAPE("follow-ups", struct db_follow_up, follow_up_cols);

unsigned db_follow_ups_due(struct db_conn *c, bool mine, bool upcoming, db_recovery_rows_fn done, void *ctx)
{
    const char *params[2] = {mine ? "true" : "false", upcoming ? "true" : "false"};
    struct pending *p = pending(ctx);
    p->rows_done = done;
    p->shape = &follow_up_shape;
    return send(c, due_sql, 2, params, p, ctx);
}

static const char complete_sql[] =
    "UPDATE follow_up SET status = 'done', customer_confirmed = $3::boolean, outcome = $4, done_at = now()"
    " WHERE id = $1::uuid AND version = $2::integer AND status = 'open' RETURNING version";

unsigned db_follow_up_complete(struct db_conn *c, const char *id, int version, bool confirmed, const char *outcome,
                               void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char v[16];
    util_format(v, sizeof v, "%d", version);
    const char *params[4] = {id, v, confirmed ? "true" : "false", outcome};
    struct pending *p = pending(ctx);
    p->versioned_done = done;
    return send(c, complete_sql, 4, params, p, ctx);
}

/* ---- notices ---------------------------------------------------------------- */

/* The value of key in a flat JSON object of strings, numbers and nulls (what
 * json_build_object makes), unquoted into out. False when it is not there
 * or the text is not such an object. Escapes in strings are kept as they
 * are: the values read here never have them. */
static bool json_value(const char *json, const char *key, char *out, size_t len)
{
    const char *p = json;
    while (*p == ' ' || *p == '\n' || *p == '\t')
        p++;
    if (*p++ != '{')
        return false;
    for (;;) {
        while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t')
            p++;
        if (*p != '"')
            return false;
        const char *k = ++p;
        while (*p && *p != '"')
            p += *p == '\\' && p[1] ? 2 : 1;
        if (!*p)
            return false;
        size_t klen = (size_t)(p++ - k);
        while (*p == ' ')
            p++;
        if (*p++ != ':')
            return false;
        while (*p == ' ')
            p++;
        bool quoted = *p == '"';
        const char *v = p + quoted;
        p = v;
        while (*p && (quoted ? *p != '"' : (*p != ',' && *p != '}' && *p != ' ')))
            p += quoted && *p == '\\' && p[1] ? 2 : 1;
        if (quoted && !*p)
            return false;
        if (klen == strlen(key) && strncmp(k, key, klen) == 0) {
            util_format(out, len, "%.*s", (int)(p - v), v);
            return true;
        }
        p += quoted;
    }
}

const char *db_approval_notice(const char *payload, long long staff_id, bool *warn)
{
    char who[32], status[32];
    *warn = false;
    if (!payload || staff_id <= 0 || !json_value(payload, "requested_by", who, sizeof who) ||
        !json_value(payload, "status", status, sizeof status))
        return NULL;
    int64_t id;
    if (util_parse_int64(who, &id) < 0 || id != staff_id)
        return NULL;
    if (strcmp(status, "approved") == 0)
        return "A supervisor approved your goodwill credit.";
    if (strcmp(status, "rejected") == 0) {
        *warn = true;
        return "A supervisor rejected your goodwill credit (see the complaint's history).";
    }
    return NULL;   /* pending or applied: nothing was decided for them */
}

/* The offer runs on the first demo customer under a fixed id, inside the
 * test's rolled-back transaction; the follow-ups with "false, false": not
 * only mine, due now (the demo data has both kinds). */
static const char *const offer_check_params[] = {"00000000-0000-4000-8000-00000000c4ec", "1", "", "1.00",
                                                 "statement check"};
static const char *const due_check_params[] = {"false", "false"};
static const struct db_statement statements[] = {
    {offer_sql, 5, offer_check_params, &credit_status_shape, true},
    {approvals_sql, 0, NULL, &approval_shape, false},
    {due_sql, 2, due_check_params, &follow_up_shape, false},
};

const struct db_statement *db_recovery_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
