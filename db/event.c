/* event.c — critical events as typed records: the list, one event's screen in one round trip, the declare form's setup, the reach preview, and the declare/update/close and complaint writes; the command line runs the same requests and waits. */
#include "careline/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/notify.h"
#include "careline/util.h"

/* Times for people are in the utility's zone, whatever the session's. */
#define LOCAL(col, fmt) "to_char(" col " AT TIME ZONE careline_timezone(), '" fmt "')"
#define DAY_TIME "Dy DD Mon HH24:MI"
/* Whether the person asking may declare, update and close events (the grants of 006). */
#define SUPERVISOR                                                                       \
    "(pg_has_role('careline_supervisor', 'member')"                                      \
    " OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false))"

/* ---- statements and records ------------------------------------------------------------- */

static const char list_sql[] =
    "SELECT e.id::text AS id, e.kind, e.title, e.status,"
    " concat_ws(', ', (SELECT string_agg(z.name, ', ' ORDER BY z.name) FROM critical_event_zone ez"
    "   JOIN zone z ON z.id = ez.zone_id WHERE ez.event_id = e.id),"
    "  (SELECT string_agg(s.sector, ', ' ORDER BY s.sector) FROM critical_event_sector s WHERE s.event_id = e.id))"
    "  AS area,"
    " " LOCAL("e.started_at", DAY_TIME) " AS started_text,"
    " coalesce(" LOCAL("coalesce(e.ended_at, e.estimated_restore_at)", DAY_TIME) ", '') AS restore_text,"
    " " LOCAL("e.updated_at", "HH24:MI") " AS updated_text,"
    " (SELECT count(*) FROM complaint k WHERE k.critical_event_id = e.id AND k.merged_into IS NULL"
    "   AND k.status NOT IN ('resolved', 'closed'))::integer AS complaints_open,"
    " e.version"
    " FROM critical_event e"
    " WHERE e.status = 'active' OR $1::boolean"
    "  OR e.id IN (SELECT x.id FROM critical_event x WHERE x.status = 'ended' ORDER BY x.ended_at DESC LIMIT 50)"
    " ORDER BY e.status = 'active' DESC, coalesce(e.ended_at, e.started_at) DESC, e.id LIMIT 1000";

static const struct db_col row_cols[] = {
    DB_COL(DB_TEXT, struct db_event_row, id),
    DB_COL(DB_TEXT, struct db_event_row, kind),
    DB_COL(DB_TEXT, struct db_event_row, title),
    DB_COL(DB_TEXT, struct db_event_row, status),
    DB_COL(DB_TEXT, struct db_event_row, area),
    DB_COL(DB_TEXT, struct db_event_row, started_text),
    DB_COL(DB_TEXT, struct db_event_row, restore_text),
    DB_COL(DB_TEXT, struct db_event_row, updated_text),
    DB_COL(DB_INT, struct db_event_row, complaints_open),
    DB_COL(DB_INT, struct db_event_row, version),
};
static const struct db_shape row_shape = DB_SHAPE("event list", struct db_event_row, row_cols);

#define COUNT_COMPLAINTS(name, cond)                                                                     \
    " (SELECT count(*) FROM complaint k WHERE k.critical_event_id = e.id AND k.merged_into IS NULL" cond \
    ")::integer AS " name ","

