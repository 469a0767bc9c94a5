/* figures.c — the supervisor's figures: one statement per figure over the row functions of migration 020, decoded into typed records for the dashboard and `careline report` alike, and the lists behind them. */
#include "careline/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* The period and team of every statement that takes them: $1 the first
 * day, $2 the day after the last, $3 the team (NULL: all). Passed as
 * expressions, so the planner sees the instants and picks the index
 * ranges; the row functions compare them with indexed columns only (an
 * expression in a filter would be worked out again for every row). */
#define PERIOD "careline_day_start($1::date), careline_day_start($2::date), $3::text"
#define ROWS(fn) fn "(" PERIOD ")"

/* ---- the parts of a load ------------------------------------------------------ */

static const char clock_sql[] =
    "SELECT (careline_today() - date '1970-01-01')::bigint AS today, extract(epoch FROM now())::bigint AS now,"
    " careline_timezone() AS timezone, CASE WHEN $1::boolean THEN report_connections() END AS connections,"
    " report_repeat_days() AS repeat_days";
static const struct db_col clock_cols[] = {
    DB_COL(DB_INT64, struct db_fig_clock, today),     DB_COL(DB_INT64, struct db_fig_clock, now),
    DB_COL(DB_TEXT, struct db_fig_clock, timezone),
    DB_COL_NULL(DB_INT64, struct db_fig_clock, connections, connections_unknown),
    DB_COL(DB_INT, struct db_fig_clock, repeat_days),
};
static const struct db_shape clock_shape = DB_SHAPE("figures: clock", struct db_fig_clock, clock_cols);

static const char contacts_sql[] =
    "SELECT r.channel, coalesce(r.wrap_up_code, '') AS wrap_up_code, coalesce(w.label, '') AS wrap_up_label,"
    " count(*) AS n"
    " FROM " ROWS("report_contact_rows") " r LEFT JOIN wrap_up_code w ON w.code = r.wrap_up_code"
    " GROUP BY r.channel, r.wrap_up_code, w.label ORDER BY n DESC, r.channel, wrap_up_code";
static const struct db_col contact_cols[] = {
    DB_COL(DB_TEXT, struct db_fig_contact, channel),       DB_COL(DB_TEXT, struct db_fig_contact, wrap_up_code),
    DB_COL(DB_TEXT, struct db_fig_contact, wrap_up_label), DB_COL(DB_INT64, struct db_fig_contact, n),
};
static const struct db_shape contact_shape = DB_SHAPE("figures: contacts", struct db_fig_contact, contact_cols);

/* Every top-level category in force, with or without complaints, so the
 * regulator's table keeps its rows. */
static const char categories_sql[] =
    "WITH r AS MATERIALIZED (SELECT complaint_id, top_category_id, opened_in, resolved_in, closed_in, fcr"
    " FROM " ROWS("report_complaint_rows") ")"
    " SELECT cat.id AS category_id, cat.name AS category,"
    " count(r.complaint_id) FILTER (WHERE r.opened_in) AS opened,"
    " count(r.complaint_id) FILTER (WHERE r.resolved_in) AS resolved,"
    " count(r.complaint_id) FILTER (WHERE r.closed_in) AS closed,"
    " count(r.complaint_id) FILTER (WHERE r.fcr = 'first_contact') AS fcr_first,"
    " count(r.complaint_id) FILTER (WHERE r.fcr = 'repeat') AS fcr_repeat,"
    " count(r.complaint_id) FILTER (WHERE r.fcr = 'pending') AS fcr_pending"
    " FROM complaint_category cat LEFT JOIN r ON r.top_category_id = cat.id"
    " WHERE cat.parent_id IS NULL AND (cat.active OR r.complaint_id IS NOT NULL)"
    " GROUP BY cat.id, cat.name, cat.sort_order ORDER BY cat.sort_order, cat.name, cat.id";
static const struct db_col category_cols[] = {
    DB_COL(DB_INT, struct db_fig_category, category_id),  DB_COL(DB_TEXT, struct db_fig_category, category),
    DB_COL(DB_INT64, struct db_fig_category, opened),     DB_COL(DB_INT64, struct db_fig_category, resolved),
    DB_COL(DB_INT64, struct db_fig_category, closed),     DB_COL(DB_INT64, struct db_fig_category, fcr_first),
    DB_COL(DB_INT64, struct db_fig_category, fcr_repeat), DB_COL(DB_INT64, struct db_fig_category, fcr_pending),
};
static const struct db_shape category_shape = DB_SHAPE("figures: categories", struct db_fig_category, category_cols);

