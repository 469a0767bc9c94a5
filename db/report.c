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
 *          deadline's name; the extra as 'late_payment'), packed as
 *          "kind,amount,late,type,from,to,hours_or_days,met,base_status,
 *          paid_at,late_status;..." for payments() below. The standard's
 *          own deadline is computed here in C: working_add_days in SQL
 *          costs milliseconds per call, the C rule microseconds.
 * Times travel as Unix seconds so no date format is parsed. */
static const char overdue_sql[] =
    "WITH open_c AS ("
    "  SELECT c.*, customer_region(c.customer_id, c.premise_id) AS region"
    "    FROM complaint c"
    "   WHERE c.status NOT IN ('resolved', 'closed') AND c.merged_into IS NULL"
    "     AND ($2::text IS NULL OR c.team = $2::text)"
    "), lim AS ("
    "  SELECT r.region, working_add_hours(now(), $1::numeric, r.region) AS soon"
    "    FROM (SELECT DISTINCT region FROM open_c) r"
    "), due AS ("
    "  SELECT c.*, d.kind, d.due"
    "    FROM open_c c"
    "    JOIN lim ON lim.region IS NOT DISTINCT FROM c.region"
    "   CROSS JOIN LATERAL (VALUES (0, c.ack_due_at, c.acknowledged_at), (1, c.response_due_at, c.first_response_at),"
    "                              (2, c.resolution_due_at, c.resolved_at)) d(kind, due, met)"
    "   WHERE d.due IS NOT NULL AND d.met IS NULL AND d.due < lim.soon"
    "     AND (c.paused_since IS NULL OR d.due < c.paused_since)"
    "), pay AS ("
    "  SELECT c.id, string_agg(concat_ws(',', k.kind, (s.compensation_amount * 100)::bigint,"
    "             (coalesce(s.compensation_late_extra, 0) * 100)::bigint, coalesce(s.customer_type, 'any'),"
    "             s.effective_from - date '1970-01-01', coalesce(s.effective_to - date '1970-01-01', -1),"
    "             CASE k.kind WHEN 0 THEN s.ack_hours WHEN 1 THEN s.first_response_days ELSE s.resolution_days END,"
    "             coalesce(extract(epoch FROM k.met)::bigint, 0),"
    "             coalesce(b.status, 'none'), coalesce(extract(epoch FROM b.paid_at)::bigint, 0),"
    "             coalesce(l.status, 'none')), ';' ORDER BY k.kind) AS info"
    "    FROM (SELECT DISTINCT ON (id) id, region, category_id, customer_id, opened_at,"
    "                 acknowledged_at, first_response_at, resolved_at FROM due) c"
    "    JOIN customer cu ON cu.id = c.customer_id"
    "   CROSS JOIN LATERAL (VALUES (0, c.acknowledged_at), (1, c.first_response_at), (2, c.resolved_at)) k(kind, met)"
    "   CROSS JOIN LATERAL ("
    "      SELECT r.* FROM applicable_standards(c.category_id, c.region, cu.customer_type,"
    "                                           (c.opened_at AT TIME ZONE careline_timezone())::date) a"
    "        JOIN response_standard r ON r.id = a.standard_id"
    "       WHERE r.compensation_amount > 0 AND compensation_scheme() <> 'none'"
    "         AND CASE k.kind WHEN 0 THEN r.ack_hours WHEN 1 THEN r.first_response_days"
    "                         ELSE r.resolution_days END IS NOT NULL"
    "       ORDER BY a.distance, r.region IS NULL, r.customer_type IS NULL, r.id LIMIT 1) s"
    "    LEFT JOIN LATERAL (SELECT p.status, p.paid_at FROM compensation_payment p"
    "       WHERE p.complaint_id = c.id AND p.response_standard_id = s.id"
    "         AND p.kind IN ('base', (ARRAY['acknowledgement', 'first_response', 'resolution'])[k.kind + 1])"
    "       ORDER BY p.status = 'paid' DESC, p.created_at LIMIT 1) b ON true"
    "    LEFT JOIN compensation_payment l"
    "      ON l.complaint_id = c.id AND l.response_standard_id = s.id AND l.kind = 'late_payment'"
    "   GROUP BY c.id"
    ")"
    "SELECT d.reference, cu.account_no, cu.name, cat.name, d.status, coalesce(st.display_name, ''),"
    "       coalesce(d.team, ''), d.kind, extract(epoch FROM d.due)::bigint, extract(epoch FROM now())::bigint,"
    "       careline_timezone(), coalesce(extract(epoch FROM d.paused_since)::bigint, 0),"
    "       extract(epoch FROM d.opened_at)::bigint, coalesce(cu.customer_type, ''), coalesce(pay.info, ''),"
    "       d.region, d.paused_seconds,"
    "       coalesce((SELECT value FROM app_setting WHERE key = 'compensation_pay_days'), '10')"
    "  FROM due d"
    "  JOIN customer cu ON cu.id = d.customer_id"
    "  JOIN complaint_category cat ON cat.id = d.category_id"
    "  LEFT JOIN staff st ON st.id = d.owner_staff_id"
    "  LEFT JOIN pay ON pay.id = d.id"
    " ORDER BY d.due, d.reference, d.kind";

