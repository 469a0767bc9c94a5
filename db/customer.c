/* customer.c — the unified customer view: one statement per part, all sent in one pipeline round trip. */
#include "careline/customer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/outbox.h"
#include "careline/util.h"

/* Dates are shown the way British agents read them; amounts come as
 * numbers (pence in the records). Every statement takes the customer id as
 * $1, and names every column: the records are filled by name. The parts
 * on every screen name their columns short (DB_COL_AS): a far database
 * carries each name with the view. Arrears and a
 * bill's status are read as of today (customer_arrears, bill_status_on):
 * the stored copies may be from before midnight. */
static const char *const part_sql[CV__COUNT] = {
    [CV_HEADER] =
        "SELECT c.id, c.account_no AS acct, c.name, c.segment AS seg, c.language AS lang, c.preferred_channel AS pref,"
        " coalesce(c.phone_e164, '') AS ph, coalesce(c.email, '') AS em,"
        " c.balance AS bal, customer_arrears(c.id, c.balance, c.arrears, c.arrears_until) AS arr,"
        " array_to_string(customer_vulnerability(c.id, 'customer view'), ', ') AS vul,"
        " c.priority_services AS psr, c.non_digital AS nd,"
        " c.segment = 'key_account' AS ka,"
        " EXISTS (SELECT 1 FROM payment_arrangement a WHERE a.customer_id = c.id AND a.status = 'active')"
        "  AS arng,"
        " EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id"
        "   AND k.status NOT IN ('resolved', 'closed', 'waiting_customer') AND k.merged_into IS NULL"
        "   AND ((k.acknowledged_at IS NULL AND k.ack_due_at < now())"
        "     OR (k.first_response_at IS NULL AND k.response_due_at < now())"
        "     OR k.resolution_due_at < now())) AS cod,"
        " (SELECT i.subject FROM interaction i WHERE i.customer_id = c.id"
        "   AND i.started_at > now() - interval '7 days' AND i.subject IS NOT NULL"
        "   GROUP BY i.subject HAVING count(*) >= 2 ORDER BY max(i.started_at) DESC LIMIT 1) AS rep,"
        " c.version AS ver, coalesce(c.first_name, c.name) AS fn, c.customer_type AS ct"
        " FROM customer c WHERE c.id = $1",
    [CV_EVENTS] =
        "SELECT e.id, e.kind, e.title, to_char(e.started_at, 'Dy DD Mon HH24:MI') AS started,"
        " coalesce(to_char(e.estimated_restore_at, 'Dy DD Mon HH24:MI'), 'not yet known') AS restore,"
        " to_char(e.updated_at, 'HH24:MI') AS updated,"
        " e.agent_message AS message, string_agg(DISTINCT p.address_line1, '; ') AS premises"
        " FROM critical_event_customer ec JOIN premise p ON p.id = ec.premise_id"
        " JOIN critical_event e ON e.id = ec.event_id"
        " WHERE ec.customer_id = $1"
        " GROUP BY e.id ORDER BY e.started_at DESC",
    [CV_PREMISES] =
        "SELECT p.id, concat_ws(', ', p.address_line1, p.address_line2, p.town) AS addr, p.postcode AS pc,"
        " z.name AS zone, p.premise_type AS pt, coalesce(m.serial, '') AS ser, coalesce(m.meter_type, '') AS mt,"
        " coalesce(m.status, '') AS ms, cp.role, to_char(cp.start_date, 'DD Mon YYYY') AS since"
        " FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id JOIN zone z ON z.id = p.zone_id"
        " LEFT JOIN meter m ON m.premise_id = p.id AND m.status <> 'removed'"
        " WHERE cp.customer_id = $1 AND cp.end_date IS NULL"
        " ORDER BY cp.role, p.id, m.serial LIMIT 500",
    /* 24 months up to the latest read, each with the same month a year
     * before and the average of similar premises (same zone and segment).
     * The benchmark is narrowed to the customer's zone and segment first
     * (one index range, MATERIALIZED so the planner cannot fold it back
     * into a hash of every zone's rows) and only then joined by month. */
    [CV_USAGE] =
        "WITH reads AS ("
        "  SELECT date_trunc('month', r.read_on)::date AS month, sum(r.consumption_m3) AS m3,"
        "   max(CASE r.read_type WHEN 'estimated' THEN 3 WHEN 'customer' THEN 2 WHEN 'smart' THEN 1 ELSE 0 END)"
        "     AS worst, min(r.night_flow_lph) AS night"
        "  FROM customer_premise cp JOIN meter mt ON mt.premise_id = cp.premise_id"
        "  JOIN meter_read r ON r.meter_id = mt.id"
        "  WHERE cp.customer_id = $1 AND cp.end_date IS NULL GROUP BY 1),"
        " home AS (SELECT p.zone_id, c.segment FROM customer c"
        "  JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL"
        "  JOIN premise p ON p.id = cp.premise_id WHERE c.id = $1 ORDER BY cp.role, p.id LIMIT 1),"
        " alike AS MATERIALIZED (SELECT b.month, b.avg_m3 FROM home h"
        "  JOIN usage_benchmark b ON b.zone_id = h.zone_id AND b.segment = h.segment)"
        " SELECT to_char(g.month, 'YYYY-MM') AS mon, r.m3, ly.m3 AS ly, round(b.avg_m3, 1) AS sim,"
        "  CASE r.worst WHEN 3 THEN 'e' WHEN 2 THEN 'c' WHEN 1 THEN 's' WHEN 0 THEN 'a' END AS rt,"
        "  r.night AS nf"
        " FROM (SELECT max(month) AS last FROM reads) l"
        " CROSS JOIN LATERAL generate_series(l.last - interval '23 months', l.last, interval '1 month') g(month)"
        " LEFT JOIN reads r ON r.month = g.month"
        " LEFT JOIN reads ly ON ly.month = g.month - interval '12 months'"
        " LEFT JOIN alike b ON b.month = g.month"
        " ORDER BY g.month",
    [CV_BILLS] =
        "SELECT id, to_char(issued_on, 'DD Mon YYYY') AS iss,"
        " to_char(period_start, 'DD Mon YY') || ' - ' || to_char(period_end, 'DD Mon YY') AS per,"
        " amount AS amt, to_char(due_on, 'DD Mon YYYY') AS due,"
        " bill_status_on(status, due_on, careline_today()) AS st, estimated AS est,"
        " to_char(period_start, 'YYYY-MM') AS ps, to_char(period_end, 'YYYY-MM') AS pe"
        " FROM bill WHERE customer_id = $1 AND status <> 'cancelled' ORDER BY issued_on DESC, id DESC LIMIT 24",
    [CV_PAYMENTS] =
        "SELECT to_char(paid_on, 'DD Mon YYYY') AS paid, amount, method"
        " FROM payment WHERE customer_id = $1 ORDER BY paid_on DESC, id DESC LIMIT 24",
    [CV_ARRANGEMENTS] =
        "SELECT to_char(start_on, 'DD Mon YYYY') AS start_on, coalesce(to_char(end_on, 'DD Mon YYYY'), 'open') AS end_on,"
        " instalment, frequency, status, total_amount AS total"
        " FROM payment_arrangement WHERE customer_id = $1 ORDER BY status <> 'active', start_on DESC LIMIT 10",
    /* The balance at the end of each of the last 24 months, oldest first:
     * today's balance less what was billed since, plus what was paid since.
     * The months go without their names (a sparkline draws them). */
    [CV_BALANCE] =
        "SELECT"
        " c.balance - coalesce((SELECT sum(b.amount) FROM bill b WHERE b.customer_id = c.id"
        "   AND b.status <> 'cancelled' AND b.issued_on >= m + interval '1 month'), 0)"
        "  + coalesce((SELECT sum(p.amount) FROM payment p WHERE p.customer_id = c.id"
        "   AND p.paid_on >= m + interval '1 month'), 0) AS balance"
        " FROM customer c CROSS JOIN generate_series(date_trunc('month', current_date) - interval '23 months',"
        "  date_trunc('month', current_date), interval '1 month') m WHERE c.id = $1 ORDER BY m",
    [CV_CONTACTS] =
        "SELECT i.id, to_char(i.started_at, 'DD Mon YY HH24:MI') AS at, i.channel AS ch,"
        " coalesce(s.display_name, '') AS ag, coalesce(w.label, i.wrap_up_code, '') AS wu,"
        " coalesce(i.summary, '') AS sum"
        " FROM interaction i LEFT JOIN staff s ON s.id = i.staff_id"
        " LEFT JOIN wrap_up_code w ON w.code = i.wrap_up_code"
        " WHERE i.customer_id = $1 ORDER BY i.started_at DESC, i.created_at DESC, i.id LIMIT $3 OFFSET $2",
    [CV_CONTACT_COUNT] = "SELECT count(*) AS count FROM interaction WHERE customer_id = $1",
    /* Seconds left against each deadline (negative: overdue); NULL once met. */
    [CV_COMPLAINTS] =
        "SELECT k.id, k.reference, cat.name AS category, k.status, to_char(k.opened_at, 'DD Mon YY') AS opened,"
        " k.severity,"
        " CASE WHEN k.acknowledged_at IS NULL THEN extract(epoch FROM k.ack_due_at - now())::bigint END AS ack_left,"
        " CASE WHEN k.first_response_at IS NULL THEN extract(epoch FROM k.response_due_at - now())::bigint END"
        "  AS response_left,"
        " CASE WHEN k.resolved_at IS NULL THEN extract(epoch FROM k.resolution_due_at - now())::bigint END"
        "  AS resolution_left,"
        " k.acknowledged_at IS NOT NULL AS acknowledged, k.first_response_at IS NOT NULL AS responded,"
        " k.status IN ('resolved', 'closed') AS done, coalesce(rc.name, '') AS root_cause, k.description,"
        " k.paused_since IS NOT NULL AS paused, coalesce(k.resolution_summary, '') AS resolution"
        " FROM complaint k JOIN complaint_category cat ON cat.id = k.category_id"
        " LEFT JOIN root_cause rc ON rc.id = k.root_cause_id"
        " WHERE k.customer_id = $1 AND k.merged_into IS NULL"
        " ORDER BY k.status IN ('resolved', 'closed'), k.opened_at DESC LIMIT 100",
    [CV_PROGRAMMES] =
        "SELECT p.name, p.kind, e.status, to_char(e.enrolled_on, 'DD Mon YYYY') AS enrolled,"
        " e.rebate_amount AS rebate, coalesce(to_char(e.ended_on, 'DD Mon YYYY'), '') AS ended,"
        " coalesce(p.description, '') AS description"
        " FROM programme_enrolment e JOIN programme p ON p.id = e.programme_id"
        " WHERE e.customer_id = $1 ORDER BY e.status <> 'active', e.enrolled_on DESC",
    [CV_FOLLOWUPS] =
        "SELECT to_char(due_on, 'DD Mon YYYY') AS due, channel, what_to_confirm AS what,"
        " due_on < current_date AS overdue"
        " FROM follow_up WHERE customer_id = $1 AND status = 'open' ORDER BY due_on LIMIT 20",
    /* Who opened which customer, when: written in the same round trip. */
    [CV_AUDIT] =
        "INSERT INTO audit_log (action, customer_id, entity, entity_id)"
        " VALUES ('customer.open', $1::bigint, 'customer', $1::bigint::text)",
};

