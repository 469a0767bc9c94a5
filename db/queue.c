/* queue.c — the queue's statements: open complaints of a scope and filter by time left, who is looking, what to filter by, and take/assign/escalate. */
#include "careline/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* ---- statements ------------------------------------------------------------ */

static const char me_sql[] =
    "SELECT coalesce(current_staff_id(), 0) AS staff_id,"
    " coalesce((SELECT display_name FROM staff WHERE id = current_staff_id()), current_user) AS name,"
    " coalesce((SELECT group_role FROM staff WHERE id = current_staff_id()),"
    "  CASE WHEN pg_has_role('careline_supervisor', 'member') THEN 'supervisor' ELSE 'agent' END) AS role,"
    " array_to_string(queue_teams(), ', ') AS teams";

/* $1 mine, $2 team ("" the person's teams and no team, "*" all, "-" none),
 * $3 owner ("" any, "-" nobody, else id), $4 category (and below), $5
 * status, $6 channel, $7 event, $8 limit; fetching rows again adds $9, the
 * ids (a plain condition, so the prepared plan looks them up by key). The
 * deadline is the next one not met; its time left is frozen while the
 * clock is paused. The order is db_queue_compare()'s. */
#define ROWS_SQL(only) \
    "WITH RECURSIVE sub(id) AS (" \
    "  SELECT id FROM complaint_category WHERE $4::text <> '' AND id = nullif($4::text, '')::integer" \
    "  UNION ALL SELECT c.id FROM complaint_category c JOIN sub ON c.parent_id = sub.id)," \
    " mine AS (SELECT queue_teams() AS teams, current_staff_id() AS me)" \
    " SELECT k.id AS id, k.reference AS reference, k.version AS version, c.name AS customer," \
    " c.account_no AS account_no, coalesce(p.name || ' / ', '') || cat.name AS category, k.status AS status," \
    " k.channel AS channel, k.severity AS severity, coalesce(s.display_name, '') AS owner," \
    " coalesce(k.owner_staff_id, 0) AS owner_id, coalesce(k.team, '') AS team, coalesce(e.title, '') AS event," \
    " coalesce(d.kind, '') AS deadline, coalesce(to_char(d.due, 'Dy DD Mon HH24:MI'), '') AS due_text," \
    " extract(epoch FROM d.due) AS due_epoch," \
    " coalesce(extract(epoch FROM d.due - coalesce(k.paused_since, now()))::bigint, 0) AS left_s," \
    " coalesce(extract(epoch FROM d.due - k.opened_at)::bigint - k.paused_seconds, 0) AS window_s," \
    " k.paused_since IS NOT NULL AS paused, to_char(k.opened_at, 'DD Mon HH24:MI') AS opened," \
    " count(*) OVER () AS total, extract(epoch FROM now()) AS now_epoch" \
    " FROM complaint k CROSS JOIN mine m JOIN customer c ON c.id = k.customer_id" \
    " JOIN complaint_category cat ON cat.id = k.category_id LEFT JOIN complaint_category p ON p.id = cat.parent_id" \
    " LEFT JOIN staff s ON s.id = k.owner_staff_id LEFT JOIN critical_event e ON e.id = k.critical_event_id" \
    " LEFT JOIN LATERAL (SELECT x.kind, x.due FROM (VALUES" \
    "   ('acknowledge', CASE WHEN k.acknowledged_at IS NULL THEN k.ack_due_at END)," \
    "   ('first reply', CASE WHEN k.first_response_at IS NULL THEN k.response_due_at END)," \
    "   ('resolution', k.resolution_due_at)) x(kind, due)" \
    "  WHERE x.due IS NOT NULL ORDER BY x.due LIMIT 1) d ON true" \
    " WHERE k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL" \
    "  AND (NOT $1::boolean OR k.owner_staff_id = m.me)" \
    "  AND CASE WHEN $1::boolean OR $2::text = '*' THEN true" \
    "   WHEN $2::text = '-' THEN k.team IS NULL" \
    "   WHEN $2::text <> '' THEN k.team = $2::text" \
    "   ELSE k.team IS NULL OR k.team = ANY (m.teams) OR cardinality(m.teams) = 0 END" \
    "  AND CASE $3::text WHEN '' THEN true WHEN '-' THEN k.owner_staff_id IS NULL" \
    "   ELSE k.owner_staff_id = nullif($3::text, '')::integer END" \
    "  AND ($4::text = '' OR k.category_id IN (SELECT id FROM sub))" \
    "  AND ($5::text = '' OR k.status = $5::text) AND ($6::text = '' OR k.channel = $6::text)" \
    "  AND ($7::text = '' OR k.critical_event_id = nullif($7::text, '')::uuid)" \
    only \
    " ORDER BY k.paused_since IS NOT NULL, d.due IS NULL," \
    "  CASE WHEN k.paused_since IS NULL THEN extract(epoch FROM d.due) ELSE extract(epoch FROM d.due - k.paused_since) END," \
    "  k.reference COLLATE \"C\"" \
    " LIMIT $8::integer"
