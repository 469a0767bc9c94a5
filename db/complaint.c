/* complaint.c — intake data in one round trip, deadlines from the standards, and the idempotent save of a complaint. */
#include "careline/complaint.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

/* $1 = customer id in every statement. Every column is named: the
 * records below are filled by name, not position. */
static const char *const intake_sql[] = {
    "WITH ev AS (SELECT DISTINCT e.id, e.category_id FROM critical_event_customer ec"
    "   JOIN critical_event e ON e.id = ec.event_id WHERE ec.customer_id = $1),"
    " recent AS (SELECT category_id, count(*) AS n FROM complaint"
    "  WHERE opened_at > now() - interval '30 days' GROUP BY category_id)"
    " SELECT c.id AS id, c.code AS code, p.name || ' / ' || c.name AS name, coalesce(r.n, 0) AS recent,"
    "  (SELECT ev.id FROM ev WHERE ev.category_id = c.id LIMIT 1) AS event_id"
    " FROM complaint_category c LEFT JOIN complaint_category p ON p.id = c.parent_id"
    " LEFT JOIN recent r ON r.category_id = c.id"
    " WHERE c.is_leaf AND c.active AND (p.id IS NULL OR p.active)"
    " ORDER BY (SELECT ev.id FROM ev WHERE ev.category_id = c.id LIMIT 1) IS NULL,"
    "  coalesce(r.n, 0) DESC, p.sort_order, c.sort_order, c.name",
    "SELECT c.name AS name, c.account_no AS account_no, c.preferred_channel AS preferred_channel,"
    " c.non_digital AS non_digital,"
    " (SELECT cp.premise_id FROM customer_premise cp WHERE cp.customer_id = c.id AND cp.end_date IS NULL"
    "   ORDER BY cp.role, cp.premise_id LIMIT 1) AS premise_id,"
    " concat_ws(' ', CASE WHEN c.priority_services THEN '[PRIORITY SERVICES]' END,"
    "  CASE WHEN c.vulnerable THEN '[VULNERABLE]' END,"
    "  CASE WHEN c.non_digital THEN '[NON-DIGITAL]' END) AS flags"
    " FROM customer c WHERE c.id = $1",
    "SELECT k.id AS id, k.reference AS reference, k.category_id AS category_id, cat.name AS category,"
    " k.status AS status, to_char(k.opened_at, 'DD Mon YY') AS opened,"
    " coalesce(k.critical_event_id::text, '') AS event_id"
    " FROM complaint k JOIN complaint_category cat ON cat.id = k.category_id"
    " WHERE k.customer_id = $1 AND k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL"
    " ORDER BY k.opened_at DESC LIMIT 20",
    "SELECT e.id AS event_id, count(k.id) AS others, coalesce(string_agg(k.reference, ' ' ORDER BY k.opened_at DESC)"
    "   FILTER (WHERE k.reference IS NOT NULL), '') AS refs,"
    " min(ce.title) AS title, min(ce.agent_message) AS message,"
    " coalesce(to_char(min(ce.estimated_restore_at), 'Dy DD Mon HH24:MI'), 'unknown') AS restore"
    " FROM (SELECT DISTINCT ec.event_id AS id FROM critical_event_customer ec WHERE ec.customer_id = $1) e"
    " JOIN critical_event ce ON ce.id = e.id"
    " LEFT JOIN complaint k ON k.critical_event_id = e.id AND k.status NOT IN ('resolved', 'closed')"
    "  AND k.customer_id <> $1"
    " GROUP BY e.id ORDER BY min(ce.started_at) DESC",
};
#define INTAKE_PARTS ((int)(sizeof intake_sql / sizeof intake_sql[0]))