/* ---- the records ----------------------------------------------------------- */

static const struct db_col header_cols[] = {
    DB_COL(DB_INT64, struct db_cv_header, id),
    DB_COL_AS(DB_TEXT, struct db_cv_header, account_no, "acct"),
    DB_COL(DB_TEXT, struct db_cv_header, name),
    DB_COL_AS(DB_TEXT, struct db_cv_header, segment, "seg"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, language, "lang"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, preferred_channel, "pref"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, phone, "ph"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, email, "em"),
    DB_COL_AS(DB_MONEY, struct db_cv_header, balance, "bal"),
    DB_COL_AS(DB_MONEY, struct db_cv_header, arrears, "arr"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, vulnerability, "vul"),
    DB_COL_AS(DB_BOOL, struct db_cv_header, priority_services, "psr"),
    DB_COL_AS(DB_BOOL, struct db_cv_header, non_digital, "nd"),
    DB_COL_AS(DB_BOOL, struct db_cv_header, key_account, "ka"),
    DB_COL_AS(DB_BOOL, struct db_cv_header, arrangement, "arng"),
    DB_COL_AS(DB_BOOL, struct db_cv_header, complaint_overdue, "cod"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, repeat_subject, "rep"),
    DB_COL_AS(DB_INT, struct db_cv_header, version, "ver"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, first_name, "fn"),
    DB_COL_AS(DB_TEXT, struct db_cv_header, customer_type, "ct"),
};
static const struct db_col event_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_event, id),
    DB_COL(DB_TEXT, struct db_cv_event, kind),
    DB_COL(DB_TEXT, struct db_cv_event, title),
    DB_COL(DB_TEXT, struct db_cv_event, started),
    DB_COL(DB_TEXT, struct db_cv_event, restore),
    DB_COL(DB_TEXT, struct db_cv_event, updated),
    DB_COL(DB_TEXT, struct db_cv_event, message),
    DB_COL(DB_TEXT, struct db_cv_event, premises),
};
static const struct db_col premise_cols[] = {
    DB_COL(DB_INT64, struct db_cv_premise, id),
    DB_COL_AS(DB_TEXT, struct db_cv_premise, address, "addr"),
    DB_COL_AS(DB_TEXT, struct db_cv_premise, postcode, "pc"),
    DB_COL(DB_TEXT, struct db_cv_premise, zone),
    DB_COL_AS(DB_TEXT, struct db_cv_premise, premise_type, "pt"),
    DB_COL_AS(DB_TEXT, struct db_cv_premise, serial, "ser"),
    DB_COL_AS(DB_TEXT, struct db_cv_premise, meter_type, "mt"),
    DB_COL_AS(DB_TEXT, struct db_cv_premise, meter_status, "ms"),
    DB_COL(DB_TEXT, struct db_cv_premise, role),
    DB_COL(DB_TEXT, struct db_cv_premise, since),
};
static const struct db_col usage_cols[] = {
    DB_COL_AS(DB_TEXT, struct db_cv_usage, month, "mon"),
    DB_COL_NULL(DB_REAL, struct db_cv_usage, m3, m3_null),
    DB_COL_AS_NULL(DB_REAL, struct db_cv_usage, last_year, last_year_null, "ly"),
    DB_COL_AS_NULL(DB_REAL, struct db_cv_usage, similar_m3, similar_m3_null, "sim"),
    DB_COL_AS(DB_TEXT, struct db_cv_usage, read_type, "rt"),
    DB_COL_AS_NULL(DB_REAL, struct db_cv_usage, night_flow, night_flow_null, "nf"),
};
static const struct db_col bill_cols[] = {
    DB_COL(DB_INT64, struct db_cv_bill, id),
    DB_COL_AS(DB_TEXT, struct db_cv_bill, issued, "iss"),
    DB_COL_AS(DB_TEXT, struct db_cv_bill, period, "per"),
    DB_COL_AS(DB_MONEY, struct db_cv_bill, amount, "amt"),
    DB_COL(DB_TEXT, struct db_cv_bill, due),
    DB_COL_AS(DB_TEXT, struct db_cv_bill, status, "st"),
    DB_COL_AS(DB_BOOL, struct db_cv_bill, estimated, "est"),
    DB_COL_AS(DB_TEXT, struct db_cv_bill, period_start, "ps"),
    DB_COL_AS(DB_TEXT, struct db_cv_bill, period_end, "pe"),
};
static const struct db_col payment_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_payment, paid),
    DB_COL(DB_MONEY, struct db_cv_payment, amount),
    DB_COL(DB_TEXT, struct db_cv_payment, method),
};
static const struct db_col arrangement_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_arrangement, start_on),
    DB_COL(DB_TEXT, struct db_cv_arrangement, end_on),
    DB_COL(DB_MONEY, struct db_cv_arrangement, instalment),
    DB_COL(DB_TEXT, struct db_cv_arrangement, frequency),
    DB_COL(DB_TEXT, struct db_cv_arrangement, status),
    DB_COL_NULL(DB_MONEY, struct db_cv_arrangement, total, total_null),
};
static const struct db_col balance_cols[] = {
    DB_COL(DB_MONEY, struct db_cv_balance, balance),
};
static const struct db_col contact_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_contact, id),
    DB_COL_AS(DB_TEXT, struct db_cv_contact, started, "at"),
    DB_COL_AS(DB_TEXT, struct db_cv_contact, channel, "ch"),
    DB_COL_AS(DB_TEXT, struct db_cv_contact, agent, "ag"),
    DB_COL_AS(DB_TEXT, struct db_cv_contact, wrap_up, "wu"),
    DB_COL_AS(DB_TEXT, struct db_cv_contact, summary, "sum"),
};
static const struct db_col contact_count_cols[] = {
    DB_COL(DB_INT64, struct db_cv_contact_count, count),
};
static const struct db_col complaint_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_complaint, id),
    DB_COL(DB_TEXT, struct db_cv_complaint, reference),
    DB_COL(DB_TEXT, struct db_cv_complaint, category),
    DB_COL(DB_TEXT, struct db_cv_complaint, status),
    DB_COL(DB_TEXT, struct db_cv_complaint, opened),
    DB_COL(DB_TEXT, struct db_cv_complaint, severity),
    DB_COL_NULL(DB_INT64, struct db_cv_complaint, ack_left, ack_met),
    DB_COL_NULL(DB_INT64, struct db_cv_complaint, response_left, response_met),
    DB_COL_NULL(DB_INT64, struct db_cv_complaint, resolution_left, resolution_met),
    DB_COL(DB_BOOL, struct db_cv_complaint, acknowledged),
    DB_COL(DB_BOOL, struct db_cv_complaint, responded),
    DB_COL(DB_BOOL, struct db_cv_complaint, done),
    DB_COL(DB_TEXT, struct db_cv_complaint, root_cause),
    DB_COL(DB_TEXT, struct db_cv_complaint, description),
    DB_COL(DB_BOOL, struct db_cv_complaint, paused),
    DB_COL(DB_TEXT, struct db_cv_complaint, resolution),
};
static const struct db_col programme_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_programme, name),
    DB_COL(DB_TEXT, struct db_cv_programme, kind),
    DB_COL(DB_TEXT, struct db_cv_programme, status),
    DB_COL(DB_TEXT, struct db_cv_programme, enrolled),
    DB_COL_NULL(DB_MONEY, struct db_cv_programme, rebate, rebate_null),
    DB_COL(DB_TEXT, struct db_cv_programme, ended),
    DB_COL(DB_TEXT, struct db_cv_programme, description),
};
static const struct db_col follow_up_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_follow_up, due),
    DB_COL(DB_TEXT, struct db_cv_follow_up, channel),
    DB_COL(DB_TEXT, struct db_cv_follow_up, what),
    DB_COL(DB_BOOL, struct db_cv_follow_up, overdue),
};

