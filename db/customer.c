/* customer.c — the unified customer view: one statement per part, all sent in one pipeline round trip. */
#include "careline/customer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* Dates are shown the way British agents read them; amounts with two
 * decimals. Every statement takes the customer id as $1. Arrears and a
 * bill's status are read as of today (customer_arrears, bill_status_on):
 * the stored copies may be from before midnight. */
static const char *const part_sql[CV__COUNT] = {
    [CV_HEADER] =
        "SELECT c.id, c.account_no, c.name, c.segment, c.language, c.preferred_channel,"
        " coalesce(c.phone_e164, ''), coalesce(c.email, ''),"
        " to_char(c.balance, 'FM9999999990.00'), to_char(customer_arrears(c), 'FM9999999990.00'),"
        " array_to_string(c.vulnerability, ', '), c.priority_services, c.non_digital,"
        " c.segment = 'key_account',"
        " EXISTS (SELECT 1 FROM payment_arrangement a WHERE a.customer_id = c.id AND a.status = 'active'),"
        " EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id"
        "   AND k.status NOT IN ('resolved', 'closed', 'waiting_customer') AND k.merged_into IS NULL"
        "   AND ((k.acknowledged_at IS NULL AND k.ack_due_at < now())"
        "     OR (k.first_response_at IS NULL AND k.response_due_at < now())"
        "     OR k.resolution_due_at < now())),"
        " (SELECT i.subject FROM interaction i WHERE i.customer_id = c.id"
        "   AND i.started_at > now() - interval '7 days' AND i.subject IS NOT NULL"
        "   GROUP BY i.subject HAVING count(*) >= 2 ORDER BY max(i.started_at) DESC LIMIT 1),"
        " c.version, coalesce(c.first_name, c.name), c.customer_type"
        " FROM customer c WHERE c.id = $1",
    [CV_EVENTS] =
        "SELECT e.id, e.kind, e.title, to_char(e.started_at, 'Dy DD Mon HH24:MI'),"
        " coalesce(to_char(e.estimated_restore_at, 'Dy DD Mon HH24:MI'), 'not yet known'), e.agent_message,"
        " string_agg(DISTINCT p.address_line1, '; ')"
        " FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id"
        " JOIN critical_event_zone z ON z.zone_id = p.zone_id"
        " JOIN critical_event e ON e.id = z.event_id AND e.status = 'active'"
        " WHERE cp.customer_id = $1 AND cp.end_date IS NULL"
        " GROUP BY e.id ORDER BY e.started_at DESC",
    [CV_PREMISES] =
        "SELECT p.id, concat_ws(', ', p.address_line1, p.address_line2, p.town), p.postcode, z.name,"
        " p.premise_type, coalesce(m.serial, ''), coalesce(m.meter_type, ''), coalesce(m.status, ''), cp.role,"
        " to_char(cp.start_date, 'DD Mon YYYY')"
        " FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id JOIN zone z ON z.id = p.zone_id"
        " LEFT JOIN meter m ON m.premise_id = p.id AND m.status <> 'removed'"
        " WHERE cp.customer_id = $1 AND cp.end_date IS NULL"
        " ORDER BY cp.role, p.id, m.serial LIMIT 500",
    /* 24 months up to the latest read, each with the same month a year
     * before and the average of similar premises (same zone and segment). */
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
        "  JOIN premise p ON p.id = cp.premise_id WHERE c.id = $1 ORDER BY cp.role, p.id LIMIT 1)"
        " SELECT to_char(g.month, 'YYYY-MM'), r.m3, ly.m3, b.avg_m3,"
        "  CASE r.worst WHEN 3 THEN 'e' WHEN 2 THEN 'c' WHEN 1 THEN 's' WHEN 0 THEN 'a' END, r.night"
        " FROM (SELECT max(month) AS last FROM reads) l"
        " CROSS JOIN LATERAL generate_series(l.last - interval '23 months', l.last, interval '1 month') g(month)"
        " LEFT JOIN reads r ON r.month = g.month"
        " LEFT JOIN reads ly ON ly.month = g.month - interval '12 months'"
        " LEFT JOIN home h ON true"
        " LEFT JOIN usage_benchmark b ON b.zone_id = h.zone_id AND b.segment = h.segment AND b.month = g.month"
        " ORDER BY g.month",
    [CV_BILLS] =
        "SELECT id, to_char(issued_on, 'DD Mon YYYY'),"
        " to_char(period_start, 'DD Mon YY') || ' - ' || to_char(period_end, 'DD Mon YY'),"
        " to_char(amount, 'FM9999999990.00'), to_char(due_on, 'DD Mon YYYY'),"
        " bill_status_on(status, due_on, careline_today()), estimated,"
        " to_char(period_start, 'YYYY-MM'), to_char(period_end, 'YYYY-MM')"
        " FROM bill WHERE customer_id = $1 AND status <> 'cancelled' ORDER BY issued_on DESC, id DESC LIMIT 24",
    [CV_PAYMENTS] =
        "SELECT to_char(paid_on, 'DD Mon YYYY'), to_char(amount, 'FM9999999990.00'), method"
        " FROM payment WHERE customer_id = $1 ORDER BY paid_on DESC, id DESC LIMIT 24",
    [CV_ARRANGEMENTS] =
        "SELECT to_char(start_on, 'DD Mon YYYY'), coalesce(to_char(end_on, 'DD Mon YYYY'), 'open'),"
        " to_char(instalment, 'FM9999999990.00'), frequency, status, coalesce(to_char(total_amount, 'FM9999999990.00'), '')"
        " FROM payment_arrangement WHERE customer_id = $1 ORDER BY status <> 'active', start_on DESC LIMIT 10",
    /* The balance at the end of each of the last 24 months: today's balance
     * less what was billed since, plus what was paid since. */
    [CV_BALANCE] =
        "SELECT to_char(m, 'YYYY-MM'),"
        " c.balance - coalesce((SELECT sum(b.amount) FROM bill b WHERE b.customer_id = c.id"
        "   AND b.status <> 'cancelled' AND b.issued_on >= m + interval '1 month'), 0)"
        "  + coalesce((SELECT sum(p.amount) FROM payment p WHERE p.customer_id = c.id"
        "   AND p.paid_on >= m + interval '1 month'), 0)"
        " FROM customer c CROSS JOIN generate_series(date_trunc('month', current_date) - interval '23 months',"
        "  date_trunc('month', current_date), interval '1 month') m WHERE c.id = $1 ORDER BY m",
    [CV_CONTACTS] =
        "SELECT i.id, to_char(i.started_at, 'DD Mon YY HH24:MI'), i.channel, i.direction,"
        " coalesce(s.display_name, ''), coalesce(w.label, i.wrap_up_code, ''), coalesce(i.subject, ''),"
        " coalesce(i.summary, ''), coalesce(i.body, '')"
        " FROM interaction i LEFT JOIN staff s ON s.id = i.staff_id"
        " LEFT JOIN wrap_up_code w ON w.code = i.wrap_up_code"
        " WHERE i.customer_id = $1 ORDER BY i.started_at DESC, i.created_at DESC, i.id LIMIT $3 OFFSET $2",
    [CV_CONTACT_COUNT] = "SELECT count(*) FROM interaction WHERE customer_id = $1",
    /* Seconds left against each deadline (negative: overdue); NULL once met. */
    [CV_COMPLAINTS] =
        "SELECT k.id, k.reference, cat.name, k.status, to_char(k.opened_at, 'DD Mon YY'), k.severity,"
        " CASE WHEN k.acknowledged_at IS NULL THEN extract(epoch FROM k.ack_due_at - now())::bigint END,"
        " CASE WHEN k.first_response_at IS NULL THEN extract(epoch FROM k.response_due_at - now())::bigint END,"
        " CASE WHEN k.resolved_at IS NULL THEN extract(epoch FROM k.resolution_due_at - now())::bigint END,"
        " k.acknowledged_at IS NOT NULL, k.first_response_at IS NOT NULL,"
        " k.status IN ('resolved', 'closed'), coalesce(rc.name, ''), k.description, k.paused_since IS NOT NULL,"
        " coalesce(k.resolution_summary, '')"
        " FROM complaint k JOIN complaint_category cat ON cat.id = k.category_id"
        " LEFT JOIN root_cause rc ON rc.id = k.root_cause_id"
        " WHERE k.customer_id = $1 AND k.merged_into IS NULL"
        " ORDER BY k.status IN ('resolved', 'closed'), k.opened_at DESC LIMIT 100",
    [CV_PROGRAMMES] =
        "SELECT p.name, p.kind, e.status, to_char(e.enrolled_on, 'DD Mon YYYY'),"
        " coalesce(to_char(e.rebate_amount, 'FM9999999990.00'), ''), coalesce(to_char(e.ended_on, 'DD Mon YYYY'), ''),"
        " coalesce(p.description, '')"
        " FROM programme_enrolment e JOIN programme p ON p.id = e.programme_id"
        " WHERE e.customer_id = $1 ORDER BY e.status <> 'active', e.enrolled_on DESC",
    [CV_FOLLOWUPS] =
        "SELECT to_char(due_on, 'DD Mon YYYY'), channel, what_to_confirm, due_on < current_date"
        " FROM follow_up WHERE customer_id = $1 AND status = 'open' ORDER BY due_on LIMIT 20",
    /* Who opened which customer, when: written in the same round trip. */
    [CV_AUDIT] =
        "INSERT INTO audit_log (action, customer_id, entity, entity_id)"
        " VALUES ('customer.open', $1::bigint, 'customer', $1::bigint::text)",
};

