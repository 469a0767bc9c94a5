/* test_figures.c — the supervisor's figures without a database: period boundaries, dates, NPS and CSAT arithmetic, and what the parts of a load add up to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "careline/figures.h"
#include "careline/sla.h"

static long day(int y, int m, int d) { return sla_day(y, m, d); }

static void test_periods(void **state)
{
    (void)state;
    long wed = day(2026, 11, 25);
    struct db_period p = db_period_of(DB_PERIOD_TODAY, wed);
    assert_int_equal(p.from, wed);
    assert_int_equal(p.to, wed + 1);
    /* Weeks run Monday to Sunday: a Wednesday, a Monday and a Sunday. */
    p = db_period_of(DB_PERIOD_WEEK, wed);
    assert_int_equal(p.from, day(2026, 11, 23));
    assert_int_equal(p.to, day(2026, 11, 30));
    assert_int_equal(db_period_of(DB_PERIOD_WEEK, day(2026, 11, 23)).from, day(2026, 11, 23));
    assert_int_equal(db_period_of(DB_PERIOD_WEEK, day(2026, 11, 29)).from, day(2026, 11, 23));
    assert_int_equal(db_period_of(DB_PERIOD_WEEK, day(2026, 11, 30)).from, day(2026, 11, 30));
    /* A week across the new year. */
    p = db_period_of(DB_PERIOD_WEEK, day(2027, 1, 1));
    assert_int_equal(p.from, day(2026, 12, 28));
    assert_int_equal(p.to, day(2027, 1, 4));
    /* Months, February of a leap year, December. */
    p = db_period_of(DB_PERIOD_MONTH, day(2028, 2, 29));
    assert_int_equal(p.from, day(2028, 2, 1));
    assert_int_equal(p.to, day(2028, 3, 1));
    p = db_period_of(DB_PERIOD_MONTH, day(2026, 12, 31));
    assert_int_equal(p.from, day(2026, 12, 1));
    assert_int_equal(p.to, day(2027, 1, 1));
    assert_int_equal(p.kind, DB_PERIOD_MONTH);
}

static void test_steps(void **state)
{
    (void)state;
    struct db_period p = db_period_of(DB_PERIOD_MONTH, day(2027, 1, 15));
    struct db_period q = db_period_step(&p, -1);
    assert_int_equal(q.from, day(2026, 12, 1));
    assert_int_equal(q.to, day(2027, 1, 1));
    q = db_period_step(&q, -1);
    assert_int_equal(q.from, day(2026, 11, 1));
    assert_int_equal(q.to, day(2026, 12, 1));   /* 30 days, not 31 */
    q = db_period_step(&p, 1);
    assert_int_equal(q.from, day(2027, 2, 1));
    assert_int_equal(q.to, day(2027, 3, 1));
    p = db_period_of(DB_PERIOD_WEEK, day(2026, 11, 25));
    q = db_period_step(&p, -1);
    assert_int_equal(q.from, day(2026, 11, 16));
    assert_int_equal(q.to, day(2026, 11, 23));
    struct db_period r;
    assert_null(db_period_range(day(2026, 11, 1), day(2026, 11, 10), &r));
    assert_int_equal(r.to - r.from, 10);
    q = db_period_step(&r, 1);
    assert_int_equal(q.from, day(2026, 11, 11));
    assert_int_equal(q.to, day(2026, 11, 21));
    p = db_period_of(DB_PERIOD_TODAY, day(2026, 3, 1));
    q = db_period_step(&p, -1);
    assert_int_equal(q.from, day(2026, 2, 28));
}

static void test_ranges(void **state)
{
    (void)state;
    struct db_period r = {0};
    assert_null(db_period_range(day(2026, 11, 5), day(2026, 11, 5), &r));
    assert_int_equal(r.to - r.from, 1);
    assert_int_equal(r.kind, DB_PERIOD_RANGE);
    assert_non_null(db_period_range(day(2026, 11, 5), day(2026, 11, 4), &r));
    assert_non_null(db_period_range(day(2000, 1, 1), day(2011, 1, 1), &r));
    assert_null(db_period_range(day(2000, 1, 1), day(2000, 1, 1) + DB_PERIOD_MAX_DAYS - 1, &r));
}