static const char detail_sql[] =
    "SELECT e.id::text AS id, e.kind, e.title, coalesce(e.description, '') AS description, e.status,"
    " extract(epoch FROM e.started_at) AS started,"
    " coalesce(extract(epoch FROM e.estimated_restore_at), 0) AS restore,"
    " coalesce(extract(epoch FROM e.ended_at), 0) AS ended,"
    " " LOCAL("e.started_at", DAY_TIME) " AS started_text,"
    " coalesce(" LOCAL("e.estimated_restore_at", DAY_TIME) ", '') AS restore_text,"
    " coalesce(" LOCAL("e.ended_at", DAY_TIME) ", '') AS ended_text,"
    " " LOCAL("e.updated_at", "HH24:MI") " AS updated_text,"
    " " LOCAL("e.updated_at", DAY_TIME) " AS updated_day,"
    " coalesce(s.display_name, '') AS declared_by, e.agent_message,"
    " coalesce(e.customer_message, '') AS customer_message, coalesce(e.template_code, '') AS template_code,"
    " coalesce(r.code, '') AS root_cause,"
    " coalesce((SELECT string_agg(z.code, ', ' ORDER BY z.code) FROM critical_event_zone ez"
    "   JOIN zone z ON z.id = ez.zone_id WHERE ez.event_id = e.id), '') AS zones,"
    " coalesce((SELECT string_agg(z.name, ', ' ORDER BY z.code) FROM critical_event_zone ez"
    "   JOIN zone z ON z.id = ez.zone_id WHERE ez.event_id = e.id), '') AS zone_names,"
    " coalesce((SELECT string_agg(x.sector, ', ' ORDER BY x.sector) FROM critical_event_sector x"
    "   WHERE x.event_id = e.id), '') AS sectors,"
    " e.version,"
    COUNT_COMPLAINTS("complaints_open", " AND k.status NOT IN ('resolved', 'closed')")
    COUNT_COMPLAINTS("complaints_resolved", " AND k.status IN ('resolved', 'closed')")
    COUNT_COMPLAINTS("complaints_total", "")
    " (SELECT count(*) FROM event_compensation c WHERE c.event_id = e.id AND c.status <> 'cancelled')::integer"
    "  AS payments,"
    " (SELECT coalesce(sum(c.amount), 0) FROM event_compensation c WHERE c.event_id = e.id"
    "   AND c.status <> 'cancelled') AS payments_total,"
    " careline_timezone() AS tz, extract(epoch FROM now()) AS now, " SUPERVISOR " AS supervisor"
    " FROM critical_event e LEFT JOIN staff s ON s.id = e.declared_by"
    " LEFT JOIN root_cause r ON r.id = e.root_cause_id WHERE e.id = $1::uuid";

static const struct db_col event_cols[] = {
    DB_COL(DB_TEXT, struct db_event, id),
    DB_COL(DB_TEXT, struct db_event, kind),
    DB_COL(DB_TEXT, struct db_event, title),
    DB_COL(DB_TEXT, struct db_event, description),
    DB_COL(DB_TEXT, struct db_event, status),
    DB_COL(DB_EPOCH, struct db_event, started),
    DB_COL(DB_EPOCH, struct db_event, restore),
    DB_COL(DB_EPOCH, struct db_event, ended),
    DB_COL(DB_TEXT, struct db_event, started_text),
    DB_COL(DB_TEXT, struct db_event, restore_text),
    DB_COL(DB_TEXT, struct db_event, ended_text),
    DB_COL(DB_TEXT, struct db_event, updated_text),
    DB_COL(DB_TEXT, struct db_event, updated_day),
    DB_COL(DB_TEXT, struct db_event, declared_by),
    DB_COL(DB_TEXT, struct db_event, agent_message),
    DB_COL(DB_TEXT, struct db_event, customer_message),
    DB_COL(DB_TEXT, struct db_event, template_code),
    DB_COL(DB_TEXT, struct db_event, root_cause),
    DB_COL(DB_TEXT, struct db_event, zones),
    DB_COL(DB_TEXT, struct db_event, zone_names),
    DB_COL(DB_TEXT, struct db_event, sectors),
    DB_COL(DB_INT, struct db_event, version),
    DB_COL(DB_INT, struct db_event, complaints_open),
    DB_COL(DB_INT, struct db_event, complaints_resolved),
    DB_COL(DB_INT, struct db_event, complaints_total),
    DB_COL(DB_INT, struct db_event, payments),
    DB_COL(DB_MONEY, struct db_event, payments_total),
    DB_COL(DB_TEXT, struct db_event, tz),
    DB_COL(DB_EPOCH, struct db_event, now),
    DB_COL(DB_BOOL, struct db_event, supervisor),
};
static const struct db_shape event_shape = DB_SHAPE("event", struct db_event, event_cols);

static const char notice_sql[] =
    "SELECT e.title, e.kind, e.status,"
    " coalesce((SELECT r.action FROM critical_event_revision r WHERE r.event_id = e.id"
    "   ORDER BY r.version DESC LIMIT 1), 'declare') AS action,"
    " " LOCAL("e.updated_at", "HH24:MI") " AS updated_text,"
    " (SELECT count(*) FROM critical_event x WHERE x.status = 'active')::integer AS active"
    " FROM critical_event e WHERE e.id = $1::uuid";

