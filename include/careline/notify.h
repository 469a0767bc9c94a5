/* notify.h — the notification outbox and the call list: claiming and settling messages for `careline notify`, an event's progress, and the calls agents work. */
#ifndef CARELINE_NOTIFY_H
#define CARELINE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/notify_text.h"
#include "careline/record.h"

/* ---- the worker (synchronous: `careline notify`) ----------------------- */

/* A message claimed for hand-off. */
struct db_notify_msg {
    char *id;                /* uuid */
    char *event_id;
    int event_version;
    char *channel;           /* "sms" or "email" */
    char *address;           /* E.164 or e-mail */
    char *subject;
    char *body;
    int attempts;            /* this one included */
    char *account_no;
    char *customer_name;
};

/* Claim up to limit due messages (priority customers first) for worker;
 * several workers may claim at once, each message goes to one. rows gets
 * struct db_notify_msg. Returns 0, or -1 with err. */
int db_notify_claim(struct db_conn *c, const char *worker, int limit, struct db_rows *rows, char *err, size_t len);
/* Record what became of one claimed message: NOTIFY_SENT (recorded in the
 * customer's contacts), NOTIFY_RETRY (queued again in retry_seconds),
 * NOTIFY_FAILED (on the call list). released: the worker stopped before
 * trying it (queued again at once, the attempt not counted; outcome is
 * ignored). Returns 1, 0 when the claim was no longer this worker's, -1 on
 * a database error (err). */
int db_notify_settle(struct db_conn *c, const char *id, const char *worker, enum notify_outcome outcome,
                     bool released, const char *detail, int retry_seconds, char *err, size_t len);
/* Put back messages whose worker has gone, or that were claimed more than
 * lease_seconds ago. Returns how many, or -1. */
int db_notify_reclaim(struct db_conn *c, int lease_seconds, char *err, size_t len);
/* Seconds until the next queued message falls due (0: one is due now), or
 * -1 when none waits. -2 on a database error. */
double db_notify_next_due(struct db_conn *c, char *err, size_t len);
/* Messages still queued (due or waiting for a retry), and sending. */
int db_notify_waiting(struct db_conn *c, long long *queued, long long *sending, char *err, size_t len);
/* LISTEN for new messages (synchronous; call after connecting). */
int db_notify_listen(struct db_conn *c, char *err, size_t len);
/* Wait up to timeout_ms for a notification that messages were queued.
 * Returns 1 (notified), 0 (timed out or interrupted by a signal), -1 when
 * the connection broke. */
int db_notify_wait(struct db_conn *c, int timeout_ms);

/* ---- an event's progress (the event screen) --------------------------- */

/* The latest version of an event's notifications. */
struct db_notify_progress {
    int event_version;         /* 0: nothing was queued for this event */
    int64_t total;             /* messages of that version */
    int64_t queued;            /* waiting for the worker (also a retry not yet due) */
    int64_t sending;           /* in a worker's hands */
    int64_t sent;              /* handed to the MTA or gateway */
    int64_t failed;            /* could not be delivered: on the call list */
    int64_t to_call;           /* on the call list, not yet worked */
    int64_t called;            /* calls worked */
    int64_t next_attempt;      /* epoch of the next queued attempt, 0 when none */
    bool no_next;
};
/* done gets the progress, or err. ctx is the owner (db_forget_owner). */
unsigned db_notify_progress(struct db_conn *c, const char *event_id,
                            void (*done)(void *ctx, const struct db_notify_progress *p, const char *err), void *ctx);
/* The same, waiting (commands, tests). Returns 0 or -1 with err. */
int db_notify_progress_sync(struct db_conn *c, const char *event_id, struct db_notify_progress *p, char *err,
                            size_t len);
/* The statement and its record, for a screen that loads the progress in
 * its own pipeline ($1: the event id); decode with db_parts_decode. */
const char *db_notify_progress_sql(void);
const struct db_shape *db_notify_progress_shape(void);

/* ---- the call list (agents) ------------------------------------------- */

/* An outbound call waiting to be made. */
struct db_notify_call {
    char *id;                  /* uuid */
    int version;
    int64_t customer_id;
    char *customer;            /* name */
    char *account_no;
    char *phone;               /* E.164, "" when there is none */
    char *flags;               /* vulnerability codes and "priority services", ", "-separated; "" */
    bool priority;             /* priority services or vulnerable: called first */
    char *reason;              /* non_digital, no_address, failed */
    char *detail;              /* why the delivery failed, "" */
    char *event_title;
    char *subject;             /* the message's subject line */
    char *message;             /* what to tell the customer */
    char *queued_text;         /* when it joined the list: "HH24:MI" today, else "DD Mon" */
    int no_answers;
    char *taken_by;            /* the agent who took it, "" */
    bool taken_by_me;
    bool taken_by_other;       /* someone else has it now (their take has not lapsed) */
};
/* Calls due now (struct db_notify_call), priority first then oldest,
 * at most 500; waiting_later gets how many come back later (no answer). */
typedef void (*db_notify_calls_fn)(void *ctx, struct db_rows *rows, long long due, long long later,
                                   const char *err);
unsigned db_notify_calls_load(struct db_conn *c, db_notify_calls_fn done, void *ctx);
/* Take a call seen at version: done gets the new version, or 0 when it is
 * another agent's, worked or changed (the list is then out of date). */
unsigned db_notify_call_take(struct db_conn *c, const char *id, int version,
                             void (*done)(void *ctx, int version, const char *err), void *ctx);
enum db_notify_call_outcome { DB_CALL_REACHED, DB_CALL_NO_ANSWER, DB_CALL_LEFT_MESSAGE };
const char *db_notify_call_outcome_name(enum db_notify_call_outcome o);   /* "reached", ... */
/* Record a taken call's outcome as an outbound contact with the id
 * contact_id (made once by the caller: a retry records one contact).
 * done gets "done" (it left the list), "again" (no answer: back later) or
 * "stale" (not taken by this agent at that version any more). */
unsigned db_notify_call_record(struct db_conn *c, const char *id, int version, enum db_notify_call_outcome o,
                               const char *note, const char *contact_id,
                               void (*done)(void *ctx, const char *result, const char *err), void *ctx);

/* Every decoded statement of this module with parameters that run it on
 * the demo data (tests/db/statements.c). */
const struct db_statement *db_notify_statements(int *n);

#endif
