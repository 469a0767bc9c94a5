/* queue.h — the supervisor's queue and "My work": open complaints by time left against their standard, take/assign/escalate, and the rules the screen asks. */
#ifndef CARELINE_QUEUE_H
#define CARELINE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "careline/db.h"
#include "careline/lifecycle.h"
#include "careline/record.h"

/* ---- records -------------------------------------------------------------- */

/* One open complaint. Times are text the database formats in the
 * utility's zone; the deadline is the next one not yet met (acknowledge,
 * first reply, resolution). */
struct db_queue_row {
    char *id;
    bool no_deadline;            /* no standard sets any deadline still to meet */
    char *reference;
    int version;                 /* what a change must name (optimistic locking) */
    char *customer, *account_no;
    char *category;              /* "Parent / Leaf" */
    char *status;                /* as stored: "waiting_customer" */
    char *channel, *severity;
    char *owner;                 /* display name, "" when unassigned */
    int64_t owner_id;            /* 0 when unassigned */
    char *team;                  /* "" when none */
    char *event;                 /* the linked event's title, "" none */
    char *deadline;              /* "acknowledge", "first reply", "resolution", "" none */
    char *due_text;              /* "Tue 24 Nov 14:30", "" none */
    int64_t due_epoch;           /* the deadline, server clock */
    int64_t left_s;              /* seconds to it when loaded; frozen while paused */
    int64_t window_s;            /* the time the standard allowed for it, pauses left out */
    bool paused;                 /* waiting on the customer: the clock is stopped */
    char *opened;                /* "24 Nov 09:12" */
    int64_t total;               /* rows matching, before the limit */
    int64_t now_epoch;           /* the server's clock when it answered */
    /* Not from a column: the server's clock minus this machine's when
     * the row arrived, so time left is counted on without asking again. */
    int64_t clock_offset;
};

/* Who is looking. */
struct db_queue_me {
    int64_t staff_id;            /* 0: not a staff member */
    char *name;
    char *role;                  /* agent, supervisor, field, admin */
    char *teams;                 /* the teams whose queue they see: "Billing, Operations", "" none */
};

/* Something to filter by or assign to. kind: "team" (key = its name),
 * "staff" (key = staff id; detail "Billing, agent, 4 open"), "category"
 * (key = id), "event" (key = uuid). */
struct db_queue_choice {
    char *kind, *key, *label, *detail;
};

/* What the list shows. Text fields hold keys as the choices give them. */
struct db_queue_filter {
    bool mine;                   /* only what is assigned to the person looking ("My work") */
    char team[64];               /* "" the person's teams (and complaints with no team), "*" every team,
                                    "-" no team yet, else a team */
    char owner[16];              /* "" anyone, "-" nobody yet, else a staff id */
    char category[16];           /* "" any, else a category id: it and everything under it */
    char status[24];             /* "" any open status */
    char channel[16];            /* "" any */
    char event[40];              /* "" any, else an event id */
};

struct db_queue {
    struct db_rows me;           /* struct db_queue_me: 1 row */
    struct db_rows rows;         /* struct db_queue_row, most urgent first */
    struct db_rows choices;      /* struct db_queue_choice: empty unless asked for */
    char *error;                 /* the database's or the decoder's sentence; the rest is empty */
};
void db_queue_free(struct db_queue *q);

/* ---- reads and writes ------------------------------------------------------- */

/* The list (at most limit rows) and who is looking, with the choices when
 * asked, in one round trip. done owns q. */
unsigned db_queue_load(struct db_conn *c, const struct db_queue_filter *f, int limit, bool with_choices,
                       void (*done)(void *ctx, struct db_queue *q), void *ctx);
/* The rows among ids that the filter still shows, as they are now (a
 * complaint that left the list comes back absent). done may keep *rows by
 * moving it out; err is a sentence, rows then empty. */
unsigned db_queue_refresh(struct db_conn *c, const struct db_queue_filter *f, const char *const *ids, int nids,
                          void (*done)(void *ctx, struct db_rows *rows, const char *err), void *ctx);

/* Take (owner = the person looking), assign or reassign to a staff member
 * (owner > 0; the complaint joins their team) or to a team (owner 0,
 * team named). conflict: someone changed the complaint since `version`,
 * nothing written. A retry of one that was saved reports success. */
unsigned db_queue_assign(struct db_conn *c, const char *id, int version, long long owner, const char *team,
                         void (*done)(void *ctx, bool conflict, const char *err), void *ctx);
/* Severity one step up, the reason in the history under request (a
 * client-made UUID: a retry adds it once). */
unsigned db_queue_escalate(struct db_conn *c, const char *id, int version, const char *request,
                           const char *reason, void (*done)(void *ctx, bool conflict, const char *err), void *ctx);

/* A deep copy of a row (dst owns its text), and freeing one. */
void db_queue_row_copy(struct db_queue_row *dst, const struct db_queue_row *src);
void db_queue_row_clear(struct db_queue_row *r);