static const char rows_sql[] = ROWS_SQL("");
static const char refresh_sql[] = ROWS_SQL("  AND k.id = ANY ($9::uuid[])");

/* Teams with their open work, staff who may be given complaints, the
 * category tree in its order, and the events complaints hang off. */
static const char choices_sql[] =
    "SELECT kind, key, label, detail FROM ("
    " SELECT 1 AS o, '' AS s1, t.name AS s2, 'team' AS kind, t.name AS key, t.name AS label,"
    "  format('%s open, %s unassigned', count(k.id), count(k.id) FILTER (WHERE k.owner_staff_id IS NULL)) AS detail"
    "  FROM queue_team_names() t(name)"
    "  LEFT JOIN complaint k ON k.team = t.name AND k.status NOT IN ('resolved', 'closed')"
    "  GROUP BY t.name"
    " UNION ALL"
    " SELECT 2, '', a.name || a.id, 'staff', a.id::text, a.name,"
    "  format('%s, %s, %s open', coalesce(a.team, 'no team'), a.group_role, a.open_count)"
    "  FROM queue_assignees() a"
    " UNION ALL"
    " SELECT 3, lpad(coalesce(p.sort_order, c.sort_order)::text, 8, '0') || coalesce(p.id, c.id),"
    "  lpad(CASE WHEN p.id IS NULL THEN 0 ELSE 1 + c.sort_order END::text, 8, '0') || c.code,"
    "  'category', c.id::text, coalesce(p.name || ' / ', '') || c.name,"
    "  CASE WHEN c.is_leaf THEN '' ELSE 'and everything under it' END"
    "  FROM complaint_category c LEFT JOIN complaint_category p ON p.id = c.parent_id WHERE c.active"
    " UNION ALL"
    " SELECT 4, CASE e.status WHEN 'active' THEN '0' ELSE '1' END, to_char(e.started_at, 'YYYYMMDDHH24MISS') || e.id,"
    "  'event', e.id::text, e.title, e.status || ', since ' || to_char(e.started_at, 'DD Mon HH24:MI')"
    "  FROM critical_event e WHERE e.status = 'active' OR EXISTS (SELECT 1 FROM complaint k"
    "   WHERE k.critical_event_id = e.id AND k.status NOT IN ('resolved', 'closed'))"
    ") x ORDER BY o, s1, s2";

static const char assign_sql[] =
    "SELECT complaint_assign($1::uuid, $2::integer, nullif($3, '0')::integer, nullif($4, '')) AS applied";
static const char escalate_sql[] = "SELECT complaint_escalate($1::uuid, $2::integer, $3::uuid, $4) AS applied";

/* ---- records ---------------------------------------------------------------- */