static const char causes_sql[] =
    "SELECT rc.id AS root_cause_id, rc.name AS root_cause, coalesce(pr.name, '') AS parent, count(*) AS resolved,"
    " (SELECT count(*) FROM improvement_action a WHERE a.root_cause_id = rc.id AND NOT a.withdrawn"
    "   AND a.changed_on >= $1::date AND a.changed_on < $2::date) AS actions"
    " FROM " ROWS("report_complaint_rows") " r JOIN root_cause rc ON rc.id = r.root_cause_id"
    " LEFT JOIN root_cause pr ON pr.id = rc.parent_id"
    " WHERE r.resolved_in GROUP BY rc.id, rc.name, pr.name, rc.sort_order"
    " ORDER BY resolved DESC, rc.sort_order, rc.name, rc.id";
static const struct db_col cause_cols[] = {
    DB_COL(DB_INT, struct db_fig_cause, root_cause_id), DB_COL(DB_TEXT, struct db_fig_cause, root_cause),
    DB_COL(DB_TEXT, struct db_fig_cause, parent),       DB_COL(DB_INT64, struct db_fig_cause, resolved),
    DB_COL(DB_INT64, struct db_fig_cause, actions),
};
static const struct db_shape cause_shape = DB_SHAPE("figures: root causes", struct db_fig_cause, cause_cols);

/* One pass over the period's deadlines for the three groupings; the keys
 * are what the list behind a row filters on (DB_DRILL_DEADLINES). */
#define OUTCOMES                                                                                             \
    " count(*) FILTER (WHERE d.outcome = 'on_time') AS on_time, count(*) FILTER (WHERE d.outcome = 'late') AS late," \
    " count(*) FILTER (WHERE d.outcome = 'paused') AS paused, count(*) FILTER (WHERE d.outcome = 'pending') AS pending"
static const char sla_sql[] =
    "WITH d AS MATERIALIZED (SELECT * FROM " ROWS("report_deadline_rows") ")"
    " SELECT 'category' AS group_by, cat.id::text AS key, cat.name, '' AS team, d.kind, cat.sort_order AS sort," OUTCOMES
    " FROM d JOIN complaint_category cat ON cat.id = d.top_category_id GROUP BY cat.id, cat.name, cat.sort_order, d.kind"
    " UNION ALL"
    " SELECT 'team', coalesce(d.team, ''), coalesce(d.team, '(no team)'), coalesce(d.team, ''), d.kind, 0," OUTCOMES
    " FROM d GROUP BY d.team, d.kind"
    " UNION ALL"
    " SELECT 'agent', coalesce(d.owner_staff_id::text, ''), coalesce(s.display_name, '(unassigned)'),"
    " coalesce(s.team, ''), d.kind, 0," OUTCOMES
    " FROM d LEFT JOIN staff s ON s.id = d.owner_staff_id GROUP BY d.owner_staff_id, s.display_name, s.team, d.kind"
    " ORDER BY group_by, sort, name, key, kind";
static const struct db_col sla_cols[] = {
    DB_COL(DB_TEXT, struct db_fig_sla_row, group_by), DB_COL(DB_TEXT, struct db_fig_sla_row, key),
    DB_COL(DB_TEXT, struct db_fig_sla_row, name),     DB_COL(DB_TEXT, struct db_fig_sla_row, team),
    DB_COL(DB_TEXT, struct db_fig_sla_row, kind),     DB_COL(DB_INT, struct db_fig_sla_row, sort),
    DB_COL(DB_INT64, struct db_fig_sla_row, on_time), DB_COL(DB_INT64, struct db_fig_sla_row, late),
    DB_COL(DB_INT64, struct db_fig_sla_row, paused),  DB_COL(DB_INT64, struct db_fig_sla_row, pending),
};
static const struct db_shape sla_shape = DB_SHAPE("figures: deadlines", struct db_fig_sla_row, sla_cols);

static const char scores_sql[] =
    "WITH v AS MATERIALIZED (SELECT csat, nps, declined FROM " ROWS("report_survey_rows") ")"
    " SELECT 'csat' AS scale, csat::integer AS score, report_csat_group(csat) AS grp, count(*) AS n"
    " FROM v WHERE csat IS NOT NULL GROUP BY csat"
    " UNION ALL SELECT 'nps', nps::integer, report_nps_group(nps), count(*) FROM v WHERE nps IS NOT NULL GROUP BY nps"
    " UNION ALL SELECT 'declined', 0, 'declined', count(*) FROM v WHERE declined HAVING count(*) > 0"
    " ORDER BY scale, score";
