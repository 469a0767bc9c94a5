/* sla.c — SLA rules in C, the twins of the SQL working-calendar functions: due times, deadline state, pauses, compensation. */
#include "careline/sla.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "careline/db.h"
#include "careline/record.h"
#include "careline/util.h"

/* The SQL functions give up after this many days, so a calendar without a
 * single working day cannot hang a terminal. */
#define SEARCH_DAYS 3700
#define DAY 86400L

/* ---- days ------------------------------------------------------------------ */

static bool leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static long floor_div(long a, long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Days from 0001-01-01 to 1 January of year y. */
static long days_before_year(long y)
{
    long p = y - 1;
    return 365 * p + floor_div(p, 4) - floor_div(p, 100) + floor_div(p, 400);
}

static const int month_start[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
static const int month_len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static int days_in_month(long y, int m) { return month_len[m - 1] + (m == 2 && leap(y)); }

long sla_day(int year, int month, int mday)
{
    if (month < 1 || month > 12)
        month = 1;
    return days_before_year(year) - days_before_year(1970) + month_start[month - 1] + (month > 2 && leap(year)) +
           mday - 1;
}

void sla_day_ymd(long day, int *year, int *month, int *mday)
{
    long y = 1970 + floor_div(day, 365);   /* never too early: a year has at least 365 days */
    while (sla_day((int)y, 1, 1) > day)
        y--;
    while (sla_day((int)y + 1, 1, 1) <= day)
        y++;
    long doy = day - sla_day((int)y, 1, 1);
    int m = 1;
    while (m < 12 && doy >= month_start[m] + (m >= 2 && leap(y)))
        m++;
    *year = (int)y;
    *month = m;
    *mday = (int)(doy - month_start[m - 1] - (m > 2 && leap(y))) + 1;
}

int sla_isodow(long day) { return (int)((day % 7 + 7 + 3) % 7) + 1; }   /* day 0 was a Thursday */

/* ---- local time -------------------------------------------------------------- */

static long utc_offset(time_t t)
{
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return tm.tm_gmtoff;
}

long sla_local_day(time_t t, int *secs)
{
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        if (secs)
            *secs = 0;
        return 0;
    }
    if (secs)
        *secs = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return sla_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

time_t sla_local_time(long day, long secs)
{
    day += floor_div(secs, DAY);
    secs -= floor_div(secs, DAY) * DAY;
    long long wall = (long long)day * DAY + secs;   /* the wall clock read as if it were UTC */
    /* Offsets a day either side; zones change offset at most once in two days. */
    long before = utc_offset((time_t)(wall - DAY)), after = utc_offset((time_t)(wall + DAY));
    time_t tb = (time_t)(wall - before), ta = (time_t)(wall - after);
    if (before == after)
        return tb;
    bool b_ok = utc_offset(tb) == before, a_ok = utc_offset(ta) == after;
    if (b_ok != a_ok)
        return b_ok ? tb : ta;
    /* In the gap (neither) or the overlap (both): the later instant, which
     * is PostgreSQL's choice ("before" when clocks go forward, "after" when
     * they go back), so C and SQL agree on every wall-clock time. */
    return tb > ta ? tb : ta;
}

/* ---- calendar -------------------------------------------------------------- */

void sla_calendar_init(struct sla_calendar *c) { memset(c, 0, sizeof *c); }

void sla_calendar_free(struct sla_calendar *c)
{
    free(c->holidays);
    sla_calendar_init(c);
}

int sla_calendar_set_hours(struct sla_calendar *c, int isodow, int opens, int closes)
{
    if (isodow < 1 || isodow > 7 || opens < 0 || closes < 0 || opens > DAY || closes > DAY)
        return -1;
    c->week[isodow - 1].opens = opens;
    c->week[isodow - 1].closes = closes;
    return 0;
}

/* Index of the first holiday >= day. */
static size_t holiday_index(const struct sla_calendar *c, long day)
{
    size_t lo = 0, hi = c->nholidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool sla_calendar_is_holiday(const struct sla_calendar *c, long day)
{
    size_t i = holiday_index(c, day);
    return i < c->nholidays && c->holidays[i] == day;
}

void sla_calendar_add_holiday(struct sla_calendar *c, long day)
{
    size_t i = holiday_index(c, day);
    if (i < c->nholidays && c->holidays[i] == day)
        return;
    if (c->nholidays == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->holidays = util_realloc(c->holidays, c->cap * sizeof *c->holidays);
    }
    memmove(c->holidays + i + 1, c->holidays + i, (c->nholidays - i) * sizeof *c->holidays);
    c->holidays[i] = day;
    c->nholidays++;
}

bool sla_calendar_window(const struct sla_calendar *c, long day, struct sla_window *w)
{
    const struct sla_window *d = &c->week[sla_isodow(day) - 1];
    if (d->closes <= d->opens || sla_calendar_is_holiday(c, day))
        return false;
    if (w)
        *w = *d;
    return true;
}

/* One statement: the weekday windows (a region's own row wins over the row
 * for every region, as in working_window), the holidays of the region and
 * of every region, and the zone the SQL rules count in. A NULL region
 * matches only rows for every region, as "region = NULL" does in SQL.
 * Holidays the utility's rules make (US federal holidays) are listed ten
 * years either side of today (careline_holidays, 024b_region_presets.sql):
 * the dated rows stay all there are. */
static const char calendar_sql[] =
    "SELECT 'zone' AS kind, careline_timezone() AS zone, NULL::integer AS isodow, NULL::bigint AS opens,"
    " NULL::bigint AS closes, NULL::bigint AS day"
    " UNION ALL"
    " SELECT 'hours', NULL, w.isodow, round(extract(epoch FROM w.opens))::bigint,"
    "        round(extract(epoch FROM w.closes))::bigint, NULL"
    "   FROM (SELECT DISTINCT ON (isodow) isodow, opens, closes FROM working_hours"
    "          WHERE region = $1::text OR region IS NULL ORDER BY isodow, region NULLS LAST) w"
    " UNION ALL"
    " SELECT 'holiday', NULL, NULL, NULL, NULL, (holiday_on - date '1970-01-01')::bigint"
    "   FROM holiday WHERE region = $1::text OR region IS NULL"
    " UNION ALL"
    " SELECT 'holiday', NULL, NULL, NULL, NULL, (holiday_on - date '1970-01-01')::bigint"
    "   FROM careline_holidays(current_date - 3660, current_date + 3660, $1::text)";

/* One row of calendar_sql: the zone, a weekday's hours (seconds from
 * midnight) or a holiday (a day number). A number that does not fit is
 * refused by the decoder: a day of hours read as 0 would close the office. */
struct calendar_rec {
    char *kind, *zone;
    int isodow, opens, closes;
    int64_t day;
};
static const struct db_col calendar_cols[] = {
    DB_COL(DB_TEXT, struct calendar_rec, kind),  DB_COL(DB_TEXT, struct calendar_rec, zone),
    DB_COL(DB_INT, struct calendar_rec, isodow), DB_COL(DB_INT, struct calendar_rec, opens),
    DB_COL(DB_INT, struct calendar_rec, closes), DB_COL(DB_INT64, struct calendar_rec, day),
};
static const struct db_shape calendar_shape = DB_SHAPE("working calendar", struct calendar_rec, calendar_cols);

/* One row into out; -1 with the reason. */
static int calendar_row(const struct calendar_rec *row, struct sla_calendar *out, char *err, size_t len)
{
    if (strcmp(row->kind, "zone") == 0) {
        if (util_format_fits(out->timezone, sizeof out->timezone, "%s", row->zone) == 0)
            return 0;
        util_format(err, len, "the working calendar's time zone '%s' is too long", row->zone);
        return -1;
    }
    if (strcmp(row->kind, "hours") != 0) {
        if (row->day < LONG_MIN || row->day > LONG_MAX) {
            util_format(err, len, "the working calendar has a holiday out of range: day %lld", (long long)row->day);
            return -1;
        }
        sla_calendar_add_holiday(out, (long)row->day);
    } else if (sla_calendar_set_hours(out, row->isodow, row->opens, row->closes) < 0) {
        util_format(err, len, "working_hours: day %d has hours the calendar cannot hold", row->isodow);
        return -1;
    }
    return 0;
}

int sla_calendar_load(struct db_conn *db, const char *region, struct sla_calendar *out, char *err, size_t len)
{
    sla_calendar_init(out);
    const char *params[1] = {region};
    PGresult *r = db_exec(db, calendar_sql, 1, params);
    if (!r) {
        util_format(err, len, "cannot read the working calendar: %s", db_error(db));
        return -1;
    }
    struct db_rows rows = {0};
    int rc = db_rows_decode(&rows, &calendar_shape, r, err, len);
    PQclear(r);
    for (int i = 0; rc == 0 && i < rows.n; i++)
        rc = calendar_row(DB_ROW(&rows, struct calendar_rec, i), out, err, len);
    db_rows_free(&rows);
    return rc;
}

static const char *const calendar_params[] = {"england"};
static const struct db_statement statements[] = {
    {calendar_sql, 1, calendar_params, &calendar_shape, false},
};

const struct db_statement *sla_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}

int sla_use_timezone(const char *tz, char *err, size_t len)
{
    /* glibc silently falls back to UTC for a name it cannot find, which
     * would move every deadline by an hour in summer: check first. */
    bool ok = tz && *tz && *tz != '/' && !strstr(tz, "..") && strlen(tz) < 200;
    for (const char *p = tz; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || strchr("/_+-", *p);
    if (ok) {
        const char *dir = getenv("TZDIR");
        char path[512];
        struct stat st;
        /* A path cut short could name another zone's file. */
        ok = util_format_fits(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz) == 0 &&
             stat(path, &st) == 0 && S_ISREG(st.st_mode);
    }
    if (!ok) {
        util_format(err, len, "time zone '%s' (utility_region.timezone) is not known on this machine (tzdata)",
                    tz ? tz : "");
        return -1;
    }
    setenv("TZ", tz, 1);
    tzset();
    return 0;
}

/* ---- due times --------------------------------------------------------------- */

/* Mirrors working_add_hours: walk the days from that of `from`, spending
 * the remaining time in each window. Counting is in wall-clock time, so a
 * window that contains a clock change counts its wall-clock length. */
static int add_working(const struct sla_calendar *c, time_t from, long long remaining, time_t *out)
{
    int now_secs;
    long day = sla_local_day(from, &now_secs);
    for (int i = 0; i < SEARCH_DAYS; i++, day++) {
        struct sla_window w;
        if (!sla_calendar_window(c, day, &w))
            continue;
        long start = (i == 0 && now_secs > w.opens) ? now_secs : w.opens;
        if (start >= w.closes)
            continue;
        if (w.closes - start >= remaining) {
            *out = sla_local_time(day, start + (long)remaining);
            return 0;
        }
        remaining -= w.closes - start;
    }
    return -1;
}

int sla_add_working_seconds(const struct sla_calendar *c, time_t from, long long seconds, time_t *out)
{
    if (seconds <= 0) {
        *out = from;
        return 0;
    }
    return add_working(c, from, seconds, out);
}

int sla_add_working_hours(const struct sla_calendar *c, time_t from, double hours, time_t *out)
{
    if (!(hours > 0)) {
        *out = from;
        return 0;
    }
    if (hours > 1e9) {   /* more than the search could ever find */
        return -1;
    }
    /* A positive amount too small to round to a second still moves a time
     * outside working hours to the next opening, as in SQL. */
    return add_working(c, from, llround(hours * 3600.0), out);
}

int sla_add_working_days(const struct sla_calendar *c, time_t from, int days, time_t *out)
{
    if (days <= 0) {
        *out = from;
        return 0;
    }
    long day = sla_local_day(from, NULL);
    for (int i = 0; i < SEARCH_DAYS; i++) {
        day++;
        struct sla_window w;
        if (sla_calendar_window(c, day, &w) && --days == 0) {
            *out = sla_local_time(day, w.closes);
            return 0;
        }
    }
    return -1;
}

/* ---- deadline state ------------------------------------------------------------ */

const char *sla_kind_name(enum sla_kind k)
{
    switch (k) {
    case SLA_ACK:
        return "acknowledge";
    case SLA_RESPONSE:
        return "first response";
    case SLA_RESOLUTION:
        return "resolution";
    default:
        return "?";
    }
}

const char *sla_state_name(enum sla_state s)
{
    switch (s) {
    case SLA_NO_DEADLINE:
        return "no deadline";
    case SLA_ON_TIME:
        return "on time";
    case SLA_DUE_SOON:
        return "due soon";
    case SLA_BREACHED:
        return "breached";
    case SLA_PAUSED:
        return "paused";
    case SLA_DONE_ON_TIME:
        return "done on time";
    case SLA_DONE_LATE:
        return "done late";
    }
    return "?";
}

enum sla_state sla_deadline_state(const struct sla_deadline *d, time_t now, time_t soon_before, time_t paused_since)
{
    if (!d->due)
        return SLA_NO_DEADLINE;
    if (d->met)
        return d->met <= d->due ? SLA_DONE_ON_TIME : SLA_DONE_LATE;
    if (paused_since)
        return d->due < paused_since ? SLA_BREACHED : SLA_PAUSED;
    if (d->due < now)
        return SLA_BREACHED;
    if (d->due < soon_before)
        return SLA_DUE_SOON;
    return SLA_ON_TIME;
}

int sla_pause(struct sla_clock *k, time_t at)
{
    if (k->paused_since)
        return -1;
    k->paused_since = at;
    return 0;
}

int sla_resume(struct sla_clock *k, time_t at)
{
    if (!k->paused_since || at < k->paused_since)
        return -1;
    time_t pause = at - k->paused_since;
    for (int i = 0; i < SLA__KINDS; i++)
        if (k->d[i].due && !k->d[i].met)
            k->d[i].due += pause;
    k->paused_seconds += (long long)pause;
    k->paused_since = 0;
    return 0;
}

/* ---- compensation ----------------------------------------------------------------- */

enum sla_customer_type sla_customer_type(const char *s)
{
    if (s && strcmp(s, "household") == 0)
        return SLA_CUSTOMER_HOUSEHOLD;
    if (s && strcmp(s, "business") == 0)
        return SLA_CUSTOMER_BUSINESS;
    return SLA_CUSTOMER_ANY;
}

bool sla_standard_applies(const struct sla_standard *s, enum sla_customer_type t, long day)
{
    if (s->customer_type != SLA_CUSTOMER_ANY && s->customer_type != t)
        return false;
    return s->effective_from <= day && day < s->effective_to;
}

const struct sla_standard *sla_standard_pick(const struct sla_standard *list, size_t n, enum sla_customer_type t,
                                             long day)
{
    const struct sla_standard *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!sla_standard_applies(&list[i], t, day))
            continue;
        if (!best || (best->customer_type == SLA_CUSTOMER_ANY && list[i].customer_type != SLA_CUSTOMER_ANY))
            best = &list[i];
    }
    return best;
}

void sla_compensation(const struct sla_standard *s, enum sla_customer_type t, long opened_day,
                      const struct sla_deadline *d, time_t now, time_t paused_since, const struct sla_payment *p,
                      struct sla_owed *out)
{
    static const struct sla_payment nothing;
    memset(out, 0, sizeof *out);
    if (!p)
        p = &nothing;
    if (!sla_standard_applies(s, t, opened_day) || s->amount <= 0)
        return;
    out->missed = sla_state_missed(sla_deadline_state(d, now, 0, paused_since));
    if (!out->missed)
        return;
    out->base = s->amount;
    out->record_base = p->base_recorded ? 0 : out->base;
    bool paid_late = p->pay_by && (p->paid_at ? p->paid_at > p->pay_by : now > p->pay_by);
    if (paid_late && s->late_extra > 0) {
        out->late = s->late_extra;
        out->record_late = p->late_recorded ? 0 : out->late;
    }
}

/* ---- text ----------------------------------------------------------------------------- */

char *sla_money_text(long long pence, char *buf, size_t len)
{
    unsigned long long a = pence < 0 ? 0ULL - (unsigned long long)pence : (unsigned long long)pence;
    util_format(buf, len, "%s%llu.%02llu", pence < 0 ? "-" : "", a / 100, a % 100);
    return buf;
}

char *sla_span_text(long long seconds, char *buf, size_t len)
{
    unsigned long long s = seconds < 0 ? 0ULL - (unsigned long long)seconds : (unsigned long long)seconds;
    unsigned long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    if (d)
        util_format(buf, len, "%llud %02lluh", d, h);
    else if (h)
        util_format(buf, len, "%lluh %02llum", h, m);
    else if (m)
        util_format(buf, len, "%llum", m);
    else
        util_format(buf, len, "<1m");
    return buf;
}

char *sla_time_text(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        util_format(buf, len, "?");
        return buf;
    }
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    off = off < 0 ? -off : off;
    int oh = (int)(off / 3600 % 100), om = (int)(off % 3600 / 60);   /* zones are within +-15 h */
    char zone[16];
    if (om)
        util_format(zone, sizeof zone, "%c%02d:%02d", sign, oh, om);
    else
        util_format(zone, sizeof zone, "%c%02d", sign, oh);
    util_format(buf, len, "%04d-%02d-%02d %02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, zone);
    return buf;
}

/* Exactly n digits at *p, advancing it; -1 when not. */
static long digits(const char **p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

int sla_parse_time(const char *s, time_t *out)
{
    if (!s)
        return -1;
    if (*s == '@') {
        char *end;
        if (!isdigit((unsigned char)s[1]) && s[1] != '-')
            return -1;
        long long v = strtoll(s + 1, &end, 10);
        if (*end)
            return -1;
        *out = (time_t)v;
        return 0;
    }
    const char *p = s;
    long y = digits(&p, 4);
    if (y < 0 || *p++ != '-')
        return -1;
    long mo = digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-')
        return -1;
    long d = digits(&p, 2);
    if (d < 1 || d > days_in_month(y, (int)mo))
        return -1;
    long h = 0, mi = 0, sec = 0;
    if (*p == ' ' || *p == 'T') {
        p++;
        h = digits(&p, 2);
        if (h < 0 || h > 23 || *p++ != ':')
            return -1;
        mi = digits(&p, 2);
        if (mi < 0 || mi > 59)
            return -1;
        if (*p == ':') {
            p++;
            sec = digits(&p, 2);
            if (sec < 0 || sec > 59)
                return -1;
        }
    }
    long day = sla_day((int)y, (int)mo, (int)d), secs = h * 3600 + mi * 60 + sec;
    if (!*p) {
        *out = sla_local_time(day, secs);
        return 0;
    }
    long off = 0;
    if (*p == 'Z' && !p[1]) {
        off = 0;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        long oh = digits(&p, 2), om = 0;
        if (oh < 0 || oh > 15)
            return -1;
        if (*p == ':')
            p++;
        if (*p) {
            om = digits(&p, 2);
            if (om < 0 || om > 59 || *p)
                return -1;
        }
        off = sign * (oh * 3600 + om * 60);
    } else {
        return -1;
    }
    *out = (time_t)((long long)day * DAY + secs - off);
    return 0;
}