enum {
    COL_REF, COL_ACCOUNT, COL_CUSTOMER, COL_CATEGORY, COL_STATUS, COL_OWNER, COL_TEAM, COL_KIND, COL_DUE, COL_NOW,
    COL_TZ, COL_PAUSED, COL_OPENED, COL_CTYPE, COL_PAY, COL_REGION, COL_PAUSED_SECONDS, COL_PAY_DAYS, COL__COUNT
};

/* A whole number of the statement (NULL: 0); one that is not sets *bad. */
static long long cell_ll(const PGresult *r, int row, int col, bool *bad)
{
    int64_t v = 0;
    if (!PQgetisnull(r, row, col) && util_parse_int64(PQgetvalue(r, row, col), &v) < 0)
        *bad = true;
    return (long long)v;
}

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

/* What one complaint's Guaranteed Standards owe, from the packed "pay"
 * column: each standard's own deadline (from opening, by the working
 * calendar, moved on by the time paused) and the day after which its
 * payment is late (pay_days working days later), decided by the pure rule
 * sla_compensation(). Entries that do not parse are skipped: they cannot
 * come from the statement above. */
struct complaint_facts {
    const char *info;
    enum sla_customer_type ctype;
    time_t opened, now, paused_since;
    long long paused_seconds;
    int pay_days;
};