static void test_dates(void **state)
{
    (void)state;
    long d = 0;
    char buf[16];
    assert_int_equal(db_date_parse("2026-11-30", &d), 0);
    assert_int_equal(d, day(2026, 11, 30));
    assert_string_equal(db_date_text(d, buf, sizeof buf), "2026-11-30");
    assert_int_equal(db_date_parse("2028-02-29", &d), 0);
    const char *bad[] = {"2027-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-1",
                         "2026-01-010", " 2026-01-01", "2026/01/01", "", "x", "1899-12-31", "2026-01-01T00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(db_date_parse(bad[i], &d), -1);
    assert_int_equal(db_date_parse(NULL, &d), -1);
    struct db_period m;
    assert_int_equal(db_period_month("2026-11", &m), 0);
    assert_int_equal(m.from, day(2026, 11, 1));
    assert_int_equal(m.to, day(2026, 12, 1));
    assert_int_equal(m.kind, DB_PERIOD_MONTH);
    assert_int_equal(db_period_month("2026-13", &m), -1);
    assert_int_equal(db_period_month("2026-1", &m), -1);
    assert_int_equal(db_period_month("2026-11-01", &m), -1);
    assert_int_equal(db_period_month("26-11", &m), -1);
}

static void test_labels(void **state)
{
    (void)state;
    char buf[80];
    long today = day(2026, 11, 30);   /* a Monday */
    struct db_period p = db_period_of(DB_PERIOD_TODAY, today);
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "Today, Mon 30 Nov 2026");
    p = db_period_step(&p, -1);
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "Sun 29 Nov 2026");
    p = db_period_of(DB_PERIOD_WEEK, today);
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "This week, 30 Nov - 6 Dec 2026 (to date)");
    p = db_period_of(DB_PERIOD_WEEK, day(2026, 12, 30));
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "Week 28 Dec 2026 - 3 Jan 2027");
    p = db_period_of(DB_PERIOD_MONTH, today);
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "November 2026 (to date)");
    p = db_period_step(&p, -1);
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "October 2026");
    assert_null(db_period_range(day(2026, 11, 1), day(2026, 11, 15), &p));
    assert_string_equal(db_period_label(&p, today, buf, sizeof buf), "1 Nov - 15 Nov 2026");
}

static void test_scores(void **state)
{
    (void)state;
    int nps = 99;
    assert_false(db_nps(0, 0, 0, &nps));
    assert_int_equal(nps, 99);
    assert_true(db_nps(60, 30, 26, &nps));
    assert_int_equal(nps, 29);             /* 34 / 116 = 29.3 % */
    assert_true(db_nps(1, 0, 0, &nps));
    assert_int_equal(nps, 100);
    assert_true(db_nps(0, 0, 3, &nps));
    assert_int_equal(nps, -100);
    assert_true(db_nps(1, 199, 0, &nps));
    assert_int_equal(nps, 1);              /* 0.5 rounds away from zero */
    assert_true(db_nps(0, 199, 1, &nps));
    assert_int_equal(nps, -1);
    assert_true(db_nps(2, 1, 1, &nps));
    assert_int_equal(nps, 25);
    assert_true(isnan(db_share(3, 0)));
    assert_true(fabs(db_share(1, 4) - 0.25) < 1e-12);
    char buf[16];
    assert_string_equal(db_pct_text(db_share(2, 3), buf, sizeof buf), "66.7");
    assert_string_equal(db_pct_text(db_share(0, 0), buf, sizeof buf), "-");
    assert_string_equal(db_pct_text(1.0, buf, sizeof buf), "100.0");
}

/* A load built by hand: what the statements would deliver. */
static struct db_fig_clock clock_rows[] = {{.today = 20000, .now = 0, .timezone = "Europe/London",
                                            .connections = 20000, .repeat_days = 7}};
static struct db_fig_contact contact_rows[] = {
    {"phone", "info_given", "Information given", 5},
    {"email", "info_given", "Information given", 2},
    {"phone", "", "", 4},
    {"web", "", "", 1},
};
static struct db_fig_category category_rows[] = {
    {1, "Billing", 3, 2, 1, 1, 1, 0},
    {2, "Water supply", 1, 1, 0, 0, 0, 1},
};
static struct db_fig_score score_rows[] = {
    {"csat", 2, "csat_1_3", 1}, {"csat", 4, "csat_4_5", 2}, {"csat", 5, "csat_4_5", 1},
    {"declined", 0, "declined", 3},
    {"nps", 3, "detractor", 1}, {"nps", 8, "passive", 1}, {"nps", 9, "promoter", 1}, {"nps", 10, "promoter", 1},
};
static struct db_fig_payment payment_rows[] = {
    {"owed", "GSS-COMPLAINT", 2, 8000}, {"paid", "GSS-COMPLAINT", 1, 4000}, {"paid", "GSS-LOW-PRESSURE", 1, 5000},
};
static struct db_fig_sla_row sla_rows[] = {
    {"agent", "7", "Amy", "Billing", "acknowledge", 0, 1, 0, 0, 0},
    {"agent", "7", "Amy", "Billing", "resolution", 0, 0, 1, 0, 0},
    {"category", "1", "Billing", "", "acknowledge", 10, 2, 1, 0, 0},
    {"category", "1", "Billing", "", "first_response", 10, 1, 0, 1, 1},
    {"category", "2", "Water supply", "", "resolution", 30, 0, 1, 0, 0},
    {"team", "Billing", "Billing", "Billing", "acknowledge", 0, 3, 2, 1, 1},
};
static struct db_fig_followups followup_rows[] = {{4, 9}};