static const struct db_col category_cols[] = {
    DB_COL(DB_INT64, struct db_intake_category, id),
    DB_COL(DB_TEXT, struct db_intake_category, code),
    DB_COL(DB_TEXT, struct db_intake_category, name),
    DB_COL(DB_INT64, struct db_intake_category, recent),
    DB_COL(DB_TEXT, struct db_intake_category, event_id),
};
static const struct db_col intake_customer_cols[] = {
    DB_COL(DB_TEXT, struct db_intake_customer, name),
    DB_COL(DB_TEXT, struct db_intake_customer, account_no),
    DB_COL(DB_TEXT, struct db_intake_customer, preferred_channel),
    DB_COL(DB_BOOL, struct db_intake_customer, non_digital),
    DB_COL(DB_INT64, struct db_intake_customer, premise_id),
    DB_COL(DB_TEXT, struct db_intake_customer, flags),
};
static const struct db_col intake_open_cols[] = {
    DB_COL(DB_TEXT, struct db_intake_open, id),
    DB_COL(DB_TEXT, struct db_intake_open, reference),
    DB_COL(DB_INT64, struct db_intake_open, category_id),
    DB_COL(DB_TEXT, struct db_intake_open, category),
    DB_COL(DB_TEXT, struct db_intake_open, status),
    DB_COL(DB_TEXT, struct db_intake_open, opened),
    DB_COL(DB_TEXT, struct db_intake_open, event_id),
};
static const struct db_col intake_event_cols[] = {
    DB_COL(DB_TEXT, struct db_intake_event, event_id),
    DB_COL(DB_INT64, struct db_intake_event, others),
    DB_COL(DB_TEXT, struct db_intake_event, refs),
    DB_COL(DB_TEXT, struct db_intake_event, title),
    DB_COL(DB_TEXT, struct db_intake_event, message),
    DB_COL(DB_TEXT, struct db_intake_event, restore),
};
static const struct db_shape intake_shapes[] = {
    DB_SHAPE("intake categories", struct db_intake_category, category_cols),
    DB_SHAPE("intake customer", struct db_intake_customer, intake_customer_cols),
    DB_SHAPE("open complaints", struct db_intake_open, intake_open_cols),
    DB_SHAPE("active events", struct db_intake_event, intake_event_cols),
};

void db_intake_free(struct db_intake *in)
{
    if (!in)
        return;
    db_rows_free(&in->categories);
    db_rows_free(&in->customer);
    db_rows_free(&in->open);
    db_rows_free(&in->events);
    free(in->error);
    free(in);
}

const struct db_intake_open *db_intake_duplicate(const struct db_intake *in, long long category_id,
                                                 const char *event_id)
{
    for (int i = 0; in && i < in->open.n; i++) {
        const struct db_intake_open *o = DB_ROW(&in->open, struct db_intake_open, i);
        if (o->category_id == category_id || (event_id && *event_id && strcmp(o->event_id, event_id) == 0))
            return o;
    }
    return NULL;
}

struct intake_pending {
    void (*done)(void *ctx, struct db_intake *in);
    void *ctx;
};

static void on_intake(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct intake_pending *p = ctx;
    struct db_intake *in = util_calloc(1, sizeof *in);
    struct db_rows *const parts[] = {&in->categories, &in->customer, &in->open, &in->events};
    const struct db_shape *const shapes[] = {&intake_shapes[0], &intake_shapes[1], &intake_shapes[2],
                                             &intake_shapes[3]};
    char why[300];
    if (err)
        in->error = util_strdup(err);
    else if (db_parts_decode(parts, shapes, INTAKE_PARTS, res, n, why, sizeof why) < 0)
        in->error = util_strdup(why);
    p->done(p->ctx, in);
    free(p);
}

unsigned db_intake_load(struct db_conn *c, long long customer_id, void (*done)(void *ctx, struct db_intake *in),
                        void *ctx)
{
    char id[24];
    util_format(id, sizeof id, "%lld", customer_id);
    const char *params[1] = {id};
    struct db_stmt stmts[INTAKE_PARTS];
    for (int i = 0; i < INTAKE_PARTS; i++)
        stmts[i] = (struct db_stmt){intake_sql[i], 1, params};
    struct intake_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_batch b = {.stmts = stmts, .n = INTAKE_PARTS, .done = on_intake, .ctx = p, .owner = ctx,
                         .cleanup = free};
    return db_send_batch(c, &b);
}

void db_intake_prepare(struct db_conn *c)
{
    for (int i = 0; i < INTAKE_PARTS; i++)
        db_prepare_ahead(c, intake_sql[i], 1);
}

/* The same rules the database applies when a client sends no due times
 * (complaint_due_times in 004_rules.sql), so the form shows what will be
 * stored; no payment under the compensation scheme 'none' (024). */