/* The audit row is written, not read: it has no shape. */
static const struct db_shape shapes[CV__COUNT] = {
    [CV_HEADER] = DB_SHAPE("customer header", struct db_cv_header, header_cols),
    [CV_EVENTS] = DB_SHAPE("customer events", struct db_cv_event, event_cols),
    [CV_PREMISES] = DB_SHAPE("customer premises", struct db_cv_premise, premise_cols),
    [CV_USAGE] = DB_SHAPE("customer usage", struct db_cv_usage, usage_cols),
    [CV_BILLS] = DB_SHAPE("customer bills", struct db_cv_bill, bill_cols),
    [CV_PAYMENTS] = DB_SHAPE("customer payments", struct db_cv_payment, payment_cols),
    [CV_ARRANGEMENTS] = DB_SHAPE("customer arrangements", struct db_cv_arrangement, arrangement_cols),
    [CV_BALANCE] = DB_SHAPE("customer balance", struct db_cv_balance, balance_cols),
    [CV_CONTACTS] = DB_SHAPE("customer contacts", struct db_cv_contact, contact_cols),
    [CV_CONTACT_COUNT] = DB_SHAPE("customer contact count", struct db_cv_contact_count, contact_count_cols),
    [CV_COMPLAINTS] = DB_SHAPE("customer complaints", struct db_cv_complaint, complaint_cols),
    [CV_PROGRAMMES] = DB_SHAPE("customer programmes", struct db_cv_programme, programme_cols),
    [CV_FOLLOWUPS] = DB_SHAPE("customer follow-ups", struct db_cv_follow_up, follow_up_cols),
};

