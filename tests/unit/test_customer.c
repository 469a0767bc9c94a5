/* test_customer.c — the rules read off a customer's view: leaks and catch-up bills in the usage, the bill behind a high-bill call, usage months from the records, a partial refresh merged in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "careline/customer.h"

#define N(a) ((int)(sizeof(a) / sizeof (a)[0]))

/* n months of flat use at m3 (actual reads), oldest first. */
static void flat(struct db_usage_month *m, int n, double m3)
{
    for (int i = 0; i < n; i++)
        m[i] = (struct db_usage_month){m3, 'a', NAN};
}

static void test_usage_quiet(void **state)
{
    (void)state;
    struct db_usage_month m[24];
    char why[320] = "x";
    flat(m, 24, 10);
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_OK);
    assert_string_equal(why, "");
    /* Too little history to say anything: no flag, no crash. */
    assert_int_equal(db_usage_flags(m, 0, why, sizeof why), USAGE_OK);
    assert_int_equal(db_usage_flags(m, 2, NULL, 0), USAGE_OK);
}

static void test_usage_leak_jump(void **state)
{
    (void)state;
    struct db_usage_month m[24];
    char why[320];
    /* Three months at twice the same months a year before. */
    flat(m, 24, 10);
    m[21].m3 = m[22].m3 = m[23].m3 = 20;
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_LEAK_JUMP);
    assert_string_equal(why, "Possible leak: use up 100% for 3 months (20.0 vs 10.0 m3/month)");
    /* Without a year of history: against the six months before. */
    flat(m, 9, 4);
    m[6].m3 = m[7].m3 = m[8].m3 = 8;
    assert_int_equal(db_usage_flags(m, 9, why, sizeof why), USAGE_LEAK_JUMP);
    /* Small amounts are noise: 1 to 2.5 m3 is 150% up but only 1.5 m3. */
    flat(m, 24, 1);
    m[21].m3 = m[22].m3 = m[23].m3 = 2.5;
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_OK);
    /* A month without a read among the last three: no sustained jump. */
    flat(m, 24, 10);
    m[21].m3 = m[23].m3 = 20;
    m[22].m3 = NAN;
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_OK);
    /* Exactly half as much again is not "more than half". */
    flat(m, 24, 10);
    m[21].m3 = m[22].m3 = m[23].m3 = 15;
    assert_int_equal(db_usage_flags(m, 24, NULL, 0), USAGE_OK);
}

static void test_usage_night_flow(void **state)
{
    (void)state;
    struct db_usage_month m[24];
    char why[320];
    flat(m, 24, 10);
    for (int i = 21; i < 24; i++) {
        m[i].read_type = 's';
        m[i].night_flow = 1.5 - (i - 21) * 0.35;   /* 1.5, 1.15, 0.8 */
    }
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_LEAK_NIGHT);
    assert_string_equal(why, "Possible leak: water flows all night (at least 0.8 l/h for 3 months)");
    /* One night below the threshold: the flow stops, no leak. */
    m[22].night_flow = DB_USAGE_NIGHT_LEAK - 0.1;
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_OK);
    /* Both kinds of leak in one sentence. */
    m[22].night_flow = 0.9;
    m[21].m3 = m[22].m3 = m[23].m3 = 20;
    assert_int_equal(db_usage_flags(m, 24, why, sizeof why), USAGE_LEAK_JUMP | USAGE_LEAK_NIGHT);
    assert_string_equal(why, "Possible leak: use up 100% for 3 months (20.0 vs 10.0 m3/month); "
                             "water flows all night (at least 0.8 l/h for 3 months)");
}