void db_customer_view_free(struct db_customer_view *v)
{
    if (!v)
        return;
    for (int i = 0; i < CV__COUNT; i++)
        db_table_free(&v->part[i]);
    free(v->error);
    memset(v, 0, sizeof *v);
}

struct pending {
    void (*done)(void *ctx, struct db_customer_view *v);
    void *ctx;
    enum db_cv_part parts[CV__COUNT];
    int n;
    int contacts_offset;
};

static void on_batch(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    struct pending *p = ctx;
    struct db_customer_view *v = util_calloc(1, sizeof *v);
    v->ms = ms;
    v->contacts_offset = p->contacts_offset;
    if (err)
        v->error = util_strdup(err);
    else
        for (int i = 0; i < n && i < p->n; i++)
            db_table_copy(&v->part[p->parts[i]], res[i]);
    p->done(p->ctx, v);
    free(p);
}

/* Parameters of each part: the id, and for contacts the page. */
struct params {
    char id[24], offset[16], limit[16];
    const char *one[1];
    const char *page[3];
};

static void fill_params(struct params *pr, long long id, int offset)
{
    snprintf(pr->id, sizeof pr->id, "%lld", id);
    snprintf(pr->offset, sizeof pr->offset, "%d", offset > 0 ? offset : 0);
    snprintf(pr->limit, sizeof pr->limit, "%d", DB_CV_CONTACT_PAGE);
    pr->one[0] = pr->id;
    pr->page[0] = pr->id;
    pr->page[1] = pr->offset;
    pr->page[2] = pr->limit;
}