static const char *const part_names[CV__COUNT] = {
    [CV_HEADER] = "header",     [CV_EVENTS] = "events",          [CV_PREMISES] = "premises",
    [CV_USAGE] = "usage",       [CV_BILLS] = "bills",            [CV_PAYMENTS] = "payments",
    [CV_ARRANGEMENTS] = "arrangements", [CV_BALANCE] = "balance", [CV_CONTACTS] = "contacts",
    [CV_CONTACT_COUNT] = "contact_count", [CV_COMPLAINTS] = "complaints", [CV_PROGRAMMES] = "programmes",
    [CV_FOLLOWUPS] = "followups", [CV_AUDIT] = "audit",
};

const char *db_cv_part_name(enum db_cv_part p)
{
    return p >= 0 && p < CV__COUNT ? part_names[p] : "?";
}

/* ---- what goes on the wire -------------------------------------------------
 * Each part's rows travel packed (db_packed_sql): one column named after
 * the part. The open sends every part in ONE statement, then the audit
 * row; a refresh sends each part asked for as a statement of its own. On a
 * far database the column descriptions of ~100 columns and the framing of
 * every row were half the bytes of an open. Built once, from part_sql. */
static char *wire_part[CV__COUNT];
static char *wire_open;
static pthread_once_t wire_once = PTHREAD_ONCE_INIT;