static const struct db_col notice_cols[] = {
    DB_COL(DB_TEXT, struct db_event_notice, title),
    DB_COL(DB_TEXT, struct db_event_notice, kind),
    DB_COL(DB_TEXT, struct db_event_notice, status),
    DB_COL(DB_TEXT, struct db_event_notice, action),
    DB_COL(DB_TEXT, struct db_event_notice, updated_text),
    DB_COL(DB_INT, struct db_event_notice, active),
};
static const struct db_shape notice_shape = DB_SHAPE("event notice", struct db_event_notice, notice_cols);

struct me {
    bool supervisor;
};
static const char me_sql[] = "SELECT " SUPERVISOR " AS supervisor";
static const struct db_col me_cols[] = {DB_COL(DB_BOOL, struct me, supervisor)};
static const struct db_shape me_shape = DB_SHAPE("who is asking", struct me, me_cols);

static const char reach_sql[] =
    "SELECT preferred_channel, customers, priority_services, vulnerable, non_digital"
    " FROM critical_event_reach(nullif($1, '')::uuid, $2::text[], $3::text[])";

static const struct db_col reach_cols[] = {
    DB_COL(DB_TEXT, struct db_event_reach, preferred_channel),
    DB_COL(DB_INT64, struct db_event_reach, customers),
    DB_COL(DB_INT64, struct db_event_reach, priority_services),
    DB_COL(DB_INT64, struct db_event_reach, vulnerable),
    DB_COL(DB_INT64, struct db_event_reach, non_digital),
};
static const struct db_shape reach_shape = DB_SHAPE("event reach", struct db_event_reach, reach_cols);

static const char fields_sql[] =
    "SELECT f.key AS name, f.value FROM critical_event e CROSS JOIN LATERAL jsonb_each_text(e.message_fields) f"
    " WHERE e.id = $1::uuid ORDER BY f.key";

static const struct db_col field_cols[] = {
    DB_COL(DB_TEXT, struct db_event_field_value, name),
    DB_COL(DB_TEXT, struct db_event_field_value, value),
};
static const struct db_shape field_shape = DB_SHAPE("event message fields", struct db_event_field_value, field_cols);

static const char revisions_sql[] =
    "SELECT r.version, r.action,"
    " CASE WHEN (r.at AT TIME ZONE careline_timezone())::date = (now() AT TIME ZONE careline_timezone())::date"
    "  THEN " LOCAL("r.at", "HH24:MI") " ELSE " LOCAL("r.at", DAY_TIME) " END AS at_text,"
    " coalesce(s.display_name, r.actor, '') AS staff"
    " FROM critical_event_revision r LEFT JOIN staff s ON s.id = r.staff_id"
    " WHERE r.event_id = $1::uuid ORDER BY r.version DESC LIMIT 100";

static const struct db_col revision_cols[] = {
    DB_COL(DB_INT, struct db_event_revision, version),
    DB_COL(DB_TEXT, struct db_event_revision, action),
    DB_COL(DB_TEXT, struct db_event_revision, at_text),
    DB_COL(DB_TEXT, struct db_event_revision, staff),
};
static const struct db_shape revision_shape = DB_SHAPE("event revisions", struct db_event_revision, revision_cols);

static const char templates_sql[] =
    "SELECT code, kind, stage, name, body FROM critical_event_template WHERE active"
    " ORDER BY kind, stage, sort_order, code";

static const struct db_col template_cols[] = {
    DB_COL(DB_TEXT, struct db_event_template, code),
    DB_COL(DB_TEXT, struct db_event_template, kind),
    DB_COL(DB_TEXT, struct db_event_template, stage),
    DB_COL(DB_TEXT, struct db_event_template, name),
    DB_COL(DB_TEXT, struct db_event_template, body),
};
static const struct db_shape template_shape = DB_SHAPE("event templates", struct db_event_template, template_cols);

static const char zones_sql[] = "SELECT code, name, region FROM zone ORDER BY code";

static const struct db_col zone_cols[] = {
    DB_COL(DB_TEXT, struct db_zone, code),
    DB_COL(DB_TEXT, struct db_zone, name),
    DB_COL(DB_TEXT, struct db_zone, region),
};
static const struct db_shape zone_shape = DB_SHAPE("zones", struct db_zone, zone_cols);

static const char causes_sql[] =
    "SELECT code, name FROM root_cause WHERE active ORDER BY parent_id NULLS FIRST, sort_order, code";

