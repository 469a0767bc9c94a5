/* recovery.h — putting things right: goodwill credits within authority, approvals, follow-ups. */
#ifndef CARELINE_RECOVERY_H
#define CARELINE_RECOVERY_H

#include <stdbool.h>

#include "careline/db.h"

/* Offer a goodwill credit (id made by the caller: a retry gives one credit).
 * The database decides: "applied" within the requester's authority,
 * "pending" above it. done gets that status, or err. */
unsigned db_credit_offer(struct db_conn *c, const char *id, long long customer_id, const char *complaint_id,
                         const char *amount, const char *reason,
                         void (*done)(void *ctx, const char *status, const char *err), void *ctx);

/* Pending credits for a supervisor, oldest first. */
/* AP_MAY_APPROVE / AP_MAY_REJECT: what the database would accept from the
 * person asking (a supervisor, not their own credit, approving within
 * their authority), so the screen offers only that. */
enum { AP_ID, AP_REQUESTED, AP_AGENT, AP_CUSTOMER, AP_ACCOUNT, AP_AMOUNT, AP_REASON, AP_COMPLAINT, AP_VERSION,
       AP_MINE, AP_MAY_APPROVE, AP_MAY_REJECT };
unsigned db_approvals_load(struct db_conn *c, void (*done)(void *ctx, struct db_table *t, const char *err),
                           void *ctx);
/* Approve or reject one pending credit seen at version. conflict: someone
 * decided first (nothing written). */
unsigned db_credit_decide(struct db_conn *c, const char *id, int version, bool approve, const char *note,
                          void (*done)(void *ctx, bool conflict, const char *err), void *ctx);

/* Follow-ups. */
unsigned db_follow_up_add(struct db_conn *c, const char *id, const char *complaint_id, int in_days,
                          const char *channel, const char *what, void (*done)(void *ctx, const char *err),
                          void *ctx);
/* Open follow-ups for this agent (mine) or everyone: due today or before,
 * or (upcoming) not yet due, soonest first. FD_OVERDUE_DAYS is negative
 * for upcoming ones (-3: due in 3 days). */
enum { FD_ID, FD_DUE_ON, FD_OVERDUE_DAYS, FD_CUSTOMER, FD_ACCOUNT, FD_CHANNEL, FD_WHAT, FD_REFERENCE,
       FD_OWNER, FD_VERSION, FD_PHONE };
unsigned db_follow_ups_due(struct db_conn *c, bool mine, bool upcoming,
                           void (*done)(void *ctx, struct db_table *t, const char *err), void *ctx);
/* Record the outcome of an open follow-up, due or not yet due (calling
 * early is fine); conflict: someone else recorded or changed it first. */
unsigned db_follow_up_complete(struct db_conn *c, const char *id, int version, bool confirmed, const char *outcome,
                               void (*done)(void *ctx, bool conflict, const char *err), void *ctx);

#endif
