/* sla.h — SLA rules: the working calendar, due times in working hours and days, deadline state, pause and resume, compensation. */
#ifndef CARELINE_SLA_H
#define CARELINE_SLA_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* These are the same rules as the SQL functions working_window,
 * working_add_hours, working_add_days and the complaint_before trigger
 * (db/migrations/004_rules.sql), so that a screen can show a deadline
 * before the complaint is saved and the client can send the due times it
 * showed. tests/db/test_sla_sql.sh compares the two on a grid of times.
 *
 * Time zone: local times are those of the PROCESS time zone (localtime_r).
 * Careline must run in the utility's zone, the utility_region.timezone that
 * the SQL function careline_timezone() returns ('Europe/London' when the row
 * is missing): call sla_use_timezone() with sla_calendar.timezone after
 * sla_calendar_load() (the report commands do).
 *
 * Everything here is pure (no I/O, no clock) except sla_calendar_load()
 * and sla_use_timezone(). */

struct db_conn;
struct db_statement;

/* ---- days and local time ---------------------------------------------- */

/* A date as a day number: days since 1970-01-01 (day 0), Gregorian. */
long sla_day(int year, int month, int mday);
void sla_day_ymd(long day, int *year, int *month, int *mday);
int sla_isodow(long day);                  /* 1 = Monday .. 7 = Sunday */

/* Local day of an instant, and (when secs is not NULL) seconds since local
 * midnight. */
long sla_local_day(time_t t, int *secs);
/* The instant of a local wall-clock time (secs may be 86400: the next
 * midnight). A time that does not exist (skipped when clocks go forward) or
 * exists twice (when they go back) gives the LATER of the two candidate
 * instants, as PostgreSQL does for "timestamp AT TIME ZONE zone". */
time_t sla_local_time(long day, long secs);

/* ---- the working calendar ---------------------------------------------- */

struct sla_window {
    int opens, closes;          /* seconds from local midnight; closes <= opens: closed */
};

struct sla_calendar {
    struct sla_window week[7];  /* index isodow - 1 */
    long *holidays;             /* day numbers, sorted, no duplicates; owned */
    size_t nholidays, cap;
    char timezone[64];          /* careline_timezone() when loaded, else "" */
};

/* Every day closed, no holidays. */
void sla_calendar_init(struct sla_calendar *c);
void sla_calendar_free(struct sla_calendar *c);   /* and re-initialises */
/* Opening window of a weekday (1..7); opens == closes closes the day.
 * Returns -1 (nothing changed) for values out of range. */
int sla_calendar_set_hours(struct sla_calendar *c, int isodow, int opens, int closes);
void sla_calendar_add_holiday(struct sla_calendar *c, long day);
bool sla_calendar_is_holiday(const struct sla_calendar *c, long day);
/* Opening window of a date: false on a closed weekday or a holiday. */
bool sla_calendar_window(const struct sla_calendar *c, long day, struct sla_window *w);

/* NOT pure: the calendar of a region (NULL = no region) from the
 * database in one query: working_hours rows of the region, else the rows
 * for every region; holidays of the region and of every region; and
 * careline_timezone(). Same choice of rows as the SQL working_window().
 * out is initialised here; free it with sla_calendar_free() (also after a
 * failure). Returns 0, or -1 with the reason in err. */
int sla_calendar_load(struct db_conn *db, const char *region, struct sla_calendar *out, char *err, size_t len);
/* The calendar's statement and its record, for the database test that runs
 * every listed statement against the schema (tests/db/statements.c). */
const struct db_statement *sla_statements(int *n);
/* NOT pure: make tz (an IANA name such as "Europe/London") the process
 * time zone (TZ, tzset). Returns -1 with the reason in err when tz is not
 * a zone this machine knows (then nothing changes). */
int sla_use_timezone(const char *tz, char *err, size_t len);

/* ---- due times ----------------------------------------------------------- */

/* from plus an amount of working time: counted inside each day's opening
 * window in local wall-clock time, skipping closed days and holidays.
 * Zero or negative amounts (and NaN hours) give from. Hours are rounded to
 * whole seconds (the database keeps hours with two decimals). Returns 0, or
 * -1 when the calendar has no working time in the next ten years. */
int sla_add_working_seconds(const struct sla_calendar *c, time_t from, long long seconds, time_t *out);
int sla_add_working_hours(const struct sla_calendar *c, time_t from, double hours, time_t *out);
/* Close of business on the days-th working day after the local day of
 * from (the day of from never counts, even when from is early in it).
 * days <= 0 gives from. Returns 0 or -1 as above. */
int sla_add_working_days(const struct sla_calendar *c, time_t from, int days, time_t *out);

/* ---- deadlines and their state ------------------------------------------ */

/* Instants are time_t; 0 means "not set" (no deadline, not met yet, not
 * paused): Careline has no complaints from 1970. */
enum sla_kind { SLA_ACK, SLA_RESPONSE, SLA_RESOLUTION, SLA__KINDS };
const char *sla_kind_name(enum sla_kind k);   /* "acknowledge", "first response", "resolution" */

struct sla_deadline {
    time_t due;                 /* 0 = no deadline */
    time_t met;                 /* 0 = not met yet */
};

