/* test_sla.c — SLA rules: working hours and days across weekends, holidays, month and year ends and clock changes; deadline state; pause; compensation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/sla.h"

/* Expected instants are written in UTC and made with timegm(), not with
 * the code under test, so a wrong local-time conversion cannot agree with
 * itself. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return timegm(&tm);
}

static const char *show(time_t t)
{
    static char buf[4][64];
    static int n;
    char *b = buf[n++ % 4];
    struct tm tm;
    gmtime_r(&t, &tm);
    assert_true(strftime(b, 64, "%Y-%m-%d %H:%M:%SZ (%a)", &tm) > 0);
    return b;
}

#define assert_time(got, want)                                                                                 \
    do {                                                                                                       \
        time_t g_ = (got), w_ = (want);                                                                        \
        if (g_ != w_)                                                                                          \
            fail_msg("got %s, want %s", show(g_), show(w_));                                                   \
    } while (0)

/* England's calendar as seeded (005_default_data.sql): Monday to Friday
 * 08:00-18:00 and the bank holidays of England and Wales. */
static struct sla_calendar england;
/* Open round the clock, every day, no holidays: clock changes fall inside
 * a window. */
static struct sla_calendar always;
/* Never open. */
static struct sla_calendar never;

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Europe/London", 1);
    tzset();
    sla_calendar_init(&england);
    for (int d = 1; d <= 5; d++)
        sla_calendar_set_hours(&england, d, 8 * 3600, 18 * 3600);
    static const int hol[][3] = {
        {2026, 1, 1},  {2026, 4, 3},   {2026, 4, 6},  {2026, 5, 4},  {2026, 5, 25}, {2026, 8, 31},
        {2026, 12, 25}, {2026, 12, 28}, {2027, 1, 1}, {2027, 3, 26}, {2027, 3, 29},
    };
    /* Added out of order and one twice: the list must stay sorted and unique. */
    for (int i = (int)(sizeof hol / sizeof hol[0]) - 1; i >= 0; i--)
        sla_calendar_add_holiday(&england, sla_day(hol[i][0], hol[i][1], hol[i][2]));
    sla_calendar_add_holiday(&england, sla_day(2026, 12, 25));
    sla_calendar_init(&always);
    for (int d = 1; d <= 7; d++)
        sla_calendar_set_hours(&always, d, 0, 86400);
    sla_calendar_init(&never);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sla_calendar_free(&england);
    sla_calendar_free(&always);
    sla_calendar_free(&never);
    return 0;
}

static time_t hours(const struct sla_calendar *c, time_t from, double h)
{
    time_t out = 0;
    assert_int_equal(sla_add_working_hours(c, from, h, &out), 0);
    return out;
}

static time_t days(const struct sla_calendar *c, time_t from, int n)
{
    time_t out = 0;
    assert_int_equal(sla_add_working_days(c, from, n, &out), 0);
    return out;
}

/* ---- days and local time ------------------------------------------------ */

static void test_day_numbers(void **state)
{
    (void)state;
    assert_int_equal(sla_day(1970, 1, 1), 0);
    assert_int_equal(sla_day(2026, 3, 29), utc(2026, 3, 29, 0, 0) / 86400);
    assert_int_equal(sla_day(2028, 3, 1) - sla_day(2028, 2, 28), 2);   /* leap year */
    assert_int_equal(sla_day(2100, 3, 1) - sla_day(2100, 2, 28), 1);   /* not a leap year */
    assert_int_equal(sla_day(2000, 3, 1) - sla_day(2000, 2, 28), 2);   /* but 2000 was */
    assert_int_equal(sla_day(1969, 12, 31), -1);
    for (long d = sla_day(1899, 12, 25); d < sla_day(2101, 1, 10); d += 1) {
        int y, m, md;
        sla_day_ymd(d, &y, &m, &md);
        if (sla_day(y, m, md) != d || m < 1 || m > 12 || md < 1 || md > 31)
            fail_msg("day %ld came back as %04d-%02d-%02d", d, y, m, md);
        time_t t = (time_t)d * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        if (tm.tm_year + 1900 != y || tm.tm_mon + 1 != m || tm.tm_mday != md)
            fail_msg("day %ld: %04d-%02d-%02d, gmtime says otherwise", d, y, m, md);
        if (sla_isodow(d) != (tm.tm_wday == 0 ? 7 : tm.tm_wday))
            fail_msg("day %ld: isodow %d, wday %d", d, sla_isodow(d), tm.tm_wday);
    }
    assert_int_equal(sla_isodow(sla_day(2026, 3, 29)), 7);    /* a Sunday */
    assert_int_equal(sla_isodow(sla_day(2026, 12, 25)), 5);   /* a Friday */
    assert_int_equal(sla_isodow(sla_day(2027, 1, 4)), 1);     /* a Monday */
}