static void wire_build(void)
{
    struct util_buf open = {0};
    util_buf_puts(&open, "SELECT '{'");
    for (int p = 0; p < CV__COUNT; p++) {
        if (p == CV_AUDIT) {
            wire_part[p] = util_strdup(part_sql[p]);
            continue;
        }
        char *packed = db_packed_sql(part_sql[p], &shapes[p], NULL);
        wire_part[p] = util_asprintf("SELECT %s AS %s", packed, part_names[p]);
        util_buf_printf(&open, " || '%s\"%s\":' || coalesce(%s, 'null')", p ? "," : "", part_names[p], packed);
        free(packed);
    }
    util_buf_puts(&open, " || '}' AS view");
    wire_open = util_buf_steal(&open);
}

/* The part's own statement ($1 the id; the contacts also $2 offset, $3
 * page), or with whole the open's statement of every part ($1-$3). */
static const char *wire_sql(enum db_cv_part p, bool whole, int *nparams)
{
    pthread_once(&wire_once, wire_build);
    *nparams = whole || p == CV_CONTACTS ? 3 : 1;
    return whole ? wire_open : wire_part[p];
}

const char *db_cv_open_sql(int i, int *nparams)
{
    return i == 0 ? wire_sql(CV_HEADER, true, nparams) : i == 1 ? wire_sql(CV_AUDIT, false, nparams) : NULL;
}

