/* report.h — complaints past or near their deadlines, as data for `careline report overdue` and screens. */
#ifndef CARELINE_REPORT_H
#define CARELINE_REPORT_H

#include <stdbool.h>
#include <time.h>

#include "careline/db.h"
#include "careline/record.h"
#include "careline/sla.h"

/* ---- the overdue report as data (for a screen as well as the command) --- */

struct report_overdue_opts {
    double within_hours;       /* working hours from now; 0 = only what is overdue */
    const char *team;          /* NULL = every team */
};

/* One unmet deadline of an open complaint that is past or due within the
 * limit. Text fields come from the database verbatim (untrusted: sanitise
 * before drawing). */
struct report_overdue_row {
    char *reference, *account_no, *customer, *category, *status, *owner, *team;
    enum sla_kind kind;
    time_t due;
    long long seconds_left;    /* due - now; negative = overdue */
    enum sla_state state;      /* SLA_BREACHED or SLA_DUE_SOON */
    long long payment_owed;    /* pence of Guaranteed Standards payments owed and not paid (0: none) */
    long long payment_paid;    /* pence already paid for this complaint's missed standards */
    long long payment_unrecorded; /* pence owed that no compensation_payment row records yet */
};

struct report_overdue {
    struct report_overdue_row *rows;   /* most overdue first (earliest due) */
    int count;
    time_t now;                        /* the database's clock */
    char timezone[64];                 /* careline_timezone(), made the process zone */
};

/* Fetch with one statement, plus one sla_calendar_load() per region among
 * the complaints that have a Guaranteed Standard (a handful at most).
 * Switches the process time zone to the utility's (careline_timezone(),
 * see sla_use_timezone). Returns 0, or -1 with the reason in err; free out
 * with report_overdue_free either way. */
int report_overdue_fetch(struct db_conn *db, const struct report_overdue_opts *o, struct report_overdue *out,
                         char *err, size_t len);
void report_overdue_free(struct report_overdue *r);

/* The report's statement and its record, for the database test that runs
 * every listed statement against the schema (tests/db/statements.c). */
const struct db_statement *report_statements(int *n);

#endif