static void test_local_time(void **state)
{
    (void)state;
    int secs;
    /* Winter: local = UTC; summer: local = UTC + 1. */
    assert_int_equal(sla_local_day(utc(2026, 1, 15, 23, 30), &secs), sla_day(2026, 1, 15));
    assert_int_equal(secs, 23 * 3600 + 30 * 60);
    assert_int_equal(sla_local_day(utc(2026, 7, 15, 23, 30), &secs), sla_day(2026, 7, 16));
    assert_int_equal(secs, 30 * 60);
    assert_time(sla_local_time(sla_day(2026, 7, 15), 9 * 3600L), utc(2026, 7, 15, 8, 0));
    assert_time(sla_local_time(sla_day(2026, 1, 15), 9 * 3600L), utc(2026, 1, 15, 9, 0));
    /* 24:00 is the next midnight. */
    assert_time(sla_local_time(sla_day(2026, 7, 15), 86400), utc(2026, 7, 15, 23, 0));
    /* 29 March 2026: 01:00 GMT becomes 02:00 BST. 00:59 and 02:00 exist once;
     * 01:30 does not exist: PostgreSQL (and so we) take the later candidate,
     * 01:30 read as GMT. */
    assert_time(sla_local_time(sla_day(2026, 3, 29), 59 * 60L), utc(2026, 3, 29, 0, 59));
    assert_time(sla_local_time(sla_day(2026, 3, 29), 2 * 3600L), utc(2026, 3, 29, 1, 0));
    assert_time(sla_local_time(sla_day(2026, 3, 29), 5400), utc(2026, 3, 29, 1, 30));
    /* 25 October 2026: 02:00 BST becomes 01:00 GMT. 01:30 happens twice:
     * the later one (GMT). 00:30 and 02:30 happen once. */
    assert_time(sla_local_time(sla_day(2026, 10, 25), 5400), utc(2026, 10, 25, 1, 30));
    assert_time(sla_local_time(sla_day(2026, 10, 25), 1800), utc(2026, 10, 24, 23, 30));
    assert_time(sla_local_time(sla_day(2026, 10, 25), 9000), utc(2026, 10, 25, 2, 30));
}

/* ---- working hours ------------------------------------------------------ */

static void test_hours_within_a_day(void **state)
{
    (void)state;
    /* Monday 23 November 2026. */
    assert_time(hours(&england, utc(2026, 11, 23, 10, 0), 1), utc(2026, 11, 23, 11, 0));
    assert_time(hours(&england, utc(2026, 11, 23, 10, 0), 1.5), utc(2026, 11, 23, 11, 30));
    assert_time(hours(&england, utc(2026, 11, 23, 10, 0), 0.25), utc(2026, 11, 23, 10, 15));
    /* before opening: the clock starts at 08:00 */
    assert_time(hours(&england, utc(2026, 11, 23, 6, 0), 1), utc(2026, 11, 23, 9, 0));
    /* ending exactly at closing stays that day */
    assert_time(hours(&england, utc(2026, 11, 23, 17, 0), 1), utc(2026, 11, 23, 18, 0));
    assert_time(hours(&england, utc(2026, 11, 23, 8, 0), 10), utc(2026, 11, 23, 18, 0));
    /* starting exactly at closing, or after it: the next working day */
    assert_time(hours(&england, utc(2026, 11, 23, 18, 0), 1), utc(2026, 11, 24, 9, 0));
    assert_time(hours(&england, utc(2026, 11, 23, 19, 0), 1), utc(2026, 11, 24, 9, 0));
    assert_time(hours(&england, utc(2026, 11, 23, 17, 59), 1), utc(2026, 11, 24, 8, 59));
    /* across several days: 10 + 10 + 5 */
    assert_time(hours(&england, utc(2026, 11, 23, 8, 0), 25), utc(2026, 11, 25, 13, 0));
    /* 16 hours (two working days of the default service level) */
    assert_time(hours(&england, utc(2026, 11, 23, 14, 0), 16), utc(2026, 11, 25, 10, 0));
}