static const char deadlines_sql[] =
    "WITH who AS (SELECT customer_region(c.id) AS region, c.customer_type FROM customer c WHERE c.id = $1::bigint),"
    " due AS (SELECT d.* FROM who, complaint_due_times($2::integer, who.region, who.customer_type, now()) d)"
    " SELECT coalesce(to_char(due.ack_due_at, 'Dy DD Mon HH24:MI'), '') AS ack,"
    "  coalesce(to_char(due.response_due_at, 'Dy DD Mon'), '') AS response,"
    "  coalesce(to_char(due.resolution_due_at, 'Dy DD Mon'), '') AS resolution,"
    "  coalesce((SELECT to_char(max(s.compensation_amount), 'FM9999990.00') FROM who,"
    "    applicable_standards($2::integer, who.region, who.customer_type, current_date) a"
    "    JOIN response_standard s ON s.id = a.standard_id WHERE compensation_scheme() <> 'none'), '') AS compensation"
    " FROM due";

static const struct db_col deadline_cols[] = {
    DB_COL(DB_TEXT, struct db_deadline, ack),
    DB_COL(DB_TEXT, struct db_deadline, response),
    DB_COL(DB_TEXT, struct db_deadline, resolution),
    DB_COL(DB_TEXT, struct db_deadline, compensation),
};
static const struct db_shape deadline_shape = DB_SHAPE("deadlines", struct db_deadline, deadline_cols);

const struct db_deadline *db_deadlines_get(const struct db_deadlines *d)
{
    static char empty[1];
    static const struct db_deadline none = {empty, empty, empty, empty};
    return d && d->rows.n > 0 ? DB_ROW(&d->rows, const struct db_deadline, 0) : &none;
}

void db_deadlines_free(struct db_deadlines *d)
{
    if (!d)
        return;
    db_rows_free(&d->rows);
    free(d->error);
    free(d);
}

struct deadlines_pending {
    void (*done)(void *ctx, struct db_deadlines *d);
    void *ctx;
};

static void on_deadlines(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct deadlines_pending *p = ctx;
    struct db_deadlines *d = util_calloc(1, sizeof *d);
    char why[300];
    if (err)
        d->error = util_strdup(err);
    else if (db_rows_decode(&d->rows, &deadline_shape, res, why, sizeof why) < 0)
        d->error = util_strdup(why);
    p->done(p->ctx, d);
    free(p);
}

