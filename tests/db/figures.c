/* figures.c — the dashboard's load as the screen makes it (one pipeline, asynchronous), checked against the commands' synchronous fetch and against the list behind every figure; prints what the figures add up to for the report comparison. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/figures.h"
#include "careline/util.h"

static int tap_n, tap_failed;

static void tap(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    tap_failed += !pass;
}

static struct db_figures loaded;
static char load_err[512];
static bool load_done;

static void on_load(void *ctx, struct db_figures *f, const char *err)
{
    (void)ctx;
    load_done = true;
    if (err) {
        util_format(load_err, sizeof load_err, "%s", err);
        return;
    }
    loaded = *f;
    memset(f, 0, sizeof *f);
}

static struct db_conn *conn;
static struct db_period period;
static const char *team;

/* The list behind a figure has as many rows as the figure counts. */
static void drill(const char *what, int64_t want, enum db_drill_kind kind, const char *k0, const char *k1,
                  const char *k2)
{
    struct db_drill d = {kind, {k0, k1, k2}};
    struct db_rows rows = {0};
    char err[512] = "";
    int rc = db_figures_drill_fetch(conn, &period, team, &d, &rows, err, sizeof err);
    int64_t total = rows.n ? DB_ROW(&rows, struct db_fig_item, 0)->total : 0;
    tap(rc == 0 && total == want, "the list behind %s has %lld rows (%lld)%s%s", what, (long long)want,
        (long long)total, *err ? ": " : "", err);
    db_rows_free(&rows);
}

static void drill_figures(const struct db_figures *f, const struct db_fig_summary *s)
{
    char key[32];
    for (int i = 0; i < f->part[DB_FIG_CATEGORIES].n; i++) {
        const struct db_fig_category *c = DB_FIG_ROW(f, DB_FIG_CATEGORIES, struct db_fig_category, i);
        util_format(key, sizeof key, "%d", c->category_id);
        drill(c->category, c->opened, DB_DRILL_COMPLAINTS, "opened", key, NULL);
        drill(c->category, c->resolved, DB_DRILL_COMPLAINTS, "resolved", key, NULL);
        drill(c->category, c->closed, DB_DRILL_COMPLAINTS, "closed", key, NULL);
    }
    for (int i = 0; i < f->part[DB_FIG_CAUSES].n; i++) {
        const struct db_fig_cause *c = DB_FIG_ROW(f, DB_FIG_CAUSES, struct db_fig_cause, i);
        util_format(key, sizeof key, "%d", c->root_cause_id);
        drill(c->root_cause, c->resolved, DB_DRILL_COMPLAINTS, "resolved", NULL, key);
    }
    drill("first-contact resolutions", s->fcr_first, DB_DRILL_COMPLAINTS, "first_contact", NULL, NULL);
    drill("repeat contacts", s->fcr_repeat, DB_DRILL_COMPLAINTS, "repeat", NULL, NULL);
    drill("contacts", s->contacts, DB_DRILL_CONTACTS, NULL, NULL, NULL);
    struct db_fig_count *c;
    int n = db_figures_contacts_by(f, false, &c);
    for (int i = 0; i < n; i++)
        drill(c[i].key, c[i].n, DB_DRILL_CONTACTS, c[i].key, NULL, NULL);
    free(c);
    n = db_figures_contacts_by(f, true, &c);
    for (int i = 0; i < n; i++)
        drill(*c[i].key ? c[i].key : "contacts without a wrap-up code", c[i].n, DB_DRILL_CONTACTS, NULL, c[i].key,
              NULL);
    free(c);
    drill("promoters", s->promoters, DB_DRILL_SURVEYS, "promoter", NULL, NULL);
    drill("detractors", s->detractors, DB_DRILL_SURVEYS, "detractor", NULL, NULL);
    drill("CSAT 4-5", s->csat_top2, DB_DRILL_SURVEYS, "csat_4_5", NULL, NULL);
    drill("declined surveys", s->declined, DB_DRILL_SURVEYS, "declined", NULL, NULL);
    static const char *const bys[] = {"category", "team", "agent"};
    for (int b = 0; b < 3; b++) {
        struct db_fig_sla *g;
        int m = db_figures_sla_by(f, bys[b], &g);
        for (int i = 0; i < m; i++) {
            drill(g[i].name, db_fig_sla_count(g[i].late, -1), DB_DRILL_DEADLINES, bys[b], g[i].key, "late");
            drill(g[i].name, db_fig_sla_count(g[i].on_time, -1), DB_DRILL_DEADLINES, bys[b], g[i].key, "on_time");
        }
        free(g);
    }
    drill("payments made", s->paid_n, DB_DRILL_PAYMENTS, "paid", NULL, NULL);
    drill("payments owed", s->owed_n, DB_DRILL_PAYMENTS, "owed", NULL, NULL);
    drill("overdue follow-ups", s->followups_overdue, DB_DRILL_FOLLOWUPS, NULL, NULL, NULL);
}

