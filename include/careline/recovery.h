/* recovery.h — putting things right: goodwill credits within authority, approvals, follow-ups. */
#ifndef CARELINE_RECOVERY_H
#define CARELINE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/outbox.h"
#include "careline/record.h"

/* A goodwill credit offered. */
struct db_credit_draft {
    const char *id;              /* made by the caller, once: a retry gives one credit */
    long long customer_id;
    const char *complaint_id;    /* may be NULL */
    const char *amount;          /* "25.50" */
    const char *reason;
    const char *customer, *reference;   /* for the list of unsent work; may be NULL */
};
/* Offer it through the outbox (kept under dir until the database has it;
 * sent again after a lost connection). The database decides: the answer
 * is "applied" within the requester's authority, "pending" above it. err:
 * why it is not kept on disk, "" when it is. */
extern const struct db_outbox_kind db_credit_outbox;
unsigned db_credit_offer(struct db_conn *c, const char *dir, const struct db_credit_draft *d,
                         const struct db_outbox_reply *r, char *err, size_t errlen);

/* A pending credit in the supervisor's queue. mine, may_approve and
 * may_reject say what the database would accept from the person asking (a
 * supervisor, not their own credit, approving within their authority), so
 * the screen offers only that. */
struct db_approval {
    char *id;                /* uuid */
    char *requested_text;    /* when it was asked for: "DD Mon HH24:MI", the session's time zone */
    char *agent;             /* who asked ("" when unknown) */
    char *customer;
    int64_t amount;          /* pence */
    char *reason;
    char *complaint_ref;     /* "" when the credit is not tied to a complaint */
    int version;
    bool mine;
    bool may_approve;
    bool may_reject;
};

/* Rows delivered by the loads below. The callback may keep them by moving
 * *rows into its own struct db_rows and zeroing it; what is left is freed
 * when it returns. On err, rows is empty: err is a sentence (the
 * database's, or the decoder's when statement and record disagree). */
typedef void (*db_recovery_rows_fn)(void *ctx, struct db_rows *rows, const char *err);

/* Pending credits (struct db_approval), oldest first. */
unsigned db_approvals_load(struct db_conn *c, db_recovery_rows_fn done, void *ctx);
/* Approve or reject one pending credit seen at version. conflict: someone
 * decided first (nothing written). */
unsigned db_credit_decide(struct db_conn *c, const char *id, int version, bool approve, const char *note,
                          void (*done)(void *ctx, bool conflict, const char *err), void *ctx);

/* Follow-ups. */
unsigned db_follow_up_add(struct db_conn *c, const char *id, const char *complaint_id, int in_days,
                          const char *channel, const char *what, void (*done)(void *ctx, const char *err),
                          void *ctx);
/* An open follow-up. */
struct db_follow_up {
    char *id;                /* uuid */
    int overdue_days;        /* days past its due date; negative when not yet due (-3: due in 3 days) */
    char *customer;
    char *phone;             /* E.164, "" when none */
    char *channel;           /* phone, email, sms, letter, field_visit */
    char *what;              /* what the customer is asked to confirm */
    char *reference;         /* the complaint's, "" when none */
    char *owner;             /* staff name, else team, else "" */
    int version;
};

/* Open follow-ups (struct db_follow_up) for this agent (mine) or everyone:
 * due today or before, or (upcoming) not yet due, soonest first. */
unsigned db_follow_ups_due(struct db_conn *c, bool mine, bool upcoming, db_recovery_rows_fn done, void *ctx);
/* Record the outcome of an open follow-up, due or not yet due (calling
 * early is fine); conflict: someone else recorded or changed it first. */
unsigned db_follow_up_complete(struct db_conn *c, const char *id, int version, bool confirmed, const char *outcome,
                               void (*done)(void *ctx, bool conflict, const char *err), void *ctx);

/* What the agent who asked for a credit is told when a supervisor decides
 * it, from the careline_approval notification's payload (a JSON object of
 * credit_id, status and requested_by: 004_rules.sql). Pure. NULL when the
 * payload is not a decision on a credit staff_id asked for (staff_id 0:
 * nobody); else the sentence, with *warn set for a rejection. */
const char *db_approval_notice(const char *payload, long long staff_id, bool *warn);

/* Every statement of this module whose rows are decoded into a record,
 * with parameters that run it on the seeded demo data: the database test
 * runs each against the migrated schema and decodes it (tests/db/
 * statements.c), so a statement and its record cannot drift apart
 * unnoticed. Sets *n. */
const struct db_statement *db_recovery_statements(int *n);

#endif
