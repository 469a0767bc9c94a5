/* complaint.h — complaint intake: the choices the form offers, the deadlines that will apply, and an idempotent save. */
#ifndef CARELINE_COMPLAINT_H
#define CARELINE_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/customer.h"
#include "careline/db.h"

/* Everything the intake form needs, in one round trip. */
enum db_intake_part { IN_CATEGORIES, IN_CUSTOMER, IN_OPEN, IN_EVENT_OPEN, IN__COUNT };
/* Leaf categories: the event's category first, then the most frequent of the last 30 days. */
enum { IC_ID, IC_CODE, IC_NAME, IC_RECENT, IC_EVENT_ID };
enum { IU_NAME, IU_ACCOUNT, IU_CHANNEL, IU_NON_DIGITAL, IU_PREMISE, IU_FLAGS };
/* The customer's open complaints (possible duplicates). */
enum { IO_ID, IO_REFERENCE, IO_CATEGORY_ID, IO_CATEGORY, IO_STATUS, IO_OPENED, IO_EVENT_ID };
/* Every active event over the customer's premises, newest first, with its
 * words to read out, and the open complaints of other customers linked to it. */
enum { IE_EVENT_ID, IE_COUNT, IE_REFERENCES, IE_TITLE, IE_MESSAGE, IE_RESTORE };

struct db_intake {
    struct db_table part[IN__COUNT];
    char *error;
};
unsigned db_intake_load(struct db_conn *c, long long customer_id, void (*done)(void *ctx, struct db_intake *in),
                        void *ctx);
void db_intake_free(struct db_intake *in);

/* The deadlines a category would get now, as text for the form
 * ("Tue 24 Nov 12:00"), and a guaranteed payment if one is at stake. */
struct db_deadlines {
    char *ack, *response, *resolution;   /* "" when no standard sets it */
    char *compensation;                  /* e.g. "40.00", "" when none */
    char *error;
};
/* Newest request wins (slot "deadlines"). */
unsigned db_deadlines_load(struct db_conn *c, long long customer_id, long long category_id,
                           void (*done)(void *ctx, struct db_deadlines *d), void *ctx);
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

/* INSERT .. ON CONFLICT (id) DO NOTHING: saving the same draft twice
 * (a retry after a lost connection, a restored journal) leaves one
 * complaint. done gets its reference, or err. The request waits for the
 * connection when offline (it is kept in the journal meanwhile). */
unsigned db_complaint_save(struct db_conn *c, const struct db_complaint_draft *d,
                           void (*done)(void *ctx, const char *reference, const char *err), void *ctx);

/* Add this call to an open complaint (a 'contact' history row keyed by
 * the call's own UUID, so a retry adds it once). */
unsigned db_complaint_add_contact(struct db_conn *c, const char *complaint_id, const char *id, const char *channel,
                                  const char *text, void (*done)(void *ctx, const char *err), void *ctx);

/* ---- one complaint: detail, history, lifecycle -------------------------- */

enum db_cd_part { CD_COMPLAINT, CD_HISTORY, CD_ROOT_CAUSES, CD_ME, CD_FOLLOW_UPS, CD__COUNT };
enum { CD_ID, CD_REFERENCE, CD_CUSTOMER, CD_ACCOUNT, CD_CATEGORY, CD_STATUS, CD_STATUS_REASON, CD_SEVERITY,
       CD_CHANNEL, CD_OPENED, CD_OWNER, CD_ACK_DUE, CD_ACK_AT, CD_ACK_LEFT, CD_RESP_DUE, CD_RESP_AT, CD_RESP_LEFT,
       CD_RES_DUE, CD_RES_AT, CD_RES_LEFT, CD_ROOT_CAUSE, CD_RESOLUTION, CD_DESCRIPTION, CD_VERSION,
       CD_MERGED_INTO, CD_PREFERENCE, CD_CALLBACK, CD_EVENT, CD_SLA, CD_CUSTOMER_ID, CD_OPEN_FOLLOW_UPS,
       CD_COMPENSATION, CD_UPDATED };
enum { CH_AT, CH_WHO, CH_KIND, CH_FROM, CH_TO, CH_NOTE, CH_ID };
/* The complaint's open follow-ups, soonest first: any may be recorded now. */
enum { CFU_ID, CFU_VERSION, CFU_WHAT, CFU_DUE, CFU_CHANNEL };
enum { CR_ID, CR_NAME };
enum { ME_ROLE, ME_NAME };

struct db_complaint_detail {
    struct db_table part[CD__COUNT];
    char *error;
};
unsigned db_complaint_load(struct db_conn *c, const char *complaint_id,
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

#endif