void db_customer_view_free(struct db_customer_view *v)
{
    if (!v)
        return;
    for (int i = 0; i < CV__COUNT; i++)
        db_rows_free(&v->part[i]);
    free(v->error);
    memset(v, 0, sizeof *v);
}

void db_customer_view_merge(struct db_customer_view *into, struct db_customer_view *from)
{
    /* The page of contacts held moves with the contacts. */
    if (from->got[CV_CONTACTS])
        into->contacts_offset = from->contacts_offset;
    for (int i = 0; i < CV__COUNT; i++) {
        if (!from->got[i])
            continue;
        db_rows_free(&into->part[i]);
        into->part[i] = from->part[i];
        into->got[i] = true;
        from->part[i] = (struct db_rows){.shape = from->part[i].shape};
        from->got[i] = false;
    }
}

/* What the rules add to the rows: each complaint deadline's state. */
static void derive(struct db_customer_view *v)
{
    struct db_rows *k = &v->part[CV_COMPLAINTS];
    for (int i = 0; i < k->n; i++) {
        struct db_cv_complaint *c = DB_ROW(k, struct db_cv_complaint, i);
        c->ack_state = db_deadline_state_of(c->ack_met, c->ack_left);
        c->resolution_state = db_deadline_state_of(c->resolution_met, c->resolution_left);
    }
}

/* Parameters of each part: the id, and for contacts the page. */
struct params {
    char id[24], offset[16], limit[16];
    const char *one[1];
    const char *page[3];
};

/* A request for parts of the view: what to send (the statements point
 * into it) and where the decoded view goes. */
struct pending {
    void (*done)(void *ctx, struct db_customer_view *v);
    void *ctx;
    enum db_cv_part parts[CV__COUNT];
    int n;
    int contacts_offset;
    struct params pr;
    struct db_stmt stmts[CV__COUNT];
    int nstmts;
};

/* Each part's packed rows (heap, NULL: none): a column of its own, or its
 * place in the open's one column "view". -1 with why when one is missing. */
static int packed_parts(const struct pending *p, const PGresult *const *res, int n, char **json, char *why,
                        size_t len)
{
    bool whole = false;
    const char *view = db_packed_column("view", res, n, &whole);
    if (whole && db_packed_split(view, (const char *const *)part_names, CV__COUNT, json, why, len) < 0)
        return -1;
    for (int i = 0; i < p->n && !whole; i++) {
        enum db_cv_part part = p->parts[i];
        bool found = part == CV_AUDIT;
        const char *v = found ? NULL : db_packed_column(part_names[part], res, n, &found);
        json[part] = v ? util_strdup(v) : NULL;
        if (!found) {
            util_format(why, len, "%s: the database did not send it", shapes[part].what);
            return -1;
        }
    }
    return 0;
}

/* Every part that has rows decoded with its record, all or nothing (a
 * screen never shows half a view); the audit insert is only checked to
 * have run. */
static void decode(struct db_customer_view *v, const struct pending *p, const PGresult *const *res, int n)
{
    char why[300] = "";
    char *json[CV__COUNT] = {0};
    int rc = packed_parts(p, res, n, json, why, sizeof why);
    for (int i = 0; i < p->n && rc == 0; i++) {
        enum db_cv_part part = p->parts[i];
        if (part != CV_AUDIT)
            rc = db_rows_decode_packed(&v->part[part], &shapes[part], json[part], why, sizeof why);
    }
    for (int i = 0; i < CV__COUNT; i++)
        free(json[i]);
    if (rc < 0) {
        for (int i = 0; i < CV__COUNT; i++) {
            db_rows_free(&v->part[i]);
            v->part[i].shape = NULL;
        }
        v->error = util_strdup(why);
        return;
    }
    for (int i = 0; i < p->n; i++)
        v->got[p->parts[i]] = true;
    derive(v);
}

static void on_batch(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    struct pending *p = ctx;
    struct db_customer_view *v = util_calloc(1, sizeof *v);
    v->ms = ms;
    v->contacts_offset = p->contacts_offset;
    if (err)
        v->error = util_strdup(err);
    else
        decode(v, p, res, n);
    p->done(p->ctx, v);
    free(p);
}


static void fill_params(struct params *pr, long long id, int offset)
{
    util_format(pr->id, sizeof pr->id, "%lld", id);
    util_format(pr->offset, sizeof pr->offset, "%d", offset > 0 ? offset : 0);
    util_format(pr->limit, sizeof pr->limit, "%d", DB_CV_CONTACT_PAGE);
    pr->one[0] = pr->id;
    pr->page[0] = pr->id;
    pr->page[1] = pr->offset;
    pr->page[2] = pr->limit;
}