static void test_hours_weekends_and_holidays(void **state)
{
    (void)state;
    /* Friday 17:00 + 2 h: one hour on Friday, one on Monday. */
    assert_time(hours(&england, utc(2026, 11, 20, 17, 0), 2), utc(2026, 11, 23, 9, 0));
    /* Saturday: nothing until Monday 08:00. */
    assert_time(hours(&england, utc(2026, 11, 21, 12, 0), 1), utc(2026, 11, 23, 9, 0));
    /* Christmas Day (Friday), the weekend and the substitute Boxing Day
     * (Monday 28th) are all closed: Tuesday 29th. */
    assert_time(hours(&england, utc(2026, 12, 25, 10, 0), 1), utc(2026, 12, 29, 9, 0));
    assert_time(hours(&england, utc(2026, 12, 24, 17, 0), 3), utc(2026, 12, 29, 10, 0));
    /* Year end: Thursday 31 December 17:00 + 2 h; 1 January is a holiday,
     * then a weekend: Monday 4 January 2027. */
    assert_time(hours(&england, utc(2026, 12, 31, 17, 0), 2), utc(2027, 1, 4, 9, 0));
    /* Month end: Friday 31 July 17:30 + 1 h: Monday 3 August. */
    assert_time(hours(&england, utc(2026, 7, 31, 16, 30), 1), utc(2026, 8, 3, 7, 30));
    /* Easter 2026: Thursday 2 April 17:00 + 2 h; Good Friday and Easter Monday closed. */
    assert_time(hours(&england, utc(2026, 4, 2, 16, 0), 2), utc(2026, 4, 7, 8, 0));
}

static void test_hours_across_clock_changes(void **state)
{
    (void)state;
    /* Friday 27 March 17:00 GMT + 2 h: one hour on Friday, then Monday 30
     * March 09:00, which is BST, 08:00 UTC. Adding 65 hours of elapsed time
     * would be an hour late. */
    assert_time(hours(&england, utc(2026, 3, 27, 17, 0), 2), utc(2026, 3, 30, 8, 0));
    /* Friday 23 October 17:00 BST + 2 h: Monday 26 October 09:00 GMT. */
    assert_time(hours(&england, utc(2026, 10, 23, 16, 0), 2), utc(2026, 10, 26, 9, 0));
    /* A whole summer day of 10 hours from the Friday before the change. */
    assert_time(hours(&england, utc(2026, 3, 27, 8, 0), 20), utc(2026, 3, 30, 17, 0));

    /* When the window itself holds the change, working time is counted on
     * the wall clock, as the SQL does (timestamp without time zone):
     * Saturday 28 March 23:00 + 3 h = Sunday 02:00 BST, 2 hours later. */
    assert_time(hours(&always, utc(2026, 3, 28, 23, 0), 3), utc(2026, 3, 29, 1, 0));
    /* ... and Sunday 00:00 + 1.5 h lands on 01:30, which does not exist
     * that night: 01:30 GMT, as PostgreSQL resolves it. */
    assert_time(hours(&always, utc(2026, 3, 29, 0, 0), 1.5), utc(2026, 3, 29, 1, 30));
    /* 25 October: 00:00 BST + 3 h = 03:00 GMT, 4 hours later. */
    assert_time(hours(&always, utc(2026, 10, 24, 23, 0), 3), utc(2026, 10, 25, 3, 0));
    /* 00:00 BST + 1.5 h = 01:30, which happens twice: the later (GMT). */
    assert_time(hours(&always, utc(2026, 10, 24, 23, 0), 1.5), utc(2026, 10, 25, 1, 30));
}

static void test_hours_zero_negative_and_impossible(void **state)
{
    (void)state;
    time_t sat = utc(2026, 11, 21, 12, 0), out = 0;
    /* Nothing to add: the start itself, even outside working hours. */
    assert_time(hours(&england, sat, 0), sat);
    assert_time(hours(&england, sat, -3), sat);
    assert_time(hours(&england, sat, NAN), sat);
    assert_int_equal(sla_add_working_seconds(&england, sat, 0, &out), 0);
    assert_time(out, sat);
    /* A positive amount, however small, starts from the next opening. */
    assert_time(hours(&england, sat, 0.0001), utc(2026, 11, 23, 8, 0));
    assert_time(hours(&england, utc(2026, 11, 23, 18, 0), 0.0001), utc(2026, 11, 24, 8, 0));
    assert_int_equal(sla_add_working_seconds(&england, sat, 90, &out), 0);
    assert_time(out, utc(2026, 11, 23, 8, 1) + 30);
    /* A calendar with no working time gives up instead of hanging. */
    assert_int_equal(sla_add_working_hours(&never, sat, 1, &out), -1);
    assert_int_equal(sla_add_working_days(&never, sat, 1, &out), -1);
    assert_int_equal(sla_add_working_hours(&never, sat, 0, &out), 0);
}

