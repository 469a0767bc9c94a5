/* complaint.h — complaint intake: the choices the form offers, the deadlines that will apply, and an idempotent save. */
#ifndef CARELINE_COMPLAINT_H
#define CARELINE_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "careline/db.h"
#include "careline/lifecycle.h"
#include "careline/outbox.h"
#include "careline/record.h"

/* Everything the intake form needs, in one round trip: typed records,
 * each statement decoded by column name (record.h). */

/* A leaf category: the event's category first, then the most frequent of the last 30 days. */
struct db_intake_category {
    int64_t id;
    char *code;
    char *name;                  /* "Parent / Leaf" */
    int64_t recent;              /* complaints in the last 30 days */
    char *event_id;              /* the active event over the customer in this category, "" none */
};
struct db_intake_customer {
    char *name, *account_no;
    char *preferred_channel;
    bool non_digital;
    int64_t premise_id;          /* 0: none current */
    char *flags;                 /* "[PRIORITY SERVICES] [VULNERABLE] ..." */
};
/* One of the customer's open complaints (a possible duplicate). */
struct db_intake_open {
    char *id, *reference;
    int64_t category_id;
    char *category, *status;
    char *opened;                /* "30 Nov 26", in the utility's zone */
    char *event_id;              /* "" unless linked to an event */
};
/* An active event over the customer's premises, newest first, with its
 * words to read out, and the open complaints of other customers linked to it. */
struct db_intake_event {
    char *event_id;
    int64_t others;              /* open complaints of other customers */
    char *refs;                  /* their references, newest first */
    char *title, *message;
    char *restore;               /* "Tue 24 Nov 12:00" or "unknown" */
};

struct db_intake {
    struct db_rows categories;   /* struct db_intake_category */
    struct db_rows customer;     /* struct db_intake_customer: 0 or 1 */
    struct db_rows open;         /* struct db_intake_open */
    struct db_rows events;       /* struct db_intake_event */
    char *error;                 /* the database's or the decoder's sentence; the rest is empty */
};
/* The intake form's load prepared ahead of its first use. */
void db_intake_prepare(struct db_conn *c);
unsigned db_intake_load(struct db_conn *c, long long customer_id, void (*done)(void *ctx, struct db_intake *in),
                        void *ctx);
void db_intake_free(struct db_intake *in);
/* The open complaint this call may belong to: same category, or linked to
 * the same event (event_id "" matches none). NULL when none. */
const struct db_intake_open *db_intake_duplicate(const struct db_intake *in, long long category_id,
                                                 const char *event_id);

/* The deadlines a category would get now, as text for the form
 * ("Tue 24 Nov 12:00"), and a guaranteed payment if one is at stake. */
struct db_deadline {
    char *ack, *response, *resolution;   /* "" when no standard sets it */
    char *compensation;                  /* e.g. "40.00", "" when none */
};
struct db_deadlines {
    struct db_rows rows;                 /* struct db_deadline: 0 or 1 */
    char *error;
};
/* Newest request wins (slot "deadlines"). */
unsigned db_deadlines_load(struct db_conn *c, long long customer_id, long long category_id,
                           void (*done)(void *ctx, struct db_deadlines *d), void *ctx);
/* The row, or one of empty strings when the database sent none. */
const struct db_deadline *db_deadlines_get(const struct db_deadlines *d);
void db_deadlines_free(struct db_deadlines *d);

/* What is saved. */
struct db_complaint_draft {
    char id[37];
    long long customer_id;
    long long premise_id;            /* 0: none */
    long long category_id;           /* 0: not chosen */
    char event_id[37];               /* "" unless linked to a critical event */
    const char *channel;
    const char *severity;            /* low, medium, high, critical */
    const char *contact_preference;
    bool callback;
    const char *description;
};

enum db_complaint_field { CF_CATEGORY, CF_DESCRIPTION, CF_SEVERITY, CF_CHANNEL, CF_PREFERENCE };
/* -1 when the draft can be saved, else the field at fault, with why. */
int db_complaint_check(const struct db_complaint_draft *d, char *why, size_t len);

/* Saving a complaint is a write of the outbox (outbox.h): INSERT .. ON
 * CONFLICT (id) DO NOTHING, so the same draft saved twice (a retry after a
 * lost connection, a restored journal) leaves one complaint. Its fields are
 * the intake journal's: customer_id, premise_id ("0": none), category_id,
 * event_id ("": none), channel, severity, preference, callback ("yes" or
 * "no"), description; the answer is the complaint's reference. */
extern const struct db_outbox_kind db_complaint_outbox;
/* This call added to an open complaint: a 'contact' history row keyed by
 * the call's own UUID (a retry adds it once). Fields: complaint_id,
 * channel, text ("" says the customer called again). */
extern const struct db_outbox_kind db_complaint_contact_outbox;

/* ---- one complaint: detail, history, lifecycle -------------------------- */