static const struct db_col cause_cols[] = {
    DB_COL(DB_TEXT, struct db_root_cause, code),
    DB_COL(DB_TEXT, struct db_root_cause, name),
};
static const struct db_shape cause_shape = DB_SHAPE("root causes", struct db_root_cause, cause_cols);

struct clock {
    char *tz;
    int64_t now;
};
static const char clock_sql[] = "SELECT careline_timezone() AS tz, extract(epoch FROM now()) AS now";
static const struct db_col clock_cols[] = {
    DB_COL(DB_TEXT, struct clock, tz),
    DB_COL(DB_EPOCH, struct clock, now),
};
static const struct db_shape clock_shape = DB_SHAPE("clock", struct clock, clock_cols);

/* Every write answers with the same record. */
#define WRITE_COLS(version, created, payments, owed, count)                                           \
    "SELECT " version " AS version, " created " AS created, " payments " AS payments, " owed " AS owed," \
    " " count " AS count"

static const char declare_sql[] =
    WRITE_COLS("version", "created", "0", "0", "0")
    " FROM critical_event_declare($1::uuid, $2, $3, '', $4::text[], $5::text[],"
    "  CASE WHEN $6 = '' THEN now() ELSE to_timestamp($6::double precision) END,"
    "  CASE WHEN $7 = '' THEN NULL ELSE to_timestamp($7::double precision) END, $8, $9, $10::jsonb, $11)";

static const char update_sql[] =
    WRITE_COLS("coalesce(critical_event_update($1::uuid, $2::integer, $3::uuid, nullif($4, ''),"
               " CASE WHEN $5 = '' THEN NULL ELSE to_timestamp($5::double precision) END, nullif($6, ''),"
               " nullif($7, ''), $8::jsonb, nullif($9, ''), $10::text[], $11::text[]), 0)",
               "false", "0", "0", "0");

static const char close_sql[] =
    WRITE_COLS("coalesce(version, 0)", "false", "payments", "owed", "0")
    " FROM critical_event_close($1::uuid, $2::integer, $3::uuid,"
    "  CASE WHEN $4 = '' THEN NULL ELSE to_timestamp($4::double precision) END, $5,"
    "  $6::jsonb, $7, $8)";

static const char note_sql[] =
    WRITE_COLS("0", "false", "0", "0", "critical_event_note_complaints($1::uuid, $2::uuid, $3)");

static const char resolve_sql[] =
    WRITE_COLS("0", "false", "0", "0", "critical_event_resolve_complaints($1::uuid, $2, $3)");

static const struct db_col written_cols[] = {
    DB_COL(DB_INT, struct db_event_written, version),
    DB_COL(DB_BOOL, struct db_event_written, created),
    DB_COL(DB_INT, struct db_event_written, payments),
    DB_COL(DB_MONEY, struct db_event_written, owed),
    DB_COL(DB_INT, struct db_event_written, count),
};
static const struct db_shape written_shape = DB_SHAPE("event write", struct db_event_written, written_cols);

/* ---- helpers -------------------------------------------------------------------------------- */

void db_event_reach_total(const struct db_rows *reach, struct db_event_reach *total)
{
    memset(total, 0, sizeof *total);
    for (int i = 0; reach && i < reach->n; i++) {
        const struct db_event_reach *r = DB_ROW(reach, const struct db_event_reach, i);
        total->customers += r->customers;
        total->priority_services += r->priority_services;
        total->vulnerable += r->vulnerable;
        total->non_digital += r->non_digital;
    }
}

void db_event_view_free(struct db_event_view *v)
{
    db_rows_free(&v->event);
    db_rows_free(&v->reach);
    db_rows_free(&v->fields);
    db_rows_free(&v->revisions);
    db_rows_free(&v->progress);
}

void db_event_setup_free(struct db_event_setup *s)
{
    db_rows_free(&s->templates);
    db_rows_free(&s->zones);
    db_rows_free(&s->causes);
    free(s->tz);
    memset(s, 0, sizeof *s);
}

/* A PostgreSQL array literal, every element quoted. */
static char *array_literal(char *const *v, int n)
{
    struct util_buf b = {0};
    util_buf_puts(&b, "{");
    for (int i = 0; i < n; i++) {
        util_buf_puts(&b, i ? ",\"" : "\"");
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                util_buf_puts(&b, "\\");
            util_buf_add(&b, p, 1);
        }
        util_buf_puts(&b, "\"");
    }
    util_buf_puts(&b, "}");
    return util_buf_steal(&b);
}

