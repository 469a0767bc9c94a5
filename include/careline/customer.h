/* customer.h — everything about one customer for the unified view, fetched in one round trip as typed records, and the rules agents read off it. */
#ifndef CARELINE_CUSTOMER_H
#define CARELINE_CUSTOMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/lifecycle.h"
#include "careline/record.h"

/* The parts of the view, one statement each, sent together. */
enum db_cv_part {
    CV_HEADER, CV_EVENTS, CV_PREMISES, CV_USAGE, CV_BILLS, CV_PAYMENTS, CV_ARRANGEMENTS, CV_BALANCE,
    CV_CONTACTS, CV_CONTACT_COUNT, CV_COMPLAINTS, CV_PROGRAMMES, CV_FOLLOWUPS, CV_AUDIT,
    CV__COUNT
};

/* ---- the records, one per part -------------------------------------------
 * Dates and times are text the database formats for people, in the
 * utility's zone ("03 Sep 2026"); money is pence. Each part's rows are
 * decoded by column name (record.h), so a statement changed without its
 * record fails loudly. */

struct db_cv_header {
    int64_t id;
    char *account_no, *name, *segment, *language, *preferred_channel;
    char *phone, *email;             /* "" when none */
    int64_t balance, arrears;        /* pence; arrears as of today */
    char *vulnerability;             /* codes, ", " between them; "" none */
    bool priority_services, non_digital, key_account;
    bool arrangement;                /* an active payment arrangement */
    bool complaint_overdue;          /* an open complaint past a deadline */
    char *repeat_subject;            /* contacted about it twice in 7 days; "" none */
    int version;
    char *first_name, *customer_type;
};
/* An active critical event over one of the customer's premises, newest first. */
struct db_cv_event {
    char *id, *kind, *title;
    char *started, *restore;         /* "Mon 30 Nov 21:11"; restore "not yet known" */
    char *updated;                   /* "HH:MM": when it last changed */
    char *message;                   /* the words to read out */
    char *premises;                  /* the addresses affected, "; " between them */
};
/* One current premise and one of its meters (a row per meter). */
struct db_cv_premise {
    int64_t id;
    char *address, *postcode, *zone, *premise_type;
    char *serial, *meter_type, *meter_status;   /* "" when no meter */
    char *role, *since;
};
/* One month of the 24 up to the latest read. */
struct db_cv_usage {
    char *month;                     /* "2026-11" */
    bool m3_null, last_year_null, similar_m3_null, night_flow_null;   /* no read, no benchmark */
    double m3, last_year, similar_m3;   /* similar_m3: the average of similar premises */
    char *read_type;                 /* the worst read of the month: a, s, c, e; "" none */
    double night_flow;               /* litres/hour, smart meters */
};
struct db_cv_bill {
    int64_t id;
    char *issued, *period;
    int64_t amount;                  /* pence */
    char *due, *status;              /* status as of today: issued, overdue, paid, ... */
    bool estimated;
    char *period_start, *period_end; /* "2026-07" */
};
struct db_cv_payment {
    char *paid;
    int64_t amount;
    char *method;
};
struct db_cv_arrangement {
    char *start_on, *end_on;         /* end_on "open" */
    int64_t instalment;
    char *frequency, *status;
    int64_t total;
    bool total_null;
};
/* The balance at the end of each of the last 24 months, a row each,
 * oldest first up to this month. */
struct db_cv_balance {
    int64_t balance;
};
/* A contact as the timeline lists it; its whole text (which may be a long
 * e-mail) is fetched when it is opened: db_customer_contact_body(). */
struct db_cv_contact {
    char *id, *started, *channel;
    char *agent, *wrap_up, *summary;   /* "" when none */
};
/* The rest of a contact, fetched when it is opened. */
struct db_cv_contact_more {
    char *body, *direction, *subject;   /* body, subject "" when none */
};
struct db_cv_contact_count {
    int64_t count;
};
struct db_cv_complaint {
    char *id;
    bool ack_met, response_met, resolution_met;   /* no time left counted: met */
    char *reference, *category, *status, *opened, *severity;
    int64_t ack_left, response_left, resolution_left;   /* seconds; negative: overdue */
    bool acknowledged, responded, done, paused;
    char *root_cause, *description, *resolution;
    /* Filled by the loader from the above (db_deadline_state_of): the screen
     * colours these, never its own words. */
    enum db_deadline_state ack_state, resolution_state;
};
struct db_cv_programme {
    char *name, *kind, *status, *enrolled;
    int64_t rebate;
    bool rebate_null;
    char *ended, *description;
};
struct db_cv_follow_up {
    char *due, *channel, *what;
    bool overdue;
};

/* Contacts fetched at a time: the timeline's rows at 80x24 and the next
 * page, the rest as the agent scrolls (a far database pays per row). */
#define DB_CV_CONTACT_PAGE 25

struct db_customer_view {
    /* Part p decoded with its record above (CV_AUDIT writes, has none):
     * header has 0 or 1 row, contact_count 1. */
    struct db_rows part[CV__COUNT];
    bool got[CV__COUNT];  /* the parts this answer carries (a refresh asks for some) */
    char *error;          /* NULL on success: the database's or the decoder's sentence */
    double ms;            /* from sending to the result */
    int contacts_offset;  /* first contact row held */
};

