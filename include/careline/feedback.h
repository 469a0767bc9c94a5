/* feedback.h — improvement actions recorded against root causes (what was changed, when, who recorded it), for the dashboard and the published feedback summary. */
#ifndef CARELINE_FEEDBACK_H
#define CARELINE_FEEDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/period.h"
#include "careline/record.h"

/* One action (table improvement_action). Text from the database verbatim. */
struct db_action {
    char *id;                /* uuid, made by the terminal that recorded it */
    int root_cause_id;
    char *root_cause;        /* its name */
    char *what_changed;      /* published as written (the database refuses personal data in it) */
    int64_t changed_on;      /* day number of the change */
    char *recorded_by;       /* staff name, "" when unknown (never published) */
    int64_t recorded_at;     /* epoch */
    int version;
};

#define DB_ACTION_TEXT_MAX 500

typedef void (*db_actions_fn)(void *ctx, struct db_rows *rows, const char *err);

/* The actions of one root cause, newest change first (withdrawn ones left out). */
unsigned db_actions_load(struct db_conn *c, int root_cause_id, db_actions_fn done, void *ctx);
/* Record a new action (version 0; id made by the caller with util_uuid, so
 * a retry is the same row) or change one seen at version. conflict: someone
 * changed or withdrew it first (nothing written). err: a sentence (the
 * database refuses an account number, phone number or e-mail address in
 * the text, and an implausible date). */
typedef void (*db_action_done_fn)(void *ctx, bool conflict, const char *err);
unsigned db_action_save(struct db_conn *c, const char *id, int version, int root_cause_id, const char *what,
                        long changed_on, db_action_done_fn done, void *ctx);
/* Take an action back out of the published record (seen at version). */
unsigned db_action_withdraw(struct db_conn *c, const char *id, int version, db_action_done_fn done, void *ctx);
/* Actions changed within the period, by root cause then date (the feedback
 * summary), synchronously. Returns 0 or -1 with the reason in err. */
int db_actions_fetch_period(struct db_conn *c, const struct db_period *p, struct db_rows *out, char *err, size_t len);

/* Every read statement of this module, for tests/db/statements.c. */
const struct db_statement *db_feedback_statements(int *n);

#endif