unsigned db_deadlines_load(struct db_conn *c, long long customer_id, long long category_id,
                           void (*done)(void *ctx, struct db_deadlines *d), void *ctx)
{
    char cust[24], cat[24];
    util_format(cust, sizeof cust, "%lld", customer_id);
    util_format(cat, sizeof cat, "%lld", category_id);
    const char *params[2] = {cust, cat};
    struct deadlines_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_query q = {.sql = deadlines_sql, .nparams = 2, .params = params, .slot = "deadlines",
                         .done = on_deadlines, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

int db_complaint_check(const struct db_complaint_draft *d, char *why, size_t len)
{
    if (d->category_id <= 0) {
        util_format(why, len, "Choose a category: type to filter the list, Up/Down to pick");
        return CF_CATEGORY;
    }
    const char *text = d->description ? d->description : "";
    const char *p = text;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    if (!*p) {
        util_format(why, len, "Describe the complaint in the customer's words");
        return CF_DESCRIPTION;
    }
    if (!tui_utf8_valid(text, strlen(text))) {
        util_format(why, len, "The description has characters that are not valid text");
        return CF_DESCRIPTION;
    }
    static const char *const severities[] = {"low", "medium", "high", "critical"};
    bool ok = false;
    for (size_t i = 0; i < 4; i++)
        ok |= d->severity && strcmp(d->severity, severities[i]) == 0;
    if (!ok) {
        util_format(why, len, "Severity must be low, medium, high or critical");
        return CF_SEVERITY;
    }
    return -1;
}

/* One statement: insert, or find the complaint this draft already made. */
static const char save_sql[] =
    "WITH ins AS ("
    " INSERT INTO complaint (id, customer_id, premise_id, category_id, critical_event_id, channel, severity,"
    "  contact_preference, callback_requested, description)"
    " VALUES ($1::uuid, $2::bigint, nullif($3, '0')::bigint, $4::integer, nullif($5, '')::uuid, $6, $7,"
    "  nullif($8, ''), $9::boolean, $10)"
    " ON CONFLICT (id) DO NOTHING RETURNING reference)"
    " SELECT reference FROM ins UNION ALL SELECT reference FROM complaint WHERE id = $1::uuid LIMIT 1";

/* The form's fields by the names the intake journal has always used:
 * callback is "yes" or "no" (both are booleans to PostgreSQL), premise_id
 * "0" and event_id "" for none. */
const struct db_outbox_kind db_complaint_outbox = {
    .kind = "complaint",
    .what = "complaint",
    .answer = "reference",
    .nstmts = 1,
    .stmts = {{save_sql,
               {"id", "customer_id", "premise_id", "category_id", "event_id", "channel", "severity", "preference",
                "callback", "description", NULL},
               NULL}},
};

static const char contact_sql[] =
    "INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note, details)"
    " VALUES ($1::uuid, $2::uuid, current_staff_id(), 'contact',"
    "  coalesce(nullif($4, ''), 'Customer called again about this'), jsonb_build_object('channel', $3::text))"
    " ON CONFLICT (id) DO NOTHING";

/* Keyed by the call's own UUID: a retry adds it once. */
const struct db_outbox_kind db_complaint_contact_outbox = {
    .kind = "complaint_contact",
    .what = "call added to a complaint",
    .nstmts = 1,
    .stmts = {{contact_sql, {"id", "complaint_id", "channel", "text", NULL}, NULL}},
};

/* ---- one complaint ------------------------------------------------------------ */

/* $1 = the complaint's id in every statement; every column is named. */
static const char *const detail_sql[] = {
    "SELECT k.id AS id, k.reference AS reference, c.name AS customer, c.account_no AS account_no,"
    " p.name || ' / ' || cat.name AS category, k.status AS status,"
    " coalesce(k.status_reason, '') AS status_reason, k.severity AS severity, k.channel AS channel,"
    " to_char(k.opened_at, 'DD Mon YY HH24:MI') AS opened,"
    " coalesce(s.display_name || coalesce(' (' || k.team || ')', ''), k.team, 'unassigned') AS owner,"
    " coalesce(to_char(k.ack_due_at, 'Dy DD Mon HH24:MI'), '-') AS ack_due,"
    " coalesce(to_char(k.acknowledged_at, 'DD Mon HH24:MI'), '') AS ack_at,"
    " CASE WHEN k.acknowledged_at IS NULL THEN extract(epoch FROM k.ack_due_at - now())::bigint END AS ack_left,"
    " coalesce(to_char(k.response_due_at, 'Dy DD Mon HH24:MI'), '-') AS resp_due,"
    " coalesce(to_char(k.first_response_at, 'DD Mon HH24:MI'), '') AS resp_at,"
    " CASE WHEN k.first_response_at IS NULL THEN extract(epoch FROM k.response_due_at - now())::bigint END"
    "  AS resp_left,"
    " coalesce(to_char(k.resolution_due_at, 'Dy DD Mon HH24:MI'), '-') AS res_due,"
    " coalesce(to_char(k.resolved_at, 'DD Mon HH24:MI'), '') AS res_at,"
    " CASE WHEN k.resolved_at IS NULL THEN extract(epoch FROM k.resolution_due_at - now())::bigint END"
    "  AS res_left,"
    " coalesce(rc.name, '') AS root_cause, coalesce(k.resolution_summary, '') AS resolution,"
    " k.description AS description, k.version AS version,"
    " coalesce((SELECT m.reference FROM complaint m WHERE m.id = k.merged_into), '') AS merged_into,"
    " coalesce(k.contact_preference, '') AS preference, k.callback_requested AS callback,"
    " coalesce(e.title, '') AS event, complaint_sla_state(k) AS sla, k.customer_id AS customer_id,"
    " (SELECT count(*) FROM follow_up f WHERE f.complaint_id = k.id AND f.status = 'open') AS open_follow_ups,"
    " coalesce((SELECT string_agg(cp.kind || ' ' || to_char(cp.amount, 'FM99990.00') || ' ' || cp.status, ', ')"
    "   FROM compensation_payment cp WHERE cp.complaint_id = k.id), '') AS compensation,"
    " to_char(k.updated_at, 'DD Mon YY HH24:MI') AS updated"
    " FROM complaint k JOIN customer c ON c.id = k.customer_id"
    " JOIN complaint_category cat ON cat.id = k.category_id"
    " LEFT JOIN complaint_category p ON p.id = cat.parent_id"
    " LEFT JOIN staff s ON s.id = k.owner_staff_id LEFT JOIN root_cause rc ON rc.id = k.root_cause_id"
    " LEFT JOIN critical_event e ON e.id = k.critical_event_id"
    " WHERE k.id = $1::uuid",
    "SELECT to_char(h.at, 'DD Mon YY HH24:MI') AS at, coalesce(s.display_name, '') AS who, h.kind AS kind,"
    " coalesce(h.from_status, '') AS from_status, coalesce(h.to_status, '') AS to_status,"
    " coalesce(h.note, '') AS note, h.id AS id"
    " FROM complaint_history h LEFT JOIN staff s ON s.id = h.staff_id"
    " WHERE h.complaint_id = $1::uuid ORDER BY h.at DESC, h.id LIMIT 200",
    "SELECT r.id AS id, coalesce(p.name || ' / ', '') || r.name AS name FROM root_cause r"
    " LEFT JOIN root_cause p ON p.id = r.parent_id WHERE r.active AND $1::text IS NOT NULL"
    " ORDER BY coalesce(p.sort_order, r.sort_order), coalesce(p.id, r.id), r.parent_id NULLS FIRST, r.sort_order",
    "SELECT coalesce((SELECT group_role FROM staff WHERE login_role = current_user),"
    "  CASE WHEN pg_has_role('careline_supervisor', 'member') THEN 'supervisor' ELSE 'agent' END) AS role,"
    " coalesce((SELECT display_name FROM staff WHERE login_role = current_user), current_user) AS name"
    " WHERE $1::text IS NOT NULL",
    "SELECT f.id AS id, f.version AS version, f.what_to_confirm AS what, to_char(f.due_on, 'DD Mon YYYY') AS due,"
    " f.channel AS channel FROM follow_up f"
    " WHERE f.complaint_id = $1::uuid AND f.status = 'open' ORDER BY f.due_on, f.created_at",
};
#define DETAIL_PARTS ((int)(sizeof detail_sql / sizeof detail_sql[0]))

#define K(type, field) DB_COL(type, struct db_complaint, field)
static const struct db_col complaint_cols[] = {
    K(DB_TEXT, id), K(DB_TEXT, reference), K(DB_TEXT, customer), K(DB_TEXT, account_no), K(DB_TEXT, category),
    K(DB_TEXT, status), K(DB_TEXT, status_reason), K(DB_TEXT, severity), K(DB_TEXT, channel),
    K(DB_TEXT, opened), K(DB_TEXT, owner), K(DB_TEXT, ack_due), K(DB_TEXT, ack_at),
    DB_COL_NULL(DB_INT64, struct db_complaint, ack_left, ack_left_null), K(DB_TEXT, resp_due),
    K(DB_TEXT, resp_at), DB_COL_NULL(DB_INT64, struct db_complaint, resp_left, resp_left_null),
    K(DB_TEXT, res_due), K(DB_TEXT, res_at), DB_COL_NULL(DB_INT64, struct db_complaint, res_left, res_left_null),
    K(DB_TEXT, root_cause), K(DB_TEXT, resolution), K(DB_TEXT, description), K(DB_INT, version),
    K(DB_TEXT, merged_into), K(DB_TEXT, preference), K(DB_BOOL, callback), K(DB_TEXT, event), K(DB_TEXT, sla),
    K(DB_INT64, customer_id), K(DB_INT64, open_follow_ups), K(DB_TEXT, compensation), K(DB_TEXT, updated),
};
#undef K
static const struct db_col history_cols[] = {
    DB_COL(DB_TEXT, struct db_complaint_history, at),
    DB_COL(DB_TEXT, struct db_complaint_history, who),
    DB_COL(DB_TEXT, struct db_complaint_history, kind),
    DB_COL(DB_TEXT, struct db_complaint_history, from_status),
    DB_COL(DB_TEXT, struct db_complaint_history, to_status),
    DB_COL(DB_TEXT, struct db_complaint_history, note),
    DB_COL(DB_TEXT, struct db_complaint_history, id),
};
static const struct db_col root_cause_cols[] = {
    DB_COL(DB_INT64, struct db_root_cause, id),
    DB_COL(DB_TEXT, struct db_root_cause, name),
};
static const struct db_col me_cols[] = {
    DB_COL(DB_TEXT, struct db_complaint_me, role),
    DB_COL(DB_TEXT, struct db_complaint_me, name),
};
static const struct db_col follow_up_cols[] = {
    DB_COL(DB_TEXT, struct db_complaint_follow_up, id),
    DB_COL(DB_INT, struct db_complaint_follow_up, version),
    DB_COL(DB_TEXT, struct db_complaint_follow_up, what),
    DB_COL(DB_TEXT, struct db_complaint_follow_up, due),
    DB_COL(DB_TEXT, struct db_complaint_follow_up, channel),
};
static const struct db_shape detail_shapes[] = {
    DB_SHAPE("complaint detail", struct db_complaint, complaint_cols),
    DB_SHAPE("complaint history", struct db_complaint_history, history_cols),
    DB_SHAPE("root causes", struct db_root_cause, root_cause_cols),
    DB_SHAPE("who is looking", struct db_complaint_me, me_cols),
    DB_SHAPE("open follow-ups", struct db_complaint_follow_up, follow_up_cols),
};

void db_complaint_detail_free(struct db_complaint_detail *d)
{
    if (!d)
        return;
    db_rows_free(&d->complaint);
    db_rows_free(&d->history);
    db_rows_free(&d->root_causes);
    db_rows_free(&d->me);
    db_rows_free(&d->follow_ups);
    free(d->error);
    free(d);
}

struct detail_pending {
    void (*done)(void *ctx, struct db_complaint_detail *d);
    void *ctx;
};

static void on_detail(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct detail_pending *p = ctx;
    struct db_complaint_detail *d = util_calloc(1, sizeof *d);
    struct db_rows *const parts[] = {&d->complaint, &d->history, &d->root_causes, &d->me, &d->follow_ups};
    const struct db_shape *const shapes[] = {&detail_shapes[0], &detail_shapes[1], &detail_shapes[2],
                                             &detail_shapes[3], &detail_shapes[4]};
    char why[300];
    if (err)
        d->error = util_strdup(err);
    else if (db_parts_decode(parts, shapes, DETAIL_PARTS, res, n, why, sizeof why) < 0)
        d->error = util_strdup(why);
    /* Status and role parsed once, here: the screens ask the rules with enums. */
    d->k = d->complaint.n > 0 ? DB_ROW(&d->complaint, const struct db_complaint, 0) : NULL;
    d->status = d->k ? db_lifecycle_status_parse(d->k->status) : -1;
    d->role = db_lifecycle_role_parse(d->me.n > 0 ? DB_ROW(&d->me, struct db_complaint_me, 0)->role : NULL);
    p->done(p->ctx, d);
    free(p);
}

/* Who opened which complaint (and so whose customer), in the opener's name;
 * written after the reads, so only its success is looked at. */
static const char open_audit_sql[] =
    "INSERT INTO audit_log (action, customer_id, entity, entity_id, details)"
    " SELECT 'complaint.open', k.customer_id, 'complaint', k.id::text, jsonb_build_object('reference', k.reference)"
    " FROM complaint k WHERE k.id = $1::uuid";

unsigned db_complaint_load(struct db_conn *c, const char *complaint_id, bool opening,
                           void (*done)(void *ctx, struct db_complaint_detail *d), void *ctx)
{
    const char *params[1] = {complaint_id};
    struct db_stmt stmts[DETAIL_PARTS + 1];
    for (int i = 0; i < DETAIL_PARTS; i++)
        stmts[i] = (struct db_stmt){detail_sql[i], 1, params};
    stmts[DETAIL_PARTS] = (struct db_stmt){open_audit_sql, 1, params};
    struct detail_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_batch b = {.stmts = stmts, .n = DETAIL_PARTS + opening, .done = on_detail, .ctx = p, .owner = ctx,
                         .cleanup = free};
    return db_send_batch(c, &b);
}

/* The fields an agent reads on the complaint screen, by name. */
static const struct {
    size_t offset;               /* of a char * in struct db_complaint */
    const char *label;
} watched[] = {
    {offsetof(struct db_complaint, status), "Status"},
    {offsetof(struct db_complaint, status_reason), "Reason"},
    {offsetof(struct db_complaint, severity), "Severity"},
    {offsetof(struct db_complaint, owner), "Owner"},
    {offsetof(struct db_complaint, category), "Category"},
    {offsetof(struct db_complaint, root_cause), "Root cause"},
    {offsetof(struct db_complaint, resolution), "Resolution"},
    {offsetof(struct db_complaint, description), "Description"},
    {offsetof(struct db_complaint, merged_into), "Merged into"},
    {offsetof(struct db_complaint, preference), "Reply by"},
};

static const char *text_at(const struct db_complaint *k, size_t offset)
{
    return *(char *const *)((const char *)k + offset);
}

static const struct db_complaint_history *history_row(const struct db_complaint_detail *d, int i)
{
    return DB_ROW(&d->history, const struct db_complaint_history, i);
}

static bool history_has(const struct db_complaint_detail *d, const char *id)
{
    for (int i = 0; i < d->history.n; i++)
        if (strcmp(history_row(d, i)->id, id) == 0)
            return true;
    return false;
}

/* One changed field: who and when from the history row that made it. */
static void change_line(struct util_buf *b, const struct db_complaint_detail *now, int row, const char *label,
                        const char *was, const char *is)
{
    const char *who = row >= 0 ? history_row(now, row)->who : "";
    util_buf_printf(b, "%s%s: %s -> %s, by %s at %s", b->len ? "\n" : "", label, *was ? was : "(none)",
                    *is ? is : "(none)", *who ? who : "someone else",
                    row >= 0 ? history_row(now, row)->at : now->k->updated);
}

char *db_complaint_changes(const struct db_complaint_detail *before, const struct db_complaint_detail *now)
{
    if (!before || !now || !before->k || !now->k)
        return util_strdup("");
    struct util_buf b = {0};
    const struct db_complaint *o = before->k, *n = now->k;
    /* History is newest first: the first new row is the latest change. */
    int latest = -1, status_row = -1;
    for (int i = 0; i < now->history.n; i++) {
        const struct db_complaint_history *h = history_row(now, i);
        if (history_has(before, h->id))
            continue;
        if (latest < 0)
            latest = i;
        if (status_row < 0 && *h->to_status && strcmp(h->to_status, n->status) == 0)
            status_row = i;
    }
    for (size_t f = 0; f < sizeof watched / sizeof watched[0]; f++) {
        const char *was = text_at(o, watched[f].offset), *is = text_at(n, watched[f].offset);
        if (strcmp(was, is) != 0)
            change_line(&b, now, watched[f].offset == offsetof(struct db_complaint, status) && status_row >= 0
                                     ? status_row : latest, watched[f].label, was, is);
    }
    /* As the database prints a boolean: what the agent read before records. */
    if (o->callback != n->callback)
        change_line(&b, now, latest, "Call-back", o->callback ? "t" : "f", n->callback ? "t" : "f");
    if (!b.len && o->version != n->version) {
        /* Saved again with nothing that shows changed: still say when and by whom. */
        const char *who = latest >= 0 ? history_row(now, latest)->who : "";
        util_buf_printf(&b, "Saved again by %s at %s, with no change to what is shown here",
                        *who ? who : "someone else", latest >= 0 ? history_row(now, latest)->at : n->updated);
    }
    char *out = util_strdup(b.data ? b.data : "");
    util_buf_free(&b);
    return out;
}

/* Optimistic locking: the change applies only to the version the agent
 * saw; NULL back means someone else got there first. complaint_change()
 * (014) is the one path, so a same-status change or a bad merge reference
 * is refused in words rather than taken for a conflict. */
static const char update_sql[] =
    "SELECT complaint_change($1::uuid, $2::integer, $3::text, $4::text, nullif($5, '0')::integer, $6::text,"
    " $7::text, $8::boolean) AS applied";
struct update_pending {
    void (*done)(void *ctx, bool conflict, const char *err);
    void *ctx;
};

static void on_update(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct update_pending *p = ctx;
    void (*done)(void *, bool, const char *) = p->done;
    void *dctx = p->ctx;
    free(p);
    char why[256];
    bool stale = db_applied_stale(res, &err, why, sizeof why);
    done(dctx, stale, err);
}

unsigned db_complaint_update(struct db_conn *c, const struct db_complaint_change *ch,
                             void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char version[16], cause[24];
    util_format(version, sizeof version, "%d", ch->version);
    util_format(cause, sizeof cause, "%lld", ch->root_cause_id);
    const char *params[8] = {ch->id, version, ch->status, ch->reason ? ch->reason : "", cause,
                             ch->resolution ? ch->resolution : "", ch->merge_into,
                             ch->follow_up_override ? "true" : "false"};
    struct update_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_query q = {.sql = update_sql, .nparams = 8, .params = params, .done = on_update, .ctx = p,
                         .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

struct note_pending {
    void (*done)(void *ctx, const char *err);
    void *ctx;
};

static void on_note(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)res;
    (void)ms;
    struct note_pending *p = ctx;
    void (*done)(void *, const char *) = p->done;
    void *dctx = p->ctx;
    free(p);
    done(dctx, err);
}

static const char note_sql[] =
    "INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note)"
    " VALUES ($1::uuid, $2::uuid, current_staff_id(), 'note', $3) ON CONFLICT (id) DO NOTHING";

unsigned db_complaint_note(struct db_conn *c, const char *complaint_id, const char *id, const char *text,
                           void (*done)(void *ctx, const char *err), void *ctx)
{
    const char *params[3] = {id, complaint_id, text};
    struct note_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_query q = {.sql = note_sql, .nparams = 3, .params = params, .done = on_note, .ctx = p,
                         .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

/* ---- the statements against the schema ---------------------------------------- */

/* Every read statement, by what it reads with: the complaint's id, the
 * customer's, or the customer's and a category's. */
enum stmt_params { BY_COMPLAINT, BY_CUSTOMER, BY_CATEGORY };
static const struct {
    const char *const *sql;
    const struct db_shape *shape;
    enum stmt_params by;
} statements[] = {
    {&detail_sql[0], &detail_shapes[0], BY_COMPLAINT}, {&detail_sql[1], &detail_shapes[1], BY_COMPLAINT},
    {&detail_sql[2], &detail_shapes[2], BY_COMPLAINT}, {&detail_sql[3], &detail_shapes[3], BY_COMPLAINT},
    {&detail_sql[4], &detail_shapes[4], BY_COMPLAINT}, {&intake_sql[0], &intake_shapes[0], BY_CUSTOMER},
    {&intake_sql[1], &intake_shapes[1], BY_CUSTOMER},  {&intake_sql[2], &intake_shapes[2], BY_CUSTOMER},
    {&intake_sql[3], &intake_shapes[3], BY_CUSTOMER},  {NULL, &deadline_shape, BY_CATEGORY},
};
#define NSTATEMENTS ((int)(sizeof statements / sizeof statements[0]))

int db_complaint_statement_count(void)
{
    return NSTATEMENTS;
}

const char *db_complaint_statement_what(int i)
{
    return i >= 0 && i < NSTATEMENTS ? statements[i].shape->what : NULL;
}

const char *db_complaint_statement_sql(int i)
{
    if (i < 0 || i >= NSTATEMENTS)
        return NULL;
    return statements[i].sql ? *statements[i].sql : deadlines_sql;
}

int db_complaint_statement_check(struct db_conn *c, int i, const char *sql, const char *complaint_id,
                                 long long customer_id, long long category_id, char *err, size_t len)
{
    if (i < 0 || i >= NSTATEMENTS) {
        util_format(err, len, "there is no statement %d", i);
        return -1;
    }
    char cust[24], cat[24];
    util_format(cust, sizeof cust, "%lld", customer_id);
    util_format(cat, sizeof cat, "%lld", category_id);
    const char *params[2] = {statements[i].by == BY_COMPLAINT ? complaint_id : cust, cat};
    PGresult *r = db_exec(c, sql ? sql : db_complaint_statement_sql(i), statements[i].by == BY_CATEGORY ? 2 : 1,
                          params);
    if (!r) {
        util_format(err, len, "%s: %s", statements[i].shape->what, db_error(c));
        return -1;
    }
    struct db_rows rows = {0};
    int n = db_rows_decode(&rows, statements[i].shape, r, err, len) < 0 ? -1 : rows.n;
    db_rows_free(&rows);
    PQclear(r);
    return n;
}
