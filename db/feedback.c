/* feedback.c — improvement actions against root causes: listed, recorded and changed with client-made ids and versions, and read by period for the published summary. */
#include "careline/feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

#define ACTION_COLUMNS                                                                                          \
    "a.id::text AS id, a.root_cause_id, rc.name AS root_cause, a.what_changed,"                                 \
    " (a.changed_on - date '1970-01-01')::bigint AS changed_on, coalesce(s.display_name, '') AS recorded_by,"  \
    " extract(epoch FROM a.recorded_at)::bigint AS recorded_at, a.version"                                      \
    " FROM improvement_action a JOIN root_cause rc ON rc.id = a.root_cause_id"                                  \
    " LEFT JOIN staff s ON s.id = a.recorded_by"

static const char list_sql[] = "SELECT " ACTION_COLUMNS " WHERE a.root_cause_id = $1::integer AND NOT a.withdrawn"
                               " ORDER BY a.changed_on DESC, a.recorded_at DESC, a.id";
static const char period_sql[] = "SELECT " ACTION_COLUMNS
                                 " WHERE NOT a.withdrawn AND a.changed_on >= $1::date AND a.changed_on < $2::date"
                                 " ORDER BY a.root_cause_id, a.changed_on, a.recorded_at, a.id";

static const struct db_col action_cols[] = {
    DB_COL(DB_TEXT, struct db_action, id),          DB_COL(DB_INT, struct db_action, root_cause_id),
    DB_COL(DB_TEXT, struct db_action, root_cause),  DB_COL(DB_TEXT, struct db_action, what_changed),
    DB_COL(DB_INT64, struct db_action, changed_on), DB_COL(DB_TEXT, struct db_action, recorded_by),
    DB_COL(DB_EPOCH, struct db_action, recorded_at), DB_COL(DB_INT, struct db_action, version),
};
static const struct db_shape action_shape = DB_SHAPE("improvement actions", struct db_action, action_cols);

/* A new action is one row whatever happens to the connection: the id is
 * the terminal's, a replay finds it and answers with its version. */
static const char insert_sql[] =
    "WITH ins AS (INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)"
    " VALUES ($1::uuid, $2::integer, btrim($3), $4::date) ON CONFLICT (id) DO NOTHING RETURNING version)"
    " SELECT version FROM ins UNION ALL SELECT version FROM improvement_action WHERE id = $1::uuid LIMIT 1";
static const char update_sql[] =
    "UPDATE improvement_action SET what_changed = btrim($3), changed_on = $4::date"
    " WHERE id = $1::uuid AND version = $2::integer AND NOT withdrawn RETURNING version";
static const char withdraw_sql[] =
    "UPDATE improvement_action SET withdrawn = true WHERE id = $1::uuid AND version = $2::integer AND NOT withdrawn"
    " RETURNING version";

struct pending {
    db_actions_fn rows_done;
    db_action_done_fn write_done;
    void *ctx;
};

static void on_result(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    if (p.write_done) {
        p.write_done(p.ctx, !err && PQntuples(res) == 0, err);
        return;
    }
    struct db_rows rows = {.shape = &action_shape};
    char why[512];
    if (!err && db_rows_decode(&rows, &action_shape, res, why, sizeof why) < 0)
        err = why;
    p.rows_done(p.ctx, &rows, err);
    db_rows_free(&rows);
}

static unsigned send(struct db_conn *c, const char *sql, int n, const char *const *params, struct pending *p)
{
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .done = on_result, .ctx = p, .owner = p->ctx,
                         .cleanup = free};
    return db_send(c, &q);
}

unsigned db_actions_load(struct db_conn *c, int root_cause_id, db_actions_fn done, void *ctx)
{
    char id[16];
    util_format(id, sizeof id, "%d", root_cause_id);
    const char *params[1] = {id};
    struct pending *p = util_calloc(1, sizeof *p);
    p->rows_done = done;
    p->ctx = ctx;
    return send(c, list_sql, 1, params, p);
}

unsigned db_action_save(struct db_conn *c, const char *id, int version, int root_cause_id, const char *what,
                        long changed_on, db_action_done_fn done, void *ctx)
{
    char ver[16], cause[16], day[16];
    util_format(ver, sizeof ver, "%d", version);
    util_format(cause, sizeof cause, "%d", root_cause_id);
    db_date_text(changed_on, day, sizeof day);
    const char *params[4] = {id, version > 0 ? ver : cause, what, day};
    struct pending *p = util_calloc(1, sizeof *p);
    p->write_done = done;
    p->ctx = ctx;
    return send(c, version > 0 ? update_sql : insert_sql, 4, params, p);
}

unsigned db_action_withdraw(struct db_conn *c, const char *id, int version, db_action_done_fn done, void *ctx)
{
    char ver[16];
    util_format(ver, sizeof ver, "%d", version);
    const char *params[2] = {id, ver};
    struct pending *p = util_calloc(1, sizeof *p);
    p->write_done = done;
    p->ctx = ctx;
    return send(c, withdraw_sql, 2, params, p);
}

int db_actions_fetch_period(struct db_conn *c, const struct db_period *p, struct db_rows *out, char *err, size_t len)
{
    char from[16], to[16];
    const char *params[2] = {db_date_text(p->from, from, sizeof from), db_date_text(p->to, to, sizeof to)};
    PGresult *r = db_exec(c, period_sql, 2, params);
    if (!r) {
        util_format(err, len, "%s", db_error(c));
        return -1;
    }
    int rc = db_rows_decode(out, &action_shape, r, err, len);
    PQclear(r);
    return rc;
}

static const char *const demo_cause[] = {"1"};
static const char *const demo_period[] = {"2000-01-01", "2100-01-01"};

const struct db_statement *db_feedback_statements(int *n)
{
    static const struct db_statement list[] = {
        {list_sql, 1, demo_cause, &action_shape, false},
        {period_sql, 2, demo_period, &action_shape, false},
    };
    *n = (int)(sizeof list / sizeof list[0]);
    return list;
}