static const struct db_col score_cols[] = {
    DB_COL(DB_TEXT, struct db_fig_score, scale), DB_COL(DB_INT, struct db_fig_score, score),
    DB_COL(DB_TEXT, struct db_fig_score, grp),   DB_COL(DB_INT64, struct db_fig_score, n),
};
static const struct db_shape score_shape = DB_SHAPE("figures: satisfaction", struct db_fig_score, score_cols);

static const char payments_sql[] =
    "SELECT state, gss_code, count(*) AS n, sum(amount) AS amount FROM " ROWS("report_payment_rows") ""
    " GROUP BY state, gss_code ORDER BY gss_code, state";
static const struct db_col payment_cols[] = {
    DB_COL(DB_TEXT, struct db_fig_payment, state), DB_COL(DB_TEXT, struct db_fig_payment, gss_code),
    DB_COL(DB_INT64, struct db_fig_payment, n),    DB_COL(DB_MONEY, struct db_fig_payment, amount),
};
static const struct db_shape payment_shape = DB_SHAPE("figures: guaranteed payments", struct db_fig_payment,
                                                      payment_cols);

static const char followups_sql[] =
    "SELECT count(*) AS overdue, coalesce(max(days_overdue), 0) AS oldest_days"
    " FROM report_overdue_follow_up_rows($1::text)";
static const struct db_col followup_cols[] = {
    DB_COL(DB_INT64, struct db_fig_followups, overdue),
    DB_COL(DB_INT, struct db_fig_followups, oldest_days),
};
static const struct db_shape followup_shape = DB_SHAPE("figures: follow-ups", struct db_fig_followups,
                                                       followup_cols);

enum params { P_FLAG, P_PERIOD, P_TEAM };
static const struct {
    const char *sql;
    enum params params;
    const struct db_shape *shape;
} parts[DB_FIG__PARTS] = {
    [DB_FIG_CLOCK] = {clock_sql, P_FLAG, &clock_shape},
    [DB_FIG_CONTACTS] = {contacts_sql, P_PERIOD, &contact_shape},
    [DB_FIG_CATEGORIES] = {categories_sql, P_PERIOD, &category_shape},
    [DB_FIG_CAUSES] = {causes_sql, P_PERIOD, &cause_shape},
    [DB_FIG_SLA] = {sla_sql, P_PERIOD, &sla_shape},
    [DB_FIG_SCORES] = {scores_sql, P_PERIOD, &score_shape},
    [DB_FIG_PAYMENTS] = {payments_sql, P_PERIOD, &payment_shape},
    [DB_FIG_FOLLOWUPS] = {followups_sql, P_TEAM, &followup_shape},
};

/* The parameters of a statement: days as text, the team or NULL. */
struct args {
    char from[16], to[16];
    bool connections;        /* the clock counts the connections (a scan of every premise) */
    const char *v[6];
    int n;
};

static void args_period(struct args *a, const struct db_period *p, const char *team)
{
    db_date_text(p->from, a->from, sizeof a->from);
    db_date_text(p->to, a->to, sizeof a->to);
    a->v[0] = a->from;
    a->v[1] = a->to;
    a->v[2] = team && *team ? team : NULL;
    a->n = 3;
}

static void args_part(struct args *a, int part, const struct db_period *p, const char *team, bool connections)
{
    a->connections = connections;
    args_period(a, p, team);
    if (parts[part].params == P_FLAG) {
        a->v[0] = a->connections ? "true" : "false";
        a->n = 1;
    } else if (parts[part].params == P_TEAM) {
        a->v[0] = a->v[2];
        a->n = 1;
    }
}

void db_figures_free(struct db_figures *f)
{
    for (int i = 0; i < DB_FIG__PARTS; i++)
        db_rows_free(&f->part[i]);
}

struct pending {
    struct db_period period;
    db_figures_fn done;
    db_figures_rows_fn rows_done;
    void *ctx;
};

static void on_batch(void *arg, const PGresult *const *res, int n, const char *err, double ms)
{
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_figures f = {.period = p.period, .ms = ms};
    char why[512];
    if (!err) {
        struct db_rows *out[DB_FIG__PARTS];
        const struct db_shape *shapes[DB_FIG__PARTS];
        for (int i = 0; i < DB_FIG__PARTS; i++) {
            out[i] = &f.part[i];
            shapes[i] = parts[i].shape;
        }
        if (db_parts_decode(out, shapes, DB_FIG__PARTS, res, n, why, sizeof why) < 0)
            err = why;
    }
    p.done(p.ctx, err ? NULL : &f, err);
    db_figures_free(&f);
}