/* What a request's answer goes to. Callers' ctx may be freed by their
 * callback: everything needed is copied out before calling. */
struct pending {
    db_event_rows_fn rows_done;
    void (*list_done)(void *ctx, struct db_rows *rows, bool supervisor, const char *err);
    void (*view_done)(void *ctx, struct db_event_view *v, const char *err);
    void (*setup_done)(void *ctx, struct db_event_setup *s, const char *err);
    db_event_write_fn write_done;
    const struct db_shape *shape;
    void *ctx;
};

static struct pending *pending(void *ctx)
{
    struct pending *p = util_calloc(1, sizeof *p);
    p->ctx = ctx;
    return p;
}

static void on_result(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_rows rows = {.shape = p.shape};
    char why[256];
    if (!err && db_rows_decode(&rows, p.shape, res, why, sizeof why) < 0)
        err = why;
    if (p.rows_done) {
        p.rows_done(p.ctx, &rows, err);
    } else if (p.write_done) {
        if (!err && rows.n != 1)
            err = "the database did not answer with the event";
        p.write_done(p.ctx, err ? NULL : DB_ROW(&rows, struct db_event_written, 0), err);
    }
    db_rows_free(&rows);
}

static unsigned send_one(struct db_conn *c, const char *sql, int n, const char *const *params, struct pending *p)
{
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .done = on_result, .ctx = p,
                         .owner = p->ctx, .cleanup = free};
    return db_send(c, &q);
}

/* ---- loads ------------------------------------------------------------------------------------ */

static void on_list(void *arg, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_rows rows = {0}, me = {0};
    char why[256];
    struct db_rows *parts[] = {&rows, &me};
    const struct db_shape *shapes[] = {&row_shape, &me_shape};
    if (!err && db_parts_decode(parts, shapes, 2, res, n, why, sizeof why) < 0)
        err = why;
    p.list_done(p.ctx, &rows, me.n == 1 && DB_ROW(&me, struct me, 0)->supervisor, err);
    db_rows_free(&rows);
    db_rows_free(&me);
}