/* ---- working days ---------------------------------------------------------- */

static void test_days(void **state)
{
    (void)state;
    /* Monday 10:00 + 1: close of Tuesday; the day of the start never counts,
     * however early. */
    assert_time(days(&england, utc(2026, 11, 23, 10, 0), 1), utc(2026, 11, 24, 18, 0));
    assert_time(days(&england, utc(2026, 11, 23, 0, 5), 1), utc(2026, 11, 24, 18, 0));
    assert_time(days(&england, utc(2026, 11, 23, 23, 0), 1), utc(2026, 11, 24, 18, 0));
    /* Friday and Saturday + 1: Monday. */
    assert_time(days(&england, utc(2026, 11, 20, 10, 0), 1), utc(2026, 11, 23, 18, 0));
    assert_time(days(&england, utc(2026, 11, 21, 10, 0), 1), utc(2026, 11, 23, 18, 0));
    /* Ten working days (the Guaranteed Standards reply): two weeks. */
    assert_time(days(&england, utc(2026, 11, 23, 10, 0), 10), utc(2026, 12, 7, 18, 0));
    /* Over Christmas and the new year: 17, 18, 21, 22, 23, 24, 29, 30, 31
     * December, then 4 January is the tenth. */
    assert_time(days(&england, utc(2026, 12, 16, 11, 0), 10), utc(2027, 1, 4, 18, 0));
    assert_time(days(&england, utc(2026, 12, 24, 11, 0), 1), utc(2026, 12, 29, 18, 0));
    assert_time(days(&england, utc(2026, 12, 24, 11, 0), 4), utc(2027, 1, 4, 18, 0));
    /* On a holiday: the holiday does not count either. */
    assert_time(days(&england, utc(2026, 12, 25, 11, 0), 1), utc(2026, 12, 29, 18, 0));
    /* Across the March change: Friday 27 + 1 = Monday 30, 18:00 BST. */
    assert_time(days(&england, utc(2026, 3, 27, 11, 0), 1), utc(2026, 3, 30, 17, 0));
    /* Across the October change: Friday 23 + 1 = Monday 26, 18:00 GMT. */
    assert_time(days(&england, utc(2026, 10, 23, 11, 0), 1), utc(2026, 10, 26, 18, 0));
    /* Month end: Friday 30 October + 1 = Monday 2 November. */
    assert_time(days(&england, utc(2026, 10, 30, 11, 0), 1), utc(2026, 11, 2, 18, 0));
    /* Zero and negative: the start itself. */
    time_t t = utc(2026, 11, 21, 3, 0);
    assert_time(days(&england, t, 0), t);
    assert_time(days(&england, t, -2), t);
}

static void test_calendar(void **state)
{
    (void)state;
    assert_int_equal(england.nholidays, 11);
    for (size_t i = 1; i < england.nholidays; i++)
        assert_true(england.holidays[i - 1] < england.holidays[i]);
    struct sla_window w;
    assert_true(sla_calendar_window(&england, sla_day(2026, 11, 23), &w));
    assert_int_equal(w.opens, 8 * 3600);
    assert_int_equal(w.closes, 18 * 3600);
    assert_false(sla_calendar_window(&england, sla_day(2026, 11, 22), &w));   /* Sunday */
    assert_false(sla_calendar_window(&england, sla_day(2026, 12, 28), &w));   /* substitute day */
    assert_true(sla_calendar_is_holiday(&england, sla_day(2027, 1, 1)));
    assert_false(sla_calendar_is_holiday(&england, sla_day(2027, 1, 2)));
    assert_int_equal(sla_calendar_set_hours(&england, 8, 0, 10), -1);
    assert_int_equal(sla_calendar_set_hours(&england, 0, 0, 10), -1);
    assert_int_equal(sla_calendar_set_hours(&england, 1, -1, 10), -1);
    assert_int_equal(sla_calendar_set_hours(&england, 1, 0, 86401), -1);
    /* Closing a day by giving it no length. */
    struct sla_calendar c;
    sla_calendar_init(&c);
    assert_int_equal(sla_calendar_set_hours(&c, 1, 9 * 3600, 9 * 3600), 0);
    assert_false(sla_calendar_window(&c, sla_day(2026, 11, 23), NULL));
    sla_calendar_free(&c);
    char err[200];
    assert_int_equal(sla_use_timezone("No/Such_Zone", err, sizeof err), -1);
    assert_non_null(strstr(err, "No/Such_Zone"));
    assert_int_equal(sla_use_timezone("../etc/passwd", err, sizeof err), -1);
    assert_string_equal(getenv("TZ"), "Europe/London");
    assert_int_equal(sla_use_timezone("Europe/London", err, sizeof err), 0);
    assert_time(sla_local_time(sla_day(2026, 7, 1), 0), utc(2026, 6, 30, 23, 0));
}