/* The complaint id a careline_queue notification names (its "id"), into
 * out; false when the payload has none that looks like a UUID. */
bool db_queue_notice_id(const char *payload, char out[37]);

/* The statements decoded into records, with parameters that run on the
 * demo data (tests/db/statements.c). */
const struct db_statement *db_queue_statements(int *n);

/* ---- rules (pure) ----------------------------------------------------------- */

/* Where a complaint stands against its deadline. */
enum db_queue_sla {
    DB_QUEUE_NO_DEADLINE,
    DB_QUEUE_ON_TIME,
    DB_QUEUE_AT_RISK,            /* less than at_risk_percent of the allowed time left */
    DB_QUEUE_BREACHED,           /* past the deadline (also when paused after it passed) */
    DB_QUEUE_PAUSED,             /* waiting on the customer before the deadline */
};
/* The state at local_now (this machine's clock), and the seconds left
 * then in *left (negative when overdue; may be NULL). */
enum db_queue_sla db_queue_sla(const struct db_queue_row *r, time_t local_now, int at_risk_percent, int64_t *left);
/* A word that reads without colour: "BREACHED", "AT RISK", "paused", "on time", "no deadline". */
const char *db_queue_sla_word(enum db_queue_sla s);

/* The one order of the list (the SQL's too): running clocks before paused
 * ones, then the earliest deadline (for a paused one, the least time
 * left), complaints with no deadline last, then by reference. */
int db_queue_compare(const struct db_queue_row *a, const struct db_queue_row *b);

/* Put rows fetched again into list (both struct db_queue_row): each id of
 * ids is removed from list, and its fresh row (if fresh has one) inserted
 * where the order puts it; fresh is emptied (its records moved). Returns
 * the index in the new list of the complaint `keep` (an id; NULL or gone:
 * -1). */
int db_queue_merge(struct db_rows *list, struct db_rows *fresh, const char *const *ids, int nids, const char *keep);
/* Index of the complaint with this id, -1 when absent. */
int db_queue_find(const struct db_rows *list, const char *id);

/* What the list offers. */
enum db_queue_action { DB_QUEUE_TAKE, DB_QUEUE_ASSIGN, DB_QUEUE_ESCALATE };
/* True when the database would accept the action on r from role with
 * staff id me; else a sentence in why (may be NULL) saying why and what to
 * do instead. */
bool db_queue_allowed(enum db_queue_action a, enum db_lifecycle_role role, long long me,
                      const struct db_queue_row *r, char *why, size_t len);
/* The severity escalating moves to, NULL from critical (or unknown). */
const char *db_queue_next_severity(const char *severity);

/* What differs between two loads of one complaint that the list shows:
 * "owner: unassigned -> Amy Agent; status: new -> acknowledged". Heap
 * string, "" when nothing shown differs. */
char *db_queue_changes(const struct db_queue_row *before, const struct db_queue_row *after);

/* ---- filters (pure) ---------------------------------------------------------------- */

enum db_queue_filter_kind { DB_QF_TEAM, DB_QF_AGENT, DB_QF_CATEGORY, DB_QF_STATUS, DB_QF_CHANNEL, DB_QF_EVENT,
                            DB_QF__COUNT };
/* A value one filter may take. The text points into the choices or into
 * constant strings: valid while the choices are. */
struct db_queue_option {
    const char *key, *label, *detail;
};
/* "Team", "Agent", ... */
const char *db_queue_filter_name(enum db_queue_filter_kind kind);
/* The values of a filter, "any" first (for the team: the person's teams,
 * every team, none yet; teams is the person's teams in words). Writes at
 * most max and returns how many. */
int db_queue_filter_options(enum db_queue_filter_kind kind, const struct db_rows *choices, const char *teams,
                            struct db_queue_option *out, int max);
/* The words for a filter's value now ("Your teams", "Amy Agent", "Any"):
 * from its options, else the key itself. */
const char *db_queue_filter_shown(const struct db_queue_filter *f, enum db_queue_filter_kind kind,
                                  const struct db_rows *choices, const char *teams);
/* A filter's key now, and setting it (false, nothing changed, for an
 * unknown kind or a key too long to be one). */
const char *db_queue_filter_get(const struct db_queue_filter *f, enum db_queue_filter_kind kind);
bool db_queue_filter_set(struct db_queue_filter *f, enum db_queue_filter_kind kind, const char *key);

/* The filter in words for the line above the list, labels from choices:
 * "team Billing; agent Amy Agent; status new". Heap string, "" when the
 * filter is the default (scope aside). */
char *db_queue_filter_text(const struct db_queue_filter *f, const struct db_rows *choices);
/* The label of a choice, or NULL. */
const char *db_queue_choice_label(const struct db_rows *choices, const char *kind, const char *key);

#endif