static void stmt_for(struct db_stmt *s, enum db_cv_part part, const struct params *pr)
{
    s->sql = part_sql[part];
    s->nparams = part == CV_CONTACTS ? 3 : 1;
    s->params = part == CV_CONTACTS ? pr->page : pr->one;
}

unsigned db_customer_refresh(struct db_conn *c, long long customer_id, const enum db_cv_part *parts, int n,
                             int contacts_offset, void (*done)(void *ctx, struct db_customer_view *v), void *ctx)
{
    struct pending *p = util_calloc(1, sizeof *p);
    struct params pr;
    struct db_stmt stmts[CV__COUNT];
    fill_params(&pr, customer_id, contacts_offset);
    if (n > CV__COUNT)
        n = CV__COUNT;
    for (int i = 0; i < n; i++) {
        p->parts[i] = parts[i];
        stmt_for(&stmts[i], parts[i], &pr);
    }
    p->n = n;
    p->done = done;
    p->ctx = ctx;
    p->contacts_offset = contacts_offset;
    struct db_batch b = {
        .stmts = stmts,
        .n = n,
        .done = on_batch,
        .ctx = p,
        .owner = ctx,
        .cleanup = free,
    };
    return db_send_batch(c, &b);
}

static const enum db_cv_part all_parts[CV__COUNT] = {
    CV_HEADER,   CV_EVENTS,        CV_PREMISES,   CV_USAGE,      CV_BILLS,     CV_PAYMENTS, CV_ARRANGEMENTS,
    CV_BALANCE,  CV_CONTACTS,      CV_CONTACT_COUNT, CV_COMPLAINTS, CV_PROGRAMMES, CV_FOLLOWUPS, CV_AUDIT,
};

