/* complaint.c — intake data in one round trip, deadlines from the standards, and the idempotent save of a complaint. */
#include "careline/complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

/* $1 = customer id in every statement. */
static const char *const intake_sql[IN__COUNT] = {
    [IN_CATEGORIES] =
        "WITH ev AS (SELECT DISTINCT e.id, e.category_id FROM customer_premise cp"
        "   JOIN premise p ON p.id = cp.premise_id JOIN critical_event_zone z ON z.zone_id = p.zone_id"
        "   JOIN critical_event e ON e.id = z.event_id AND e.status = 'active'"
        "  WHERE cp.customer_id = $1 AND cp.end_date IS NULL),"
        " recent AS (SELECT category_id, count(*) AS n FROM complaint"
        "  WHERE opened_at > now() - interval '30 days' GROUP BY category_id)"
        " SELECT c.id, c.code, p.name || ' / ' || c.name, coalesce(r.n, 0),"
        "  (SELECT ev.id FROM ev WHERE ev.category_id = c.id LIMIT 1)"
        " FROM complaint_category c LEFT JOIN complaint_category p ON p.id = c.parent_id"
        " LEFT JOIN recent r ON r.category_id = c.id"
        " WHERE c.is_leaf AND c.active AND (p.id IS NULL OR p.active)"
        " ORDER BY (SELECT ev.id FROM ev WHERE ev.category_id = c.id LIMIT 1) IS NULL,"
        "  coalesce(r.n, 0) DESC, p.sort_order, c.sort_order, c.name",
    [IN_CUSTOMER] =
        "SELECT c.name, c.account_no, c.preferred_channel, c.non_digital,"
        " (SELECT cp.premise_id FROM customer_premise cp WHERE cp.customer_id = c.id AND cp.end_date IS NULL"
        "   ORDER BY cp.role, cp.premise_id LIMIT 1),"
        " concat_ws(' ', CASE WHEN c.priority_services THEN '[PRIORITY SERVICES]' END,"
        "  CASE WHEN cardinality(c.vulnerability) > 0 THEN '[VULNERABLE]' END,"
        "  CASE WHEN c.non_digital THEN '[NON-DIGITAL]' END)"
        " FROM customer c WHERE c.id = $1",
    [IN_OPEN] =
        "SELECT k.id, k.reference, k.category_id, cat.name, k.status, to_char(k.opened_at, 'DD Mon YY'),"
        " coalesce(k.critical_event_id::text, '')"
        " FROM complaint k JOIN complaint_category cat ON cat.id = k.category_id"
        " WHERE k.customer_id = $1 AND k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL"
        " ORDER BY k.opened_at DESC LIMIT 20",
    [IN_EVENT_OPEN] =
        "SELECT e.id, count(k.id), coalesce(string_agg(k.reference, ' ' ORDER BY k.opened_at DESC)"
        "   FILTER (WHERE k.reference IS NOT NULL), ''),"
        " min(ce.title), min(ce.agent_message), coalesce(to_char(min(ce.estimated_restore_at), 'Dy DD Mon HH24:MI'), 'unknown')"
        " FROM (SELECT DISTINCT e.id FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id"
        "   JOIN critical_event_zone z ON z.zone_id = p.zone_id"
        "   JOIN critical_event e ON e.id = z.event_id AND e.status = 'active'"
        "  WHERE cp.customer_id = $1 AND cp.end_date IS NULL) e"
        " JOIN critical_event ce ON ce.id = e.id"
        " LEFT JOIN complaint k ON k.critical_event_id = e.id AND k.status NOT IN ('resolved', 'closed')"
        "  AND k.customer_id <> $1"
        " GROUP BY e.id ORDER BY min(ce.started_at) DESC",
};