static unsigned list_send(struct db_conn *c, bool all,
                          void (*done)(void *ctx, struct db_rows *rows, bool supervisor, const char *err), void *ctx)
{
    const char *params[1] = {all ? "true" : "false"};
    const struct db_stmt stmts[] = {{list_sql, 1, params}, {me_sql, 0, NULL}};
    struct pending *p = pending(ctx);
    p->list_done = done;
    struct db_batch b = {.stmts = stmts, .n = 2, .done = on_list, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

unsigned db_event_list(struct db_conn *c, void (*done)(void *ctx, struct db_rows *rows, bool supervisor,
                                                       const char *err), void *ctx)
{
    return list_send(c, false, done, ctx);
}

unsigned db_event_notice_load(struct db_conn *c, const char *id, db_event_rows_fn done, void *ctx)
{
    const char *params[1] = {id};
    struct pending *p = pending(ctx);
    p->rows_done = done;
    p->shape = &notice_shape;
    struct db_query q = {.sql = notice_sql, .nparams = 1, .params = params, .slot = "event notice",
                         .done = on_result, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

unsigned db_event_reach_load(struct db_conn *c, const char *event_id, char *const *zones, int nzones,
                             char *const *sectors, int nsectors, db_event_rows_fn done, void *ctx)
{
    char *z = array_literal(zones, nzones), *s = array_literal(sectors, nsectors);
    const char *params[3] = {event_id ? event_id : "", z, s};
    struct pending *p = pending(ctx);
    p->rows_done = done;
    p->shape = &reach_shape;
    unsigned id = send_one(c, reach_sql, 3, params, p);
    free(z);
    free(s);
    return id;
}

static void on_view(void *arg, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_event_view v = {0};
    char why[256];
    struct db_rows *parts[] = {&v.event, &v.reach, &v.fields, &v.revisions, &v.progress};
    const struct db_shape *shapes[] = {&event_shape, &reach_shape, &field_shape, &revision_shape,
                                       db_notify_progress_shape()};
    if (!err && db_parts_decode(parts, shapes, 5, res, n, why, sizeof why) < 0)
        err = why;
    if (!err && v.event.n != 1)
        err = "this event no longer exists";
    p.view_done(p.ctx, err ? NULL : &v, err);
    db_event_view_free(&v);
}

unsigned db_event_load(struct db_conn *c, const char *id,
                       void (*done)(void *ctx, struct db_event_view *v, const char *err), void *ctx)
{
    const char *p1[1] = {id};
    const char *p3[3] = {id, "{}", "{}"};
    const struct db_stmt stmts[] = {
        {detail_sql, 1, p1}, {reach_sql, 3, p3}, {fields_sql, 1, p1}, {revisions_sql, 1, p1},
        {db_notify_progress_sql(), 1, p1},
    };
    struct pending *p = pending(ctx);
    p->view_done = done;
    struct db_batch b = {.stmts = stmts, .n = 5, .done = on_view, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

static void on_setup(void *arg, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_event_setup s = {0};
    struct db_rows clock = {0};
    char why[256];
    struct db_rows *parts[] = {&s.templates, &s.zones, &s.causes, &clock};
    const struct db_shape *shapes[] = {&template_shape, &zone_shape, &cause_shape, &clock_shape};
    if (!err && db_parts_decode(parts, shapes, 4, res, n, why, sizeof why) < 0)
        err = why;
    if (!err && clock.n == 1) {
        s.tz = util_strdup(DB_ROW(&clock, struct clock, 0)->tz);
        s.now = DB_ROW(&clock, struct clock, 0)->now;
    }
    db_rows_free(&clock);
    p.setup_done(p.ctx, err ? NULL : &s, err);
    db_event_setup_free(&s);
}

unsigned db_event_setup_load(struct db_conn *c, void (*done)(void *ctx, struct db_event_setup *s, const char *err),
                             void *ctx)
{
    const struct db_stmt stmts[] = {{templates_sql, 0, NULL}, {zones_sql, 0, NULL}, {causes_sql, 0, NULL},
                                    {clock_sql, 0, NULL}};
    struct pending *p = pending(ctx);
    p->setup_done = done;
    struct db_batch b = {.stmts = stmts, .n = 4, .done = on_setup, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

/* ---- writes ---------------------------------------------------------------------------------- */

static void epoch_text(time_t t, char *buf, size_t len)
{
    if (t)
        util_format(buf, len, "%lld", (long long)t);
    else
        buf[0] = '\0';
}

unsigned db_event_send(struct db_conn *c, const struct db_event_write *w, db_event_write_fn done, void *ctx)
{
    const struct db_event_checked *k = w->checked;
    char *zones = array_literal(k->zones, k->nzones), *sectors = array_literal(k->sectors, k->nsectors);
    char version[16], start[24], restore[24];
    util_format(version, sizeof version, "%d", w->version);
    epoch_text(k->start, start, sizeof start);
    epoch_text(k->restore, restore, sizeof restore);
    const char *fields = k->fields_json ? k->fields_json : "{}";
    const char *message = k->message ? k->message : "";
    const char *tmpl = w->template_code ? w->template_code : "";
    struct pending *p = pending(ctx);
    p->write_done = done;
    p->shape = &written_shape;
    unsigned id;
    if (w->op == DB_EVENT_DECLARE) {
        const char *params[11] = {w->id, w->kind, w->title, zones, sectors, start, restore, w->read_out, tmpl,
                                  fields, message};
        id = send_one(c, declare_sql, 11, params, p);
    } else if (w->op == DB_EVENT_UPDATE) {
        const char *params[11] = {w->id, version, w->request, w->title ? w->title : "", restore,
                                  w->read_out ? w->read_out : "", tmpl, fields, message, zones, sectors};
        id = send_one(c, update_sql, 11, params, p);
    } else {
        const char *params[8] = {w->id, version, w->request, restore, tmpl, fields, message,
                                 w->root_cause ? w->root_cause : ""};
        id = send_one(c, close_sql, 8, params, p);
    }
    free(zones);
    free(sectors);
    return id;
}

unsigned db_event_note_complaints(struct db_conn *c, const char *id, const char *request, const char *note,
                                  db_event_write_fn done, void *ctx)
{
    const char *params[3] = {id, request, note};
    struct pending *p = pending(ctx);
    p->write_done = done;
    p->shape = &written_shape;
    return send_one(c, note_sql, 3, params, p);
}

unsigned db_event_resolve_complaints(struct db_conn *c, const char *id, const char *cause, const char *summary,
                                     db_event_write_fn done, void *ctx)
{
    const char *params[3] = {id, cause ? cause : "", summary};
    struct pending *p = pending(ctx);
    p->write_done = done;
    p->shape = &written_shape;
    return send_one(c, resolve_sql, 3, params, p);
}

/* ---- the command line: the same requests, waited for --------------------------------------- */

struct waiter {
    bool done;
    char err[512];
    struct db_rows rows;
    struct db_event_view view;
    struct db_event_setup setup;
    struct db_event_written written;
};

static void wait_error(struct waiter *w, const char *err)
{
    w->done = true;
    if (err)
        util_format(w->err, sizeof w->err, "%.*s", (int)strcspn(err, "\n"), err);
}

static void got_list(void *ctx, struct db_rows *rows, bool supervisor, const char *err)
{
    (void)supervisor;
    struct waiter *w = ctx;
    wait_error(w, err);
    w->rows = *rows;
    *rows = (struct db_rows){0};
}

static void got_rows(void *ctx, struct db_rows *rows, const char *err)
{
    struct waiter *w = ctx;
    wait_error(w, err);
    w->rows = *rows;
    *rows = (struct db_rows){0};
}

static void got_view(void *ctx, struct db_event_view *v, const char *err)
{
    struct waiter *w = ctx;
    wait_error(w, err);
    if (v) {
        w->view = *v;
        memset(v, 0, sizeof *v);
    }
}

static void got_setup(void *ctx, struct db_event_setup *s, const char *err)
{
    struct waiter *w = ctx;
    wait_error(w, err);
    if (s) {
        w->setup = *s;
        memset(s, 0, sizeof *s);
    }
}

static void got_written(void *ctx, const struct db_event_written *r, const char *err)
{
    struct waiter *w = ctx;
    wait_error(w, err);
    if (r)
        w->written = *r;
}

static int finish(struct db_conn *c, struct waiter *w, char *err, size_t errlen)
{
    if (db_wait(c, 60000) < 0 && !w->done)
        util_format(w->err, sizeof w->err, "the database did not answer: %s", db_error(c));
    if (w->err[0]) {
        util_format(err, errlen, "%s", w->err);
        return -1;
    }
    return 0;
}

int db_event_list_sync(struct db_conn *c, bool all, struct db_rows *out, char *err, size_t errlen)
{
    struct waiter w = {0};
    list_send(c, all, got_list, &w);
    int rc = finish(c, &w, err, errlen);
    *out = w.rows;
    return rc;
}

int db_event_load_sync(struct db_conn *c, const char *id, struct db_event_view *v, char *err, size_t errlen)
{
    struct waiter w = {0};
    db_event_load(c, id, got_view, &w);
    int rc = finish(c, &w, err, errlen);
    *v = w.view;
    return rc;
}

int db_event_setup_sync(struct db_conn *c, struct db_event_setup *s, char *err, size_t errlen)
{
    struct waiter w = {0};
    db_event_setup_load(c, got_setup, &w);
    int rc = finish(c, &w, err, errlen);
    *s = w.setup;
    return rc;
}

int db_event_reach_sync(struct db_conn *c, const char *event_id, char *const *zones, int nzones,
                        char *const *sectors, int nsectors, struct db_rows *out, char *err, size_t errlen)
{
    struct waiter w = {0};
    db_event_reach_load(c, event_id, zones, nzones, sectors, nsectors, got_rows, &w);
    int rc = finish(c, &w, err, errlen);
    *out = w.rows;
    return rc;
}

int db_event_send_sync(struct db_conn *c, const struct db_event_write *wr, struct db_event_written *out, char *err,
                       size_t errlen)
{
    struct waiter w = {0};
    db_event_send(c, wr, got_written, &w);
    int rc = finish(c, &w, err, errlen);
    *out = w.written;
    return rc;
}

static const char find_sql[] =
    "SELECT id::text AS id FROM critical_event WHERE id::text LIKE $1 || '%' ORDER BY id LIMIT 2";

struct found {
    char *id;
};
static const struct db_col found_cols[] = {DB_COL(DB_TEXT, struct found, id)};
static const struct db_shape found_shape = DB_SHAPE("event id", struct found, found_cols);

int db_event_find_sync(struct db_conn *c, const char *text, char out[37], char *err, size_t errlen)
{
    size_t n = strlen(text);
    bool ok = n >= 6 && n <= 36;
    for (size_t i = 0; ok && i < n; i++)
        ok = strchr("0123456789abcdef-", text[i]) != NULL;
    if (!ok) {
        util_format(err, errlen, "\"%.40s\" is not an event id (the id, or its first 6 or more characters,"
                    " lower case, as `careline event list` shows)", text);
        return -1;
    }
    const char *params[1] = {text};
    PGresult *r = db_exec(c, find_sql, 1, params);
    if (!r) {
        const char *e = db_error(c);
        util_format(err, errlen, "%.*s", (int)strcspn(e, "\n"), e);
        return -1;
    }
    struct db_rows rows = {0};
    int rc = db_rows_decode(&rows, &found_shape, r, err, errlen);
    PQclear(r);
    if (rc == 0 && rows.n != 1) {
        util_format(err, errlen, rows.n ? "\"%s\" is the start of more than one event id: give more of it"
                                        : "no event has the id \"%s\"", text);
        rc = -1;
    }
    if (rc == 0 && util_format_fits(out, 37, "%s", DB_ROW(&rows, struct found, 0)->id) < 0) {
        util_format(err, errlen, "event \"%s\": the database sent an id that is not a UUID", text);
        rc = -1;
    }
    db_rows_free(&rows);
    return rc;
}

static const char request_sql[] =
    "SELECT coalesce(max(version), 0) AS version FROM critical_event_revision"
    " WHERE event_id = $1::uuid AND request_id = $2::uuid";

struct made {
    int version;
};
static const struct db_col made_cols[] = {DB_COL(DB_INT, struct made, version)};
static const struct db_shape made_shape = DB_SHAPE("event request", struct made, made_cols);

int db_event_request_sync(struct db_conn *c, const char *id, const char *request, int *version, char *err,
                          size_t errlen)
{
    const char *params[2] = {id, request};
    PGresult *r = db_exec(c, request_sql, 2, params);
    if (!r) {
        const char *e = db_error(c);
        util_format(err, errlen, "%.*s", (int)strcspn(e, "\n"), e);
        return -1;
    }
    struct db_rows rows = {0};
    int rc = db_rows_decode(&rows, &made_shape, r, err, errlen);
    PQclear(r);
    *version = rc == 0 && rows.n == 1 ? DB_ROW(&rows, struct made, 0)->version : 0;
    db_rows_free(&rows);
    return rc;
}

/* ---- the statement check --------------------------------------------------------------------- */

/* The demo data's active event (seed.sql: md5('event:1')). */
#define DEMO_EVENT "20920752-8f77-8c55-bb71-f44e99524d2f"
static const char *const list_params[] = {"false"};
static const char *const event_params[] = {DEMO_EVENT};
static const char *const reach_params[] = {DEMO_EVENT, "{}", "{}"};
static const char *const request_params[] = {DEMO_EVENT, "00000000-0000-4000-8000-00000000e7e0"};
static const char *const declare_params[] = {
    "00000000-0000-4000-8000-00000000e7e1", "low_pressure", "statement check", "{}", "{\"AA1 1\"}", "", "", "x",
    "low_pressure", "{}", "message"};
static const char *const update_params[] = {
    DEMO_EVENT, "1", "00000000-0000-4000-8000-00000000e7e2", "", "", "", "", "{}", "", "{}", "{}"};
static const char *const close_params[] = {DEMO_EVENT, "1", "00000000-0000-4000-8000-00000000e7e3",
                                           "", "", "{}", "", ""};
static const struct db_statement statements[] = {
    {list_sql, 1, list_params, &row_shape, false},
    {find_sql, 1, event_params, &found_shape, false},
    {notice_sql, 1, event_params, &notice_shape, false},
    {me_sql, 0, NULL, &me_shape, false},
    {request_sql, 2, request_params, &made_shape, false},
    {detail_sql, 1, event_params, &event_shape, false},
    {reach_sql, 3, reach_params, &reach_shape, false},
    {fields_sql, 1, event_params, &field_shape, false},
    {revisions_sql, 1, event_params, &revision_shape, false},
    {templates_sql, 0, NULL, &template_shape, false},
    {zones_sql, 0, NULL, &zone_shape, false},
    {causes_sql, 0, NULL, &cause_shape, false},
    {clock_sql, 0, NULL, &clock_shape, false},
    {declare_sql, 11, declare_params, &written_shape, true},
    {update_sql, 11, update_params, &written_shape, true},
    {close_sql, 8, close_params, &written_shape, true},
};

const struct db_statement *db_event_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