unsigned db_figures_load(struct db_conn *c, const struct db_period *p, const char *team, bool connections,
                         int delay_ms, db_figures_fn done, void *ctx)
{
    struct args a[DB_FIG__PARTS];
    struct db_stmt st[DB_FIG__PARTS];
    for (int i = 0; i < DB_FIG__PARTS; i++) {
        args_part(&a[i], i, p, team, connections);
        st[i] = (struct db_stmt){parts[i].sql, a[i].n, a[i].v};
    }
    struct pending *pd = util_calloc(1, sizeof *pd);
    pd->period = *p;
    pd->done = done;
    pd->ctx = ctx;
    struct db_batch b = {.stmts = st, .n = DB_FIG__PARTS, .slot = "figures", .delay_ms = delay_ms,
                         .done = on_batch, .ctx = pd, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

/* One statement run and decoded, synchronously. */
static int run_decode(struct db_conn *c, const char *sql, const struct args *a, const struct db_shape *shape,
                      struct db_rows *out, char *err, size_t len)
{
    PGresult *r = db_exec(c, sql, a->n, a->v);
    if (!r) {
        util_format(err, len, "%s", db_error(c));
        return -1;
    }
    int rc = db_rows_decode(out, shape, r, err, len);
    PQclear(r);
    return rc;
}

int db_figures_fetch(struct db_conn *c, const struct db_period *p, const char *team, unsigned mask,
                     struct db_figures *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    out->period = *p;
    for (int i = 0; i < DB_FIG__PARTS; i++) {
        if (!(mask & (1u << i)))
            continue;
        struct args a;
        args_part(&a, i, p, team, true);
        if (run_decode(c, parts[i].sql, &a, parts[i].shape, &out->part[i], err, len) < 0)
            return -1;
    }
    return 0;
}

int db_figures_today(struct db_conn *c, long *today, char *err, size_t len)
{
    struct db_figures f;
    struct db_period none = {0};
    int rc = db_figures_fetch(c, &none, NULL, 1u << DB_FIG_CLOCK, &f, err, len);
    if (rc == 0 && f.part[DB_FIG_CLOCK].n != 1) {
        util_format(err, len, "the database did not say what day it is");
        rc = -1;
    }
    if (rc == 0)
        *today = (long)DB_FIG_ROW(&f, DB_FIG_CLOCK, struct db_fig_clock, 0)->today;
    db_figures_free(&f);
    return rc;
}

/* ---- score arithmetic ----------------------------------------------------------- */

double db_share(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)part / (double)whole : NAN;
}

bool db_nps(int64_t promoters, int64_t passives, int64_t detractors, int *score)
{
    int64_t n = promoters + passives + detractors;
    if (n <= 0)
        return false;
    /* Whole numbers first so that ties round the same on every machine:
     * 100 * (P - D) / n, half away from zero. */
    int64_t num = 100 * (promoters - detractors);
    int64_t q = num / n, r = num % n;
    if (2 * (r < 0 ? -r : r) >= n)
        q += num < 0 ? -1 : 1;
    *score = (int)q;
    return true;
}

char *db_pct_text(double share, char *buf, size_t len)
{
    if (isnan(share))
        util_format(buf, len, "-");
    else
        util_format(buf, len, "%.1f", share * 100.0);
    return buf;
}

/* ---- what the parts add up to ------------------------------------------------- */

static void summarise_categories(const struct db_figures *f, struct db_fig_summary *s)
{
    for (int i = 0; i < f->part[DB_FIG_CATEGORIES].n; i++) {
        const struct db_fig_category *r = DB_FIG_ROW(f, DB_FIG_CATEGORIES, struct db_fig_category, i);
        s->opened += r->opened;
        s->resolved += r->resolved;
        s->closed += r->closed;
        s->fcr_first += r->fcr_first;
        s->fcr_repeat += r->fcr_repeat;
        s->fcr_pending += r->fcr_pending;
    }
    s->fcr = db_share(s->fcr_first, s->fcr_first + s->fcr_repeat);
    if (f->part[DB_FIG_CLOCK].n > 0)
        s->connections = DB_FIG_ROW(f, DB_FIG_CLOCK, struct db_fig_clock, 0)->connections;
    s->per_10k = s->connections > 0 ? (double)s->opened * 10000.0 / (double)s->connections : NAN;
}

static void summarise_scores(const struct db_figures *f, struct db_fig_summary *s)
{
    int64_t csat_sum = 0;
    for (int i = 0; i < f->part[DB_FIG_SCORES].n; i++) {
        const struct db_fig_score *r = DB_FIG_ROW(f, DB_FIG_SCORES, struct db_fig_score, i);
        if (strcmp(r->scale, "csat") == 0 && r->score >= 1 && r->score <= 5) {
            s->csat[r->score] += r->n;
            s->csat_n += r->n;
            csat_sum += r->n * r->score;
            if (strcmp(r->grp, "csat_4_5") == 0)
                s->csat_top2 += r->n;
        } else if (strcmp(r->scale, "nps") == 0) {
            s->nps_n += r->n;
            if (strcmp(r->grp, "promoter") == 0)
                s->promoters += r->n;
            else if (strcmp(r->grp, "passive") == 0)
                s->passives += r->n;
            else
                s->detractors += r->n;
        } else if (strcmp(r->scale, "declined") == 0) {
            s->declined += r->n;
        }
    }
    s->csat_mean = s->csat_n ? (double)csat_sum / (double)s->csat_n : NAN;
    s->csat_share = db_share(s->csat_top2, s->csat_n);
    s->nps_ok = db_nps(s->promoters, s->passives, s->detractors, &s->nps);
}

void db_figures_summarise(const struct db_figures *f, struct db_fig_summary *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < f->part[DB_FIG_CONTACTS].n; i++)
        s->contacts += DB_FIG_ROW(f, DB_FIG_CONTACTS, struct db_fig_contact, i)->n;
    summarise_categories(f, s);
    summarise_scores(f, s);
    for (int i = 0; i < f->part[DB_FIG_PAYMENTS].n; i++) {
        const struct db_fig_payment *r = DB_FIG_ROW(f, DB_FIG_PAYMENTS, struct db_fig_payment, i);
        bool paid = strcmp(r->state, "paid") == 0;
        *(paid ? &s->paid_n : &s->owed_n) += r->n;
        *(paid ? &s->paid_amount : &s->owed_amount) += r->amount;
    }
    /* Each deadline is in exactly one category row. */
    for (int i = 0; i < f->part[DB_FIG_SLA].n; i++) {
        const struct db_fig_sla_row *r = DB_FIG_ROW(f, DB_FIG_SLA, struct db_fig_sla_row, i);
        if (strcmp(r->group_by, "category") != 0)
            continue;
        s->on_time += r->on_time;
        s->late += r->late;
        s->paused += r->paused;
        s->pending += r->pending;
    }
    s->compliance = db_share(s->on_time, s->on_time + s->late);
    if (f->part[DB_FIG_FOLLOWUPS].n > 0) {
        const struct db_fig_followups *r = DB_FIG_ROW(f, DB_FIG_FOLLOWUPS, struct db_fig_followups, 0);
        s->followups_overdue = r->overdue;
        s->oldest_followup_days = r->oldest_days;
    }
}