static void test_usage_catch_up(void **state)
{
    (void)state;
    struct db_usage_month m[12];
    char why[320];
    /* Two estimated months that under-read, then an actual read of it all. */
    flat(m, 12, 10);
    m[9] = (struct db_usage_month){7, 'e', NAN};
    m[10] = (struct db_usage_month){7, 'e', NAN};
    m[11] = (struct db_usage_month){26, 'a', NAN};
    assert_int_equal(db_usage_flags(m, 12, why, sizeof why), USAGE_CATCH_UP);
    assert_string_equal(why, "Catch-up bill: an actual read after 2 estimated months caught up");
    /* Not much above the usual: no catch-up. */
    m[11].m3 = 17;
    assert_int_equal(db_usage_flags(m, 12, why, sizeof why), USAGE_OK);
    /* One estimate is not enough to build up a catch-up. */
    m[11].m3 = 26;
    m[9].read_type = 'a';
    assert_int_equal(db_usage_flags(m, 12, why, sizeof why), USAGE_OK);
    /* Only the latest real read counts: estimates since then hide nothing yet. */
    m[9].read_type = 'e';
    m[11] = (struct db_usage_month){7, 'e', NAN};
    m[10] = (struct db_usage_month){26, 'a', NAN};
    assert_int_equal(db_usage_flags(m, 12, NULL, 0), USAGE_OK);
    /* Estimates from the start, then a real read: nothing usual to compare with, flagged. */
    struct db_usage_month s[3] = {{5, 'e', NAN}, {5, 'e', NAN}, {30, 's', NAN}};
    assert_int_equal(db_usage_flags(s, 3, why, sizeof why), USAGE_CATCH_UP);
    /* With a leak too: two sentences. */
    flat(m, 12, 3);
    m[9] = (struct db_usage_month){7, 'e', NAN};
    m[10] = (struct db_usage_month){7, 'e', NAN};
    m[11] = (struct db_usage_month){26, 'a', NAN};
    assert_int_equal(db_usage_flags(m, 12, why, sizeof why), USAGE_LEAK_JUMP | USAGE_CATCH_UP);
    assert_non_null(strstr(why, "Possible leak: use up "));
    assert_non_null(strstr(why, ". Catch-up bill: an actual read after 2 estimated months caught up"));
}

static void bills_of(struct db_cv_bill *b, const int64_t *pence, int n)
{
    memset(b, 0, sizeof *b * (size_t)n);
    for (int i = 0; i < n; i++)
        b[i].amount = pence[i];
}

static void test_high_bill(void **state)
{
    (void)state;
    struct db_cv_bill b[8];
    char why[200];
    /* The newest, estimated, far above the four before it. */
    const int64_t high[] = {31240, 12510, 12410, 12310, 12210, 12110, 12010};
    bills_of(b, high, N(high));
    b[0].estimated = true;
    assert_int_equal(db_high_bill(b, N(high), why, sizeof why), 0);
    assert_string_equal(why, "153% above the 4 bills before (123.60 on average); estimated");
    /* Nothing stands out. */
    const int64_t usual[] = {12510, 12410, 12310, 12210};
    bills_of(b, usual, N(usual));
    assert_int_equal(db_high_bill(b, N(usual), why, sizeof why), -1);
    assert_string_equal(why, "");
    /* An older bill explains the call when the newest is back to normal. */
    const int64_t older[] = {10000, 30000, 10000, 10000, 10000};
    bills_of(b, older, N(older));
    assert_int_equal(db_high_bill(b, N(older), why, sizeof why), 1);
    assert_string_equal(why, "200% above the 3 bills before (100.00 on average)");
    /* Only the newest six are looked at. */
    const int64_t old_high[] = {10000, 10000, 10000, 10000, 10000, 10000, 40000, 10000, 10000};
    struct db_cv_bill nine[9];
    bills_of(nine, old_high, N(old_high));
    assert_int_equal(db_high_bill(nine, N(old_high), why, sizeof why), -1);
    /* One bill before is no pattern. */
    const int64_t two[] = {50000, 10000};
    bills_of(b, two, N(two));
    assert_int_equal(db_high_bill(b, N(two), why, sizeof why), -1);
    /* Exactly 30% above is not "more than 30%"; a large share of little money is not high. */
    const int64_t edge[] = {13000, 10000, 10000};
    bills_of(b, edge, N(edge));
    assert_int_equal(db_high_bill(b, N(edge), why, sizeof why), -1);
    const int64_t small[] = {1500, 600, 600};
    bills_of(b, small, N(small));
    assert_int_equal(db_high_bill(b, N(small), why, sizeof why), -1);
    /* 10.00 more and 30% above: high. */
    const int64_t just[] = {4001, 3001, 3001};
    bills_of(b, just, N(just));
    assert_int_equal(db_high_bill(b, N(just), NULL, 0), 0);
    /* Bills of nothing before: high, and said without dividing by zero. */
    const int64_t zero[] = {5000, 0, 0};
    bills_of(b, zero, N(zero));
    assert_int_equal(db_high_bill(b, N(zero), why, sizeof why), 0);
    assert_string_equal(why, "the 2 bills before came to nothing (0.00 on average)");
    assert_int_equal(db_high_bill(b, 0, why, sizeof why), -1);
}

