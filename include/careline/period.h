/* period.h — the periods figures are counted over (a day, a week, a month, a range of days) in the utility's calendar: pure rules. */
#ifndef CARELINE_PERIOD_H
#define CARELINE_PERIOD_H

#include <stddef.h>

/* A period is a range of whole local days [from, to) in the utility's time
 * zone, as day numbers (days since 1970-01-01, see sla_day). The database
 * turns a day into the instant it begins there (careline_day_start), so
 * every figure counts the same instants whatever the terminal's zone. */

enum db_period_kind { DB_PERIOD_TODAY, DB_PERIOD_WEEK, DB_PERIOD_MONTH, DB_PERIOD_RANGE };

struct db_period {
    enum db_period_kind kind;
    long from, to;               /* first day, and the day after the last */
};

#define DB_PERIOD_MAX_DAYS 3660  /* a range longer than ten years is a typing slip */

/* The day, the week (Monday to Sunday) or the calendar month that holds today. */
struct db_period db_period_of(enum db_period_kind kind, long today);
/* A range of whole days, first to last both included. Returns NULL, or the
 * reason it is not a range (last before first, longer than ten years). */
const char *db_period_range(long first, long last, struct db_period *out);
/* The period before (step < 0) or after (step > 0) p, of the same kind; a
 * range moves by its own length. */
struct db_period db_period_step(const struct db_period *p, int step);
/* The calendar month "YYYY-MM" as a period (kind MONTH). Returns 0 or -1. */
int db_period_month(const char *s, struct db_period *out);
/* "YYYY-MM-DD" (a real date, nothing else) as a day number. Returns 0 or -1. */
int db_date_parse(const char *s, long *day);
/* "YYYY-MM-DD" into buf; returns buf. */
char *db_date_text(long day, char *buf, size_t len);
/* For people: "Today, Mon 30 Nov 2026", "This week, 30 Nov - 6 Dec 2026",
 * "November 2026 (to date)", "1 Nov 2026 - 15 Nov 2026". today decides
 * "Today"/"This week" and "(to date)". Returns buf. */
char *db_period_label(const struct db_period *p, long today, char *buf, size_t len);

#endif