#define R(type, field) DB_COL(type, struct db_queue_row, field)
static const struct db_col row_cols[] = {
    R(DB_TEXT, id), R(DB_TEXT, reference), R(DB_INT, version), R(DB_TEXT, customer), R(DB_TEXT, account_no),
    R(DB_TEXT, category), R(DB_TEXT, status), R(DB_TEXT, channel), R(DB_TEXT, severity), R(DB_TEXT, owner),
    R(DB_INT64, owner_id), R(DB_TEXT, team), R(DB_TEXT, event), R(DB_TEXT, deadline), R(DB_TEXT, due_text),
    DB_COL_NULL(DB_EPOCH, struct db_queue_row, due_epoch, no_deadline), R(DB_INT64, left_s),
    R(DB_INT64, window_s), R(DB_BOOL, paused), R(DB_TEXT, opened), R(DB_INT64, total), R(DB_EPOCH, now_epoch),
};
#undef R
static const struct db_col me_cols[] = {
    DB_COL(DB_INT64, struct db_queue_me, staff_id),
    DB_COL(DB_TEXT, struct db_queue_me, name),
    DB_COL(DB_TEXT, struct db_queue_me, role),
    DB_COL(DB_TEXT, struct db_queue_me, teams),
};
static const struct db_col choice_cols[] = {
    DB_COL(DB_TEXT, struct db_queue_choice, kind),
    DB_COL(DB_TEXT, struct db_queue_choice, key),
    DB_COL(DB_TEXT, struct db_queue_choice, label),
    DB_COL(DB_TEXT, struct db_queue_choice, detail),
};
static const struct db_shape row_shape = DB_SHAPE("queue", struct db_queue_row, row_cols);
static const struct db_shape me_shape = DB_SHAPE("who is looking at the queue", struct db_queue_me, me_cols);
static const struct db_shape choice_shape = DB_SHAPE("queue choices", struct db_queue_choice, choice_cols);

/* The server's clock against ours, per row: time left then counts on here. */
static void stamp(struct db_rows *rows)
{
    time_t now = time(NULL);
    for (int i = 0; i < rows->n; i++) {
        struct db_queue_row *r = DB_ROW(rows, struct db_queue_row, i);
        r->clock_offset = r->now_epoch - (int64_t)now;
    }
}

void db_queue_row_copy(struct db_queue_row *dst, const struct db_queue_row *src)
{
    *dst = *src;
    for (int c = 0; c < row_shape.ncols; c++)
        if (row_cols[c].type == DB_TEXT) {
            char **p = (char **)(void *)((char *)dst + row_cols[c].offset);
            *p = util_strdup(*p ? *p : "");
        }
}

void db_queue_row_clear(struct db_queue_row *r)
{
    for (int c = 0; c < row_shape.ncols; c++)
        if (row_cols[c].type == DB_TEXT) {
            char **p = (char **)(void *)((char *)r + row_cols[c].offset);
            free(*p);
        }
    memset(r, 0, sizeof *r);
}

/* ---- loads --------------------------------------------------------------------- */

struct params {
    char limit[16];
    const char *v[9];
};

static void fill_params(struct params *p, const struct db_queue_filter *f, const char *ids, int limit)
{
    util_format(p->limit, sizeof p->limit, "%d", limit);
    const char *v[9] = {f->mine ? "true" : "false", f->team, f->owner, f->category, f->status,
                        f->channel, f->event, p->limit, ids};
    memcpy(p->v, v, sizeof v);
}

void db_queue_free(struct db_queue *q)
{
    if (!q)
        return;
    db_rows_free(&q->me);
    db_rows_free(&q->rows);
    db_rows_free(&q->choices);
    free(q->error);
    free(q);
}

struct load_pending {
    void (*done)(void *ctx, struct db_queue *q);
    void *ctx;
    bool with_choices;
};

static void on_load(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct load_pending p = *(struct load_pending *)ctx;
    free(ctx);
    struct db_queue *q = util_calloc(1, sizeof *q);
    struct db_rows *const parts[] = {&q->me, &q->rows, &q->choices};
    const struct db_shape *const shapes[] = {&me_shape, &row_shape, &choice_shape};
    char why[300];
    if (err)
        q->error = util_strdup(err);
    else if (db_parts_decode(parts, shapes, p.with_choices ? 3 : 2, res, n, why, sizeof why) < 0)
        q->error = util_strdup(why);
    else if (q->me.n != 1)
        q->error = util_strdup("The database did not say who is looking at the queue.");
    stamp(&q->rows);
    p.done(p.ctx, q);
}