#define ROWS(arr) {.v = (arr), .n = (int)(sizeof(arr) / sizeof (arr)[0])}
static struct db_figures load(void)
{
    struct db_figures f = {0};
    f.part[DB_FIG_CLOCK] = (struct db_rows)ROWS(clock_rows);
    f.part[DB_FIG_CONTACTS] = (struct db_rows)ROWS(contact_rows);
    f.part[DB_FIG_CATEGORIES] = (struct db_rows)ROWS(category_rows);
    f.part[DB_FIG_SCORES] = (struct db_rows)ROWS(score_rows);
    f.part[DB_FIG_PAYMENTS] = (struct db_rows)ROWS(payment_rows);
    f.part[DB_FIG_SLA] = (struct db_rows)ROWS(sla_rows);
    f.part[DB_FIG_FOLLOWUPS] = (struct db_rows)ROWS(followup_rows);
    return f;
}

static void test_summary(void **state)
{
    (void)state;
    struct db_figures f = load();
    struct db_fig_summary s;
    db_figures_summarise(&f, &s);
    assert_int_equal(s.contacts, 12);
    assert_int_equal(s.opened, 4);
    assert_int_equal(s.resolved, 3);
    assert_int_equal(s.closed, 1);
    assert_int_equal(s.fcr_first, 1);
    assert_int_equal(s.fcr_repeat, 1);
    assert_int_equal(s.fcr_pending, 1);
    assert_true(fabs(s.fcr - 0.5) < 1e-12);
    assert_true(fabs(s.per_10k - 2.0) < 1e-12);   /* 4 per 20,000 */
    assert_int_equal(s.csat_n, 4);
    assert_int_equal(s.csat_top2, 3);
    assert_true(fabs(s.csat_mean - 3.75) < 1e-12);  /* (2 + 4 + 4 + 5) / 4 */
    assert_true(fabs(s.csat_share - 0.75) < 1e-12);
    assert_int_equal(s.csat[4], 2);
    assert_int_equal(s.declined, 3);
    assert_int_equal(s.promoters, 2);
    assert_int_equal(s.passives, 1);
    assert_int_equal(s.detractors, 1);
    assert_true(s.nps_ok);
    assert_int_equal(s.nps, 25);
    assert_int_equal(s.paid_n, 2);
    assert_int_equal(s.paid_amount, 9000);
    assert_int_equal(s.owed_n, 2);
    assert_int_equal(s.owed_amount, 8000);
    /* Deadlines from the category rows only: every deadline is in one. */
    assert_int_equal(s.on_time, 3);
    assert_int_equal(s.late, 2);
    assert_int_equal(s.paused, 1);
    assert_int_equal(s.pending, 1);
    assert_true(fabs(s.compliance - 0.6) < 1e-12);
    assert_int_equal(s.followups_overdue, 4);
    assert_int_equal(s.oldest_followup_days, 9);

    /* An empty load: nothing measured shows as "-", never as 0 %. */
    struct db_figures none = {0};
    db_figures_summarise(&none, &s);
    assert_int_equal(s.contacts, 0);
    assert_true(isnan(s.fcr));
    assert_true(isnan(s.per_10k));
    assert_true(isnan(s.csat_mean));
    assert_true(isnan(s.compliance));
    assert_false(s.nps_ok);
}

static void test_folds(void **state)
{
    (void)state;
    struct db_figures f = load();
    struct db_fig_count *c;
    int n = db_figures_contacts_by(&f, false, &c);
    assert_int_equal(n, 3);
    assert_string_equal(c[0].key, "phone");
    assert_int_equal(c[0].n, 9);
    assert_string_equal(c[1].key, "email");
    assert_string_equal(c[2].key, "web");
    free(c);
    n = db_figures_contacts_by(&f, true, &c);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].key, "info_given");
    assert_int_equal(c[0].n, 7);
    assert_string_equal(c[1].key, "");
    assert_int_equal(c[1].n, 5);
    free(c);

    struct db_fig_sla *g;
    n = db_figures_sla_by(&f, "category", &g);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].name, "Billing");
    assert_int_equal(db_fig_sla_count(g[0].on_time, -1), 3);
    assert_int_equal(db_fig_sla_count(g[0].late, 0), 1);
    assert_true(fabs(db_fig_sla_share(&g[0], -1) - 0.75) < 1e-12);
    assert_true(fabs(db_fig_sla_share(&g[0], 1) - 1.0) < 1e-12);
    assert_true(isnan(db_fig_sla_share(&g[0], 2)));
    assert_true(isnan(db_fig_sla_share(&g[1], -1)) == false);
    assert_true(fabs(db_fig_sla_share(&g[1], -1)) < 1e-12);  /* one late, none on time: 0 % */
    free(g);
    n = db_figures_sla_by(&f, "agent", &g);
    assert_int_equal(n, 1);
    assert_string_equal(g[0].team, "Billing");
    assert_true(fabs(db_fig_sla_share(&g[0], -1) - 0.5) < 1e-12);
    free(g);
    assert_string_equal(db_fig_kind_name(1), "first_response");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods), cmocka_unit_test(test_steps), cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_dates),   cmocka_unit_test(test_labels), cmocka_unit_test(test_scores),
        cmocka_unit_test(test_summary), cmocka_unit_test(test_folds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