static int count_desc(const void *a, const void *b)
{
    const struct db_fig_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->key, y->key);
}

int db_figures_contacts_by(const struct db_figures *f, bool by_wrap_up, struct db_fig_count **out)
{
    const struct db_rows *rows = &f->part[DB_FIG_CONTACTS];
    struct db_fig_count *v = util_calloc((size_t)(rows->n ? rows->n : 1), sizeof *v);
    int n = 0;
    for (int i = 0; i < rows->n; i++) {
        const struct db_fig_contact *r = DB_ROW(rows, struct db_fig_contact, i);
        const char *key = by_wrap_up ? r->wrap_up_code : r->channel;
        int k = 0;
        while (k < n && strcmp(v[k].key, key) != 0)
            k++;
        if (k == n)
            v[n++] = (struct db_fig_count){key, by_wrap_up ? r->wrap_up_label : r->channel, 0};
        v[k].n += r->n;
    }
    qsort(v, (size_t)n, sizeof *v, count_desc);
    *out = v;
    return n;
}

const char *db_fig_kind_name(int kind)
{
    static const char *const names[DB_FIG_KINDS] = {"acknowledge", "first_response", "resolution"};
    return kind >= 0 && kind < DB_FIG_KINDS ? names[kind] : "all";
}

static int kind_index(const char *kind)
{
    for (int k = 0; k < DB_FIG_KINDS; k++)
        if (strcmp(kind, db_fig_kind_name(k)) == 0)
            return k;
    return -1;
}