unsigned db_queue_load(struct db_conn *c, const struct db_queue_filter *f, int limit, bool with_choices,
                       void (*done)(void *ctx, struct db_queue *q), void *ctx)
{
    struct params p;
    fill_params(&p, f, "", limit);
    struct db_stmt stmts[3] = {{me_sql, 0, NULL}, {rows_sql, 8, p.v}, {choices_sql, 0, NULL}};
    struct load_pending *lp = util_calloc(1, sizeof *lp);
    *lp = (struct load_pending){done, ctx, with_choices};
    /* The newest load wins: a filter changed twice fetches once. */
    struct db_batch b = {.stmts = stmts, .n = with_choices ? 3 : 2, .slot = "queue", .done = on_load, .ctx = lp,
                         .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

struct rows_pending {
    void (*done)(void *ctx, struct db_rows *rows, const char *err);
    void *ctx;
};

static void on_refresh(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct rows_pending p = *(struct rows_pending *)ctx;
    free(ctx);
    struct db_rows rows = {.shape = &row_shape};
    char why[300];
    if (!err && db_rows_decode(&rows, &row_shape, res, why, sizeof why) < 0)
        err = why;
    stamp(&rows);
    p.done(p.ctx, &rows, err);
    db_rows_free(&rows);
}

/* 8-4-4-4-12 hexadecimal digits: anything else never reaches the array text. */
static bool uuid_like(const char *s)
{
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char ch = s[i];
        if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return s[36] == '\0';
}

unsigned db_queue_refresh(struct db_conn *c, const struct db_queue_filter *f, const char *const *ids, int nids,
                          void (*done)(void *ctx, struct db_rows *rows, const char *err), void *ctx)
{
    struct util_buf a = {0};
    util_buf_puts(&a, "{");
    for (int i = 0, n = 0; i < nids; i++)
        if (ids[i] && uuid_like(ids[i])) {
            util_buf_puts(&a, n++ ? "," : "");
            util_buf_puts(&a, ids[i]);
        }
    util_buf_puts(&a, "}");
    struct params p;
    fill_params(&p, f, a.data, nids + 1);
    struct rows_pending *rp = util_calloc(1, sizeof *rp);
    *rp = (struct rows_pending){done, ctx};
    /* Run on every notification: prepared once per connection. */
    struct db_query q = {.sql = refresh_sql, .nparams = 9, .params = p.v, .name = "queue_rows", .done = on_refresh,
                         .ctx = rp, .owner = ctx, .cleanup = free};
    unsigned id = db_send(c, &q);
    util_buf_free(&a);
    return id;
}

/* ---- writes --------------------------------------------------------------------- */

struct write_pending {
    void (*done)(void *ctx, bool conflict, const char *err);
    void *ctx;
};

/* NULL back: the version was stale and nothing was written. */
static void on_write(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct write_pending p = *(struct write_pending *)ctx;
    free(ctx);
    char why[256];
    bool stale = db_applied_stale(res, &err, why, sizeof why);
    p.done(p.ctx, stale, err);
}

static unsigned send_write(struct db_conn *c, const char *sql, const char *const *params, int n,
                           void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    struct write_pending *wp = util_calloc(1, sizeof *wp);
    *wp = (struct write_pending){done, ctx};
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .done = on_write, .ctx = wp, .owner = ctx,
                         .cleanup = free};
    return db_send(c, &q);
}

unsigned db_queue_assign(struct db_conn *c, const char *id, int version, long long owner, const char *team,
                         void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char v[16], o[24];
    util_format(v, sizeof v, "%d", version);
    util_format(o, sizeof o, "%lld", owner > 0 ? owner : 0);
    const char *params[4] = {id, v, o, owner > 0 || !team ? "" : team};
    return send_write(c, assign_sql, params, 4, done, ctx);
}

unsigned db_queue_escalate(struct db_conn *c, const char *id, int version, const char *request,
                           const char *reason, void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char v[16];
    util_format(v, sizeof v, "%d", version);
    const char *params[4] = {id, v, request, reason ? reason : ""};
    return send_write(c, escalate_sql, params, 4, done, ctx);
}

/* ---- the statements against the schema -------------------------------------------- */

/* Every team and anyone's complaints: the demo data has open ones. */
static const char *const rows_check_params[] = {"false", "*", "", "", "", "", "", "500"};
/* Two open complaints of the demo data: the seed makes ids md5('complaint:' || N), open for N % 10 < 3. */
static const char *const refresh_check_params[] = {
    "false", "*", "", "", "", "", "", "10",
    "{f5ffbc30-1369-682e-8589-98eb8bcf64a2,889cbf36-f046-26a7-d109-57b420f5639e}"};
static const struct db_statement statements[] = {
    {me_sql, 0, NULL, &me_shape, false},
    {rows_sql, 8, rows_check_params, &row_shape, false},
    {refresh_sql, 9, refresh_check_params, &row_shape, false},
    {choices_sql, 0, NULL, &choice_shape, false},
};

const struct db_statement *db_queue_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