/* The statements for the parts: with whole (the open), one for them all
 * and the audit row; else one each. */
static struct pending *pending_new(long long customer_id, const enum db_cv_part *parts, int n, int contacts_offset,
                                   bool whole, void (*done)(void *ctx, struct db_customer_view *v), void *ctx)
{
    struct pending *p = util_calloc(1, sizeof *p);
    fill_params(&p->pr, customer_id, contacts_offset);
    if (n > CV__COUNT)
        n = CV__COUNT;
    for (int i = 0; i < n; i++) {
        p->parts[i] = parts[i];
        if (whole && parts[i] != CV_AUDIT && p->nstmts > 0)
            continue;
        struct db_stmt *s = &p->stmts[p->nstmts++];
        s->sql = wire_sql(parts[i], whole && parts[i] != CV_AUDIT, &s->nparams);
        s->params = s->nparams == 3 ? p->pr.page : p->pr.one;
    }
    p->n = n;
    p->done = done;
    p->ctx = ctx;
    p->contacts_offset = contacts_offset;
    return p;
}

static unsigned send_parts(struct db_conn *c, struct pending *p, const void *owner)
{
    struct db_batch b = {
        .stmts = p->stmts,
        .n = p->nstmts,
        .done = on_batch,
        .ctx = p,
        .owner = owner,
        .cleanup = free,
    };
    return db_send_batch(c, &b);
}

unsigned db_customer_refresh(struct db_conn *c, long long customer_id, const enum db_cv_part *parts, int n,
                             int contacts_offset, void (*done)(void *ctx, struct db_customer_view *v), void *ctx)
{
    return send_parts(c, pending_new(customer_id, parts, n, contacts_offset, false, done, ctx), ctx);
}

static void on_follow(void *ctx, const PGresult *const *res, int n)
{
    on_batch(ctx, res, n, NULL, 0.0);
}

void db_customer_follow(struct db_outbox_follow *f, long long customer_id, const enum db_cv_part *parts, int n,
                        void (*done)(void *ctx, struct db_customer_view *v), void *ctx)
{
    struct pending *p = pending_new(customer_id, parts, n, 0, false, done, ctx);
    *f = (struct db_outbox_follow){.stmts = p->stmts, .n = p->nstmts, .done = on_follow, .ctx = p, .cleanup = free};
}

/* ---- one contact's whole text ---------------------------------------------- */

/* What the timeline's rows leave out: on a far database every row of the
 * open costs its bytes, the rest of one contact only when it is opened. */
static const char body_sql[] =
    "SELECT coalesce(body, '') AS body, direction, coalesce(subject, '') AS subject FROM interaction WHERE id = $1::uuid";

static const struct db_col body_cols[] = {
    DB_COL(DB_TEXT, struct db_cv_contact_more, body),
    DB_COL(DB_TEXT, struct db_cv_contact_more, direction),
    DB_COL(DB_TEXT, struct db_cv_contact_more, subject),
};
static const struct db_shape body_shape = DB_SHAPE("contact text", struct db_cv_contact_more, body_cols);

struct body_pending {
    void (*done)(void *ctx, const struct db_cv_contact_more *more, const char *err);
    void *ctx;
};

static void on_body(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct body_pending *p = ctx;
    struct db_rows rows = {0};
    char why[300];
    if (!err && db_rows_decode(&rows, &body_shape, res, why, sizeof why) < 0)
        err = why;
    if (!err && rows.n == 0)
        err = "This contact is no longer there.";
    p->done(p->ctx, err ? NULL : DB_ROW(&rows, const struct db_cv_contact_more, 0), err);
    db_rows_free(&rows);
    free(p);
}

unsigned db_customer_contact_body(struct db_conn *c, const char *contact_id,
                                  void (*done)(void *ctx, const struct db_cv_contact_more *more, const char *err),
                                  void *ctx)
{
    struct body_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    const char *params[1] = {contact_id};
    struct db_query q = {.sql = body_sql, .nparams = 1, .params = params, .done = on_body, .ctx = p, .owner = ctx,
                         .cleanup = free};
    return db_send(c, &q);
}

void db_customer_prepare(struct db_conn *c)
{
    /* The open, and the parts refreshed on their own (an event's banner,
     * a page of contacts, back from a contact or a complaint). */
    static const enum db_cv_part alone[] = {CV_AUDIT, CV_EVENTS, CV_HEADER, CV_CONTACTS, CV_CONTACT_COUNT,
                                           CV_COMPLAINTS};
    int np;
    const char *sql = wire_sql(CV_HEADER, true, &np);
    db_prepare_ahead(c, sql, np);
    for (size_t i = 0; i < sizeof alone / sizeof alone[0]; i++) {
        sql = wire_sql(alone[i], false, &np);
        db_prepare_ahead(c, sql, np);
    }
}