/* The complaint itself. Times are text the database formats in the
 * utility's zone; what is left of each deadline is seconds. */
struct db_complaint {
    char *id;
    bool ack_left_null, resp_left_null, res_left_null;   /* the deadline is met (or not set) */
    char *reference, *customer, *account_no;
    char *category;              /* "Parent / Leaf" */
    char *status;                /* as stored: "waiting_customer" */
    char *status_reason, *severity, *channel, *opened;
    char *owner;                 /* "Name (team)", the team, or "unassigned" */
    char *ack_due, *ack_at;      /* due "-" when none; at "" until met */
    int64_t ack_left;            /* seconds to the deadline, negative when overdue */
    char *resp_due, *resp_at;
    int64_t resp_left;
    char *res_due, *res_at;
    int64_t res_left;
    char *root_cause, *resolution, *description;
    int version;                 /* what an update must name (optimistic locking) */
    char *merged_into;           /* the reference merged into, "" none */
    char *preference;
    bool callback;
    char *event;                 /* the linked event's title, "" none */
    char *sla;
    int64_t customer_id;
    int64_t open_follow_ups;
    char *compensation;          /* "gss 40.00 paid, ...", "" none */
    char *updated;
};
/* One row of the history, newest first. */
struct db_complaint_history {
    char *at, *who, *kind;
    char *from_status, *to_status;   /* "" unless the status changed */
    char *note;
    char *id;
};
struct db_root_cause {
    int64_t id;
    char *name;                  /* "Parent / Cause" */
};
/* The complaint's open follow-ups, soonest first: any may be recorded now. */
struct db_complaint_follow_up {
    char *id;
    int version;
    char *what, *due, *channel;
};
/* Who is looking: their group role decides what they are offered. */
struct db_complaint_me {
    char *role, *name;
};

struct db_complaint_detail {
    const struct db_complaint *k;    /* NULL when the complaint is gone */
    int status;                      /* enum db_lifecycle_status, -1 for one not known */
    enum db_lifecycle_role role;
    struct db_rows complaint;        /* struct db_complaint: 0 or 1 */
    struct db_rows history;          /* struct db_complaint_history */
    struct db_rows root_causes;      /* struct db_root_cause */
    struct db_rows me;               /* struct db_complaint_me */
    struct db_rows follow_ups;       /* struct db_complaint_follow_up */
    char *error;                     /* the database's or the decoder's sentence; the rest is empty */
};
/* opening: the complaint is being opened (not reloaded), which the same
 * round trip writes to the audit log as "complaint.open". */
unsigned db_complaint_load(struct db_conn *c, const char *complaint_id, bool opening,
                           void (*done)(void *ctx, struct db_complaint_detail *d), void *ctx);
void db_complaint_detail_free(struct db_complaint_detail *d);

/* What someone else changed between two loads of one complaint, one line
 * per field: "Status: new -> acknowledged, by Amy Agent at 30 Nov 26 09:12"
 * (who and when from the history rows that are new in `now`). Pure: both
 * loads are only read. Returns a heap string, "" when nothing differs. */
char *db_complaint_changes(const struct db_complaint_detail *before, const struct db_complaint_detail *now);

/* A change of state, refused when someone else changed the complaint since
 * `version` (conflict true: nothing was written). root_cause_id 0 and
 * resolution "" leave those as they are. The database refuses illegal
 * transitions itself; err then says why. */
struct db_complaint_change {
    const char *id;
    int version;
    const char *status;          /* new status, or NULL to keep */
    const char *reason;          /* status_reason, may be "" */
    long long root_cause_id;
    const char *resolution;
    const char *merge_into;      /* a reference: merge and close, or NULL */
    bool follow_up_override;     /* a supervisor closing over an open follow-up */
};
unsigned db_complaint_update(struct db_conn *c, const struct db_complaint_change *ch,
                             void (*done)(void *ctx, bool conflict, const char *err), void *ctx);
/* A note in the history, keyed by its own UUID (a retry adds it once). */
unsigned db_complaint_note(struct db_conn *c, const char *complaint_id, const char *id, const char *text,
                           void (*done)(void *ctx, const char *err), void *ctx);

/* ---- the statements against the schema -------------------------------------
 * Every statement that reads this aggregate, run synchronously and decoded
 * with its own shape, so a database test proves SQL and records agree: a
 * renamed, dropped or added column fails it by name. */
int db_complaint_statement_count(void);
const char *db_complaint_statement_what(int i);
const char *db_complaint_statement_sql(int i);
/* Run statement i (with sql instead of its own text when not NULL) for
 * these ids and decode it. Returns the number of rows, or -1 with the
 * database's or the decoder's sentence in err. */
int db_complaint_statement_check(struct db_conn *c, int i, const char *sql, const char *complaint_id,
                                 long long customer_id, long long category_id, char *err, size_t len);

#endif