unsigned db_customer_open(struct db_conn *c, long long customer_id,
                          void (*done)(void *ctx, struct db_customer_view *v), void *ctx)
{
    return db_customer_refresh(c, customer_id, all_parts, CV__COUNT, 0, done, ctx);
}

struct sync_wait {
    struct db_customer_view *out;
    bool done;
};

static void on_sync(void *ctx, struct db_customer_view *v)
{
    struct sync_wait *w = ctx;
    *w->out = *v;   /* take the tables over */
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

/* ---- usage rules -------------------------------------------------------- */

static double mean(const struct db_usage_month *m, int from, int to, int *count)
{
    double sum = 0;
    int n = 0;
    for (int i = from; i < to; i++)
        if (i >= 0 && !isnan(m[i].m3)) {
            sum += m[i].m3;
            n++;
        }
    if (count)
        *count = n;
    return n ? sum / n : NAN;
}

int db_usage_flags(const struct db_usage_month *m, int n, char *reason, size_t len)
{
    int flags = USAGE_OK;
    char why[3][160] = {"", "", ""};

    /* A jump that lasts: the last three months against the same three a
     * year before (seasons cancel out), or against the six before them
     * when there is no year of history. Small absolute changes are noise. */
    if (n >= 6) {
        int cnt;
        double recent = mean(m, n - 3, n, &cnt);
        double base = n >= 15 ? mean(m, n - 15, n - 12, NULL) : mean(m, n - 9, n - 3, NULL);
        if (cnt == 3 && !isnan(base) && base > 0 && recent > base * 1.5 && recent - base >= 2.0) {
            flags |= USAGE_LEAK_JUMP;
            snprintf(why[0], sizeof why[0], "use up %.0f%% for 3 months (%.1f vs %.1f m3/month)",
                     (recent / base - 1) * 100, recent, base);
        }
    }
    /* Water never stops at night: every one of the last three smart reads
     * shows a minimum night flow. */
    if (n >= 3) {
        int smart = 0;
        double low = INFINITY;
        for (int i = n - 3; i < n; i++)
            if (!isnan(m[i].night_flow) && m[i].night_flow >= 0.5) {
                smart++;
                if (m[i].night_flow < low)
                    low = m[i].night_flow;
            }
        if (smart == 3) {
            flags |= USAGE_LEAK_NIGHT;
            snprintf(why[1], sizeof why[1], "water flows all night (at least %.1f l/h for 3 months)", low);
        }
    }
    /* A real read after two or more estimated months bills everything the
     * estimates missed at once. Look at the latest such read. */
    for (int i = n - 1; i >= 2; i--) {
        if (m[i].read_type == 'e' || m[i].read_type == 0)
            continue;
        int est = 0;
        for (int k = i - 1; k >= 0 && m[k].read_type == 'e'; k--)
            est++;
        if (est >= 2 && !isnan(m[i].m3)) {
            double typical = mean(m, i - est - 6, i - est, NULL);
            if (isnan(typical) || m[i].m3 > typical * 1.8) {
                flags |= USAGE_CATCH_UP;
                snprintf(why[2], sizeof why[2], "an actual read after %d estimated months caught up", est);
            }
        }
        break;
    }
    if (reason && len) {
        struct util_buf b = {0};
        if (flags & (USAGE_LEAK_JUMP | USAGE_LEAK_NIGHT)) {
            util_buf_puts(&b, "Possible leak: ");
            util_buf_puts(&b, why[0]);
            if (why[0][0] && why[1][0])
                util_buf_puts(&b, "; ");
            util_buf_puts(&b, why[1]);
        }
        if (flags & USAGE_CATCH_UP) {
            util_buf_puts(&b, b.len ? ". Catch-up bill: " : "Catch-up bill: ");
            util_buf_puts(&b, why[2]);
        }
        snprintf(reason, len, "%s", b.data ? b.data : "");
        util_buf_free(&b);
    }
    return flags;
}

int db_customer_find_account(struct db_conn *c, const char *account_no, long long *id)
{
    const char *p[1] = {account_no};
    PGresult *r = db_exec(c, "SELECT id FROM customer WHERE account_no = $1", 1, p);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    *id = found ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return found;
}