static void test_usage_months(void **state)
{
    (void)state;
    struct db_cv_usage rows[3] = {
        {.month = "2026-01", .m3 = 9.5, .read_type = "a", .night_flow_null = true},
        {.month = "2026-02", .m3_null = true, .read_type = "", .night_flow_null = true},
        {.month = "2026-03", .m3 = 12, .read_type = "s", .night_flow = 0.7},
    };
    struct db_customer_view v = {0};
    v.part[CV_USAGE].v = rows;
    v.part[CV_USAGE].n = 3;
    struct db_usage_month m[24];
    assert_int_equal(db_cv_usage_months(&v, m, 24), 3);
    assert_true(m[0].m3 == 9.5 && m[0].read_type == 'a' && isnan(m[0].night_flow));
    assert_true(isnan(m[1].m3) && m[1].read_type == 0);
    assert_true(m[2].m3 == 12 && m[2].read_type == 's' && m[2].night_flow == 0.7);
    assert_int_equal(db_cv_usage_months(&v, m, 2), 2);
}

struct count {
    int64_t count;
};
static const struct db_col count_cols[] = {DB_COL(DB_INT64, struct count, count)};
static const struct db_shape count_shape = DB_SHAPE("count", struct count, count_cols);

static struct db_rows count_rows(int64_t value)
{
    struct count *c = malloc(sizeof *c);
    assert_non_null(c);
    c->count = value;
    return (struct db_rows){&count_shape, c, 1};
}

static void test_merge(void **state)
{
    (void)state;
    struct db_customer_view held = {0}, news = {0};
    held.part[CV_CONTACT_COUNT] = count_rows(7);
    held.part[CV_BALANCE] = count_rows(1);
    held.got[CV_CONTACT_COUNT] = held.got[CV_BALANCE] = true;
    /* A refresh of the count only: the rest is kept, the page too. */
    news.part[CV_CONTACT_COUNT] = count_rows(8);
    news.got[CV_CONTACT_COUNT] = true;
    news.contacts_offset = 50;
    db_customer_view_merge(&held, &news);
    assert_true(DB_ROW(&held.part[CV_CONTACT_COUNT], struct count, 0)->count == 8);
    assert_true(DB_ROW(&held.part[CV_BALANCE], struct count, 0)->count == 1);
    assert_int_equal(held.contacts_offset, 0);
    assert_false(news.got[CV_CONTACT_COUNT]);
    assert_int_equal(news.part[CV_CONTACT_COUNT].n, 0);
    /* The next page of contacts moves the page held. */
    news.part[CV_CONTACTS] = count_rows(0);
    news.got[CV_CONTACTS] = true;
    db_customer_view_merge(&held, &news);
    assert_int_equal(held.contacts_offset, 50);
    db_customer_view_free(&news);
    db_customer_view_free(&held);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_quiet),     cmocka_unit_test(test_usage_leak_jump),
        cmocka_unit_test(test_usage_night_flow), cmocka_unit_test(test_usage_catch_up),
        cmocka_unit_test(test_high_bill),
        cmocka_unit_test(test_usage_months),    cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
