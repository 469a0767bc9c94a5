/* report.c — complaints past or near their deadlines, with the guaranteed payments they owe (`careline report overdue`). */
#include "careline/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* ---- the overdue report's statement --------------------------------------
 * $1 working hours ahead ("near"), $2 team or NULL.
 *
 * open_c   open complaints (not merged) with their region;
 * lim      per region, now + $1 working hours on that region's calendar;
 * due      one row per deadline not yet met that falls before the limit; a
 *          complaint waiting on the customer has its clock stopped, so only
 *          deadlines that had already passed when the wait began are listed;
 * pay      for the listed complaints, per deadline kind, the standard with a
 *          compensation amount that sets that kind of deadline (most
 *          specific first, as complaint_due_times chooses) and what
 *          compensation_payment already records (the base payment as kind
 *          'base' or, as complaint_compensation_check() writes it, the
 *          deadline's name; the extra as 'late_payment'). The standard's
 *          own deadline is computed here in C: working_add_days in SQL
 *          costs milliseconds per call, the C rule microseconds.
 * A listed deadline comes as one row per standard of its complaint (pay_kind
 * NULL: the complaint has none), consecutive. Times travel as Unix seconds
 * and dates as day numbers, so no date format is parsed. */
static const char overdue_sql[] =
    "WITH open_c AS ("
    " SELECT c.*, customer_region(c.customer_id, c.premise_id) AS region"
    " FROM complaint c"
    " WHERE c.status NOT IN ('resolved', 'closed') AND c.merged_into IS NULL"
    " AND ($2::text IS NULL OR c.team = $2::text)"
    "), lim AS ("
    " SELECT r.region, working_add_hours(now(), $1::numeric, r.region) AS soon"
    " FROM (SELECT DISTINCT region FROM open_c) r"
    "), due AS ("
    " SELECT c.*, d.kind, d.due"
    " FROM open_c c"
    " JOIN lim ON lim.region IS NOT DISTINCT FROM c.region"
    " CROSS JOIN LATERAL (VALUES (0, c.ack_due_at, c.acknowledged_at), (1, c.response_due_at, c.first_response_at),"
    "                    (2, c.resolution_due_at, c.resolved_at)) d(kind, due, met)"
    " WHERE d.due IS NOT NULL AND d.met IS NULL AND d.due < lim.soon"
    " AND (c.paused_since IS NULL OR d.due < c.paused_since)"
    "), pay AS ("
    " SELECT c.id, k.kind, s.compensation_amount AS amount, coalesce(s.compensation_late_extra, 0) AS late_extra,"
    " coalesce(s.customer_type, 'any') AS standard_type, s.effective_from - date '1970-01-01' AS effective_from,"
    " coalesce(s.effective_to - date '1970-01-01', -1) AS effective_to, s.ack_hours AS hours,"
    " CASE k.kind WHEN 1 THEN s.first_response_days ELSE s.resolution_days END AS days,"
    " coalesce(extract(epoch FROM k.met)::bigint, 0) AS met, coalesce(b.status, 'none') AS base_status,"
    " coalesce(extract(epoch FROM b.paid_at)::bigint, 0) AS paid_at, coalesce(l.status, 'none') AS late_status"
    " FROM (SELECT DISTINCT ON (id) id, region, category_id, customer_id, opened_at,"
    "       acknowledged_at, first_response_at, resolved_at FROM due) c"
    " JOIN customer cu ON cu.id = c.customer_id"
    " CROSS JOIN LATERAL (VALUES (0, c.acknowledged_at), (1, c.first_response_at), (2, c.resolved_at)) k(kind, met)"
    " CROSS JOIN LATERAL ("
    "   SELECT r.* FROM applicable_standards(c.category_id, c.region, cu.customer_type,"
    "                                        (c.opened_at AT TIME ZONE careline_timezone())::date) a"
    "   JOIN response_standard r ON r.id = a.standard_id"
    "   WHERE r.compensation_amount > 0 AND compensation_scheme() <> 'none'"
    "   AND CASE k.kind WHEN 0 THEN r.ack_hours WHEN 1 THEN r.first_response_days"
    "       ELSE r.resolution_days END IS NOT NULL"
    "   ORDER BY a.distance, r.region IS NULL, r.customer_type IS NULL, r.id LIMIT 1) s"
    " LEFT JOIN LATERAL (SELECT p.status, p.paid_at FROM compensation_payment p"
    "   WHERE p.complaint_id = c.id AND p.response_standard_id = s.id"
    "   AND p.kind IN ('base', (ARRAY['acknowledgement', 'first_response', 'resolution'])[k.kind + 1])"
    "   ORDER BY p.status = 'paid' DESC, p.created_at LIMIT 1) b ON true"
    " LEFT JOIN compensation_payment l"
    "   ON l.complaint_id = c.id AND l.response_standard_id = s.id AND l.kind = 'late_payment'"
    ")"
    "SELECT d.reference, cu.account_no, cu.name AS customer, cat.name AS category, d.status,"
    " coalesce(st.display_name, '') AS owner, coalesce(d.team, '') AS team, d.kind,"
    " extract(epoch FROM d.due)::bigint AS due, extract(epoch FROM now())::bigint AS now,"
    " careline_timezone() AS timezone, coalesce(extract(epoch FROM d.paused_since)::bigint, 0) AS paused_since,"
    " extract(epoch FROM d.opened_at)::bigint AS opened, coalesce(cu.customer_type, '') AS customer_type,"
    " d.region, d.paused_seconds,"
    " coalesce((SELECT value FROM app_setting WHERE key = 'compensation_pay_days'), '10') AS pay_days,"
    " p.kind AS pay_kind, p.amount, p.late_extra, p.standard_type, p.effective_from, p.effective_to, p.hours, p.days,"
    " p.met, p.base_status, p.paid_at, p.late_status"
    " FROM due d"
    " JOIN customer cu ON cu.id = d.customer_id"
    " JOIN complaint_category cat ON cat.id = d.category_id"
    " LEFT JOIN staff st ON st.id = d.owner_staff_id"
    " LEFT JOIN pay p ON p.id = d.id"
    " ORDER BY d.due, d.reference, d.kind, p.kind";

/* One row of the statement: a listed deadline and one Guaranteed Standard
 * of its complaint (no_pay: none) with what compensation_payment records
 * for it. */
struct overdue_rec {
    char *reference, *account_no, *customer, *category, *status, *owner, *team;
    int kind;
    bool no_region, no_pay;
    int64_t due, now, paused_since, opened, paused_seconds;
    char *timezone, *customer_type, *region;
    int pay_days;
    int pay_kind;                          /* the kind of deadline the standard sets */
    int64_t amount, late_extra;            /* pence */
    char *standard_type;                   /* "household", "business", "any" */
    int64_t effective_from, effective_to;  /* day numbers; to -1: still in force */
    double hours;                          /* working hours (acknowledgement) */
    int days;                              /* working days (response, resolution) */
    int64_t met, paid_at;                  /* Unix seconds; 0: not met, not paid */
    char *base_status, *late_status;       /* "none", "owed", "paid", "cancelled" */
};

#define O(type, f) DB_COL(type, struct overdue_rec, f)
static const struct db_col overdue_cols[] = {
    O(DB_TEXT, reference),        O(DB_TEXT, account_no),     O(DB_TEXT, customer),   O(DB_TEXT, category),
    O(DB_TEXT, status),           O(DB_TEXT, owner),          O(DB_TEXT, team),       O(DB_INT, kind),
    O(DB_EPOCH, due),             O(DB_EPOCH, now),           O(DB_TEXT, timezone),   O(DB_EPOCH, paused_since),
    O(DB_EPOCH, opened),          O(DB_TEXT, customer_type),  O(DB_INT64, paused_seconds), O(DB_INT, pay_days),
    DB_COL_NULL(DB_TEXT, struct overdue_rec, region, no_region),
    DB_COL_NULL(DB_INT, struct overdue_rec, pay_kind, no_pay),
    O(DB_MONEY, amount),          O(DB_MONEY, late_extra),    O(DB_TEXT, standard_type),
    O(DB_INT64, effective_from),  O(DB_INT64, effective_to),  O(DB_REAL, hours),      O(DB_INT, days),
    O(DB_EPOCH, met),             O(DB_TEXT, base_status),    O(DB_EPOCH, paid_at),   O(DB_TEXT, late_status),
};
#undef O
static const struct db_shape overdue_shape = DB_SHAPE("overdue report", struct overdue_rec, overdue_cols);

/* Calendars of the regions met so far (a handful: one per nation). */
struct calendars {
    struct {
        char *region;           /* NULL = no region */
        struct sla_calendar cal;
    } *v;
    int n;
};

static const struct sla_calendar *calendar_for(struct db_conn *db, struct calendars *cs, const char *region,
                                               char *err, size_t len)
{
    for (int i = 0; i < cs->n; i++)
        if ((!region && !cs->v[i].region) || (region && cs->v[i].region && strcmp(region, cs->v[i].region) == 0))
            return &cs->v[i].cal;
    cs->v = util_realloc(cs->v, (size_t)(cs->n + 1) * sizeof *cs->v);
    cs->v[cs->n].region = util_strdup(region);
    int rc = sla_calendar_load(db, region, &cs->v[cs->n].cal, err, len);
    cs->n++;
    return rc < 0 ? NULL : &cs->v[cs->n - 1].cal;
}

static void calendars_free(struct calendars *cs)
{
    for (int i = 0; i < cs->n; i++) {
        free(cs->v[i].region);
        sla_calendar_free(&cs->v[i].cal);
    }
    free(cs->v);
}

/* Adds what one missed standard owes to the row, by who has decided what:
 * a cancelled payment is someone's decision that nothing is owed. */
static void add_owed(struct report_overdue_row *row, const char *status, long long owed, long long unrecorded)
{
    if (strcmp(status, "cancelled") == 0)
        return;
    if (strcmp(status, "paid") == 0)
        row->payment_paid += owed;
    else
        row->payment_owed += owed;
    row->payment_unrecorded += unrecorded;
}

/* What one of the complaint's Guaranteed Standards owes: the standard's own
 * deadline (from opening, by the working calendar, moved on by the time
 * paused) and the day after which its payment is late (pay_days working
 * days later), decided by the pure rule sla_compensation(). */
static void payment(struct report_overdue_row *row, const struct overdue_rec *rec, const struct sla_calendar *cal)
{
    time_t due, pay_by = 0;
    if ((rec->pay_kind == SLA_ACK ? sla_add_working_hours(cal, (time_t)rec->opened, rec->hours, &due)
                                  : sla_add_working_days(cal, (time_t)rec->opened, rec->days, &due)) < 0)
        return;
    due += (time_t)rec->paused_seconds;
    if (rec->pay_days > 0 && sla_add_working_days(cal, due, rec->pay_days, &pay_by) < 0)
        pay_by = 0;
    struct sla_standard s = {
        .customer_type = sla_customer_type(rec->standard_type),
        .effective_from = (long)rec->effective_from,
        .effective_to = rec->effective_to < 0 ? SLA_FOREVER : (long)rec->effective_to,
        .amount = rec->amount,
        .late_extra = rec->late_extra,
    };
    struct sla_deadline d = {.due = due, .met = (time_t)rec->met};
    struct sla_payment p = {
        .base_recorded = strcmp(rec->base_status, "none") != 0,
        .late_recorded = strcmp(rec->late_status, "none") != 0,
        .pay_by = pay_by,
        .paid_at = strcmp(rec->base_status, "paid") == 0 ? (time_t)rec->paid_at : 0,
    };
    struct sla_owed o;
    sla_compensation(&s, sla_customer_type(rec->customer_type), sla_local_day((time_t)rec->opened, NULL), &d,
                     (time_t)rec->now, (time_t)rec->paused_since, &p, &o);
    if (!o.missed)
        return;
    add_owed(row, rec->base_status, o.base, o.record_base);
    add_owed(row, rec->late_status, o.late, o.record_late);
}

/* The database's time zone (which the deadlines are counted in) and time,
 * from the first row. */
static int read_clock(const struct overdue_rec *first, struct report_overdue *out, char *err, size_t len)
{
    if (util_format_fits(out->timezone, sizeof out->timezone, "%s", first->timezone) < 0) {
        util_format(err, len, "the database's time zone \"%.40s...\" is longer than any zone's name",
                    first->timezone);
        return -1;
    }
    if (sla_use_timezone(out->timezone, err, len) < 0)
        return -1;
    out->now = (time_t)first->now;
    return 0;
}

/* Whether record i starts another listed deadline (the rows of one
 * deadline, one per standard of its complaint, come together). */
static bool starts_deadline(const struct db_rows *rows, int i)
{
    const struct overdue_rec *a = DB_ROW(rows, struct overdue_rec, i);
    const struct overdue_rec *b = i > 0 ? DB_ROW(rows, struct overdue_rec, i - 1) : NULL;
    return !b || a->kind != b->kind || strcmp(a->reference, b->reference) != 0;
}

/* The listed deadline whose rows start at first into row; -1 with the
 * reason when its region's calendar cannot be read. */
static int overdue_row(struct db_conn *db, const struct db_rows *rows, int first, struct calendars *cals,
                       time_t now, struct report_overdue_row *row, char *err, size_t len)
{
    const struct overdue_rec *rec = DB_ROW(rows, struct overdue_rec, first);
    row->reference = util_strdup(rec->reference);
    row->account_no = util_strdup(rec->account_no);
    row->customer = util_strdup(rec->customer);
    row->category = util_strdup(rec->category);
    row->status = util_strdup(rec->status);
    row->owner = util_strdup(rec->owner);
    row->team = util_strdup(rec->team);
    row->kind = rec->kind >= 0 && rec->kind < SLA__KINDS ? (enum sla_kind)rec->kind : SLA_RESOLUTION;
    row->due = (time_t)rec->due;
    row->seconds_left = (long long)row->due - (long long)now;
    struct sla_deadline d = {.due = row->due};
    /* The statement kept only deadlines before the limit: those not
     * breached are due soon. */
    row->state = sla_deadline_state(&d, now, row->due + 1, (time_t)rec->paused_since);
    if (rec->no_pay)
        return 0;
    const struct sla_calendar *cal = calendar_for(db, cals, rec->no_region ? NULL : rec->region, err, len);
    if (!cal)
        return -1;
    for (int i = first; i < rows->n && (i == first || !starts_deadline(rows, i)); i++)
        payment(row, DB_ROW(rows, struct overdue_rec, i), cal);
    return 0;
}

int report_overdue_fetch(struct db_conn *db, const struct report_overdue_opts *o, struct report_overdue *out,
                         char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    char within[32];
    if (util_format_fits(within, sizeof within, "%.4f", o->within_hours) < 0) {
        util_format(err, len, "%g hours is not a time to look ahead", o->within_hours);
        return -1;
    }
    const char *params[2] = {within, o->team};
    struct db_rows rows = {0};
    int rc = db_exec_rows(db, overdue_sql, 2, params, &overdue_shape, &rows, err, len);
    if (rc == 0 && rows.n > 0)
        rc = read_clock(DB_ROW(&rows, struct overdue_rec, 0), out, err, len);
    if (rc < 0) {
        db_rows_free(&rows);
        return -1;
    }
    out->rows = util_calloc((size_t)(rows.n ? rows.n : 1), sizeof *out->rows);
    struct calendars cals = {0};
    for (int i = 0; rc == 0 && i < rows.n; i++)
        if (starts_deadline(&rows, i))
            rc = overdue_row(db, &rows, i, &cals, out->now, &out->rows[out->count++], err, len);
    calendars_free(&cals);
    db_rows_free(&rows);
    return rc;
}

static const char *const overdue_params[] = {"10000", NULL};
static const struct db_statement statements[] = {
    {overdue_sql, 2, overdue_params, &overdue_shape, false},
};

const struct db_statement *report_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}

void report_overdue_free(struct report_overdue *r)
{
    for (int i = 0; i < r->count; i++) {
        struct report_overdue_row *row = &r->rows[i];
        free(row->reference);
        free(row->account_no);
        free(row->customer);
        free(row->category);
        free(row->status);
        free(row->owner);
        free(row->team);
    }
    free(r->rows);
    memset(r, 0, sizeof *r);
}