static bool same_summary(const struct db_fig_summary *a, const struct db_fig_summary *b)
{
    return a->contacts == b->contacts && a->opened == b->opened && a->resolved == b->resolved &&
           a->closed == b->closed && a->fcr_first == b->fcr_first && a->fcr_repeat == b->fcr_repeat &&
           a->csat_n == b->csat_n && a->promoters == b->promoters && a->detractors == b->detractors &&
           a->on_time == b->on_time && a->late == b->late && a->paid_amount == b->paid_amount &&
           a->owed_amount == b->owed_amount && a->followups_overdue == b->followups_overdue;
}

static void print_summary(const struct db_fig_summary *s)
{
    char a[16], b[16], c[16], d[16];
    printf("summary contacts=%lld opened=%lld resolved=%lld closed=%lld fcr=%s per_10k=%.2f csat_mean=%.2f"
           " csat_4_5=%s nps=%d promoters=%lld passives=%lld detractors=%lld declined=%lld met=%s"
           " on_time=%lld late=%lld paused=%lld pending=%lld paid=%lld owed=%lld followups=%lld oldest=%d fcr_pct=%s\n",
           (long long)s->contacts, (long long)s->opened, (long long)s->resolved, (long long)s->closed,
           db_pct_text(s->fcr, a, sizeof a), s->per_10k, s->csat_mean, db_pct_text(s->csat_share, b, sizeof b),
           s->nps_ok ? s->nps : -999, (long long)s->promoters, (long long)s->passives, (long long)s->detractors,
           (long long)s->declined, db_pct_text(s->compliance, c, sizeof c), (long long)s->on_time,
           (long long)s->late, (long long)s->paused, (long long)s->pending, (long long)s->paid_amount,
           (long long)s->owed_amount, (long long)s->followups_overdue, s->oldest_followup_days,
           db_pct_text(s->fcr, d, sizeof d));
}

int main(int argc, char **argv)
{
    if (argc < 3 || db_date_parse(argv[1], &period.from) < 0 || db_date_parse(argv[2], &period.to) < 0) {
        printf("not ok 1 - usage: figures FIRST LAST [TEAM]\n1..1\n");
        return 1;
    }
    period.kind = DB_PERIOD_RANGE;
    period.to++;
    team = argc > 3 ? argv[3] : NULL;
    struct db_params p = {.conninfo = "", .connect_timeout = 10, .application_name = "careline figures test"};
    conn = db_new(&p);
    if (db_connect(conn, NULL) < 0) {
        printf("not ok 1 - connect: %s\n1..1\n", db_error(conn));
        db_free(conn);
        return 1;
    }
    unsigned long sent = db_stats(conn)->sent;
    db_figures_load(conn, &period, team, true, 0, on_load, NULL);
    int waited = db_wait(conn, 20000);
    tap(waited == 0 && load_done && !*load_err, "the dashboard's load arrived%s%s", *load_err ? ": " : "", load_err);
    tap(db_stats(conn)->sent - sent == 1, "in one request, one round trip (%lu sent)", db_stats(conn)->sent - sent);
    struct db_figures sync;
    char err[512] = "";
    int rc = db_figures_fetch(conn, &period, team, DB_FIG_ALL, &sync, err, sizeof err);
    struct db_fig_summary s1, s2;
    db_figures_summarise(&loaded, &s1);
    db_figures_summarise(&sync, &s2);
    tap(rc == 0 && same_summary(&s1, &s2), "the commands' fetch gives the same figures%s%s", *err ? ": " : "", err);
    print_summary(&s1);
    drill_figures(&loaded, &s1);
    db_figures_free(&sync);
    db_figures_free(&loaded);
    db_free(conn);
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