/* Typed rows of a view: NULL past the end. */
#define DB_CV_ROW(v, p, type, i) \
    ((i) >= 0 && (i) < (v)->part[p].n ? DB_ROW(&(v)->part[p], const type, i) : (const type *)NULL)
#define DB_CV_HEADER(v) DB_CV_ROW(v, CV_HEADER, struct db_cv_header, 0)

/* The name of a part ("header", "bills"), as `careline view` prints it. */
const char *db_cv_part_name(enum db_cv_part p);
/* The statements an open sends, i from 0 (NULL past the last), and each
 * one's parameter count ($1 the customer id, $2 the contacts' offset, $3
 * their page): for the bench to send the same with libpq alone. */
const char *db_cv_open_sql(int i, int *nparams);

/* Fetch the whole view of customer_id in one round trip (pipeline), also
 * writing the audit row "customer.open". done gets a view the callee owns
 * (db_customer_view_free, then free). ctx is the owner for db_forget_owner. */
/* The rest of one contact of the timeline (its id): done gets it (valid
 * during the call) or err, a sentence. One statement, one round trip; ctx
 * is also the request's owner. */
unsigned db_customer_contact_body(struct db_conn *c, const char *contact_id,
                                  void (*done)(void *ctx, const struct db_cv_contact_more *more, const char *err),
                                  void *ctx);
/* The view's statements prepared ahead of the first open of a session
 * (db_prepare_ahead): on a far database the text is most of the bytes. */
void db_customer_prepare(struct db_conn *c);
unsigned db_customer_open(struct db_conn *c, long long customer_id,
                          void (*done)(void *ctx, struct db_customer_view *v), void *ctx);
/* Fetch only the parts given (e.g. the event banner after a NOTIFY, or
 * contacts from an offset), in one round trip; parts not asked for are
 * empty in the result and not in got[]. */
unsigned db_customer_refresh(struct db_conn *c, long long customer_id, const enum db_cv_part *parts, int n,
                             int contacts_offset, void (*done)(void *ctx, struct db_customer_view *v), void *ctx);
/* The same, waiting (tests, bench). Returns 0 or -1 with v->error set. */
int db_customer_open_sync(struct db_conn *c, long long customer_id, struct db_customer_view *v);
/* Parts of the view read right behind a write, in its round trip (a contact
 * saved from the view, db_outbox_reply.follow): fills f; the first page
 * of contacts. done gets the parts once the write is stored; ctx is not
 * an owner here (the write's reply owns the request). */
struct db_outbox_follow;
void db_customer_follow(struct db_outbox_follow *f, long long customer_id, const enum db_cv_part *parts, int n,
                        void (*done)(void *ctx, struct db_customer_view *v), void *ctx);
/* The customer with that account number, synchronously: 1 with *id set, 0
 * when there is none, -1 with db_error() set when the query failed. */
int db_customer_find_account(struct db_conn *c, const char *account_no, long long *id);
/* Move the parts `from` carries into `into`, replacing them there; from is
 * left empty (still to be freed). */
void db_customer_view_merge(struct db_customer_view *into, struct db_customer_view *from);
void db_customer_view_free(struct db_customer_view *v);

/* Every statement of the view, with parameters that run it on the seeded
 * demo data, for the database test that runs each against the schema and
 * decodes it (tests/db/statements.c). Sets *n. */
const struct db_statement *db_customer_statements(int *n);

/* ---- rules on the data (pure, unit-tested) --------------------------- */

struct db_usage_month {
    double m3;          /* NAN when no read that month */
    char read_type;     /* 'a' actual, 's' smart, 'c' customer, 'e' estimated, 0 none */
    double night_flow;  /* litres/hour, NAN when not a smart meter */
};
/* Night flow from this many litres an hour, every night, means a leak. */
#define DB_USAGE_NIGHT_LEAK 0.5

/* The view's usage months (oldest first) as the rules take them, at most
 * max. Returns the count. */
int db_cv_usage_months(const struct db_customer_view *v, struct db_usage_month *out, int max);

enum db_usage_flag {
    USAGE_OK = 0,
    USAGE_LEAK_JUMP = 1,        /* sustained jump over the customer's own baseline */
    USAGE_LEAK_NIGHT = 2,       /* continuous night flow on a smart meter */
    USAGE_CATCH_UP = 4          /* an actual read after estimates: a catch-up bill */
};

/* Look at months (oldest first) and say what an agent should know: the
 * flags found and one sentence with the reason in reason (may be NULL). */
int db_usage_flags(const struct db_usage_month *m, int n, char *reason, size_t len);

/* The bill behind a "why is my bill so high?" call: among the newest six
 * (bills newest first), the newest well above the average of up to four
 * bills before it (30% and at least 10.00 more). Returns its index, or -1
 * with reason "". reason: "153% above the 4 bills before (123.60 on
 * average); estimated". */
int db_high_bill(const struct db_cv_bill *bills, int n, char *reason, size_t len);

#endif