static const enum db_cv_part all_parts[CV__COUNT] = {
    CV_HEADER,   CV_EVENTS,        CV_PREMISES,   CV_USAGE,      CV_BILLS,     CV_PAYMENTS, CV_ARRANGEMENTS,
    CV_BALANCE,  CV_CONTACTS,      CV_CONTACT_COUNT, CV_COMPLAINTS, CV_PROGRAMMES, CV_FOLLOWUPS, CV_AUDIT,
};

unsigned db_customer_open(struct db_conn *c, long long customer_id,
                          void (*done)(void *ctx, struct db_customer_view *v), void *ctx)
{
    return send_parts(c, pending_new(customer_id, all_parts, CV__COUNT, 0, true, done, ctx), ctx);
}

struct sync_wait {
    struct db_customer_view *out;
    bool done;
};

static void on_sync(void *ctx, struct db_customer_view *v)
{
    struct sync_wait *w = ctx;
    *w->out = *v;   /* take the rows over */
    free(v);
    w->done = true;
}

int db_customer_open_sync(struct db_conn *c, long long customer_id, struct db_customer_view *v)
{
    /* The very path the screen takes (one pipeline), waited for, so what
     * tests and the command line measure is what agents get. */
    memset(v, 0, sizeof *v);
    struct sync_wait w = {.out = v};
    db_customer_open(c, customer_id, on_sync, &w);
    if (db_wait(c, 60000) < 0 || !w.done) {
        db_forget_owner(c, &w);
        if (!v->error)
            v->error = util_strdup(db_error(c)[0] ? db_error(c) : "no answer from the database");
        return -1;
    }
    return v->error ? -1 : 0;
}

/* ---- the statements against the schema ------------------------------------
 * The seeded demo data is the same on every run: customer 1 lives in the
 * zone of the active event and has a complaint, 190 a programme and a
 * payment arrangement, 112 an open follow-up. */
static const char *const cust_1[] = {"1"};
static const char *const cust_190[] = {"190"};
static const char *const cust_112[] = {"112"};
static const char *const contacts_1[] = {"1", "0", "50"};
static const struct db_statement statements[] = {
    {NULL, 1, cust_1, &shapes[CV_HEADER], false},         {NULL, 1, cust_1, &shapes[CV_EVENTS], false},
    {NULL, 1, cust_1, &shapes[CV_PREMISES], false},       {NULL, 1, cust_1, &shapes[CV_USAGE], false},
    {NULL, 1, cust_1, &shapes[CV_BILLS], false},          {NULL, 1, cust_1, &shapes[CV_PAYMENTS], false},
    {NULL, 1, cust_190, &shapes[CV_ARRANGEMENTS], false}, {NULL, 1, cust_1, &shapes[CV_BALANCE], false},
    {NULL, 3, contacts_1, &shapes[CV_CONTACTS], false},   {NULL, 1, cust_1, &shapes[CV_CONTACT_COUNT], false},
    {NULL, 1, cust_1, &shapes[CV_COMPLAINTS], false},     {NULL, 1, cust_190, &shapes[CV_PROGRAMMES], false},
    {NULL, 1, cust_112, &shapes[CV_FOLLOWUPS], false},
};

const struct db_statement *db_customer_statements(int *n)
{
    /* The SQL of each is its part's: filled on first use (a static table
     * cannot take part_sql[] elements as constants). */
    static struct db_statement list[sizeof statements / sizeof statements[0]];
    static bool filled;
    if (!filled) {
        for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
            list[i] = statements[i];
            list[i].sql = part_sql[statements[i].shape - shapes];
        }
        filled = true;
    }
    *n = (int)(sizeof list / sizeof list[0]);
    return list;
}

static const char account_sql[] = "SELECT id FROM customer WHERE account_no = $1";
struct account_id {
    int64_t id;
};
static const struct db_col account_cols[] = {DB_COL(DB_INT64, struct account_id, id)};
static const struct db_shape account_shape = DB_SHAPE("customer by account", struct account_id, account_cols);

int db_customer_find_account(struct db_conn *c, const char *account_no, long long *id)
{
    const char *p[1] = {account_no};
    struct db_rows rows = {0};
    char err[256];
    if (db_exec_rows(c, account_sql, 1, p, &account_shape, &rows, err, sizeof err) < 0)
        return -1;
    int found = rows.n == 1;
    *id = found ? (long long)DB_ROW(&rows, struct account_id, 0)->id : 0;
    db_rows_free(&rows);
    return found;
}