/* ---- deadline state ----------------------------------------------------- */

static void test_state(void **state)
{
    (void)state;
    time_t due = utc(2026, 11, 23, 12, 0), soon = utc(2026, 11, 24, 18, 0);
    struct sla_deadline d = {.due = due};
    assert_int_equal(sla_deadline_state(&d, due - 86400, due - 3600, 0), SLA_ON_TIME);
    assert_int_equal(sla_deadline_state(&d, due - 86400, soon, 0), SLA_DUE_SOON);
    d.due = soon;   /* due exactly at the limit: not "before" it */
    assert_int_equal(sla_deadline_state(&d, due, soon, 0), SLA_ON_TIME);
    d.due = soon - 1;
    assert_int_equal(sla_deadline_state(&d, due, soon, 0), SLA_DUE_SOON);
    d.due = due;
    assert_int_equal(sla_deadline_state(&d, due - 1, soon, 0), SLA_DUE_SOON);
    /* At the deadline itself it is not yet breached (SQL: due < now()). */
    assert_int_equal(sla_deadline_state(&d, due, soon, 0), SLA_DUE_SOON);
    assert_int_equal(sla_deadline_state(&d, due + 1, soon, 0), SLA_BREACHED);
    /* Met exactly at the deadline is on time. */
    d.met = due;
    assert_int_equal(sla_deadline_state(&d, due + 86400, soon, 0), SLA_DONE_ON_TIME);
    d.met = due + 1;
    assert_int_equal(sla_deadline_state(&d, due + 86400, soon, 0), SLA_DONE_LATE);
    d.met = 0;
    /* Paused before the deadline: paused, however late it is now. */
    assert_int_equal(sla_deadline_state(&d, due + 86400, soon, due - 60), SLA_PAUSED);
    assert_int_equal(sla_deadline_state(&d, due + 86400, soon, due), SLA_PAUSED);
    /* Paused after it had passed: still breached. */
    assert_int_equal(sla_deadline_state(&d, due + 86400, soon, due + 1), SLA_BREACHED);
    d.due = 0;
    assert_int_equal(sla_deadline_state(&d, due, soon, 0), SLA_NO_DEADLINE);
    assert_string_equal(sla_state_name(SLA_BREACHED), "breached");
    assert_string_equal(sla_state_name(SLA_DUE_SOON), "due soon");
    assert_string_equal(sla_kind_name(SLA_RESPONSE), "first response");
}

static void test_pause_and_resume(void **state)
{
    (void)state;
    time_t t0 = utc(2026, 11, 23, 10, 0);
    struct sla_clock k = {
        .d = {[SLA_ACK] = {.due = t0 + 3600, .met = t0 + 600},
              [SLA_RESPONSE] = {.due = t0 + 86400},
              [SLA_RESOLUTION] = {.due = t0 + 10 * 86400L}},
    };
    assert_int_equal(sla_resume(&k, t0), -1);          /* not paused */
    assert_int_equal(sla_pause(&k, t0 + 7200), 0);
    assert_int_equal(sla_pause(&k, t0 + 7300), -1);    /* already paused */
    assert_int_equal(sla_resume(&k, t0 + 7100), -1);   /* before the pause */
    assert_int_equal(sla_resume(&k, t0 + 7200 + 3 * 3600L), 0);
    assert_time(k.d[SLA_ACK].due, t0 + 3600);          /* met: stays */
    assert_time(k.d[SLA_RESPONSE].due, t0 + 86400 + 3 * 3600L);
    assert_time(k.d[SLA_RESOLUTION].due, t0 + 10 * 86400L + 3 * 3600L);
    assert_int_equal(k.paused_seconds, 3 * 3600);
    assert_int_equal(k.paused_since, 0);
    /* A second pause adds up; a deadline that is not set stays unset. */
    k.d[SLA_ACK] = (struct sla_deadline){0};
    assert_int_equal(sla_pause(&k, t0 + 86400), 0);
    assert_int_equal(sla_deadline_state(&k.d[SLA_RESPONSE], t0 + 2 * 86400L, 0, k.paused_since), SLA_PAUSED);
    assert_int_equal(sla_resume(&k, t0 + 86400 + 1800), 0);
    assert_int_equal(k.paused_seconds, 3 * 3600 + 1800);
    assert_time(k.d[SLA_RESPONSE].due, t0 + 86400 + 3 * 3600L + 1800);
    assert_int_equal(k.d[SLA_ACK].due, 0);
    /* Elapsed seconds, not wall-clock days: a pause over the October change
     * moves a deadline by exactly the time spent waiting. */
    struct sla_clock o = {.d = {[SLA_RESOLUTION] = {.due = utc(2026, 10, 23, 11, 0)}}};
    sla_pause(&o, utc(2026, 10, 22, 11, 0));
    sla_resume(&o, utc(2026, 10, 26, 11, 0));
    assert_time(o.d[SLA_RESOLUTION].due, utc(2026, 10, 27, 11, 0));
}

