/* script_run.c — runs of recovery scripts recorded as they happen: start, each answer, the end, and a step's goodwill credit, all idempotent under client-made ids. */
#include "careline/script.h"

#include <stdlib.h>

#include "careline/record.h"
#include "careline/util.h"

static const char run_start_sql[] =
    "WITH ins AS (INSERT INTO complaint_script_run (id, complaint_id, script_id, staff_id)"
    "  VALUES ($1::uuid, $2::uuid, $3::integer, current_staff_id())"
    "  ON CONFLICT (id) DO NOTHING RETURNING id, complaint_id, script_id)"
    " INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)"
    " SELECT ins.complaint_id, current_staff_id(), 'script',"
    "  'Recovery script ' || s.name || ' (' || s.code || ' version ' || s.version || ') started',"
    "  jsonb_build_object('run_id', ins.id, 'script_id', s.id, 'code', s.code, 'version', s.version)"
    " FROM ins JOIN recovery_script s ON s.id = ins.script_id";

/* Only a step of the run's own script can be answered; a second answer to
 * the same step replaces the first. */
static const char answer_sql[] =
    "INSERT INTO script_answer (id, run_id, step_id, answer, skipped_reason)"
    " SELECT $1::uuid, r.id, t.id, $4::text, $5::text FROM complaint_script_run r"
    "  JOIN script_step t ON t.script_id = r.script_id AND t.id = $3::integer"
    " WHERE r.id = $2::uuid"
    " ON CONFLICT (run_id, step_id) DO UPDATE SET answer = EXCLUDED.answer,"
    "  skipped_reason = EXCLUDED.skipped_reason, at = now()"
    " RETURNING 1";

static const char run_finish_sql[] =
    "WITH upd AS (UPDATE complaint_script_run SET finished_at = now(), outcome = $2::text"
    "  WHERE id = $1::uuid AND finished_at IS NULL RETURNING id, complaint_id, script_id)"
    " INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)"
    " SELECT upd.complaint_id, current_staff_id(), 'script',"
    "  'Recovery script ' || s.code || ' version ' || s.version || ' finished: ' || $2::text,"
    "  jsonb_build_object('run_id', upd.id, 'outcome', $2::text)"
    " FROM upd JOIN recovery_script s ON s.id = upd.script_id";

/* The credit's id comes from the run and the step: one credit per step of
 * a run, however often it is sent. The reason names the script and step,
 * so a supervisor deciding it knows where it came from. */
static const char credit_sql[] =
    "WITH r AS (SELECT md5('script-credit:' || r.id || ':' || t.id)::uuid AS credit_id, k.id AS complaint_id,"
    "   k.customer_id, 'Recovery script ' || s.code || ' version ' || s.version || ', step ' || t.step_key AS reason"
    "  FROM complaint_script_run r JOIN complaint k ON k.id = r.complaint_id"
    "  JOIN recovery_script s ON s.id = r.script_id"
    "  JOIN script_step t ON t.script_id = r.script_id AND t.id = $2::integer AND t.action_kind = 'goodwill_credit'"
    "  WHERE r.id = $1::uuid),"
    " ins AS (INSERT INTO goodwill_credit (id, customer_id, complaint_id, amount, reason)"
    "  SELECT credit_id, customer_id, complaint_id, $3::numeric, reason FROM r"
    "  ON CONFLICT (id) DO NOTHING RETURNING status)"
    " SELECT status FROM ins UNION ALL SELECT g.status FROM goodwill_credit g JOIN r ON g.id = r.credit_id LIMIT 1";

struct credit_status {
    char *status;
};
static const struct db_col credit_cols[] = {DB_COL(DB_TEXT, struct credit_status, status)};
static const struct db_shape credit_shape = DB_SHAPE("script credit", struct credit_status, credit_cols);

struct credit_pending {
    void (*done)(void *ctx, const char *status, const char *err);
    void *ctx;
};

static void on_credit(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct credit_pending p = *(struct credit_pending *)ctx;
    free(ctx);
    struct db_rows rows = {0};
    char why[256];
    if (!err && db_rows_decode(&rows, &credit_shape, res, why, sizeof why) < 0)
        err = why;
    const char *status = !err && rows.n ? DB_ROW(&rows, struct credit_status, 0)->status : NULL;
    if (!err && !status)
        err = "the step is not a credit step of this run's script, or the run is not recorded";
    if (p.done)
        p.done(p.ctx, status, err);
    db_rows_free(&rows);
}

unsigned db_script_credit(struct db_conn *c, const char *run_id, int step_id, const char *amount,
                          void (*done)(void *ctx, const char *status, const char *err), void *ctx)
{
    char step[16];
    util_format(step, sizeof step, "%d", step_id);
    /* On the heap: a slot cut short could be another run's. */
    char *slot = util_asprintf("script-credit-%s-%d", run_id, step_id);
    struct credit_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    const char *params[3] = {run_id, step, amount};
    struct db_query q = {.sql = credit_sql, .nparams = 3, .params = params, .slot = slot, .done = on_credit,
                         .ctx = p, .owner = ctx, .cleanup = free};
    unsigned id = db_send(c, &q);
    free(slot);
    return id;
}

struct write_pending {
    void (*done)(void *ctx, const char *err);
    void *ctx;
    bool want_row;     /* no row back is an error */
};

static void on_write(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct write_pending *p = ctx;
    void (*done)(void *, const char *) = p->done;
    void *dctx = p->ctx;
    bool want_row = p->want_row;
    free(p);
    if (!err && want_row && (!res || PQntuples(res) == 0))
        err = "the step is not part of this run's script, or the run is not recorded";
    if (done)
        done(dctx, err);
}

/* slot: heap, freed here. */
static unsigned send_write(struct db_conn *c, const char *sql, int n, const char *const *params, char *slot,
                           bool want_row, void (*done)(void *ctx, const char *err), void *ctx)
{
    struct write_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    p->want_row = want_row;
    /* A slot: offline, the write waits for the connection instead of failing. */
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .slot = slot, .done = on_write, .ctx = p,
                         .owner = ctx, .cleanup = free};
    unsigned id = db_send(c, &q);
    free(slot);
    return id;
}

unsigned db_script_run_start(struct db_conn *c, const char *run_id, const char *complaint_id, int script_id,
                             void (*done)(void *ctx, const char *err), void *ctx)
{
    char id[16];
    util_format(id, sizeof id, "%d", script_id);
    const char *params[3] = {run_id, complaint_id, id};
    return send_write(c, run_start_sql, 3, params, util_asprintf("script-run-%s", run_id), false, done, ctx);
}

unsigned db_script_answer(struct db_conn *c, const char *run_id, int step_id, const char *answer,
                          const char *skipped_reason, void (*done)(void *ctx, const char *err), void *ctx)
{
    char uuid[37], step[16];
    util_uuid(uuid);
    util_format(step, sizeof step, "%d", step_id);
    const char *params[5] = {uuid, run_id, step, answer, skipped_reason};
    return send_write(c, answer_sql, 5, params, util_asprintf("script-answer-%s-%d", run_id, step_id), true, done,
                      ctx);
}

unsigned db_script_run_finish(struct db_conn *c, const char *run_id, const char *outcome,
                              void (*done)(void *ctx, const char *err), void *ctx)
{
    const char *params[2] = {run_id, outcome && *outcome ? outcome : "completed"};
    return send_write(c, run_finish_sql, 2, params, util_asprintf("script-finish-%s", run_id), false, done, ctx);
}