int db_figures_sla_by(const struct db_figures *f, const char *by, struct db_fig_sla **out)
{
    const struct db_rows *rows = &f->part[DB_FIG_SLA];
    struct db_fig_sla *v = util_calloc((size_t)(rows->n ? rows->n : 1), sizeof *v);
    int n = 0;
    for (int i = 0; i < rows->n; i++) {
        const struct db_fig_sla_row *r = DB_ROW(rows, struct db_fig_sla_row, i);
        int kind = kind_index(r->kind);
        if (strcmp(r->group_by, by) != 0 || kind < 0)
            continue;
        /* Rows of a group are adjacent (ordered by group, then kind). */
        if (n == 0 || strcmp(v[n - 1].key, r->key) != 0)
            v[n++] = (struct db_fig_sla){.key = r->key, .name = r->name, .team = r->team};
        struct db_fig_sla *g = &v[n - 1];
        g->on_time[kind] += r->on_time;
        g->late[kind] += r->late;
        g->paused[kind] += r->paused;
        g->pending[kind] += r->pending;
    }
    *out = v;
    return n;
}

int64_t db_fig_sla_count(const int64_t *v, int kind)
{
    if (kind >= 0 && kind < DB_FIG_KINDS)
        return v[kind];
    int64_t sum = 0;
    for (int k = 0; k < DB_FIG_KINDS; k++)
        sum += v[k];
    return sum;
}

double db_fig_sla_share(const struct db_fig_sla *g, int kind)
{
    int64_t on_time = db_fig_sla_count(g->on_time, kind);
    return db_share(on_time, on_time + db_fig_sla_count(g->late, kind));
}

/* ---- the lists behind the figures ------------------------------------------------ */

#define ITEM_TAIL " count(*) OVER () AS total"
#define CUSTOMER " JOIN customer cu ON cu.id = r.customer_id"

/* A month's contacts run to six figures: they are counted from the index
 * alone, and only the thousand listed are joined to their customers. */
#define CONTACT_FILTER                                                                                   \
    " WHERE ($4::text IS NULL OR r.channel = $4::text)"                                                  \
    " AND ($5::text IS NULL OR coalesce(r.wrap_up_code, '') = $5::text)"
static const char drill_contacts_sql[] =
    "WITH r AS (SELECT r.* FROM " ROWS("report_contact_rows") " r" CONTACT_FILTER
    " ORDER BY r.started_at DESC, r.interaction_id LIMIT 1000)"
    " SELECT '' AS complaint_id, '' AS reference, r.customer_id, cu.name AS customer, cu.account_no,"
    " extract(epoch FROM r.started_at)::bigint AS at, r.channel AS what,"
    " coalesce(w.label, r.wrap_up_code, '') AS detail, coalesce(s.display_name, '') AS who,"
    " (SELECT count(*) FROM " ROWS("report_contact_rows") " r" CONTACT_FILTER ") AS total"
    " FROM r" CUSTOMER
    " LEFT JOIN wrap_up_code w ON w.code = r.wrap_up_code LEFT JOIN staff s ON s.id = r.staff_id"
    " ORDER BY r.started_at DESC, r.interaction_id";

static const char drill_surveys_sql[] =
    "SELECT '' AS complaint_id, '' AS reference, r.customer_id, cu.name AS customer, cu.account_no,"
    " extract(epoch FROM r.answered_at)::bigint AS at,"
    " CASE WHEN r.declined THEN 'declined' ELSE concat_ws(', ', 'CSAT ' || r.csat, 'NPS ' || r.nps) END AS what,"
    " coalesce(report_nps_group(r.nps), '') AS detail, coalesce(s.display_name, '') AS who," ITEM_TAIL
    " FROM " ROWS("report_survey_rows") " r" CUSTOMER " LEFT JOIN staff s ON s.id = r.staff_id"
    " WHERE $4::text IS NULL OR report_nps_group(r.nps) = $4::text OR report_csat_group(r.csat) = $4::text"
    " OR ($4::text = 'declined' AND r.declined)"
    " ORDER BY r.answered_at DESC, r.survey_id LIMIT 1000";