/* ---- compensation ----------------------------------------------------------- */

static const struct sla_standard wales[] = {
    /* supply not restored: 20 for households, 50 for businesses */
    {.customer_type = SLA_CUSTOMER_HOUSEHOLD, .effective_from = 0, .effective_to = SLA_FOREVER, .amount = 2000},
    {.customer_type = SLA_CUSTOMER_BUSINESS, .effective_from = 0, .effective_to = SLA_FOREVER, .amount = 5000},
};

static struct sla_standard england_complaint[2];

static void test_standard_pick(void **state)
{
    (void)state;
    long day = sla_day(2026, 11, 23);
    assert_int_equal(sla_standard_pick(wales, 2, SLA_CUSTOMER_HOUSEHOLD, day)->amount, 2000);
    assert_int_equal(sla_standard_pick(wales, 2, SLA_CUSTOMER_BUSINESS, day)->amount, 5000);
    assert_null(sla_standard_pick(wales, 2, SLA_CUSTOMER_ANY, day));
    /* One for everyone and one for businesses: businesses get theirs,
     * whichever comes first. */
    struct sla_standard mixed[] = {
        {.customer_type = SLA_CUSTOMER_BUSINESS, .effective_from = 0, .effective_to = SLA_FOREVER, .amount = 7000},
        {.customer_type = SLA_CUSTOMER_ANY, .effective_from = 0, .effective_to = SLA_FOREVER, .amount = 1000},
    };
    assert_int_equal(sla_standard_pick(mixed, 2, SLA_CUSTOMER_BUSINESS, day)->amount, 7000);
    assert_int_equal(sla_standard_pick(mixed, 2, SLA_CUSTOMER_HOUSEHOLD, day)->amount, 1000);
    struct sla_standard swapped[] = {mixed[1], mixed[0]};
    assert_int_equal(sla_standard_pick(swapped, 2, SLA_CUSTOMER_BUSINESS, day)->amount, 7000);
    /* England's complaint standard changed on 2 July 2025 (effective_to is exclusive). */
    england_complaint[0] = (struct sla_standard){SLA_CUSTOMER_ANY, sla_day(2000, 1, 1), sla_day(2025, 7, 2), 2000, 1000};
    england_complaint[1] = (struct sla_standard){SLA_CUSTOMER_ANY, sla_day(2025, 7, 2), SLA_FOREVER, 4000, 4000};
    assert_int_equal(sla_standard_pick(england_complaint, 2, SLA_CUSTOMER_HOUSEHOLD, sla_day(2025, 7, 1))->amount, 2000);
    assert_int_equal(sla_standard_pick(england_complaint, 2, SLA_CUSTOMER_HOUSEHOLD, sla_day(2025, 7, 2))->amount, 4000);
    assert_null(sla_standard_pick(england_complaint, 2, SLA_CUSTOMER_HOUSEHOLD, sla_day(1999, 12, 31)));
    assert_int_equal(sla_customer_type("household"), SLA_CUSTOMER_HOUSEHOLD);
    assert_int_equal(sla_customer_type("business"), SLA_CUSTOMER_BUSINESS);
    assert_int_equal(sla_customer_type(NULL), SLA_CUSTOMER_ANY);
    assert_int_equal(sla_customer_type("Household"), SLA_CUSTOMER_ANY);
}

/* England's complaint standard before and after 2 July 2025, and the
 * deadline of a complaint opened on 23 November 2026. */
static const struct sla_standard *compensation_setup(time_t *due, long *opened)
{
    england_complaint[0] = (struct sla_standard){SLA_CUSTOMER_ANY, sla_day(2000, 1, 1), sla_day(2025, 7, 2), 2000, 1000};
    england_complaint[1] = (struct sla_standard){SLA_CUSTOMER_ANY, sla_day(2025, 7, 2), SLA_FOREVER, 4000, 4000};
    *due = utc(2026, 12, 7, 18, 0);
    *opened = sla_day(2026, 11, 23);
    return &england_complaint[1];
}