enum sla_state {
    SLA_NO_DEADLINE,
    SLA_ON_TIME,
    SLA_DUE_SOON,               /* due before the caller's "soon" limit */
    SLA_BREACHED,               /* not met and due < now */
    SLA_PAUSED,                 /* waiting on the customer, and it was not breached before the pause */
    SLA_DONE_ON_TIME,           /* met at or before due */
    SLA_DONE_LATE,
};
const char *sla_state_name(enum sla_state s);  /* "on time", "due soon", "breached", ... */

/* State of one deadline at now. Like the SQL complaint_sla_state, a
 * deadline is breached only once now is strictly after it, and due soon
 * when due < soon_before (e.g. sla_add_working_days(now, 1): close of the
 * next working day). paused_since (0 = running) stops the clock: a
 * deadline already passed when the pause began stays breached. */
enum sla_state sla_deadline_state(const struct sla_deadline *d, time_t now, time_t soon_before,
                                  time_t paused_since);
static inline bool sla_state_missed(enum sla_state s) { return s == SLA_BREACHED || s == SLA_DONE_LATE; }

/* A complaint's three deadlines and its pause. */
struct sla_clock {
    struct sla_deadline d[SLA__KINDS];
    time_t paused_since;        /* 0 = running */
    long long paused_seconds;   /* total of finished pauses */
};
/* Waiting on the customer from at. -1 when already paused. */
int sla_pause(struct sla_clock *k, time_t at);
/* Resume at `at`: every deadline not yet met moves on by the pause (met
 * ones stay), paused_seconds grows by it, as the complaint_before trigger
 * does. -1 when not paused or at is before the pause began. */
int sla_resume(struct sla_clock *k, time_t at);

/* ---- compensation (Guaranteed Standards payments) ------------------------ */

enum sla_customer_type { SLA_CUSTOMER_ANY, SLA_CUSTOMER_HOUSEHOLD, SLA_CUSTOMER_BUSINESS };
/* "household", "business", anything else (NULL, "") = ANY. */
enum sla_customer_type sla_customer_type(const char *s);

#define SLA_FOREVER LONG_MAX

/* The part of a response_standard row that decides a payment. Money is in
 * pence (minor units), never floating point. */
struct sla_standard {
    enum sla_customer_type customer_type;   /* ANY: household and business */
    long effective_from;                    /* day number, inclusive */
    long effective_to;                      /* day number, exclusive; SLA_FOREVER = still in force */
    long long amount;                       /* owed when the standard is missed; <= 0: none */
    long long late_extra;                   /* owed on top when that payment is itself late */
};

/* Whether s is in force on day for a customer of type t (t ANY: unknown
 * customer, only standards for everyone apply). */
bool sla_standard_applies(const struct sla_standard *s, enum sla_customer_type t, long day);
/* The standard of list that applies: one for the customer's type wins over
 * one for everyone; among equals the first. NULL when none applies. */
const struct sla_standard *sla_standard_pick(const struct sla_standard *list, size_t n, enum sla_customer_type t,
                                             long day);

/* What is already recorded (compensation_payment rows) for this standard. */
struct sla_payment {
    bool base_recorded;         /* a 'base' row exists (owed or paid) */
    bool late_recorded;         /* a 'late_payment' row exists */
    time_t pay_by;              /* the payment is late after this; 0 = no late-payment rule */
    time_t paid_at;             /* 0 = not paid yet */
};

struct sla_owed {
    bool missed;                /* the standard applies and its deadline was missed */
    long long base, late;       /* what the customer is owed in all */
    long long record_base;      /* of which not recorded yet: the rows to add now */
    long long record_late;
};

/* Payment owed for one deadline d of a complaint opened on local day
 * opened_day (the standard in force that day applies, the same day the
 * database uses to choose the complaint's standards) for a customer of type
 * t, at now. Nothing is owed when the standard does not apply, the deadline
 * was met on time, is not due yet, or was paused before it passed. The base
 * amount is owed once: when recorded already, record_base is 0. The late
 * extra is owed when the base is owed and is paid after pay_by, or still
 * unpaid at now after pay_by. p may be NULL (nothing recorded). */
void sla_compensation(const struct sla_standard *s, enum sla_customer_type t, long opened_day,
                      const struct sla_deadline *d, time_t now, time_t paused_since, const struct sla_payment *p,
                      struct sla_owed *out);

/* ---- text ---------------------------------------------------------------- */

/* "40.00", "-3.05" into buf; returns buf. */
char *sla_money_text(long long pence, char *buf, size_t len);
/* A length of time for people, sign ignored: "3d 04h", "5h 20m", "12m",
 * "<1m". Returns buf. */
char *sla_span_text(long long seconds, char *buf, size_t len);
/* Local time as PostgreSQL prints a timestamptz in ISO style:
 * "2026-03-30 09:15:00+01" ("+05:30" for a zone with minutes). */
char *sla_time_text(time_t t, char *buf, size_t len);
/* Parse "YYYY-MM-DD[( |T)HH:MM[:SS]][Z|(+|-)HH[[:]MM]]" (no offset: local
 * time, resolved as sla_local_time) or "@SECONDS" (Unix time). Returns 0
 * or -1 for anything else, including impossible dates. */
int sla_parse_time(const char *s, time_t *out);

#endif