static const char drill_complaints_sql[] =
    "SELECT r.complaint_id::text AS complaint_id, r.reference, r.customer_id, cu.name AS customer, cu.account_no,"
    " extract(epoch FROM CASE WHEN $4::text IS NULL OR $4::text = 'opened' THEN r.opened_at"
    "                         ELSE r.resolved_at END)::bigint AS at,"
    " cat.name AS what,"
    " concat_ws(', ', CASE WHEN r.opened_in THEN 'opened' END, CASE WHEN r.resolved_in THEN 'resolved' END,"
    "  CASE WHEN r.closed_in THEN 'closed' END, CASE r.fcr WHEN 'repeat' THEN 'came back'"
    "  WHEN 'pending' THEN 'repeat window open' WHEN 'first_contact' THEN 'no repeat' END, rc.name) AS detail,"
    " coalesce(s.display_name, '') AS who," ITEM_TAIL
    " FROM " ROWS("report_complaint_rows") " r" CUSTOMER
    " JOIN complaint_category cat ON cat.id = r.category_id LEFT JOIN root_cause rc ON rc.id = r.root_cause_id"
    " LEFT JOIN staff s ON s.id = r.owner_staff_id"
    " WHERE ($4::text IS NULL OR CASE $4::text WHEN 'opened' THEN r.opened_in WHEN 'resolved' THEN r.resolved_in"
    "   WHEN 'closed' THEN r.closed_in ELSE r.fcr = $4::text END)"
    " AND ($5::text IS NULL OR r.top_category_id = $5::integer)"
    " AND ($6::text IS NULL OR r.root_cause_id = $6::integer)"
    " ORDER BY at DESC, r.reference LIMIT 1000";

static const char drill_deadlines_sql[] =
    "SELECT r.complaint_id::text AS complaint_id, r.reference, r.customer_id, cu.name AS customer, cu.account_no,"
    " extract(epoch FROM r.due_at)::bigint AS at, replace(r.kind, '_', ' ') AS what,"
    " replace(r.outcome, '_', ' ') AS detail, coalesce(s.display_name, '') AS who," ITEM_TAIL
    " FROM " ROWS("report_deadline_rows") " r" CUSTOMER " LEFT JOIN staff s ON s.id = r.owner_staff_id"
    " WHERE CASE $4::text WHEN 'category' THEN r.top_category_id::text = $5::text"
    "   WHEN 'team' THEN coalesce(r.team, '') = $5::text"
    "   WHEN 'agent' THEN coalesce(r.owner_staff_id::text, '') = $5::text ELSE true END"
    " AND ($6::text IS NULL OR r.outcome = $6::text)"
    " ORDER BY r.due_at DESC, r.reference, r.kind LIMIT 1000";

static const char drill_payments_sql[] =
    "SELECT coalesce(r.complaint_id::text, '') AS complaint_id, r.reference, r.customer_id, cu.name AS customer,"
    " cu.account_no,"
    " extract(epoch FROM r.at)::bigint AS at, concat_ws(' ', nullif(r.gss_code, ''), r.kind) AS what,"
    " r.state || ' ' || to_char(r.amount, 'FM999999990.00') AS detail, '' AS who," ITEM_TAIL
    " FROM " ROWS("report_payment_rows") " r" CUSTOMER
    " WHERE ($4::text IS NULL OR r.state = $4::text) AND ($5::text IS NULL OR r.gss_code = $5::text)"
    " ORDER BY r.at DESC, r.payment_id LIMIT 1000";

static const char drill_followups_sql[] =
    "SELECT coalesce(r.complaint_id::text, '') AS complaint_id, coalesce(k.reference, '') AS reference,"
    " r.customer_id, cu.name AS customer, cu.account_no,"
    " extract(epoch FROM careline_day_start(r.due_on))::bigint AS at, r.what_to_confirm AS what,"
    " r.days_overdue || CASE WHEN r.days_overdue = 1 THEN ' day late' ELSE ' days late' END AS detail,"
    " coalesce(s.display_name, r.team, '') AS who," ITEM_TAIL
    " FROM report_overdue_follow_up_rows($1::text) r" CUSTOMER
    " LEFT JOIN complaint k ON k.id = r.complaint_id LEFT JOIN staff s ON s.id = r.owner_staff_id"
    " ORDER BY r.due_on, r.follow_up_id LIMIT 1000";

static const struct db_col item_cols[] = {
    DB_COL(DB_TEXT, struct db_fig_item, complaint_id), DB_COL(DB_TEXT, struct db_fig_item, reference),
    DB_COL(DB_INT64, struct db_fig_item, customer_id), DB_COL(DB_TEXT, struct db_fig_item, customer),
    DB_COL(DB_TEXT, struct db_fig_item, account_no),   DB_COL(DB_EPOCH, struct db_fig_item, at),
    DB_COL(DB_TEXT, struct db_fig_item, what),         DB_COL(DB_TEXT, struct db_fig_item, detail),
    DB_COL(DB_TEXT, struct db_fig_item, who),          DB_COL(DB_INT64, struct db_fig_item, total),
};
static const struct db_shape item_shape = DB_SHAPE("figure list", struct db_fig_item, item_cols);