static void test_compensation(void **state)
{
    (void)state;
    time_t due;
    long opened;
    const struct sla_standard *now_std = compensation_setup(&due, &opened);
    struct sla_owed o;

    /* Not due yet, met on time, met exactly at the deadline: nothing. */
    struct sla_deadline d = {.due = due};
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due, 0, NULL, &o);
    assert_false(o.missed);
    assert_int_equal(o.base + o.late + o.record_base + o.record_late, 0);
    d.met = due;
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 30 * 86400L, 0, NULL, &o);
    assert_false(o.missed);
    assert_int_equal(o.base, 0);
    /* Met a second late: owed. */
    d.met = due + 1;
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 2, 0, NULL, &o);
    assert_true(o.missed);
    assert_int_equal(o.base, 4000);
    assert_int_equal(o.record_base, 4000);
    assert_int_equal(o.late, 0);
    /* Not met and past: owed to businesses too (a standard for everyone). */
    d.met = 0;
    sla_compensation(now_std, SLA_CUSTOMER_BUSINESS, opened, &d, due + 1, 0, NULL, &o);
    assert_int_equal(o.record_base, 4000);
    /* Owed once: already recorded, nothing more to record. */
    struct sla_payment p = {.base_recorded = true};
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 1, 0, &p, &o);
    assert_true(o.missed);
    assert_int_equal(o.base, 4000);
    assert_int_equal(o.record_base, 0);
    /* Paused before the deadline passed: not owed while waiting. */
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 86400, due - 3600, NULL, &o);
    assert_false(o.missed);
    assert_int_equal(o.record_base, 0);
    /* Paused after it passed: owed. */
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 86400, due + 3600, NULL, &o);
    assert_int_equal(o.record_base, 4000);

    /* Effective dates: a complaint opened on 1 July 2025 gets the old
     * amount; the new standard does not apply to it at all. */
    sla_compensation(&england_complaint[1], SLA_CUSTOMER_HOUSEHOLD, sla_day(2025, 7, 1), &d, due + 1, 0, NULL, &o);
    assert_false(o.missed);
    assert_int_equal(o.base, 0);
    sla_compensation(&england_complaint[0], SLA_CUSTOMER_HOUSEHOLD, sla_day(2025, 7, 1), &d, due + 1, 0, NULL, &o);
    assert_int_equal(o.base, 2000);
    sla_compensation(&england_complaint[0], SLA_CUSTOMER_HOUSEHOLD, sla_day(2025, 7, 2), &d, due + 1, 0, NULL, &o);
    assert_int_equal(o.base, 0);

    /* Household and business amounts. */
    sla_compensation(&wales[0], SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 1, 0, NULL, &o);
    assert_int_equal(o.base, 2000);
    sla_compensation(&wales[0], SLA_CUSTOMER_BUSINESS, opened, &d, due + 1, 0, NULL, &o);
    assert_int_equal(o.base, 0);
    sla_compensation(&wales[1], SLA_CUSTOMER_BUSINESS, opened, &d, due + 1, 0, NULL, &o);
    assert_int_equal(o.base, 5000);
    /* A standard without an amount owes nothing. */
    struct sla_standard none = {SLA_CUSTOMER_ANY, 0, SLA_FOREVER, 0, 0};
    sla_compensation(&none, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 1, 0, NULL, &o);
    assert_false(o.missed);
    assert_int_equal(o.base, 0);
}

static void test_compensation_late(void **state)
{
    (void)state;
    time_t due;
    long opened;
    const struct sla_standard *now_std = compensation_setup(&due, &opened);
    struct sla_owed o;
    struct sla_deadline d = {.due = due};
    /* Late payment: owed on top when the payment is still unpaid after
     * pay_by, or was paid after it; not when paid in time. */
    struct sla_payment p = (struct sla_payment){.base_recorded = true, .pay_by = due + 10 * 86400L};
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 10 * 86400L, 0, &p, &o);
    assert_int_equal(o.late, 0);
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 10 * 86400L + 1, 0, &p, &o);
    assert_int_equal(o.late, 4000);
    assert_int_equal(o.record_late, 4000);
    assert_int_equal(o.record_base, 0);
    p.paid_at = due + 5 * 86400L;
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 40 * 86400L, 0, &p, &o);
    assert_int_equal(o.late, 0);
    p.paid_at = due + 11 * 86400L;
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 40 * 86400L, 0, &p, &o);
    assert_int_equal(o.late, 4000);
    p.late_recorded = true;
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 40 * 86400L, 0, &p, &o);
    assert_int_equal(o.late, 4000);
    assert_int_equal(o.record_late, 0);
    /* No late-payment rule (pay_by 0), or none in the standard: no extra. */
    p = (struct sla_payment){.paid_at = due + 90 * 86400L};
    sla_compensation(now_std, SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 100 * 86400L, 0, &p, &o);
    assert_int_equal(o.late, 0);
    p.pay_by = due + 86400;
    sla_compensation(&wales[0], SLA_CUSTOMER_HOUSEHOLD, opened, &d, due + 100 * 86400L, 0, &p, &o);
    assert_int_equal(o.base, 2000);
    assert_int_equal(o.late, 0);
}

