/* period.c — the periods figures are counted over: today, this week (Monday first), this month, or a range of days, stepped back and forth and named for people. */
#include "careline/period.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "careline/sla.h"
#include "careline/util.h"

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static long month_start(long day)
{
    int y, m, d;
    sla_day_ymd(day, &y, &m, &d);
    return sla_day(y, m, 1);
}

static long next_month_start(long day)
{
    int y, m, d;
    sla_day_ymd(day, &y, &m, &d);
    return m == 12 ? sla_day(y + 1, 1, 1) : sla_day(y, m + 1, 1);
}

struct db_period db_period_of(enum db_period_kind kind, long today)
{
    switch (kind) {
    case DB_PERIOD_WEEK: {
        long monday = today - (sla_isodow(today) - 1);
        return (struct db_period){DB_PERIOD_WEEK, monday, monday + 7};
    }
    case DB_PERIOD_MONTH:
        return (struct db_period){DB_PERIOD_MONTH, month_start(today), next_month_start(today)};
    case DB_PERIOD_TODAY:
    case DB_PERIOD_RANGE:
        break;
    }
    return (struct db_period){DB_PERIOD_TODAY, today, today + 1};
}

const char *db_period_range(long first, long last, struct db_period *out)
{
    if (last < first)
        return "the last day is before the first";
    if (last - first + 1 > DB_PERIOD_MAX_DAYS)
        return "a period is at most ten years long";
    *out = (struct db_period){DB_PERIOD_RANGE, first, last + 1};
    return NULL;
}

struct db_period db_period_step(const struct db_period *p, int step)
{
    struct db_period q = *p;
    int dir = step < 0 ? -1 : step > 0 ? 1 : 0;
    switch (p->kind) {
    case DB_PERIOD_MONTH:
        if (dir < 0)
            q = db_period_of(DB_PERIOD_MONTH, p->from - 1);
        else if (dir > 0)
            q = db_period_of(DB_PERIOD_MONTH, p->to);
        break;
    case DB_PERIOD_TODAY:
    case DB_PERIOD_WEEK:
    case DB_PERIOD_RANGE:
        q.from += dir * (p->to - p->from);
        q.to += dir * (p->to - p->from);
        break;
    }
    return q;
}

/* Digits only, exactly n of them. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* A date that exists: the day number read back gives the same fields. */
static int real_date(int y, int m, int d, long *day)
{
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    long n = sla_day(y, m, d);
    int yy, mm, dd;
    sla_day_ymd(n, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return -1;
    *day = n;
    return 0;
}

int db_date_parse(const char *s, long *day)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
        digits(s + 8, 2, &d) < 0)
        return -1;
    return real_date(y, m, d, day);
}

int db_period_month(const char *s, struct db_period *out)
{
    int y, m;
    long first;
    if (!s || strlen(s) != 7 || s[4] != '-' || digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
        real_date(y, m, 1, &first) < 0)
        return -1;
    *out = db_period_of(DB_PERIOD_MONTH, first);
    return 0;
}

char *db_date_text(long day, char *buf, size_t len)
{
    int y, m, d;
    sla_day_ymd(day, &y, &m, &d);
    util_format(buf, len, "%04d-%02d-%02d", y, m, d);
    return buf;
}

/* "30 Nov - 6 Dec 2026", "28 Dec 2026 - 3 Jan 2027", "30 Nov 2026". */
static void span_text(long first, long last, char *buf, size_t len)
{
    int y1, m1, d1, y2, m2, d2;
    sla_day_ymd(first, &y1, &m1, &d1);
    sla_day_ymd(last, &y2, &m2, &d2);
    if (first == last)
        util_format(buf, len, "%d %.3s %d", d1, month_names[m1 - 1], y1);
    else if (y1 == y2)
        util_format(buf, len, "%d %.3s - %d %.3s %d", d1, month_names[m1 - 1], d2, month_names[m2 - 1], y2);
    else
        util_format(buf, len, "%d %.3s %d - %d %.3s %d", d1, month_names[m1 - 1], y1, d2, month_names[m2 - 1], y2);
}

char *db_period_label(const struct db_period *p, long today, char *buf, size_t len)
{
    char span[64];
    bool now = today >= p->from && today < p->to;
    span_text(p->from, p->to - 1, span, sizeof span);
    int y, m, d;
    sla_day_ymd(p->from, &y, &m, &d);
    switch (p->kind) {
    case DB_PERIOD_TODAY:
        util_format(buf, len, "%s%s %s", now ? "Today, " : "", day_names[sla_isodow(p->from) - 1], span);
        break;
    case DB_PERIOD_WEEK:
        util_format(buf, len, "%s%s%s", now ? "This week, " : "Week ", span, now ? " (to date)" : "");
        break;
    case DB_PERIOD_MONTH:
        util_format(buf, len, "%s %d%s", month_names[m - 1], y, now ? " (to date)" : "");
        break;
    case DB_PERIOD_RANGE:
        util_format(buf, len, "%s%s", span, now ? " (to date)" : "");
        break;
    }
    return buf;
}