static const struct {
    const char *sql;
    int nkeys;      /* keys after the period; -1: the team alone */
} drills[DB_DRILL__KINDS] = {
    [DB_DRILL_CONTACTS] = {drill_contacts_sql, 2},     [DB_DRILL_SURVEYS] = {drill_surveys_sql, 1},
    [DB_DRILL_COMPLAINTS] = {drill_complaints_sql, 3}, [DB_DRILL_DEADLINES] = {drill_deadlines_sql, 3},
    [DB_DRILL_PAYMENTS] = {drill_payments_sql, 2},     [DB_DRILL_FOLLOWUPS] = {drill_followups_sql, -1},
};

static int drill_args(struct args *a, const struct db_period *p, const char *team, const struct db_drill *d)
{
    if ((unsigned)d->kind >= DB_DRILL__KINDS)
        return -1;
    args_period(a, p, team);
    if (drills[d->kind].nkeys < 0) {
        a->v[0] = a->v[2];
        a->n = 1;
        return 0;
    }
    for (int k = 0; k < drills[d->kind].nkeys; k++)
        a->v[3 + k] = d->key[k];
    a->n = 3 + drills[d->kind].nkeys;
    return 0;
}

static void on_rows(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_rows rows = {.shape = &item_shape};
    char why[512];
    if (!err && db_rows_decode(&rows, &item_shape, res, why, sizeof why) < 0)
        err = why;
    p.rows_done(p.ctx, &rows, err);
    db_rows_free(&rows);
}

unsigned db_figures_drill(struct db_conn *c, const struct db_period *p, const char *team, const struct db_drill *d,
                          db_figures_rows_fn done, void *ctx)
{
    struct args a;
    if (drill_args(&a, p, team, d) < 0)
        return 0;
    struct pending *pd = util_calloc(1, sizeof *pd);
    pd->rows_done = done;
    pd->ctx = ctx;
    struct db_query q = {.sql = drills[d->kind].sql, .nparams = a.n, .params = a.v, .slot = "figure list",
                         .done = on_rows, .ctx = pd, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

int db_figures_drill_fetch(struct db_conn *c, const struct db_period *p, const char *team, const struct db_drill *d,
                           struct db_rows *out, char *err, size_t len)
{
    struct args a;
    if (drill_args(&a, p, team, d) < 0) {
        util_format(err, len, "no such list");
        return -1;
    }
    return run_decode(c, drills[d->kind].sql, &a, &item_shape, out, err, len);
}

/* ---- every statement, for tests/db/statements.c ------------------------------------ */

static const char *const demo_period[] = {"2000-01-01", "2100-01-01", NULL};
static const char *const demo_team[] = {NULL};
static const char *const demo_flag[] = {"true"};
static const char *const demo_drill_contacts[] = {"2000-01-01", "2100-01-01", NULL, "phone", NULL};
static const char *const demo_drill_surveys[] = {"2000-01-01", "2100-01-01", NULL, "promoter"};
static const char *const demo_drill_complaints[] = {"2000-01-01", "2100-01-01", NULL, "resolved", NULL, NULL};
static const char *const demo_drill_deadlines[] = {"2000-01-01", "2100-01-01", NULL, "team", "Billing", NULL};
static const char *const demo_drill_payments[] = {"2000-01-01", "2100-01-01", NULL, "owed", NULL};

const struct db_statement *db_figures_statements(int *n)
{
    static const struct db_statement list[] = {
        {clock_sql, 1, demo_flag, &clock_shape, false},
        {contacts_sql, 3, demo_period, &contact_shape, false},
        {categories_sql, 3, demo_period, &category_shape, false},
        {causes_sql, 3, demo_period, &cause_shape, false},
        {sla_sql, 3, demo_period, &sla_shape, false},
        {scores_sql, 3, demo_period, &score_shape, false},
        {payments_sql, 3, demo_period, &payment_shape, false},
        {followups_sql, 1, demo_team, &followup_shape, false},
        {drill_contacts_sql, 5, demo_drill_contacts, &item_shape, false},
        {drill_surveys_sql, 4, demo_drill_surveys, &item_shape, false},
        {drill_complaints_sql, 6, demo_drill_complaints, &item_shape, false},
        {drill_deadlines_sql, 6, demo_drill_deadlines, &item_shape, false},
        {drill_payments_sql, 5, demo_drill_payments, &item_shape, false},
        {drill_followups_sql, 1, demo_team, &item_shape, false},
    };
    *n = (int)(sizeof list / sizeof list[0]);
    return list;
}