/* ---- text ------------------------------------------------------------------------ */

static void test_text(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(sla_money_text(4000, b, sizeof b), "40.00");
    assert_string_equal(sla_money_text(5, b, sizeof b), "0.05");
    assert_string_equal(sla_money_text(-305, b, sizeof b), "-3.05");
    assert_string_equal(sla_span_text(3 * 86400 + 4 * 3600 + 59, b, sizeof b), "3d 04h");
    assert_string_equal(sla_span_text(-(5 * 3600 + 20 * 60), b, sizeof b), "5h 20m");
    assert_string_equal(sla_span_text(12 * 60 + 5, b, sizeof b), "12m");
    assert_string_equal(sla_span_text(59, b, sizeof b), "<1m");
    assert_string_equal(sla_time_text(utc(2026, 3, 30, 8, 15), b, sizeof b), "2026-03-30 09:15:00+01");
    assert_string_equal(sla_time_text(utc(2026, 12, 25, 8, 15), b, sizeof b), "2026-12-25 08:15:00+00");

    time_t t;
    assert_int_equal(sla_parse_time("2026-03-30 09:15", &t), 0);
    assert_time(t, utc(2026, 3, 30, 8, 15));
    assert_int_equal(sla_parse_time("2026-03-30T09:15:30", &t), 0);
    assert_time(t, utc(2026, 3, 30, 8, 15) + 30);
    assert_int_equal(sla_parse_time("2026-12-25", &t), 0);
    assert_time(t, utc(2026, 12, 25, 0, 0));
    assert_int_equal(sla_parse_time("2026-03-30 09:15:00+01", &t), 0);
    assert_time(t, utc(2026, 3, 30, 8, 15));
    assert_int_equal(sla_parse_time("2026-03-30 09:15:00-04:30", &t), 0);
    assert_time(t, utc(2026, 3, 30, 13, 45));
    assert_int_equal(sla_parse_time("2026-03-30 09:15:00+0530", &t), 0);
    assert_time(t, utc(2026, 3, 30, 3, 45));
    assert_int_equal(sla_parse_time("2026-03-30T09:15:00Z", &t), 0);
    assert_time(t, utc(2026, 3, 30, 9, 15));
    assert_int_equal(sla_parse_time("@1790000000", &t), 0);
    assert_int_equal(t, 1790000000);
    assert_int_equal(sla_parse_time("2028-02-29", &t), 0);
    /* The text written by sla_time_text reads back as the same instant,
     * also in the hour that happens twice. */
    for (time_t x = utc(2026, 10, 24, 22, 0); x < utc(2026, 10, 25, 4, 0); x += 900) {
        assert_int_equal(sla_parse_time(sla_time_text(x, b, sizeof b), &t), 0);
        assert_time(t, x);
    }
    const char *bad[] = {"", "2026", "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-03-30 24:00",
                         "2026-03-30 09:60", "2026-03-30 9:15", "2026-03-30 09:15:00+1", "2026-03-30 09:15 ",
                         "2026-03-30x", "@", "@12x", "yesterday", "2026-03-30 09:15:00+16", NULL};
    for (const char **s = bad; *s; s++)
        if (sla_parse_time(*s, &t) == 0)
            fail_msg("\"%s\" was accepted", *s);
    assert_int_equal(sla_parse_time(NULL, &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_numbers),
        cmocka_unit_test(test_local_time),
        cmocka_unit_test(test_hours_within_a_day),
        cmocka_unit_test(test_hours_weekends_and_holidays),
        cmocka_unit_test(test_hours_across_clock_changes),
        cmocka_unit_test(test_hours_zero_negative_and_impossible),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_state),
        cmocka_unit_test(test_pause_and_resume),
        cmocka_unit_test(test_standard_pick),
        cmocka_unit_test(test_compensation),
        cmocka_unit_test(test_compensation_late),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