void db_intake_free(struct db_intake *in)
{
    if (!in)
        return;
    for (int i = 0; i < IN__COUNT; i++)
        db_table_free(&in->part[i]);
    free(in->error);
    free(in);
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
    if (err)
        in->error = util_strdup(err);
    else
        for (int i = 0; i < n && i < IN__COUNT; i++)
            db_table_copy(&in->part[i], res[i]);
    p->done(p->ctx, in);
    free(p);
}

unsigned db_intake_load(struct db_conn *c, long long customer_id, void (*done)(void *ctx, struct db_intake *in),
                        void *ctx)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", customer_id);
    const char *params[1] = {id};
    struct db_stmt stmts[IN__COUNT];
    for (int i = 0; i < IN__COUNT; i++)
        stmts[i] = (struct db_stmt){intake_sql[i], 1, params};
    struct intake_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_batch b = {.stmts = stmts, .n = IN__COUNT, .done = on_intake, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

/* The same rules the database applies when a client sends no due times
 * (complaint_due_times in 004_rules.sql), so the form shows what will be
 * stored. */
static const char deadlines_sql[] =
    "WITH who AS (SELECT customer_region(c.id) AS region, c.customer_type FROM customer c WHERE c.id = $1::bigint),"
    " due AS (SELECT d.* FROM who, complaint_due_times($2::integer, who.region, who.customer_type, now()) d)"
    " SELECT coalesce(to_char(due.ack_due_at, 'Dy DD Mon HH24:MI'), ''),"
    "  coalesce(to_char(due.response_due_at, 'Dy DD Mon'), ''),"
    "  coalesce(to_char(due.resolution_due_at, 'Dy DD Mon'), ''),"
    "  coalesce((SELECT to_char(max(s.compensation_amount), 'FM9999990.00') FROM who,"
    "    applicable_standards($2::integer, who.region, who.customer_type, current_date) a"
    "    JOIN response_standard s ON s.id = a.standard_id), '')"
    " FROM due";

void db_deadlines_free(struct db_deadlines *d)
{
    if (!d)
        return;
    free(d->ack);
    free(d->response);
    free(d->resolution);
    free(d->compensation);
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
    if (err) {
        d->error = util_strdup(err);
    } else {
        bool row = PQntuples(res) > 0;
        d->ack = util_strdup(row ? PQgetvalue(res, 0, 0) : "");
        d->response = util_strdup(row ? PQgetvalue(res, 0, 1) : "");
        d->resolution = util_strdup(row ? PQgetvalue(res, 0, 2) : "");
        d->compensation = util_strdup(row ? PQgetvalue(res, 0, 3) : "");
    }
    p->done(p->ctx, d);
    free(p);
}

unsigned db_deadlines_load(struct db_conn *c, long long customer_id, long long category_id,
                           void (*done)(void *ctx, struct db_deadlines *d), void *ctx)
{
    char cust[24], cat[24];
    snprintf(cust, sizeof cust, "%lld", customer_id);
    snprintf(cat, sizeof cat, "%lld", category_id);
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
        snprintf(why, len, "Choose a category: type to filter the list, Up/Down to pick");
        return CF_CATEGORY;
    }
    const char *text = d->description ? d->description : "";
    const char *p = text;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    if (!*p) {
        snprintf(why, len, "Describe the complaint in the customer's words");
        return CF_DESCRIPTION;
    }
    if (!tui_utf8_valid(text, strlen(text))) {
        snprintf(why, len, "The description has characters that are not valid text");
        return CF_DESCRIPTION;
    }
    static const char *const severities[] = {"low", "medium", "high", "critical"};
    bool ok = false;
    for (size_t i = 0; i < 4; i++)
        ok |= d->severity && strcmp(d->severity, severities[i]) == 0;
    if (!ok) {
        snprintf(why, len, "Severity must be low, medium, high or critical");
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

struct save_pending {
    void (*done)(void *ctx, const char *reference, const char *err);
    void *ctx;
};

static void on_saved(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct save_pending *p = ctx;
    void (*done)(void *, const char *, const char *) = p->done;
    void *dctx = p->ctx;
    free(p);
    if (err)
        done(dctx, NULL, err);
    else if (PQntuples(res) == 0)
        done(dctx, NULL, "the database did not return the complaint");
    else
        done(dctx, PQgetvalue(res, 0, 0), NULL);
}

unsigned db_complaint_save(struct db_conn *c, const struct db_complaint_draft *d,
                           void (*done)(void *ctx, const char *reference, const char *err), void *ctx)
{
    char cust[24], prem[24], cat[24];
    snprintf(cust, sizeof cust, "%lld", d->customer_id);
    snprintf(prem, sizeof prem, "%lld", d->premise_id);
    snprintf(cat, sizeof cat, "%lld", d->category_id);
    const char *params[10] = {
        d->id, cust, prem, cat, d->event_id, d->channel, d->severity,
        d->contact_preference ? d->contact_preference : "", d->callback ? "true" : "false", d->description,
    };
    struct save_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    /* A slot per complaint: while offline the save waits for the
     * connection instead of failing, and a second press replaces the first. */
    char slot[64];
    snprintf(slot, sizeof slot, "complaint-%s", d->id);
    struct db_query q = {.sql = save_sql, .nparams = 10, .params = params, .slot = slot,
                         .done = on_saved, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

static const char contact_sql[] =
    "INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note, details)"
    " VALUES ($1::uuid, $2::uuid, current_staff_id(), 'contact', $4, jsonb_build_object('channel', $3::text))"
    " ON CONFLICT (id) DO NOTHING";

struct contact_pending {
    void (*done)(void *ctx, const char *err);
    void *ctx;
};

static void on_contact(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)res;
    (void)ms;
    struct contact_pending *p = ctx;
    void (*done)(void *, const char *) = p->done;
    void *dctx = p->ctx;
    free(p);
    done(dctx, err);
}

unsigned db_complaint_add_contact(struct db_conn *c, const char *complaint_id, const char *id, const char *channel,
                                  const char *text, void (*done)(void *ctx, const char *err), void *ctx)
{
    const char *params[4] = {id, complaint_id, channel, text && *text ? text : "Customer called again about this"};
    struct contact_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_query q = {.sql = contact_sql, .nparams = 4, .params = params, .done = on_contact, .ctx = p,
                         .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

/* ---- one complaint ------------------------------------------------------------ */

static const char *const detail_sql[CD__COUNT] = {
    [CD_COMPLAINT] =
        "SELECT k.id, k.reference, c.name, c.account_no, p.name || ' / ' || cat.name, k.status,"
        " coalesce(k.status_reason, ''), k.severity, k.channel, to_char(k.opened_at, 'DD Mon YY HH24:MI'),"
        " coalesce(s.display_name || coalesce(' (' || k.team || ')', ''), k.team, 'unassigned'),"
        " coalesce(to_char(k.ack_due_at, 'Dy DD Mon HH24:MI'), '-'), coalesce(to_char(k.acknowledged_at, 'DD Mon HH24:MI'), ''),"
        " CASE WHEN k.acknowledged_at IS NULL THEN extract(epoch FROM k.ack_due_at - now())::bigint END,"
        " coalesce(to_char(k.response_due_at, 'Dy DD Mon HH24:MI'), '-'), coalesce(to_char(k.first_response_at, 'DD Mon HH24:MI'), ''),"
        " CASE WHEN k.first_response_at IS NULL THEN extract(epoch FROM k.response_due_at - now())::bigint END,"
        " coalesce(to_char(k.resolution_due_at, 'Dy DD Mon HH24:MI'), '-'), coalesce(to_char(k.resolved_at, 'DD Mon HH24:MI'), ''),"
        " CASE WHEN k.resolved_at IS NULL THEN extract(epoch FROM k.resolution_due_at - now())::bigint END,"
        " coalesce(rc.name, ''), coalesce(k.resolution_summary, ''), k.description, k.version,"
        " coalesce((SELECT m.reference FROM complaint m WHERE m.id = k.merged_into), ''),"
        " coalesce(k.contact_preference, ''), k.callback_requested, coalesce(e.title, ''),"
        " complaint_sla_state(k), k.customer_id,"
        " (SELECT count(*) FROM follow_up f WHERE f.complaint_id = k.id AND f.status = 'open'),"
        " coalesce((SELECT string_agg(cp.kind || ' ' || to_char(cp.amount, 'FM99990.00') || ' ' || cp.status, ', ')"
        "   FROM compensation_payment cp WHERE cp.complaint_id = k.id), ''),"
        " to_char(k.updated_at, 'DD Mon YY HH24:MI')"
        " FROM complaint k JOIN customer c ON c.id = k.customer_id"
        " JOIN complaint_category cat ON cat.id = k.category_id"
        " LEFT JOIN complaint_category p ON p.id = cat.parent_id"
        " LEFT JOIN staff s ON s.id = k.owner_staff_id LEFT JOIN root_cause rc ON rc.id = k.root_cause_id"
        " LEFT JOIN critical_event e ON e.id = k.critical_event_id"
        " WHERE k.id = $1::uuid",
    [CD_HISTORY] =
        "SELECT to_char(h.at, 'DD Mon YY HH24:MI'), coalesce(s.display_name, ''), h.kind,"
        " coalesce(h.from_status, ''), coalesce(h.to_status, ''), coalesce(h.note, ''), h.id"
        " FROM complaint_history h LEFT JOIN staff s ON s.id = h.staff_id"
        " WHERE h.complaint_id = $1::uuid ORDER BY h.at DESC, h.id LIMIT 200",
    [CD_ROOT_CAUSES] =
        "SELECT r.id, coalesce(p.name || ' / ', '') || r.name FROM root_cause r"
        " LEFT JOIN root_cause p ON p.id = r.parent_id WHERE r.active AND $1::text IS NOT NULL"
        " ORDER BY coalesce(p.sort_order, r.sort_order), coalesce(p.id, r.id), r.parent_id NULLS FIRST, r.sort_order",
    [CD_ME] =
        "SELECT coalesce((SELECT group_role FROM staff WHERE login_role = current_user),"
        "  CASE WHEN pg_has_role('careline_supervisor', 'member') THEN 'supervisor' ELSE 'agent' END),"
        " coalesce((SELECT display_name FROM staff WHERE login_role = current_user), current_user)"
        " WHERE $1::text IS NOT NULL",
    [CD_FOLLOW_UPS] =
        "SELECT f.id, f.version, f.what_to_confirm, to_char(f.due_on, 'DD Mon YYYY'), f.channel FROM follow_up f"
        " WHERE f.complaint_id = $1::uuid AND f.status = 'open' ORDER BY f.due_on, f.created_at",
};

void db_complaint_detail_free(struct db_complaint_detail *d)
{
    if (!d)
        return;
    for (int i = 0; i < CD__COUNT; i++)
        db_table_free(&d->part[i]);
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
    if (err)
        d->error = util_strdup(err);
    else
        for (int i = 0; i < n && i < CD__COUNT; i++)
            db_table_copy(&d->part[i], res[i]);
    p->done(p->ctx, d);
    free(p);
}

unsigned db_complaint_load(struct db_conn *c, const char *complaint_id,
                           void (*done)(void *ctx, struct db_complaint_detail *d), void *ctx)
{
    const char *params[1] = {complaint_id};
    struct db_stmt stmts[CD__COUNT];
    for (int i = 0; i < CD__COUNT; i++)
        stmts[i] = (struct db_stmt){detail_sql[i], 1, params};
    struct detail_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_batch b = {.stmts = stmts, .n = CD__COUNT, .done = on_detail, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

/* The fields an agent reads on the complaint screen, by name. */
static const struct {
    int col;
    const char *label;
} watched[] = {
    {CD_STATUS, "Status"},        {CD_STATUS_REASON, "Reason"},   {CD_SEVERITY, "Severity"},
    {CD_OWNER, "Owner"},          {CD_CATEGORY, "Category"},      {CD_ROOT_CAUSE, "Root cause"},
    {CD_RESOLUTION, "Resolution"}, {CD_DESCRIPTION, "Description"}, {CD_MERGED_INTO, "Merged into"},
    {CD_PREFERENCE, "Reply by"},  {CD_CALLBACK, "Call-back"},
};

static bool history_has(const struct db_table *h, const char *id)
{
    for (int i = 0; i < h->rows; i++)
        if (strcmp(db_cell(h, i, CH_ID), id) == 0)
            return true;
    return false;
}

char *db_complaint_changes(const struct db_complaint_detail *before, const struct db_complaint_detail *now)
{
    struct util_buf b = {0};
    if (!before || !now)
        return util_strdup("");
    const struct db_table *o = &before->part[CD_COMPLAINT], *n = &now->part[CD_COMPLAINT];
    const struct db_table *oh = &before->part[CD_HISTORY], *nh = &now->part[CD_HISTORY];
    /* History is newest first: the first new row is the latest change. */
    int latest = -1, status_row = -1;
    for (int i = 0; i < nh->rows; i++) {
        if (history_has(oh, db_cell(nh, i, CH_ID)))
            continue;
        if (latest < 0)
            latest = i;
        if (status_row < 0 && *db_cell(nh, i, CH_TO) && strcmp(db_cell(nh, i, CH_TO), db_cell(n, 0, CD_STATUS)) == 0)
            status_row = i;
    }
    for (size_t f = 0; f < sizeof watched / sizeof watched[0]; f++) {
        const char *was = db_cell(o, 0, watched[f].col), *is = db_cell(n, 0, watched[f].col);
        if (strcmp(was, is) == 0)
            continue;
        int row = watched[f].col == CD_STATUS && status_row >= 0 ? status_row : latest;
        const char *who = row >= 0 ? db_cell(nh, row, CH_WHO) : "";
        util_buf_printf(&b, "%s%s: %s -> %s, by %s at %s", b.len ? "\n" : "", watched[f].label, *was ? was : "(none)",
                        *is ? is : "(none)", *who ? who : "someone else",
                        row >= 0 ? db_cell(nh, row, CH_AT) : db_cell(n, 0, CD_UPDATED));
    }
    if (!b.len && strcmp(db_cell(o, 0, CD_VERSION), db_cell(n, 0, CD_VERSION)) != 0) {
        /* Saved again with nothing that shows changed: still say when and by whom. */
        const char *who = latest >= 0 ? db_cell(nh, latest, CH_WHO) : "";
        util_buf_printf(&b, "Saved again by %s at %s, with no change to what is shown here",
                        *who ? who : "someone else", latest >= 0 ? db_cell(nh, latest, CH_AT) : db_cell(n, 0, CD_UPDATED));
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
    " $7::text, $8::boolean)";
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
    done(dctx, !err && (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)), err);
}

unsigned db_complaint_update(struct db_conn *c, const struct db_complaint_change *ch,
                             void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char version[16], cause[24];
    snprintf(version, sizeof version, "%d", ch->version);
    snprintf(cause, sizeof cause, "%lld", ch->root_cause_id);
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

static const char note_sql[] =
    "INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note)"
    " VALUES ($1::uuid, $2::uuid, current_staff_id(), 'note', $3) ON CONFLICT (id) DO NOTHING";

unsigned db_complaint_note(struct db_conn *c, const char *complaint_id, const char *id, const char *text,
                           void (*done)(void *ctx, const char *err), void *ctx)
{
    const char *params[3] = {id, complaint_id, text};
    struct contact_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_query q = {.sql = note_sql, .nparams = 3, .params = params, .done = on_contact, .ctx = p,
                         .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}