static void payments(struct report_overdue_row *row, const struct complaint_facts *f, const struct sla_calendar *cal)
{
    char *copy = util_strdup(f->info), *save = NULL;
    long opened_day = sla_local_day(f->opened, NULL);
    for (char *e = strtok_r(copy, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
        /* kind,amount,late,type,from,to,value,met,base_status,paid_at,late_status */
        char *v[11], *vsave = NULL, *end;
        int nv = 0, kind, days;
        for (char *t = strtok_r(e, ",", &vsave); t && nv < 11; t = strtok_r(NULL, ",", &vsave))
            v[nv++] = t;
        int64_t amount, late, from, to, met, paid_at;
        if (nv != 11 || util_parse_int(v[0], &kind) < 0 || util_parse_int64(v[1], &amount) < 0 ||
            util_parse_int64(v[2], &late) < 0 || util_parse_int64(v[4], &from) < 0 || util_parse_int64(v[5], &to) < 0 ||
            util_parse_int64(v[7], &met) < 0 || util_parse_int64(v[9], &paid_at) < 0)
            continue;
        const char *type = v[3], *base_status = v[8], *late_status = v[10];
        double hours = strtod(v[6], &end);
        time_t due, pay_by = 0;
        int rc = -1;
        if (kind == SLA_ACK && end != v[6] && !*end)
            rc = sla_add_working_hours(cal, f->opened, hours, &due);
        else if (kind != SLA_ACK && util_parse_int(v[6], &days) == 0)
            rc = sla_add_working_days(cal, f->opened, days, &due);
        if (rc < 0)
            continue;
        due += (time_t)f->paused_seconds;
        if (f->pay_days > 0 && sla_add_working_days(cal, due, f->pay_days, &pay_by) < 0)
            pay_by = 0;
        struct sla_standard s = {
            .customer_type = sla_customer_type(type),
            .effective_from = (long)from,
            .effective_to = to < 0 ? SLA_FOREVER : (long)to,
            .amount = amount,
            .late_extra = late,
        };
        struct sla_deadline d = {.due = due, .met = (time_t)met};
        struct sla_payment p = {
            .base_recorded = strcmp(base_status, "none") != 0,
            .late_recorded = strcmp(late_status, "none") != 0,
            .pay_by = pay_by,
            .paid_at = strcmp(base_status, "paid") == 0 ? (time_t)paid_at : 0,
        };
        struct sla_owed o;
        sla_compensation(&s, f->ctype, opened_day, &d, f->now, f->paused_since, &p, &o);
        if (!o.missed)
            continue;
        /* A cancelled row is someone's decision that nothing is owed. */
        if (strcmp(base_status, "cancelled") != 0) {
            if (strcmp(base_status, "paid") == 0)
                row->payment_paid += o.base;
            else
                row->payment_owed += o.base;
            row->payment_unrecorded += o.record_base;
        }
        if (strcmp(late_status, "cancelled") != 0) {
            if (strcmp(late_status, "paid") == 0)
                row->payment_paid += o.late;
            else
                row->payment_owed += o.late;
            row->payment_unrecorded += o.record_late;
        }
    }
    free(copy);
}

/* The database's time zone (which the deadlines are counted in) and time,
 * from the first row. */
static int read_clock(const PGresult *r, struct report_overdue *out, char *err, size_t len)
{
    if (util_format_fits(out->timezone, sizeof out->timezone, "%s", PQgetvalue(r, 0, COL_TZ)) < 0) {
        util_format(err, len, "the database's time zone \"%.40s...\" is longer than any zone's name",
                    PQgetvalue(r, 0, COL_TZ));
        return -1;
    }
    if (sla_use_timezone(out->timezone, err, len) < 0)
        return -1;
    bool bad = false;
    out->now = (time_t)cell_ll(r, 0, COL_NOW, &bad);
    if (bad) {
        util_format(err, len, "the database's time is not a number of seconds: %s", PQgetvalue(r, 0, COL_NOW));
        return -1;
    }
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
    PGresult *r = db_exec(db, overdue_sql, 2, params);
    if (!r) {
        util_format(err, len, "%s", db_error(db));
        return -1;
    }
    int n = PQntuples(r);
    if (PQnfields(r) != COL__COUNT) {
        util_format(err, len, "unexpected answer from the database (%d columns)", PQnfields(r));
        PQclear(r);
        return -1;
    }
    if (n > 0 && read_clock(r, out, err, len) < 0) {
        PQclear(r);
        return -1;
    }
    out->rows = util_calloc((size_t)(n ? n : 1), sizeof *out->rows);
    struct calendars cals = {0};
    int rc = 0;
    for (int i = 0; i < n; i++) {
        struct report_overdue_row *row = &out->rows[out->count++];
        row->reference = util_strdup(PQgetvalue(r, i, COL_REF));
        row->account_no = util_strdup(PQgetvalue(r, i, COL_ACCOUNT));
        row->customer = util_strdup(PQgetvalue(r, i, COL_CUSTOMER));
        row->category = util_strdup(PQgetvalue(r, i, COL_CATEGORY));
        row->status = util_strdup(PQgetvalue(r, i, COL_STATUS));
        row->owner = util_strdup(PQgetvalue(r, i, COL_OWNER));
        row->team = util_strdup(PQgetvalue(r, i, COL_TEAM));
        bool bad = false;
        long long kind = cell_ll(r, i, COL_KIND, &bad);
        row->kind = kind >= 0 && kind < SLA__KINDS ? (enum sla_kind)kind : SLA_RESOLUTION;
        row->due = (time_t)cell_ll(r, i, COL_DUE, &bad);
        row->seconds_left = (long long)row->due - (long long)out->now;
        struct complaint_facts f = {
            .info = PQgetvalue(r, i, COL_PAY),
            .ctype = sla_customer_type(PQgetvalue(r, i, COL_CTYPE)),
            .opened = (time_t)cell_ll(r, i, COL_OPENED, &bad),
            .now = out->now,
            .paused_since = (time_t)cell_ll(r, i, COL_PAUSED, &bad),
            .paused_seconds = cell_ll(r, i, COL_PAUSED_SECONDS, &bad),
            .pay_days = (int)cell_ll(r, i, COL_PAY_DAYS, &bad),
        };
        if (bad) {
            util_format(err, len, "complaint %s: a deadline, time or count from the database is not a whole number",
                        row->reference);
            rc = -1;
            break;
        }
        struct sla_deadline d = {.due = row->due};
        /* The statement kept only deadlines before the limit: those not
         * breached are due soon. */
        row->state = sla_deadline_state(&d, out->now, row->due + 1, f.paused_since);
        if (!*f.info)
            continue;
        const char *region = PQgetisnull(r, i, COL_REGION) ? NULL : PQgetvalue(r, i, COL_REGION);
        const struct sla_calendar *cal = calendar_for(db, &cals, region, err, len);
        if (!cal) {
            rc = -1;
            break;
        }
        payments(row, &f, cal);
    }
    calendars_free(&cals);
    PQclear(r);
    return rc;
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
